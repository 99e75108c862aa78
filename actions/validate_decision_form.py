"""Screen "Je prends ma décision": activate (then consent) or oppose (then confirmation).

The form grows with the choice: `required_slots` adds `consent` or `oppose_confirmed`.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import (
    VERIFIED_BEFORE_DECISION,
    StepFormValidator,
    as_bool_answer,
    latest_intent,
    latest_text,
)


def parse_decision(tracker: Tracker) -> str | None:
    intent = latest_intent(tracker)
    text = latest_text(tracker).strip().lower()
    if intent == "activate" or re.fullmatch(r"1\W*|activer?\W*|j'?active\W*", text):
        return "activate"
    if intent == "oppose" or re.fullmatch(r"2\W*|(je m')?opposer?\W*|opposition\W*", text):
        return "oppose"
    return None


class ValidateDecisionForm(StepFormValidator):
    verified_elsewhere = VERIFIED_BEFORE_DECISION

    def name(self) -> str:
        return "validate_decision_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        decision = tracker.slots.get("decision")
        if decision == "activate":
            return ["decision", "consent"]
        if decision == "oppose":
            return ["decision", "oppose_confirmed"]
        return ["decision"]

    async def extract_decision(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") not in (None, "decision"):
            return {}
        decision = parse_decision(tracker)
        return {"decision": decision} if decision else {}

    async def extract_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "consent":
            return {}
        answer = as_bool_answer(tracker)
        return {} if answer is None else {"consent": answer}

    async def extract_oppose_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "oppose_confirmed":
            return {}
        answer = as_bool_answer(tracker)
        return {} if answer is None else {"oppose_confirmed": answer}

    async def validate_decision(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"decision": value if value in ("activate", "oppose") else None}

    async def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True:
            return {"consent": True}
        dispatcher.utter_message(response="utter_consent_refused")
        return {"consent": None, "decision": None, "requested_slot": "decision"}

    async def validate_oppose_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True:
            return {"oppose_confirmed": True}
        dispatcher.utter_message(response="utter_opposition_cancelled")
        return {"oppose_confirmed": None, "decision": None, "requested_slot": "decision"}
