"""Answers a question asked outside a form (the form validators answer those asked inside)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import answer_question
from actions.form_base import latest_intent

#: What Rasa keeps in a bot message's metadata besides the values it was rendered with.
NOT_VALUES = {"utter_action", "template", "response", "channel", "condition", "id", "text"}

HELP_BY_STEP = {
    "done": "utter_help_general",
    "paused": "utter_help_general",
    "handoff": "utter_help_general",
}


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        if intent == "repeat":
            last = next(
                (e for e in reversed(tracker.events) if e.get("event") == "bot" and e.get("text")),
                None,
            )
            said = dict((last or {}).get("metadata") or {})
            if said.get("utter_action"):
                # The same response again, with its values: a question keeps its data (step…).
                values = {k: v for k, v in said.items() if k not in NOT_VALUES}
                dispatcher.utter_message(response=said["utter_action"], **values)
            elif last:
                dispatcher.utter_message(text=last["text"])
            else:
                dispatcher.utter_message(response="utter_nothing_to_repeat")
            return []
        if intent == "correct":
            dispatcher.utter_message(response="utter_nothing_to_correct")
            return []
        answer_question(dispatcher, intent, None)
        return []
