"""Screen "Je m'identifie": provisional code and NIR, in either order or in one message.

Both are checked locally (format, NIR key) before the backend is asked anything; the slots
keep vault references, never the values.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import StepFormValidator, latest_text
from bot import replies
from bot.nir import check_nir, find_nir_spans, mask_nir
from bot.provisional_code import check_code, find_code_spans
from bot.vault import find_refs, ref_kind


def _ref_of_kind(text: str, kind: str) -> Optional[str]:
    return next((ref for ref in find_refs(text) if ref_kind(ref) == kind), None)


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
        if asked and _ref_of_kind(text, "nir") is None and not find_nir_spans(text):
            candidate = text.strip()
            # A lone token of about the right size is a mistyped code: say what is wrong with it.
            if 8 <= len(candidate.replace(" ", "").replace("-", "")) <= 16 and " " not in candidate.strip():
                return {"provisional_code": candidate}
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

