""" "Je n'ai pas de code" / "je ne l'ai pas reçu" / "je l'ai perdu": path B of DOMAIN.md.

The identity screen steps aside (its validator rejects `no_code` while the code is asked) and
the flow controller takes the new-code path: NIR, date of birth, card, the mobile on file, a
one-time code. A NIR already given is kept; a code already typed is dropped (it is the one that
did not work, or there is none).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.runtime import runtime
from bot.vault import REF_PATTERN


class ActionNewCode(Action):
    def name(self) -> str:
        return "action_new_code"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("activation_ref"):
            dispatcher.utter_message(response="utter_already_identified")
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        if tracker.get_slot("code_path") == "new_code":
            dispatcher.utter_message(response="utter_new_code_under_way")
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        dispatcher.utter_message(response="utter_new_code_start")
        code = tracker.get_slot("provisional_code")
        if code and REF_PATTERN.fullmatch(code):
            await runtime().vault.delete(code)
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("code_path", "new_code"),
            SlotSet("provisional_code", None),
        ]
