"""Identity stage (path A): its preconditions and its table, on a scripted backend."""

from __future__ import annotations

import pytest

from actions.backend_client import IdentityOk
from actions.flow import identity
from actions.runtime import runtime
from bot.vault import REF_PATTERN
from tests.actions.flow_fakes import (
    CODE,
    VALID_NIR,
    events_of,
    flow_tracker,
    install_backend,
    refusal,
    revealed,
    run_stage,
)


def test_a_verified_identity_keeps_the_activation_in_the_vault(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(monkeypatch, check_identity=IdentityOk("act-1", "JEANNE", "pending"))
    t = flow_tracker(provisional_code=CODE, nir=VALID_NIR)
    step, texts = run_stage(identity.stage, t)
    assert texts == ["Merci Jeanne, votre identité est vérifiée."]
    assert step.route is None  # the card stage runs next
    (ref_name, ref), first_name = events_of(step)
    assert ref_name == "activation_ref" and REF_PATTERN.fullmatch(ref)
    assert revealed(ref, t) == "act-1"
    assert first_name == ("first_name", "JEANNE")
    assert fake.calls == [("check_identity", (VALID_NIR, CODE))]


def test_without_a_first_name_it_says_merci(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, check_identity=IdentityOk("act-1", "", "pending"))
    _, texts = run_stage(identity.stage, flow_tracker(provisional_code=CODE, nir=VALID_NIR))
    assert texts == ["Merci, votre identité est vérifiée."]


@pytest.mark.parametrize(
    ("code", "start", "events", "route"),
    [
        (
            "identity_mismatch",
            "Le code provisoire ou le numéro de sécurité sociale ne correspond pas.",
            [("provisional_code", None)],
            "identity",
        ),
        (
            "identity_locked",
            "Pour votre sécurité, l'identification est bloquée après trop d'essais.",
            [("handoff_reason", "locked")],
            "handoff",
        ),
        (
            "code_expired",
            "Votre code provisoire a expiré (il est valable 6 semaines).",
            [("provisional_code", None)],
            "paused",
        ),
        ("already_activated", "Votre espace Mon espace santé est déjà activé.", [], "done"),
        (
            "insured_deceased",
            "Votre espace ne peut pas être activé ici.",
            [("handoff_reason", "insured_deceased")],
            "paused",
        ),
    ],
)
def test_each_refusal_has_its_answer_its_slots_and_its_screen(
    monkeypatch: pytest.MonkeyPatch, code: str, start: str, events: list, route: str
) -> None:
    install_backend(monkeypatch, check_identity=refusal(code))
    step, texts = run_stage(identity.stage, flow_tracker(provisional_code=CODE, nir=VALID_NIR))
    assert len(texts) == 1 and texts[0].startswith(start)
    assert events_of(step) == events
    assert step.route == route


def test_the_locked_answer_gives_the_hours_and_the_repeat_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_backend(monkeypatch, check_identity=refusal("identity_locked", 423))
    _, first = run_stage(identity.stage, flow_tracker(provisional_code=CODE, nir=VALID_NIR))
    assert first[0].endswith("appeler le 34 22 (lun-ven 8h30-17h).")
    fake = install_backend(monkeypatch)
    step, again = run_stage(identity.stage, flow_tracker(handoff_reason="locked"))
    assert again[0].endswith("appeler le 34 22.")
    assert (events_of(step), step.route, fake.calls) == ([], "handoff", [])


def test_an_identified_conversation_goes_on_without_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch)
    step, texts = run_stage(identity.stage, flow_tracker(activation_ref="act-1"))
    assert (step.route, step.events, texts, fake.calls) == (None, [], [], [])


def test_a_value_whose_vault_entry_expired_is_asked_again_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(monkeypatch)
    t = flow_tracker(provisional_code=CODE, nir="secretnir0123456789abcdef")
    step, texts = run_stage(identity.stage, t)
    assert (events_of(step), step.route, texts) == ([("nir", None)], "identity", [])
    step, _ = run_stage(identity.stage, flow_tracker(nir=VALID_NIR))
    assert (events_of(step), step.route) == ([], "identity")
    assert fake.calls == []


def test_repeated_mismatches_lock_the_conversation_before_the_backend_is_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in runtime().blocking_redis.keys("throttle:idcheck:*"):
        runtime().blocking_redis.delete(key)
    fake = install_backend(monkeypatch, check_identity=refusal("identity_mismatch", 401))
    t = flow_tracker(provisional_code=CODE, nir=VALID_NIR)
    for _ in range(5):
        step, _ = run_stage(identity.stage, t)
        assert step.route == "identity"
    step, texts = run_stage(identity.stage, t)
    assert (events_of(step), step.route) == ([("handoff_reason", "locked")], "handoff")
    assert len(fake.calls) == 5  # the sixth try never reached the backend
