"""Screen "Je choisis mon identifiant et mon mot de passe".

The identifier is found inside a sentence ("mon identifiant sera paul.thomas1989"), checked
locally (each rule named, lowercase offered for uppercase) and for availability at the backend;
the password arrives as a vault reference, is checked against every rule (each failing rule
named) and compared in constant time with its confirmation.

What may be a password is never written back at the identifier step: no lowercased suggestion
of "Jean.Dupont85", and a password given with the identifier ("identifiant … mot de passe …") is
neither kept nor repeated (`bot.credentials.find_identifier`).
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendError, BackendUnavailable
from actions.form_base import (
    VERIFIED_BEFORE_DECISION,
    StepFormValidator,
    as_bool_answer,
    latest_text,
    literal_bool_answer,
)
from actions.runtime import runtime
from bot.credentials import (
    IDENTIFIER_RULES,
    IDENTIFIER_RULES_FR,
    PASSWORD_RULES,
    PASSWORD_RULES_FR,
    find_identifier,
    identifier_problems,
    password_problems,
    suggest_identifier,
)
from bot.redaction import is_control_phrase

#: The slot value, inside one action run only, of a message that held a password and no
#: identifier: `validate_identifier` answers it and empties the slot.
NO_IDENTIFIER = ""


_IDENTIFIER_LIKE = re.compile(r"\S*[0-9._-]\S*|\S{8,}")


def identifier_refused(rule_codes: list[str]) -> dict[str, Any]:
    """ "Cet identifiant ne convient pas : au moins 8 caractères, aucune lettre majuscule.": one
    message, whatever the number of rules (each SMS segment costs)."""
    rules = ", ".join(IDENTIFIER_RULES_FR[code] for code in rule_codes if code in IDENTIFIER_RULES)
    return {"response": "utter_identifier_refused", "rules": rules}


def password_refused(rule_codes: list[str]) -> dict[str, Any]:
    rules = ", ".join(PASSWORD_RULES_FR[code] for code in rule_codes if code in PASSWORD_RULES)
    return {"response": "utter_password_refused", "rules": rules}


class ValidateCredentialsForm(StepFormValidator):
    verified_elsewhere = VERIFIED_BEFORE_DECISION

    def name(self) -> str:
        return "validate_credentials_form"

    async def extract_identifier(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "identifier":
            return {}
        suggestion = tracker.get_slot("identifier_suggestion")
        if suggestion and as_bool_answer(tracker) is True:
            return {"identifier": suggestion}
        text = latest_text(tracker).strip()
        if literal_bool_answer(text) is not None:
            return {}
        reading = find_identifier(text)
        # One word is the identifier whatever intent the NLU gave it ("paul.thomas1989f" was
        # once read as a no), unless it is a bare yes / no; in a sentence, a word shaped like an
        # identifier is ("mon identifiant sera paul.thomas1989"), other words are the sentence.
        one_word = re.fullmatch(r"\S{3,64}", text) is not None
        if reading.identifier and (one_word or _IDENTIFIER_LIKE.fullmatch(reading.identifier)):
            return {"identifier": reading.identifier}
        if reading.password_given:
            return {"identifier": NO_IDENTIFIER}
        return {}

    async def validate_identifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        identifier = str(value)
        password_given = find_identifier(latest_text(tracker)).password_given
        if identifier == NO_IDENTIFIER:
            dispatcher.utter_message(response="utter_password_not_identifier")
            return {"identifier": None, "identifier_suggestion": None}
        if password_given:
            dispatcher.utter_message(response="utter_password_not_kept")
        problems = identifier_problems(identifier)
        if problems:
            suggestion = suggest_identifier(identifier)
            if suggestion:
                dispatcher.utter_message(
                    response="utter_identifier_lowercase", suggestion=suggestion
                )
                return {"identifier": None, "identifier_suggestion": suggestion}
            dispatcher.utter_message(**identifier_refused(problems))
            return {"identifier": None, "identifier_suggestion": None}
        activation_id = await self.reveal(tracker, tracker.get_slot("activation_ref"))
        try:
            await runtime().backend.check_identifier(activation_id or "", identifier)
        except BackendError as error:
            if error.code == "identifier_taken":
                dispatcher.utter_message(
                    response="utter_identifier_taken_named", identifier=identifier
                )
                return {"identifier": None, "identifier_suggestion": None}
            if error.code == "identifier_invalid":
                rules = error.details.get("rules") or []
                dispatcher.utter_message(**identifier_refused(rules))
                return {"identifier": None, "identifier_suggestion": None}
            # Session problems are handled when the account is created; keep the identifier.
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_credentials_unavailable")
            return {"identifier": None}
        return {"identifier": identifier, "identifier_suggestion": None}

    async def extract_password(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "password":
            return {}
        text = latest_text(tracker).strip()
        return {"password": text} if text and not is_control_phrase(text) else {}

    async def validate_password(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        password = await self.reveal(tracker, value)
        if password is None:
            dispatcher.utter_message(response="utter_password_unreadable")
            return {"password": None}
        problems = password_problems(password, tracker.get_slot("identifier"))
        if problems:
            dispatcher.utter_message(**password_refused(problems))
            return {"password": None}
        return {"password": value}

    async def extract_password_confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "password_confirmation":
            return {}
        text = latest_text(tracker).strip()
        return {"password_confirmation": text} if text and not is_control_phrase(text) else {}

    async def validate_password_confirmation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        first = await self.reveal(tracker, tracker.get_slot("password")) or ""
        second = await self.reveal(tracker, value) or ""
        if first and hmac.compare_digest(first.encode(), second.encode()):
            return {"password_confirmation": value}
        dispatcher.utter_message(response="utter_passwords_differ")
        return {"password": None, "password_confirmation": None, "requested_slot": "password"}
