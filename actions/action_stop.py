""" "Stop": leave the current screen, keep every answer for a later "continuer"."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionStop(Action):
    def name(self) -> str:
        return "action_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_stop")
        dispatcher.utter_message(json_message={"step": "paused"})  # no question follows
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("flow_step", "paused")]
