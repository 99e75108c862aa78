"""Issue 13 (values inside sentences, dictated e-mails confirmed) and issue 14 (what may be a
password is never echoed) at the contact and credentials screens, on a rasa-sdk `Tracker`."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.validate_contact_form import ValidateContactForm, pending_email
from actions.validate_credentials_form import ValidateCredentialsForm
from bot import responses
from tests.actions.test_form_validators import DOMAIN, run, tracker
from tests.support.aio import run_async
from tests.support.rendering import bot_event

PASSWORD = "Soleil#Vert2026"


def conversation(
    text: str,
    *,
    earlier: list[dict[str, Any]] | None = None,
    intent: str = "inform",
    requested_slot: str | None = None,
    **slots: Any,
) -> Tracker:
    """A tracker whose latest message is `text`, after the `earlier` events."""
    built = tracker(text, intent=intent, requested=requested_slot, **slots)
    built.events = [*(earlier or []), *built.events]
    return built


def at_new_email(
    text: str, earlier: list[dict[str, Any]] | None = None, intent: str = "inform"
) -> Tracker:
    return conversation(
        text,
        earlier=earlier,
        intent=intent,
        requested_slot="new_contact",
        contact_confirmed="change",
        contact_change="email",
    )


def turn_that_asked(text: str) -> list[dict[str, Any]]:
    """The events of the turn in which the person wrote `text` and was answered (as Rasa
    keeps them: the response's name and values in each bot event's metadata)."""
    asked = at_new_email(text)
    dispatcher = CollectingDispatcher()
    run_async(ValidateContactForm().run(dispatcher, asked, DOMAIN))
    return (
        [{"event": "user", "text": text}]
        + [bot_event(message, asked.slots) for message in dispatcher.messages]
        + [{"event": "bot", "text": "Quelle est votre nouvelle adresse e-mail ?"}]
    )


# -- e-mail: spelled back and confirmed ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "address", "spelled"),
    [
        (
            "jean dupont arobase gmail point com",
            "jeandupont@gmail.com",
            "j e a n d u p o n t arobase gmail point com",
        ),
        (
            "jean. dupont@gmail.com",
            "jean.dupont@gmail.com",
            "j e a n point d u p o n t arobase gmail point com",
        ),
        (
            "j e a n point d u p o n t arobase g mail point com",
            "jean.dupont@gmail.com",
            "j e a n point d u p o n t arobase gmail point com",
        ),
    ],
)
def test_an_uncertain_address_is_spelled_back_and_not_taken(
    text: str, address: str, spelled: str
) -> None:
    slots, texts, names = run(ValidateContactForm(), at_new_email(text))
    assert slots["new_contact"] is None and slots["requested_slot"] == "new_contact"
    assert names == ["utter_confirm_email"]
    assert address in texts[0] and spelled in texts[0] and "OUI" in texts[0]
    assert "dupont@gmail.com" not in texts[0].replace(address, "")


@pytest.mark.parametrize(
    ("answer", "intent"), [("oui", "affirm"), ("Oui c'est bien ça", "affirm"), ("1", "affirm")]
)
def test_yes_takes_the_address_spelled_back(answer: str, intent: str) -> None:
    earlier = turn_that_asked("jean dupont arobase gmail point com")
    slots, texts, _ = run(ValidateContactForm(), at_new_email(answer, earlier, intent))
    assert slots["new_contact"] == "jeandupont@gmail.com" and texts == []


def test_no_drops_it_and_asks_again_keeping_everything_else() -> None:
    earlier = turn_that_asked("jean dupont arobase gmail point com")
    slots, texts, _ = run(ValidateContactForm(), at_new_email("non", earlier, "deny"))
    assert slots["new_contact"] is None and slots["requested_slot"] == "new_contact"
    assert texts == [responses.text("utter_email_not_confirmed")]
    assert "contact_confirmed" not in slots and "contact_change" not in slots


def test_a_new_address_instead_of_yes_is_read_afresh() -> None:
    earlier = turn_that_asked("jean dupont arobase gmail point com")
    slots, texts, _ = run(ValidateContactForm(), at_new_email("jean.dupont@gmail.com", earlier))
    assert slots["new_contact"] == "jean.dupont@gmail.com" and texts == []


def test_only_the_last_turns_question_is_answered_by_yes() -> None:
    earlier = turn_that_asked("jean dupont arobase gmail point com") + [
        {"event": "user", "text": "aide"},
        {"event": "bot", "text": "Écrivez votre adresse e-mail."},
    ]
    assert pending_email(at_new_email("oui", earlier, "affirm")) is None


def test_a_clean_typed_address_is_taken_without_a_question() -> None:
    slots, texts, _ = run(ValidateContactForm(), at_new_email("c'est camille.b@exemple.fr"))
    assert slots["new_contact"] == "camille.b@exemple.fr" and texts == []


def test_a_refused_address_says_what_to_do() -> None:
    slots, texts, _ = run(ValidateContactForm(), at_new_email("jean arobase gmail"))
    assert slots["new_contact"] is None and texts == [responses.text("utter_email_no_ending")]
    slots, texts, _ = run(ValidateContactForm(), at_new_email("jean@@gmail.com"))
    assert slots["new_contact"] is None and "par exemple jean.dupont@exemple.fr" in texts[0]


def test_a_dictated_address_right_after_no_is_spelled_back_too() -> None:
    tracker = conversation(
        "non, mon nouveau mail c'est jean. dupont@gmail.com", requested_slot="contact_confirmed"
    )
    slots, texts, _ = run(ValidateContactForm(), tracker)
    assert slots["contact_confirmed"] == "change" and slots["contact_change"] == "email"
    assert slots["new_contact"] is None and "jean.dupont@gmail.com" in texts[0]


# -- identifier: inside a sentence, a password never echoed -------------------------------------
def extract_identifier(text: str, intent: str = "inform") -> dict[str, Any]:
    tracker = conversation(text, intent=intent, requested_slot="identifier")
    return run_async(
        ValidateCredentialsForm().extract_identifier(CollectingDispatcher(), tracker, DOMAIN)
    )


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("mon identifiant sera paul.thomas1989", "paul.thomas1989"),
        ("je prends jean.dupont85 comme identifiant.", "jean.dupont85"),
        ("Identifiant : marie_c44", "marie_c44"),
        ("paul.thomas1989 s'il vous plaît", "paul.thomas1989"),
        ("je voudrais jeandupont", "jeandupont"),
        ("identifiant paul.thomas1989 mot de passe " + PASSWORD, "paul.thomas1989"),
    ],
)
def test_the_identifier_is_found_inside_a_sentence(text: str, identifier: str) -> None:
    assert extract_identifier(text) == {"identifier": identifier}


@pytest.mark.parametrize("question", ["c'est quoi un identifiant ?", "je ne sais pas quoi mettre"])
def test_a_sentence_without_an_identifier_is_left_to_the_questions(question: str) -> None:
    assert extract_identifier(question, intent="ask_help") == {}


def everything_said(slots: dict[str, Any], texts: list[str]) -> str:
    return " ".join([*texts, *(str(v) for v in slots.values())]).lower()


@pytest.mark.parametrize(
    "typed",
    [
        PASSWORD,  # the password typed one step too early
        "Jean.Dupont85",  # was answered 'Voulez-vous "jean.dupont85" ?'
        "mon mot de passe sera " + PASSWORD,
        "secretpwd0123456789abcdef",  # the webhook's reference, once it masks such a message
    ],
)
def test_what_may_be_a_password_is_neither_kept_nor_echoed(typed: str) -> None:
    slots, texts, _ = run(
        ValidateCredentialsForm(), conversation(typed, requested_slot="identifier")
    )
    assert slots["identifier"] is None and slots.get("identifier_suggestion") is None
    assert texts[0] == responses.text("utter_password_not_identifier")
    secret = typed.split()[-1].lower()
    assert secret not in everything_said(slots, texts)


def test_identifier_and_password_in_one_message_keep_only_the_identifier() -> None:
    text = f"mon identifiant sera paul.thomas1989 et mon mot de passe {PASSWORD}"
    slots, texts, _ = run(
        ValidateCredentialsForm(), conversation(text, requested_slot="identifier")
    )
    assert texts[0] == responses.text("utter_password_not_kept")
    assert "password" not in slots and "password_confirmation" not in slots
    assert PASSWORD.lower() not in everything_said(slots, texts)
