"""The one-time code screen (path B and contact change): the 6 digits sent by SMS or e-mail.

The code arrives as a vault reference (the webhook redacts it); it is checked against the hash
kept for this purpose and conversation, and its outcome becomes the `otp_code` slot: "verified"
or "locked" end the screen, anything else says what went wrong and asks again. "RENVOYER" sends
a new code to the same place; "je ne l'ai pas reçu" says where to look first.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import metrics
from actions.form_base import (
    StepFormValidator,
    attempts_left,
    latest_intent,
    latest_text,
    latest_words,
)
from actions.nir_field import ref_of_kind
from actions.one_time_code_delivery import send_one_time_code
from actions.runtime import runtime
from bot.french_numbers import strip_accents

RESEND = re.compile(r"\b(r?envoi|renvoy|re-?envoy|nouveau code|autre code|un code svp)", re.I)
NOT_RECEIVED = re.compile(
    r"\b(pas|rien|jamais) (re[cç]u|eu|arrive)|n'?arrive pas|toujours pas", re.I
)
SIX_DIGITS = re.compile(r"(?<!\d)(\d[\s.\-]?){5}\d(?!\d)")
OUTCOME_SLOTS = ("verified", "locked")


class ValidateOtpForm(StepFormValidator):
    def name(self) -> str:
        return "validate_otp_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("requested_slot") == "otp_code" and not self._typed_code(tracker):
            text = strip_accents(latest_text(tracker).lower())
            if RESEND.search(text):
                return await self._resend(dispatcher, tracker)
            if NOT_RECEIVED.search(text) or latest_intent(tracker) == "no_code":
                by_email = tracker.get_slot("otp_channel") == "email"
                dispatcher.utter_message(
                    response="utter_otp_not_received_email"
                    if by_email
                    else "utter_otp_not_received_sms",
                    otp_masked=tracker.get_slot("otp_masked") or "",
                )
                return [SlotSet("otp_code", None)]
        return await super().run(dispatcher, tracker, domain)

    @staticmethod
    def _typed_code(tracker: Tracker) -> str | None:
        text = latest_text(tracker)
        ref = ref_of_kind(text, "otp")
        if ref:
            return ref
        match = SIX_DIGITS.search(text)
        return match.group() if match else None

    async def extract_otp_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "otp_code":
            return {}
        typed = self._typed_code(tracker)
        if typed:
            return {"otp_code": typed}
        digits = sum(c.isdigit() for c in latest_words(tracker))
        if 3 <= digits <= 9:
            return {"otp_code": "malformed"}
        return {}

    async def validate_otp_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in OUTCOME_SLOTS:
            return {"otp_code": value}
        if value == "malformed":
            dispatcher.utter_message(response="utter_otp_malformed")
            return {"otp_code": None}
        purpose = tracker.get_slot("otp_purpose") or ""
        conversation_id = self.conversation_id(tracker)
        typed = await self.reveal(tracker, value) or ""
        if value != typed:
            await runtime().vault.delete(value)  # a one-time code is not kept, right or wrong
        result = await runtime().codes.verify(purpose, conversation_id, typed)
        if result.ok:
            return {"otp_code": "verified"}
        metrics.code_failed(purpose, result.outcome)
        if result.outcome == "locked":
            dispatcher.utter_message(response="utter_otp_locked", handoff_reason="otp_locked")
            return {"otp_code": "locked", "handoff_reason": "otp_locked"}
        if result.outcome == "wrong":
            dispatcher.utter_message(
                response="utter_otp_wrong", attempts=attempts_left(result.tries_left or 0)
            )
        elif result.outcome == "expired":
            dispatcher.utter_message(response="utter_otp_expired")
        elif result.outcome == "malformed":
            dispatcher.utter_message(response="utter_otp_malformed")
        else:
            dispatcher.utter_message(response="utter_otp_unknown")
        return {"otp_code": None}

    async def _resend(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        purpose = tracker.get_slot("otp_purpose") or ""
        destination = await self.reveal(tracker, tracker.get_slot("otp_destination"))
        if not purpose or not destination:
            dispatcher.utter_message(response="utter_advisor_offer")
            return [SlotSet("otp_code", None)]
        nir = await self.reveal(tracker, tracker.get_slot("nir"))
        delivery = await send_one_time_code(
            purpose, self.conversation_id(tracker), destination, nir
        )
        if delivery.locked:
            dispatcher.utter_message(**delivery.say())
            return [SlotSet("otp_code", "locked"), SlotSet("handoff_reason", "otp_locked")]
        if not delivery.sent:
            dispatcher.utter_message(**delivery.say())
            return [SlotSet("otp_code", None)]
        last = delivery.sends_left <= 1
        dispatcher.utter_message(response="utter_otp_resent_last" if last else "utter_otp_resent")
        return [SlotSet("otp_code", None)]
