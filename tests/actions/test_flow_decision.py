"""Decision stage: its table, on a scripted backend."""

from __future__ import annotations

import pytest

from actions.flow import decision
from tests.actions.flow_fakes import events_of, flow_tracker, install_backend, refusal, run_stage

OPPOSED = (
    "Votre opposition à la création de Mon espace santé est enregistrée. Vous pouvez changer "
    "d'avis à tout moment : écrivez ACTIVER."
)


def test_an_activation_with_consent_is_recorded_and_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(monkeypatch, decide="active")
    t = flow_tracker(activation_ref="act-1", decision="activate", consent=True)
    step, texts = run_stage(decision.stage, t)
    assert (events_of(step), step.route, texts) == ([("decision_recorded", "activate")], None, [])
    assert fake.calls == [("decide", ("act-1", "activate", True))]


def test_a_confirmed_opposition_is_recorded_and_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch, decide="opposed")
    t = flow_tracker(activation_ref="act-1", decision="oppose", oppose_confirmed=True)
    step, texts = run_stage(decision.stage, t)
    assert texts == [OPPOSED]
    assert (events_of(step), step.route) == ([("decision_recorded", "oppose")], "done")
    assert fake.calls == [("decide", ("act-1", "oppose", False))]


@pytest.mark.parametrize(
    "slots",
    [
        {"decision": "activate"},  # no consent yet
        {"decision": "oppose"},  # not confirmed yet
        {},
    ],
)
def test_an_unfinished_choice_asks_again_without_a_call(
    monkeypatch: pytest.MonkeyPatch, slots: dict
) -> None:
    fake = install_backend(monkeypatch)
    step, texts = run_stage(decision.stage, flow_tracker(activation_ref="act-1", **slots))
    assert (step.events, step.route, texts, fake.calls) == ([], "decision", [], [])


def test_a_refused_choice_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, decide=refusal("consent_required", 422))
    t = flow_tracker(activation_ref="act-1", decision="activate", consent=True)
    step, texts = run_stage(decision.stage, t)
    assert texts == ["Votre choix n'a pas pu être enregistré. Choisissez à nouveau."]
    assert (events_of(step), step.route) == ([("decision", None)], "decision")


def test_a_forgotten_activation_identifies_again(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, decide=refusal("activation_expired", 410))
    t = flow_tracker(activation_ref="act-1", decision="activate", consent=True)
    step, _ = run_stage(decision.stage, t)
    assert (events_of(step), step.route) == (
        [("activation_ref", None), ("card_verified", None)],
        "identity",
    )


def test_after_an_opposition_activer_reopens_the_choice_and_anything_else_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(monkeypatch)
    recorded = {"decision": "oppose", "oppose_confirmed": True, "decision_recorded": "oppose"}
    step, texts = run_stage(decision.stage, flow_tracker(intent="activate", **recorded))
    assert texts == []
    assert events_of(step) == [
        ("decision", None),
        ("oppose_confirmed", None),
        ("decision_recorded", None),
    ]
    assert step.route == "decision"
    step, texts = run_stage(decision.stage, flow_tracker(intent="greet", **recorded))
    assert (texts, step.events, step.route) == ([OPPOSED], [], "done")
    assert fake.calls == []


def test_a_recorded_activation_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch)
    step, _ = run_stage(decision.stage, flow_tracker(decision_recorded="activate"))
    assert (step.events, step.route) == ([], None)
