"""Screen "Je m'identifie": provisional code and NIR, in either order or in one message.

Both are checked locally (format, NIR key) before the backend is asked anything; the slots
keep vault references, never the values.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import StepFormValidator, latest_intent, latest_text
from actions.nir_field import NirField, ref_of_kind
from bot.provisional_code import check_code, find_code_spans

#: What is wrong with a provisional code → the response ("bad_characters" names them).
CODE_ERRORS = {
    "empty": "utter_code_empty",
    "too_short": "utter_code_too_short",
    "too_long": "utter_code_too_long",
    "bad_characters": "utter_code_bad_character",
}
CODE_ATTEMPT = re.compile(r"[A-Za-z0-9]+(?:[\s.\-]+[A-Za-z0-9]+){0,3}")


def looks_like_code_attempt(tracker: Tracker) -> bool:
    """A message that is one to four groups of letters and digits, 6 to 16 in all, typed like a
    code (with a digit, in capitals, or understood as an answer): "ABCD EFGH", "abcd-efgh-jk2"."""
    text = latest_text(tracker).strip()
    if not CODE_ATTEMPT.fullmatch(text):
        return False
    compact = re.sub(r"[\s.\-]", "", text)
    if not 6 <= len(compact) <= 16:
        return False
    return (
        any(c.isdigit() for c in compact) or compact.isupper() or latest_intent(tracker) == "inform"
    )


class ValidateIdentityForm(NirField, StepFormValidator):
    def name(self) -> str:
        return "validate_identity_form"

    def leaves_form(self, intent: str, tracker: Tracker) -> bool:
        """ "Je n'ai pas de code" while the code is asked: path B takes over (rules)."""
        if intent == "no_code" and not tracker.get_slot("provisional_code"):
            return True
        return super().leaves_form(intent, tracker)

    async def extract_provisional_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        ref = ref_of_kind(text, "code")
        if ref:
            return {"provisional_code": ref}
        asked = tracker.get_slot("requested_slot") == "provisional_code"
        spans = find_code_spans(text, expecting_code=asked)
        if spans:
            start, end = spans[0]
            return {"provisional_code": text[start:end]}
        if asked and ref_of_kind(text, "nir") is None and looks_like_code_attempt(tracker):
            # A mistyped code: keep it, so that the validator says what is wrong with it.
            return {"provisional_code": text.strip()}
        return {}

    async def validate_provisional_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        real = await self.reveal(tracker, value)
        check = check_code(real or "")
        if check.error:
            if check.error == "bad_characters" and check.bad_chars:
                chars = ", ".join(f"« {c} »" for c in check.bad_chars)
                dispatcher.utter_message(response="utter_code_bad_characters", chars=chars)
            else:
                dispatcher.utter_message(response=CODE_ERRORS[check.error])
            return {"provisional_code": None}
        return {"provisional_code": value}
