""" "Conseiller" at any step: the conversation waits for an advisor, and the person may go on.

`handoff_reason` marks the conversation as waiting; the webhook reads it from the tracker to
put the conversation in the advisors' queue. Nothing collected is dropped: the flow controller
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
        dispatcher.utter_message(
            text="C'est noté : un conseiller va prendre le relais ici dès que possible (du lundi "
            "au vendredi, 8h30-17h). En attendant, vous pouvez continuer avec moi."
        )
        return [SlotSet("handoff_reason", tracker.get_slot("handoff_reason") or "asked")]
