""" "Recommencer": forget every answer (and their vault entries) and start again."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.runtime import runtime

KEPT = {"handoff_reason"}


class ActionStartOver(Action):
    def name(self) -> str:
        return "action_start_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        await runtime().vault.forget_conversation(tracker.sender_id)
        dispatcher.utter_message(response="utter_start_over")
        resets = [
            SlotSet(name, None)
            for name, value in tracker.slots.items()
            if value is not None
            and name not in KEPT
            and name not in ("requested_slot", "flow_step")
        ]
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("flow_step", "identity"),
        ] + resets
