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
from bot import replies
from bot.nir import check_nir, find_nir_spans, mask_nir
from bot.provisional_code import check_code, find_code_spans
from bot.vault import find_refs, ref_kind


def _ref_of_kind(text: str, kind: str) -> str | None:
    return next((ref for ref in find_refs(text) if ref_kind(ref) == kind), None)


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


class ValidateIdentityForm(StepFormValidator):
    def name(self) -> str:
        return "validate_identity_form"

    async def extract_provisional_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        ref = _ref_of_kind(text, "code")
        if ref:
            return {"provisional_code": ref}
        asked = tracker.get_slot("requested_slot") == "provisional_code"
        spans = find_code_spans(text, expecting_code=asked)
        if spans:
            start, end = spans[0]
            return {"provisional_code": text[start:end]}
        if asked and _ref_of_kind(text, "nir") is None and looks_like_code_attempt(tracker):
            # A mistyped code: keep it, so that the validator says what is wrong with it.
            return {"provisional_code": text.strip()}
        return {}

    def validate_provisional_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        real = self.reveal(tracker, value)
        check = check_code(real or "")
        if check.error:
            dispatcher.utter_message(text=replies.code_error(check.error, check.bad_chars))
            return {"provisional_code": None}
        return {"provisional_code": value}

    async def extract_nir(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        ref = _ref_of_kind(text, "nir")
        if ref:
            return {"nir": ref}
        spans = find_nir_spans(text)
        if spans:
            start, end = spans[0]
            return {"nir": text[start:end]}
        if tracker.get_slot("requested_slot") == "nir" and _ref_of_kind(text, "code") is None:
            digits = sum(c.isdigit() for c in text)
            if digits >= 6:  # some number, but not a NIR: say what is wrong with it
                return {"nir": text}
        return {}

    def validate_nir(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        real = self.reveal(tracker, value)
        check = check_nir(real or "")
        if check.error:
            dispatcher.utter_message(text=replies.NIR_ERRORS[check.error])
            return {"nir": None, "nir_masked": None}
        return {"nir": value, "nir_masked": mask_nir(check.value)}
