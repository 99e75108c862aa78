"""The social security number (NIR) as a form field: asked on the identity screen (path A) and
on the "no code" screen (path B), read the same way, and kept as a vault reference."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.confirm_reading import ask_to_confirm
from actions.form_base import latest_text
from actions.runtime import runtime
from bot.nir import check_nir, find_nir_spans, mask_nir
from bot.vault import find_refs, ref_kind

#: What is wrong with a NIR → the response.
NIR_ERRORS = {
    "empty": "utter_nir_empty",
    "too_short": "utter_nir_too_short",
    "too_long": "utter_nir_too_long",
    "bad_format": "utter_nir_bad_format",
    "bad_key": "utter_nir_bad_key",
    "unsure": "utter_nir_unsure",
    "several": "utter_nir_several",
}


def ref_of_kind(text: str, kind: str) -> str | None:
    return next((ref for ref in find_refs(text) if ref_kind(ref) == kind), None)


class NirField:
    """`extract_nir` / `validate_nir` for a `StepFormValidator` whose form asks `nir`."""

    async def extract_nir(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        refs = [ref for ref in find_refs(text) if ref_kind(ref) == "nir"]
        if refs:
            return {"nir": " ".join(refs)}  # two NIRs: the validator asks which one
        spans = find_nir_spans(text)
        if len(spans) > 1:
            return {"nir": " ou ".join(text[start:end] for start, end in spans)}
        if spans:
            start, end = spans[0]
            return {"nir": text[start:end]}
        if tracker.get_slot("requested_slot") == "nir" and ref_of_kind(text, "code") is None:
            digits = sum(c.isdigit() for c in text)
            if digits >= 6:  # some number, but not a NIR: say what is wrong with it
                return {"nir": text}
        return {}

    async def validate_nir(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        refs = find_refs(str(value))
        if len(refs) > 1:
            real = " ou ".join([await self.reveal(tracker, ref) or "" for ref in refs])
        else:
            real = await self.reveal(tracker, value)
        check = check_nir(real or "")
        if check.error in ("unsure", "several") and check.proposals:
            # several valid NIRs fit the words, or two were given: the person says which
            return {"nir_masked": None} | await ask_to_confirm(
                dispatcher, tracker, "nir", check.proposals, "nir", check.error == "several"
            )
        if check.error:
            dispatcher.utter_message(response=NIR_ERRORS[check.error])
            return {"nir": None, "nir_masked": None}
        if real != check.value:  # keep the NIR as read, not the words it was said in
            value = await runtime().vault.put("nir", check.value, self.conversation_id(tracker))
        return {"nir": value, "nir_masked": mask_nir(check.value)}

    async def accept_reading(self, tracker: Tracker, field: str, value: str) -> dict[str, Any]:
        """A NIR read back and confirmed: kept in the vault, like any NIR."""
        if field != "nir":
            return await super().accept_reading(tracker, field, value)  # type: ignore[misc]
        ref = await runtime().vault.put("nir", value, tracker.sender_id)
        return {"nir": ref, "nir_masked": mask_nir(value)}
