"""Screen "Ma carte Vitale": card type (with or without photo), then the card's serial number."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.confirm_reading import ask_to_confirm
from actions.form_base import StepFormValidator, entity_values, latest_text, latest_words
from bot.card import CARD_TYPES, check_serial, parse_card_type
from bot.vault import find_refs

ALREADY_VERIFIED = "utter_card_already_verified"

#: What is wrong with a serial → the response; by card type when the length is wrong.
SERIAL_ERRORS = {
    "empty": "utter_serial_empty",
    "not_digits": "utter_serial_not_digits",
    "too_short": "utter_serial_too_short",
    "too_long": "utter_serial_too_long",
    "looks_like_nir": "utter_serial_looks_like_nir",
    "unsure": "utter_serial_unsure",
    "several": "utter_serial_several",
}
SERIAL_LENGTH_ERRORS = {
    ("too_short", "with_photo"): "utter_serial_too_short_with_photo",
    ("too_short", "without_photo"): "utter_serial_too_short_without_photo",
    ("too_long", "with_photo"): "utter_serial_too_long_with_photo",
    ("too_long", "without_photo"): "utter_serial_too_long_without_photo",
}


def serial_error(error: str, card_type: str | None) -> str:
    """The response for `error`, with the card's length when its type is known."""
    return SERIAL_LENGTH_ERRORS.get((error, card_type or ""), SERIAL_ERRORS[error])


class ValidateCardForm(StepFormValidator):
    verified_elsewhere = {"provisional_code": ALREADY_VERIFIED, "nir": ALREADY_VERIFIED}

    def name(self) -> str:
        return "validate_card_form"

    async def extract_card_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        from_entity = [v for v in entity_values(tracker, "card_type") if v in CARD_TYPES]
        if from_entity:
            return {"card_type": from_entity[0]}
        text = latest_text(tracker)
        asked = tracker.get_slot("requested_slot") == "card_type"
        if asked or "photo" in text.lower():
            card_type = parse_card_type(text)
            if card_type:
                return {"card_type": card_type}
        return {}

    async def extract_card_serial(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_words(tracker)
        requested = tracker.get_slot("requested_slot")
        if requested == "card_type" and sum(c.isdigit() for c in text) >= 8:
            # "avec photo, le numéro de série c'est …": the serial is kept for its turn
            card_type = parse_card_type(text) or tracker.get_slot("card_type")
            if card_type and check_serial(text, card_type).value:
                return {"card_serial": text}
            return {}
        if requested != "card_serial":
            return {}
        if any(ref.startswith("secretnir") for ref in find_refs(latest_text(tracker))):
            return {"card_serial": "looks_like_nir"}
        if sum(c.isdigit() for c in text) >= 4 or check_serial(text, "without_photo").value:
            return {"card_serial": text}
        return {}

    async def validate_card_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in CARD_TYPES:
            return {"card_type": value}
        return {"card_type": None}

    async def validate_card_serial(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        card_type = tracker.get_slot("card_type")
        if value == "looks_like_nir":
            dispatcher.utter_message(response=SERIAL_ERRORS["looks_like_nir"])
            return {"card_serial": None}
        check = check_serial(str(value), card_type or "without_photo")
        if check.error in ("unsure", "several") and check.proposals:
            several = check.error == "several"
            return await ask_to_confirm(
                dispatcher, tracker, "card_serial", check.proposals, "tok", several
            )
        if check.error:
            dispatcher.utter_message(response=serial_error(check.error, card_type))
            return {"card_serial": None}
        return {"card_serial": check.value}
