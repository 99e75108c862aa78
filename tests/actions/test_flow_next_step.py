"""`action_next_step` as a dispatcher: the opening line, the stages in order (what one sets, the
next one reads), a backend that does not answer, and the end of the dialogue."""

from __future__ import annotations

import pytest

from actions.backend_client import BackendUnavailable, Contact, IdentityOk
from tests.actions.flow_fakes import CODE, VALID_NIR, flow_tracker, install_backend, run_action

UNAVAILABLE = (
    "Le service Mon espace santé ne répond pas pour le moment. Vos réponses sont gardées : "
    "écrivez CONTINUER dans quelques minutes, ou CONSEILLER pour parler à quelqu'un."
)


def test_the_first_turn_welcomes_and_asks_for_the_identity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_backend(monkeypatch)
    events, messages = run_action(flow_tracker(intent="greet"))
    assert [m.get("response") for m in messages] == ["utter_welcome"]
    assert events == [("flow_step", "identity")]


def test_a_first_message_with_a_value_is_not_welcomed(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch)
    for intent in ("inform", "no_code"):
        events, messages = run_action(flow_tracker(intent=intent))
        assert messages == [] and events == [("flow_step", "identity")]


@pytest.mark.parametrize(
    ("step", "reason", "said"),
    [
        ("paused", None, ["Reprenons."]),
        ("handoff", "card_locked", ["Reprenons."]),
        ("identity", None, []),
    ],
)
def test_coming_back_after_a_pause_says_so(
    monkeypatch: pytest.MonkeyPatch, step: str, reason: str | None, said: list[str]
) -> None:
    install_backend(monkeypatch)
    _, messages = run_action(flow_tracker(intent="continue", flow_step=step, handoff_reason=reason))
    assert [m.get("text") for m in messages] == said


def test_after_a_lockout_it_does_not_say_reprenons(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch)
    events, messages = run_action(flow_tracker(flow_step="handoff", handoff_reason="locked"))
    assert [m.get("response") for m in messages] == ["utter_identity_still_locked", None]
    assert messages[0]["text"].startswith("Pour votre sécurité")
    assert messages[0]["custom"] == {"handoff": "locked"}
    assert messages[1]["custom"] == {"step": "handoff"}  # no question follows: the step is said
    assert events == [("flow_step", "handoff")]


def test_one_stage_feeds_the_next_within_a_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(
        monkeypatch, check_identity=IdentityOk("act-1", "JEANNE", "pending"), check_card=None
    )
    t = flow_tracker(provisional_code=CODE, nir=VALID_NIR, card_type="vitale", card_serial="1234")
    events, messages = run_action(t)
    assert [m["text"] for m in messages] == ["Merci Jeanne, votre identité est vérifiée."]
    names = [name for name, _ in events]
    assert names == ["activation_ref", "first_name", "card_verified", "flow_step"]
    assert events[-1] == ("flow_step", "decision")
    # The card check used the activation the identity stage had just opened.
    assert fake.calls[1] == ("check_card", ("act-1", "vitale", "1234"))


def test_a_backend_that_does_not_answer_pauses_and_keeps_what_was_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_backend(
        monkeypatch,
        check_identity=IdentityOk("act-1", "", "pending"),
        check_card=BackendUnavailable("timeout"),
    )
    t = flow_tracker(provisional_code=CODE, nir=VALID_NIR, card_type="vitale", card_serial="1234")
    events, messages = run_action(t)
    assert [m["text"] for m in messages] == [
        "Merci, votre identité est vérifiée.",
        UNAVAILABLE,
        None,
    ]
    assert [m["response"] for m in messages] == [
        "utter_identity_verified_unnamed",
        "utter_service_unavailable",
        None,
    ]
    assert messages[-1]["custom"] == {"step": "paused"}
    assert [name for name, _ in events] == ["activation_ref", "first_name", "flow_step"]
    assert events[-1] == ("flow_step", "paused")


def test_everything_done_says_how_to_log_in(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch, contact=Contact(None, None))
    done = {
        "flow_step": "credentials",
        "activation_ref": "act-1",
        "card_verified": True,
        "decision_recorded": "activate",
        "contact_confirmed": "confirmed",
        "account_created": True,
        "identifier": "jeanne.martin",
    }
    events, messages = run_action(flow_tracker(**done))
    assert [m["text"] for m in messages] == [
        "Mon espace santé a bien été activé ! Pour vous connecter sur monespacesante.fr : votre "
        "identifiant jeanne.martin, votre mot de passe, puis le code à usage unique reçu par SMS "
        "ou e-mail (valable 15 minutes).",
        None,
    ]
    assert messages[0]["response"] == "utter_activation_done"
    assert messages[0]["identifier"] == "jeanne.martin"
    assert messages[1]["custom"] == {"step": "done"}
    assert events == [("flow_step", "done")]
    assert fake.calls == []
