"""Card stage: its table, on a scripted backend."""

from __future__ import annotations

import pytest

from actions.flow import card
from tests.actions.flow_fakes import events_of, flow_tracker, install_backend, refusal, run_stage

KNOWN = {"activation_ref": "act-1", "card_type": "vitale", "card_serial": "12345678"}


def test_a_matching_card_is_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch, check_card=None)
    step, texts = run_stage(card.stage, flow_tracker(**KNOWN))
    assert (events_of(step), step.route, texts) == ([("card_verified", True)], None, [])
    assert fake.calls == [("check_card", ("act-1", "vitale", "12345678"))]


def test_a_wrong_serial_is_emptied_alone_with_the_tries_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_backend(monkeypatch, check_card=refusal("card_mismatch", attempts_left=2))
    step, texts = run_stage(card.stage, flow_tracker(**KNOWN))
    assert texts == [
        "Ce numéro de série ne correspond pas à votre carte Vitale. Vérifiez le type de carte "
        "et le numéro. Il vous reste 2 essais."
    ]
    assert (events_of(step), step.route) == ([("card_serial", None)], "card")


def test_without_a_count_the_sentence_ends_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, check_card=refusal("card_mismatch"))
    _, texts = run_stage(card.stage, flow_tracker(**KNOWN))
    assert texts[0].endswith("Vérifiez le type de carte et le numéro.")


def test_a_locked_card_hands_over(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, check_card=refusal("card_locked", 423))
    step, texts = run_stage(card.stage, flow_tracker(**KNOWN))
    assert texts[0].startswith("Le numéro de série a été refusé trop de fois.")
    assert (events_of(step), step.route) == ([("handoff_reason", "card_locked")], "handoff")


@pytest.mark.parametrize("code", ["activation_not_found", "activation_expired"])
def test_a_forgotten_activation_identifies_again(
    monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    install_backend(monkeypatch, check_card=refusal(code, 404))
    step, texts = run_stage(card.stage, flow_tracker(**KNOWN))
    assert texts == ["Pour votre sécurité, votre session a expiré. Reprenons l'identification."]
    assert events_of(step) == [("activation_ref", None), ("card_verified", None)]
    assert step.route == "identity"


def test_missing_card_details_ask_for_them_and_a_verified_card_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(monkeypatch)
    step, _ = run_stage(card.stage, flow_tracker(activation_ref="act-1", card_type="vitale"))
    assert (step.events, step.route) == ([], "card")
    step, _ = run_stage(card.stage, flow_tracker(card_verified=True))
    assert (step.events, step.route) == ([], None)
    assert fake.calls == []
