"""A value read back for confirmation inside a form (actions/confirm_reading.py, issue 13):
the question holds vault refs, OUI takes the value, NON asks the field again, a new answer is
read as an answer to the field. Real Redis (the vault), a rasa-sdk Tracker."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.validate_contact_form import ValidateContactForm
from actions.validate_identity_form import ValidateIdentityForm
from actions.validate_new_code_form import ValidateNewCodeForm
from bot.confirmation import show_values
from bot.vault import find_refs
from tests.actions.flow_fakes import vault
from tests.actions.test_form_validators import DOMAIN, run, tracker
from tests.support.aio import run_async
from tests.support.rendering import bot_event, render

# Said without commas, several valid NIRs fit these words (found by tests/bot/test_nir_sweep.py).
UNSURE_NIR = "un quatre vingt dix huit dix dix huit zéro cinquante sept huit cent soixante douze"
LIKELIEST = "198101805786012"
CONVERSATION = "conversation-under-test"


def answer(
    text: str, question: dict[str, Any], requested: str, intent: str = "inform", **slots: Any
) -> Tracker:
    """The person's answer to `question` (the bot's last message, as the tracker keeps it)."""
    answered = tracker(text, intent=intent, requested=requested, **slots)
    answered.events = [
        {"event": "user", "text": "before"},
        bot_event(question, {}),
        {"event": "user", "text": text},
    ]
    return answered


def asked(validator: Any, t: Tracker) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The slots a validator returns, the question it sent, and its text as rendered."""
    dispatcher = CollectingDispatcher()
    events = run_async(validator.run(dispatcher, t, DOMAIN))
    (question,) = dispatcher.messages
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, question, render(question, t.slots)["text"]


def ask_nir() -> tuple[dict[str, Any], dict[str, Any], str]:
    return asked(
        ValidateIdentityForm(),
        tracker(UNSURE_NIR, requested="nir", provisional_code="ABCDEFGHJK23"),
    )


def test_several_valid_nirs_are_read_back_not_taken() -> None:
    slots, _, question = ask_nir()
    assert slots["nir"] is None
    assert slots["requested_slot"] == "confirm_nir"
    (ref,) = find_refs(question)
    assert vault().get(ref, CONVERSATION) == LIKELIEST
    assert LIKELIEST not in question  # the value travels as a ref
    shown, kept = show_values(question, lambda r: vault().get(r, CONVERSATION))
    assert "1 98 10 18 057 860 12" in shown and "OUI ou NON" in shown
    assert "1 98 10 ** *** *** 12" in kept and "057" not in kept


def test_oui_takes_the_reading() -> None:
    _, question, _ = ask_nir()
    slots, texts, _ = run(
        ValidateIdentityForm(),
        answer("oui", question, "confirm_nir", intent="affirm", provisional_code="ABCDEFGHJK23"),
    )
    assert vault().get(slots["nir"], CONVERSATION) == LIKELIEST
    assert slots["nir_masked"] == "1 98 10 ** *** *** 12"
    assert texts == []


def test_non_asks_the_field_again() -> None:
    _, question, _ = ask_nir()
    slots, texts, _ = run(
        ValidateIdentityForm(),
        answer("non", question, "confirm_nir", intent="deny", provisional_code="ABCDEFGHJK23"),
    )
    assert slots["nir"] is None and slots["requested_slot"] == "nir"
    assert "Redonnez-le" in texts[0]


def test_a_new_answer_is_read_as_the_field() -> None:
    _, question, _ = ask_nir()
    slots, _, _ = run(
        ValidateIdentityForm(),
        answer("1 85 05 78 006 084 91", question, "confirm_nir", provisional_code="ABCDEFGHJK23"),
    )
    assert slots["requested_slot"] == "nir"
    assert vault().get(slots["nir"], CONVERSATION) == "185057800608491"


def test_a_mobile_without_hyphens_is_confirmed_then_stored() -> None:
    said = "zéro six trente quatre vingt cinq douze trente quatre"
    slots, question, text = asked(
        ValidateContactForm(),
        tracker(said, requested="new_contact", contact_confirmed="change", contact_change="mobile"),
    )
    assert slots["new_contact"] is None and slots["requested_slot"] == "confirm_new_contact"
    shown, _ = show_values(text, lambda r: vault().get(r, CONVERSATION))
    assert "1) 06 34 25 12 34" in shown and "2) 06 30 85 12 34" in shown
    slots, _, _ = run(
        ValidateContactForm(),
        answer(
            "2",
            question,
            "confirm_new_contact",
            contact_confirmed="change",
            contact_change="mobile",
        ),
    )
    assert slots["new_contact"] == "+33630851234"


def test_a_birth_date_given_with_the_nir_is_kept_for_later() -> None:
    slots, texts, _ = run(
        ValidateNewCodeForm(),
        tracker("1 85 05 78 006 084 91 et je suis né le 3 mars en 1985", requested="nir"),
    )
    assert slots["nir"] and slots["birth_date"] == "1985-03-03"


def test_two_nirs_in_one_message_the_person_chooses() -> None:
    slots, question, text = asked(
        ValidateIdentityForm(),
        tracker(
            "1 85 05 78 006 084 91 ou peut-être 2 95 10 99 126 111 93",
            requested="nir",
            provisional_code="ABCDEFGHJK23",
        ),
    )
    assert slots["nir"] is None and slots["requested_slot"] == "confirm_nir"
    shown, _ = show_values(text, lambda r: vault().get(r, CONVERSATION))
    assert "plusieurs numéros" in shown and "2) 2 95 10 99 126 111 93" in shown
    slots, _, _ = run(
        ValidateIdentityForm(),
        answer("2", question, "confirm_nir", provisional_code="ABCDEFGHJK23"),
    )
    assert vault().get(slots["nir"], CONVERSATION) == "295109912611193"


def test_a_question_of_an_earlier_turn_is_not_answered_by_oui() -> None:
    _, question, _ = ask_nir()
    earlier = answer("oui", question, "confirm_nir", intent="affirm")
    earlier.events = [
        {"event": "user", "text": "before"},
        bot_event(question, {}),
        {"event": "user", "text": "aide"},
        {"event": "bot", "text": "Votre numéro est sur votre carte Vitale."},
        {"event": "user", "text": "oui"},
    ]
    from actions.confirm_reading import pending_refs

    assert pending_refs(earlier) == []
    assert len(pending_refs(answer("oui", question, "confirm_nir"))) == 1
