"""Screen "Je vérifie mes coordonnées de contact": the masked e-mail and mobile on file, and
their change.

OUI goes on. NON (or "je veux changer mon e-mail", or a new address or number typed straight
away) asks which one to change and the new value; the flow controller then sends a one-time
code there (e-mail or SMS), and only once it is typed back does the backend get the new value.

A new e-mail address that is not certain (dictated, spelled, or with a space bridged inside it:
`bot/dictated_email.py`) is spelled back and confirmed with OUI before it is used; NON asks for
it again. The address being confirmed is read back from the values of the assistant's own
question (`utter_confirm_email`) in the tracker's events, so this needs no slot of its own.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.confirm_reading import ask_to_confirm, pending_question
from actions.form_base import (
    VERIFIED_BEFORE_DECISION,
    StepFormValidator,
    as_bool_answer,
    latest_text,
    latest_words,
    literal_bool_answer,
)
from bot.contact_details import national_pairs, parse_mobile
from bot.dictated_email import read_email, spell_email
from bot.french_numbers import strip_accents

EMAIL_WORDS = re.compile(r"\b(e-?mail|mail|courriel|adresse|arobase)\b|@")
MOBILE_WORDS = re.compile(r"\b(mobile|portable|telephone|tel|numero|sms|06|07)\b")
CHANGE_FIELDS = ("email", "mobile")

#: The question that spells an uncertain address back (its values carry the address).
CONFIRM_EMAIL = "utter_confirm_email"
#: What is wrong with a new mobile / e-mail → the response.
MOBILE_ERRORS = {
    "empty": "utter_mobile_empty",
    "not_a_phone": "utter_mobile_not_a_phone",
    "too_short": "utter_mobile_too_short",
    "too_long": "utter_mobile_too_long",
    "not_mobile": "utter_mobile_not_mobile",
    "ambiguous": "utter_mobile_ambiguous",
    "unsure": "utter_mobile_unsure",
}
EMAIL_ERRORS = {
    "empty": "utter_email_empty",
    "invalid": "utter_email_invalid",
    "ambiguous": "utter_email_ambiguous",
    "no_ending": "utter_email_no_ending",
}


def _detect_change(text: str) -> str | None:
    plain = strip_accents(text.lower())
    if EMAIL_WORDS.search(plain):
        return "email"
    if MOBILE_WORDS.search(plain) or sum(c.isdigit() for c in plain) >= 8:
        return "mobile"
    return None


def _typed_value(text: str, field: str) -> str | None:
    """The message itself when it holds an e-mail address (checked, and confirmed if need be,
    by `validate_new_contact`), the E.164 number when it holds a mobile."""
    if field == "email":
        return text if read_email(text).address else None
    return parse_mobile(text).value


def pending_email(tracker: Tracker) -> str | None:
    """The address the assistant spelled back and asked to confirm in its last turn, if any."""
    if tracker.get_slot("contact_change") != "email":
        return None
    question = pending_question(tracker, (CONFIRM_EMAIL,)) or {}
    return str(question["address"]) if question.get("address") else None


def _change_slots(field: str, text: str) -> dict[str, Any]:
    """What to change, and the new value too when the message already holds it."""
    value = _typed_value(text, field)
    return {"contact_change": field, **({"new_contact": value} if value else {})}


class ValidateContactForm(StepFormValidator):
    verified_elsewhere = VERIFIED_BEFORE_DECISION

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("contact_confirmed") == "change":
            return ["contact_confirmed", "contact_change", "new_contact"]
        return ["contact_confirmed"]

    async def extract_contact_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "contact_confirmed":
            return {}
        text = latest_text(tracker)
        answer = as_bool_answer(tracker)
        field = _detect_change(text)
        if answer is True and field is None:
            return {"contact_confirmed": "confirmed"}
        if field is None:
            return {} if answer is None else {"contact_confirmed": "change"}
        # "non, mon nouveau mail est …", "je veux changer de portable": straight to the change.
        return {"contact_confirmed": "change", **_change_slots(field, text)}

    async def extract_contact_change(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "contact_change":
            return {}
        text = latest_text(tracker).strip().lower().rstrip(" .!")
        if text == "1":
            return {"contact_change": "email"}
        if text == "2":
            return {"contact_change": "mobile"}
        field = _detect_change(text)
        if field is None:
            return {}
        return _change_slots(field, latest_text(tracker))

    async def extract_new_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "new_contact":
            return {}
        text = latest_text(tracker)
        field = tracker.get_slot("contact_change")
        if field == "email" and pending_email(tracker) and as_bool_answer(tracker) is not None:
            return {"new_contact": text}  # OUI / NON to the address spelled back
        if field == "email" and ("@" in text or "arobase" in text.lower()):
            return {"new_contact": text}
        words = latest_words(tracker)
        if field == "mobile" and (
            sum(c.isdigit() for c in words) >= 4 or parse_mobile(words).error == "unsure"
        ):
            return {"new_contact": words}
        if _typed_value(text, field or "mobile"):
            return {"new_contact": text}
        return {}

    async def validate_new_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        field = tracker.get_slot("contact_change")
        if field == "email":
            return self._validate_new_email(str(value), dispatcher, tracker)
        check = parse_mobile(str(value))
        if check.error in ("unsure", "ambiguous") and check.proposals:
            # several valid mobiles fit the words, or two were given: the person says
            shown = [national_pairs(proposal) for proposal in check.proposals]
            several = check.error == "ambiguous"
            return await ask_to_confirm(dispatcher, tracker, "new_contact", shown, "tok", several)
        if check.value is None:
            error = MOBILE_ERRORS.get(check.error or "", MOBILE_ERRORS["empty"])
            dispatcher.utter_message(response=error)
            return {"new_contact": None}
        return {"new_contact": check.value}

    async def accept_reading(self, tracker: Tracker, field: str, value: str) -> dict[str, Any]:
        """A mobile read back ("06 30 85 12 34") and confirmed: stored as E.164."""
        if field == "new_contact":
            return {"new_contact": parse_mobile(value).value}
        return await super().accept_reading(tracker, field, value)

    async def validate_contact_change(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"contact_change": value if value in CHANGE_FIELDS else None}

    def _validate_new_email(
        self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """A certain address is taken; an uncertain one is spelled back and asked about; the
        answer to that question takes or drops it. Nothing else collected is touched."""
        pending = pending_email(tracker)
        if pending:
            answer = literal_bool_answer(text)
            if answer is None and text == latest_text(tracker):
                answer = as_bool_answer(tracker)
            if answer is True:
                return {"new_contact": pending}
            if answer is False:
                dispatcher.utter_message(response="utter_email_not_confirmed")
                return {"new_contact": None}
        reading = read_email(text)
        if reading.address is None:
            error = EMAIL_ERRORS.get(reading.error or "", EMAIL_ERRORS["empty"])
            dispatcher.utter_message(response=error)
            return {"new_contact": None}
        if reading.certain:
            return {"new_contact": reading.address}
        dispatcher.utter_message(
            response=CONFIRM_EMAIL, address=reading.address, spelled=spell_email(reading.address)
        )
        return {"new_contact": None}
