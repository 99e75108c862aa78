"""Screen "Je vérifie mes coordonnées de contact": the masked e-mail and mobile on file.

Changing them needs one-time codes (a later issue); until then a "non" is answered with where
to change them, and the flow goes on, so the activation is never blocked by it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import VERIFIED_BEFORE_DECISION, StepFormValidator, as_bool_answer


class ValidateContactForm(StepFormValidator):
    verified_elsewhere = VERIFIED_BEFORE_DECISION

    def name(self) -> str:
        return "validate_contact_form"

    async def extract_contact_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "contact_confirmed":
            return {}
        answer = as_bool_answer(tracker)
        if answer is None:
            return {}
        return {"contact_confirmed": "confirmed" if answer else "to_change_later"}

    def validate_contact_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == "to_change_later":
            dispatcher.utter_message(
                text="Vous pourrez les modifier une fois connecté, dans votre profil Mon espace "
                "santé, ou avec un conseiller (écrivez CONSEILLER). Continuons."
            )
        return {"contact_confirmed": value}
