"""Shared behaviour of every screen's form validator.

Each message reaching a form goes through `StepFormValidator.run`:
1. values first: if the message carries a value for one of the form's slots, it is extracted
   and validated (subclasses' `extract_<slot>` / `validate_<slot>`), whatever the intent;
2. words that work at any step ("conseiller", "stop", "recommencer"): the validator returns no
   event, the form is rejected, and the rules of `data/rules/control.yml` apply;
3. "corriger": the field is emptied and asked again (which one, when several are filled);
4. questions ("aide", "où est mon numéro…", "répéter", out of scope): answered here, because the
   validator knows which field is being asked, then the same field is asked again;
5. anything else: a precise "not understood" for that field, and after 3 in a row, an advisor
   offer. Nothing already collected is ever dropped.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import answer_question, is_question
from actions.runtime import runtime
from bot import responses
from bot.confirmation import CONFIRM_PREFIX
from bot.domain_files import domain as local_domain
from bot.vault import without_refs

#: Fields of the screens before the decision, already checked by the backend once it is past
#: (field → the response that says so).
VERIFIED_BEFORE_DECISION = {
    field: "utter_verified_before_decision"
    for field in ("provisional_code", "nir", "card_type", "card_serial")
}

#: The field → its name in a sentence ("D'accord, corrigeons le numéro de série de la carte.").
FIELD_LABELS = {
    "provisional_code": "utter_label_provisional_code",
    "nir": "utter_label_nir",
    "card_type": "utter_label_card_type",
    "card_serial": "utter_label_card_serial",
    "decision": "utter_label_decision",
    "consent": "utter_label_consent",
    "oppose_confirmed": "utter_label_oppose_confirmed",
    "contact_confirmed": "utter_label_contact_confirmed",
    "identifier": "utter_label_identifier",
    "password": "utter_label_password",
    "password_confirmation": "utter_label_password_confirmation",
    "birth_date": "utter_label_birth_date",
    "new_contact": "utter_label_new_contact",
}
#: The field asked → what to say when the message gives nothing for it.
NOT_UNDERSTOOD = {
    "provisional_code": "utter_not_understood_provisional_code",
    "nir": "utter_not_understood_nir",
    "card_type": "utter_not_understood_card_type",
    "card_serial": "utter_not_understood_card_serial",
    "decision": "utter_not_understood_decision",
    "consent": "utter_not_understood_consent",
    "oppose_confirmed": "utter_not_understood_oppose_confirmed",
    "contact_confirmed": "utter_not_understood_contact_confirmed",
    "identifier": "utter_not_understood_identifier",
    "password": "utter_not_understood_password",
    "password_confirmation": "utter_not_understood_password_confirmation",
    "birth_date": "utter_not_understood_birth_date",
    "mobile_confirmed": "utter_not_understood_mobile_confirmed",
    "otp_code": "utter_not_understood_otp_code",
    "contact_change": "utter_not_understood_contact_change",
    "new_contact": "utter_not_understood_new_contact",
}
LEAVE_FORM_INTENTS = {"request_advisor", "stop", "start_over"}
#: Not questions inside a form: the field-specific "not understood" says more than a generic line.
NOT_UNDERSTOOD_INTENTS = {"nlu_fallback", "affirm", "deny", "inform"}
MAX_FAILURES_BEFORE_ADVISOR = 3


def latest_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_words(tracker: Tracker) -> str:
    """The latest message without its vault refs, for the parsers of non-secret fields."""
    return without_refs(latest_text(tracker))


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [
        str(e.get("value"))
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == entity and e.get("value") is not None
    ]


class StepFormValidator(FormValidationAction, ABC):
    """Base of `validate_<form>` actions; subclasses define `name()` and their slots' methods."""

    @abstractmethod
    def name(self) -> str: ...

    #: Slots of earlier screens already checked by the backend: they cannot be wrong any more.
    verified_elsewhere: dict[str, str] = {}

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Calls `validate_<slot>` for each slot of this form set in this turn, but only when it
        got a value: a slot emptied on purpose (a correction, a refusal) has nothing to check,
        and checking it would send the person a spurious "not found" message."""
        own = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        results: dict[str, Any] = {}
        for name, value in tracker.slots_to_validate().items():
            if name not in own:
                continue
            validate = getattr(self, f"validate_{name}", None)
            if value is None or validate is None:
                results.setdefault(name, value)
                continue
            output = await validate(value, dispatcher, tracker, domain)
            results.update(output)
            tracker.slots.update(output)
        return [SlotSet(name, value) for name, value in results.items()]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Rasa sends no domain with action calls (endpoints.yml `enable_selective_domain`): the
        # forms and slots come from the same files, read once (bot/domain_files.py).
        domain = domain or local_domain()  # type: ignore[assignment]
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            # Form activation: take whatever the opening message already carries.
            return await super().run(dispatcher, tracker, domain)
        if requested.startswith(CONFIRM_PREFIX):
            # A value read back for confirmation (actions/confirm_reading.py).
            from actions.confirm_reading import resolve_confirmation

            if self.leaves_form(latest_intent(tracker), tracker):
                return []
            answered = await resolve_confirmation(
                dispatcher, tracker, requested, lambda *args: self.accept_reading(tracker, *args)
            )
            if answered is not None:
                return answered
            requested = requested[len(CONFIRM_PREFIX) :]  # a new answer to the field itself
            tracker.slots["requested_slot"] = requested
            again = [SlotSet("requested_slot", requested)]
            return again + await self._answer(dispatcher, tracker, domain, requested)
        return await self._answer(dispatcher, tracker, domain, requested)

    async def _answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        requested: str,
    ) -> list[EventType]:
        """The message answers the field `requested` (or says something else)."""
        intent = latest_intent(tracker)
        if tracker.get_slot("correction_pending"):
            return await self._resolve_correction(dispatcher, tracker, domain, requested)

        extraction = await self.get_extraction_events(dispatcher, tracker, domain)
        found = [e for e in extraction if e.get("value") is not None]
        if found:
            tracker.add_slots(extraction)
            # rasa-sdk's own sequence (FormValidationAction.run), through its public methods
            events = await self.get_validation_events(dispatcher, tracker, domain)
            tracker.add_slots(events)
            asked = await self.next_requested_slot(dispatcher, tracker, domain)
            events += [asked] if asked else []
            return events + self._failure_events(dispatcher, tracker, events, requested)

        if self.leaves_form(intent, tracker):
            return []
        if intent == "correct":
            return await self._start_correction(dispatcher, tracker, domain, requested)
        if intent == "repeat":
            return [SlotSet(requested, None)]
        if intent == "no_code" and tracker.get_slot("code_path") == "new_code":
            dispatcher.utter_message(response="utter_new_code_in_progress")
            return [SlotSet(requested, None)]
        if is_question(intent) and intent not in NOT_UNDERSTOOD_INTENTS:
            answer_question(dispatcher, intent, requested)
            return [SlotSet(requested, None)]
        dispatcher.utter_message(response=self.not_understood(tracker, requested))
        return [SlotSet(requested, None)] + self._count_failure(dispatcher, tracker)

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """No next field while a value waits for its confirmation (forms with their own
        `required_slots` would otherwise ask the next one)."""
        if str(tracker.slots.get("requested_slot") or "").startswith(CONFIRM_PREFIX):
            return None
        return await super().next_requested_slot(dispatcher, tracker, domain)

    # -- hooks -------------------------------------------------------------------------------
    async def accept_reading(self, tracker: Tracker, field: str, value: str) -> dict[str, Any]:
        """The slots for `value`, read back and confirmed by the person at `field`."""
        return {field: value}

    def leaves_form(self, intent: str, tracker: Tracker) -> bool:
        """Intents for which the form steps aside, so that a rule takes over."""
        return intent in LEAVE_FORM_INTENTS

    def not_understood(self, tracker: Tracker, requested: str) -> str:
        """The response that says what the field `requested` expects."""
        return NOT_UNDERSTOOD.get(requested, "utter_not_understood")

    def conversation_id(self, tracker: Tracker) -> str:
        return tracker.sender_id

    async def reveal(self, tracker: Tracker, value: str | None) -> str | None:
        return await runtime().reveal(value, self.conversation_id(tracker))

    # -- failures ----------------------------------------------------------------------------
    def _failure_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        events: list[EventType],
        requested: str,
    ) -> list[EventType]:
        """Resets the failure count when the asked field got a value, counts one otherwise."""
        filled = any(
            e.get("event") == "slot" and e.get("name") == requested and e.get("value") is not None
            for e in events
        )
        if filled:
            return [SlotSet("failed_attempts", 0)]
        return self._count_failure(dispatcher, tracker)

    def _count_failure(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if failures >= MAX_FAILURES_BEFORE_ADVISOR:
            dispatcher.utter_message(response="utter_advisor_offer")
            failures = 0
        return [SlotSet("failed_attempts", failures)]

    # -- corrections -------------------------------------------------------------------------
    async def _own_fields(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> tuple[list[str], list[str]]:
        """This form's fields (as the choice so far makes them), and those already answered."""
        own = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        return own, [f for f in own if tracker.get_slot(f) is not None]

    async def _start_correction(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        requested: str,
    ) -> list[EventType]:
        named = entity_values(tracker, "field")
        for field in named:
            if field in self.verified_elsewhere:
                dispatcher.utter_message(response=self.verified_elsewhere[field])
                return [SlotSet(requested, None)]
        own, filled = await self._own_fields(dispatcher, tracker, domain)
        targets = [f for f in named if f in own]
        if targets:
            return self._reask(dispatcher, targets[0])
        if not filled:
            dispatcher.utter_message(response="utter_correct_this_question")
            return [SlotSet(requested, None)]
        if len(filled) == 1:
            return self._reask(dispatcher, filled[0])
        dispatcher.utter_message(
            response="utter_which_field", options=which_field_options(filled), asked=requested
        )
        return [SlotSet("correction_pending", True), SlotSet(requested, None)]

    async def _resolve_correction(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        requested: str,
    ) -> list[EventType]:
        _, filled = await self._own_fields(dispatcher, tracker, domain)
        choice = None
        number = re.fullmatch(r"\s*(\d)\s*\.?\s*", latest_text(tracker))
        if number and 1 <= int(number.group(1)) <= len(filled):
            choice = filled[int(number.group(1)) - 1]
        for field in entity_values(tracker, "field"):
            if field in filled:
                choice = field
        if choice is None:
            dispatcher.utter_message(response="utter_correction_dropped")
            return [SlotSet("correction_pending", False), SlotSet(requested, None)]
        return [SlotSet("correction_pending", False)] + self._reask(dispatcher, choice)

    def _reask(self, dispatcher: CollectingDispatcher, field: str) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_correcting", label=responses.text(FIELD_LABELS[field])
        )
        return [SlotSet(field, None), SlotSet("requested_slot", field)]


def attempts_left(count: int) -> str:
    """ " Il vous reste 2 essais.", to end a message's sentence (hence the leading space); empty
    when the backend did not say."""
    if count <= 0:
        return ""
    name = "utter_attempts_left_one" if count == 1 else "utter_attempts_left_many"
    return " " + responses.text(name, count=count)


def which_field_options(fields: list[str]) -> str:
    """ "1 pour le code provisoire ; 2 pour le numéro de sécurité sociale"."""
    return " ; ".join(
        responses.text(
            "utter_which_field_option", number=number, label=responses.text(FIELD_LABELS[field])
        )
        for number, field in enumerate(fields, start=1)
    )


def literal_bool_answer(text: str) -> bool | None:
    """A bare 1 / 2 or oui / non (the NLU reads every bare number alike)."""
    word = text.strip().lower().rstrip(" .!")
    if word in {"1", "oui", "o", "ok", "yes"}:
        return True
    if word in {"2", "non", "n", "no"}:
        return False
    return None


def as_bool_answer(tracker: Tracker) -> bool | None:
    """OUI / NON for yes-no questions: the literal answer first, then the intent."""
    literal = literal_bool_answer(latest_text(tracker))
    if literal is not None:
        return literal
    intent = latest_intent(tracker)
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None
