"""A value read back for confirmation, inside any form (see bot/confirmation.py).

`ask_to_confirm` is called by a field's validator when the words allow several valid values:
the candidates go to the vault, the question shows their refs, and the form's
`requested_slot` becomes "confirm_<field>" (no response exists for it, so Rasa asks nothing
more; the question's data says that step to the webhook). `resolve_confirmation`, called by `StepFormValidator.run` on the next message, takes
OUI (or the number of a candidate), NON (the field is asked again), or a new answer (read as
an answer to the field).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.form_base import as_bool_answer, latest_text
from actions.runtime import runtime
from bot import responses
from bot.confirmation import CONFIRM_PREFIX, refs_in

#: The field → how the question names it ("J'ai lu votre numéro de sécurité sociale ainsi…").
READING_LABELS = {
    "nir": "utter_reading_label_nir",
    "card_serial": "utter_reading_label_card_serial",
    "new_contact": "utter_reading_label_new_contact",
    "otp_code": "utter_reading_label_otp_code",
}


async def ask_to_confirm(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    field: str,
    proposals: tuple[str, ...] | list[str],
    kind: str,
    several: bool = False,
) -> dict[str, Any]:
    """Asks the person to confirm the likeliest reading (or choose among `proposals`, also
    when the message held `several` values); the slots a validator returns: the field stays
    empty until the answer."""
    vault = runtime().vault
    refs = [await vault.put(kind, value, tracker.sender_id) for value in proposals]
    dispatcher.utter_message(**confirm_question(field, refs, several))
    return {field: None, "requested_slot": CONFIRM_PREFIX + field}


def confirm_question(field: str, refs: list[str], several: bool = False) -> dict[str, Any]:
    """The question (response and values): one reading to confirm (OUI / NON), up to three
    readings to choose from, or (`several`) the values a message held, to choose from. The
    values shown are refs: the webhook shows what they stand for."""
    label = responses.text(READING_LABELS.get(field, "utter_reading_label"))
    if len(refs) == 1 and not several:
        return {
            "response": "utter_confirm_reading",
            "field": field,
            "label": label,
            "reading": refs[0],
        }
    options = " ; ".join(f"{index}) {ref}" for index, ref in enumerate(refs, start=1))
    choices = " ou ".join(str(index) for index in range(1, len(refs) + 1))
    name = "utter_confirm_reading_several" if several else "utter_confirm_reading_choice"
    return {
        "response": name,
        "field": field,
        "label": label,
        "options": options,
        "choices": choices,
    }


#: The read-back questions of this module (bot/domain/messages.yml).
CONFIRM_QUESTIONS = (
    "utter_confirm_reading",
    "utter_confirm_reading_choice",
    "utter_confirm_reading_several",
)


def pending_question(tracker: Tracker, names: Collection[str]) -> dict[str, Any] | None:
    """The values of the question the latest message answers: one of the responses `names`,
    sent since the person's previous message (Rasa keeps a message's response and values in
    its event's metadata). Both read-backs find their question this way: the readings of a
    number here, an e-mail address spelled back in actions/validate_contact_form.py."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return None
        elif event.get("event") == "bot" and users == 1:
            values = event.get("metadata") or {}
            if values.get("utter_action") in names:
                return values
    return None


def pending_refs(tracker: Tracker) -> list[str]:
    """The refs of the read-back question the person is answering, in order."""
    question = pending_question(tracker, CONFIRM_QUESTIONS) or {}
    return refs_in(f"{question.get('reading') or ''} {question.get('options') or ''}")


def chosen(tracker: Tracker, count: int) -> int | None:
    """Which candidate the answer picks (0-based), -1 for NON, None when it does not say."""
    text = latest_text(tracker).strip().lower().rstrip(" .!")
    if count > 1:
        number = re.fullmatch(r"(?:le |la |num[eé]ro |choix )?(\d)", text)
        if number and 1 <= int(number.group(1)) <= count:
            return int(number.group(1)) - 1
        answer = as_bool_answer(tracker) if text not in ("1", "2") else None
        return -1 if answer is False else None
    answer = as_bool_answer(tracker)
    if answer is None:
        return None
    return 0 if answer else -1


async def resolve_confirmation(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    requested: str,
    accept: Callable[[str, str], Awaitable[dict[str, Any]]],
) -> list[EventType] | None:
    """The answer to a read-back: events, or None when the message is not an answer to it
    (the caller then reads it as an answer to the field itself)."""
    field = requested[len(CONFIRM_PREFIX) :]
    refs = pending_refs(tracker)
    pick = chosen(tracker, len(refs)) if refs else -1
    if pick is None:
        return None
    vault = runtime().vault
    values = [await vault.get(ref, tracker.sender_id) for ref in refs]
    for ref in refs:  # the question is answered: `accept` stores what it keeps
        await vault.delete(ref)
    if pick < 0 or values[pick] is None:
        dispatcher.utter_message(response="utter_reading_asked_again")
        return [SlotSet(field, None), SlotSet("requested_slot", field)]
    slots = await accept(field, values[pick] or "")
    return [SlotSet(name, value) for name, value in slots.items()] + [SlotSet("failed_attempts", 0)]
