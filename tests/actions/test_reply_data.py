"""What the actions' messages tell the webhook besides their words (issues/REPLY_CONTRACT.md):
each question an action asks says which step the next message answers, and each turn that hands
the conversation to the advisors carries a message saying why. Rendered from the domain with
Rasa's generator, on rasa-sdk Trackers with a CollectingDispatcher."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.action_request_advisor import ActionRequestAdvisor
from actions.flow import card, identity, new_code
from actions.validate_card_form import ValidateCardForm
from actions.validate_credentials_form import ValidateCredentialsForm
from actions.validate_identity_form import ValidateIdentityForm
from actions.validate_otp_form import ValidateOtpForm
from tests.actions.flow_fakes import (
    CODE,
    VALID_NIR,
    events_of,
    flow_tracker,
    install_backend,
    refusal,
    run_action,
)
from tests.actions.test_form_validators import DOMAIN, tracker
from tests.support.aio import run_async
from tests.support.rendering import bot_event, rendered

UNSURE_NIR = "un quatre vingt dix huit dix dix huit zéro cinquante sept huit cent soixante douze"


def said(action: Any, t: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The action's events and its messages, rendered as Rasa renders them."""
    dispatcher = CollectingDispatcher()
    events = run_async(action.run(dispatcher, t, DOMAIN))
    return events, rendered(dispatcher.messages, t.slots)


# -- questions ---------------------------------------------------------------------------------
def test_a_reading_to_confirm_says_its_step_and_kind() -> None:
    events, messages = said(ValidateIdentityForm(), tracker(UNSURE_NIR, requested="nir"))
    (question,) = messages
    assert question["response"] in ("utter_confirm_reading", "utter_confirm_reading_choice")
    assert question["custom"]["step"] == "confirm_nir"
    assert question["custom"]["field"] == "nir"
    kind = "yes_no" if question["response"] == "utter_confirm_reading" else "choice"
    assert question["custom"]["kind"] == kind
    assert {"event": "slot", "name": "requested_slot", "value": "confirm_nir"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert VALID_NIR not in question["text"]  # refs, not values: the webhook shows them


def test_two_values_in_one_message_are_a_choice() -> None:
    t = tracker("1 85 05 78 006 084 91 et 2 95 10 99 126 111 93", requested="nir")
    _, messages = said(ValidateIdentityForm(), t)
    (question,) = messages
    assert question["response"] == "utter_confirm_reading_several"
    assert question["custom"] == {"step": "confirm_nir", "field": "nir", "kind": "choice"}
    assert question["choices"] == "1 ou 2"


def test_which_field_to_correct_is_a_choice_at_the_step_asked() -> None:
    filled = dict(card_type="with_photo", card_serial="01024576124")
    t = tracker("je me suis trompé", intent="correct", requested="card_serial", **filled)
    _, messages = said(ValidateCardForm(), t)
    (question,) = messages
    assert question["response"] == "utter_which_field"
    assert question["custom"] == {"step": "card_serial", "field": "card_serial", "kind": "choice"}
    assert question["text"] == (
        "Que voulez-vous corriger ? Répondez 1 pour le type de carte ; "
        "2 pour le numéro de série de la carte."
    )


def test_the_lowercase_suggestion_asks_at_the_identifier_step() -> None:
    t = tracker("Jean.Dupont", requested="identifier")
    _, messages = said(ValidateCredentialsForm(), t)
    assert messages[0]["response"] == "utter_identifier_lowercase"
    assert messages[0]["suggestion"] == "jean.dupont"
    assert messages[0]["custom"]["step"] == "identifier"


# -- handoffs ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("before", "reason"), [(None, "asked"), ("locked", "locked")])
def test_asking_for_an_advisor_says_why(before: str | None, reason: str) -> None:
    events, messages = said(ActionRequestAdvisor(), flow_tracker(handoff_reason=before))
    assert [m["response"] for m in messages] == ["utter_advisor_requested"]
    assert messages[0]["custom"] == {"handoff": reason}
    assert [(e["name"], e["value"]) for e in events] == [("handoff_reason", reason)]


@pytest.mark.parametrize(
    ("answers", "slots", "reason"),
    [
        (
            {"check_identity": refusal("identity_locked", 423)},
            {"provisional_code": CODE, "nir": VALID_NIR},
            "locked",
        ),
        (
            {"check_identity": refusal("person_deceased", 409)},
            {"provisional_code": CODE, "nir": VALID_NIR},
            "person_deceased",
        ),
        ({}, {"handoff_reason": "locked"}, "locked"),
    ],
)
def test_the_identity_stage_hands_over_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, answers: dict[str, Any], slots: dict[str, Any], reason: str
) -> None:
    install_backend(monkeypatch, **answers)
    events, messages = run_action(flow_tracker(flow_step="identity", **slots))
    handoffs = [m["custom"]["handoff"] for m in messages if "handoff" in (m.get("custom") or {})]
    assert handoffs == [reason]
    assert dict(events).get("handoff_reason", slots.get("handoff_reason")) == reason


def test_a_locked_card_hands_over(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, check_card=refusal("card_locked", 423))
    t = flow_tracker(activation_ref=None, card_type="with_photo", card_serial="01024576124")
    dispatcher = CollectingDispatcher()
    step = run_async(card.stage(card.Context(dispatcher, t, dict(t.slots))))
    (message,) = rendered(dispatcher.messages, t.slots)
    assert message["custom"] == {"handoff": "card_locked"}
    assert ("handoff_reason", "card_locked") in events_of(step)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (new_code.REQUEST_REFUSED["no_mobile"], "no_mobile"),
        (new_code.REQUEST_REFUSED["request_locked"], "locked"),
        (new_code.NOT_THEIR_MOBILE, "mobile_not_theirs"),
    ],
)
def test_path_b_hands_over_with_its_reason(row: Any, reason: str) -> None:
    t = flow_tracker()
    dispatcher = CollectingDispatcher()
    step = new_code.apply(new_code.Context(dispatcher, t, dict(t.slots)), row)
    (message,) = rendered(dispatcher.messages, t.slots)
    assert message["custom"] == {"handoff": reason}
    assert step.route == "handoff"


def test_every_row_that_sets_a_handoff_reason_says_it() -> None:
    """The tables themselves: a row that hands over names a response that carries the reason."""
    from actions.flow.base import ERROR_CODE

    rows = [
        *identity.IDENTITY_REFUSED.values(),
        *card.CARD_REFUSED.values(),
        *new_code.REQUEST_REFUSED.values(),
        new_code.NOT_THEIR_MOBILE,
    ]
    handing_over = [row for row in rows if any(name == "handoff_reason" for name, _ in row.sets)]
    assert len(handing_over) >= 5
    for row in handing_over:
        reason = dict(row.sets)["handoff_reason"]
        dispatcher = CollectingDispatcher()
        detail = refusal("some_code") if reason is ERROR_CODE else None
        identity.apply(identity.Context(dispatcher, flow_tracker(), {}), row, detail)
        (message,) = rendered(dispatcher.messages, {})
        assert message["custom"]["handoff"] == ("some_code" if detail else reason)


def test_a_locked_one_time_code_hands_over() -> None:
    from actions.runtime import runtime

    purpose = "confirm_mobile"
    t = tracker("123456", requested="otp_code", otp_purpose=purpose, otp_destination=None)
    codes = runtime().codes
    run_async(codes.issue(purpose, t.sender_id, "+33612345678", None))
    messages: list[dict[str, Any]] = []
    for _ in range(10):
        dispatcher = CollectingDispatcher()
        result = run_async(ValidateOtpForm().validate_otp_code("000000", dispatcher, t, DOMAIN))
        messages = rendered(dispatcher.messages, t.slots)
        if result.get("otp_code") == "locked":
            break
    assert result == {"otp_code": "locked", "handoff_reason": "otp_locked"}
    assert messages[0]["custom"] == {"handoff": "otp_locked"}


def test_repeat_sends_the_same_response_again_with_its_values() -> None:
    from actions.action_answer import ActionAnswer

    t = flow_tracker(intent="repeat", text="répétez")
    question = {"response": "utter_confirm_reading", "field": "nir", "label": "x", "reading": "r"}
    t.events = [
        bot_event(question, {}),
        {"event": "user", "text": "répétez", "metadata": {}},
    ]
    _, messages = said(ActionAnswer(), t)
    assert [m["response"] for m in messages] == ["utter_confirm_reading"]
    assert messages[0]["custom"]["step"] == "confirm_nir"
    assert messages[0]["text"] == bot_event(question, {})["text"]


def test_repeat_of_a_message_without_a_response_sends_its_text() -> None:
    from actions.action_answer import ActionAnswer

    t = flow_tracker(intent="repeat", text="répétez")
    t.events = [{"event": "bot", "text": "Bonjour."}, {"event": "user", "text": "répétez"}]
    _, messages = said(ActionAnswer(), t)
    assert [(m.get("response"), m["text"]) for m in messages] == [(None, "Bonjour.")]
