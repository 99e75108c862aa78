""" "Conseiller" at any step: the conversation waits for an advisor, and the person may go on.

The message says why (`custom.handoff`, the `handoff_reason` slot's value): the webhook puts the
conversation in the advisors' queue from the reply itself. Nothing collected is dropped: the flow controller
runs next and asks the current question again, so the person is never stuck while waiting.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionRequestAdvisor(Action):
    def name(self) -> str:
        return "action_request_advisor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reason = tracker.get_slot("handoff_reason") or "asked"
        dispatcher.utter_message(response="utter_advisor_requested", handoff_reason=reason)
        return [SlotSet("handoff_reason", reason)]
