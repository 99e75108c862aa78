"""Screen "Je n'ai pas de code" (path B), first part: the NIR and the date of birth.

The card (type and serial) is asked next by the card screen, then the flow controller asks the
backend whether these details match someone, and a one-time code goes to their mobile.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import StepFormValidator, latest_intent, latest_text, latest_words
from actions.nir_field import NirField, ref_of_kind
from bot.birth_date import format_birth_date, parse_birth_date

#: What is wrong with a date of birth → the response.
BIRTH_DATE_ERRORS = {
    "empty": "utter_not_understood_birth_date",
    "not_a_date": "utter_birth_date_not_a_date",
    "incomplete": "utter_birth_date_incomplete",
    "ambiguous": "utter_birth_date_ambiguous",
    "in_future": "utter_birth_date_in_future",
    "too_old": "utter_birth_date_too_old",
}
DATE_HINT = re.compile(
    r"[0-9]|janv|f[eé]v|mars|avr|mai|juin|juil|ao[uû]t|sept|oct|nov|d[eé]c", re.I
)


class ValidateNewCodeForm(NirField, StepFormValidator):
    def name(self) -> str:
        return "validate_new_code_form"

    async def extract_birth_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "birth_date":
            # A date given with the NIR ("… et je suis né le 3 mars 1985") is kept for later;
            # the NIR itself reaches here as a vault ref, whose hex must not read as a date.
            text = latest_words(tracker)
            found = parse_birth_date(text) if DATE_HINT.search(text) else None
            return {"birth_date": text} if found and found.value else {}
        if ref_of_kind(latest_text(tracker), "nir"):
            return {}
        text = latest_words(tracker)
        check = parse_birth_date(text)
        if check.value is not None:
            return {"birth_date": text}
        if not DATE_HINT.search(text):
            return {}
        if check.error == "not_a_date" and latest_intent(tracker) not in ("inform", "nlu_fallback"):
            return {}  # a question or a word that works at any step, not a date
        return {"birth_date": text}

    async def validate_birth_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            return {"birth_date": value}  # already checked (e.g. set by a story)
        check = parse_birth_date(str(value))
        if check.value is None:
            dispatcher.utter_message(response=BIRTH_DATE_ERRORS[check.error or "not_a_date"])
            return {"birth_date": None}
        dispatcher.utter_message(
            response="utter_birth_date_read", shown=format_birth_date(check.value)
        )
        return {"birth_date": check.value.isoformat()}
