"""Path B: "is this masked mobile yours?" before a one-time code is sent to it.

"Ce n'est pas mon numéro" (or NON) hands over to an advisor: the number on file can only be
changed by someone who checks the person's identity another way.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import StepFormValidator, as_bool_answer, latest_text
from bot.french_numbers import strip_accents

NOT_MINE = re.compile(
    r"\b(pas|plus) (le |mon |a moi|de moi)|pas le bon|plus valable|change de (numero|portable)"
    r"|incorrect|faux|ancien numero|coordonnees sont incorrectes"
)


class ValidateMobileCheckForm(StepFormValidator):
    def name(self) -> str:
        return "validate_mobile_check_form"

    async def extract_mobile_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "mobile_confirmed":
            return {}
        text = strip_accents(latest_text(tracker).lower())
        if NOT_MINE.search(text):
            return {"mobile_confirmed": "not_mine"}
        answer = as_bool_answer(tracker)
        if answer is None:
            return {}
        return {"mobile_confirmed": "confirmed" if answer else "not_mine"}
