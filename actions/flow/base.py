"""What every stage shares: the outcome table entry, how an entry becomes events, the context.

An `Outcome` is one row of a stage's table: a backend result (an error code, or a named success)
→ a response to say (or a function of the refusal that gives it with its values), slots to set,
slots to empty, and the next screen. The words are the domain's (bot/domain/messages.yml); the
slots a row sets are also the response's values (`{handoff_reason}`), since Rasa renders it
before they are set. Stages keep in code only what a row cannot say (vault references, a
first name in the greeting).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError
from actions.runtime import runtime

#: Table key for "any other refusal"; a table without it lets other refusals raise.
OTHER = "*"


class _ErrorCode:
    """In `Outcome.sets`: the refusal's own code (e.g. `handoff_reason` = the backend's code)."""

    def __repr__(self) -> str:
        return "ERROR_CODE"


ERROR_CODE: Any = _ErrorCode()

SESSION_EXPIRED = "utter_session_expired"

#: Refusals saying the backend forgot the activation (30 minutes).
SESSION_CODES = ("activation_not_found", "activation_expired")

#: The code screen's slots, emptied once its code has done its work (or is void).
OTP_SLOTS = (
    "otp_purpose",
    "otp_destination",
    "otp_sent_to",
    "otp_channel",
    "otp_masked",
    "otp_code",
)
#: Path B's pending request, emptied when it has expired, with its code screen.
CODE_REQUEST_SLOTS = ("code_request_ref", "mobile_ref", "mobile_confirmed") + OTP_SLOTS


@dataclass(frozen=True)
class Outcome:
    """One row: say the response `say` (or the `utter_message` arguments a function of the
    refusal gives), set `sets` (in order), empty `clear` (in order), go to `route` (None: the
    next stage runs)."""

    say: str | Callable[[Any], dict[str, Any]] | None = None
    sets: tuple[tuple[str, Any], ...] = ()
    clear: tuple[str, ...] = ()
    route: str | None = None


class Step:
    """The outcome of one stage: events to add, and the flow step to route to (None: go on)."""

    def __init__(self, events: list[EventType] | None = None, route: str | None = None):
        self.events = events or []
        self.route = route


@dataclass
class Context:
    """What a stage reads: the dispatcher to speak through, the tracker, and the slots as they
    are after the earlier stages of this turn."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    slots: dict[str, Any] = field(default_factory=dict)

    async def reveal(self, name: str) -> str | None:
        """The real value behind the slot `name` (a vault reference), None once it expired."""
        return await runtime().reveal(self.slots.get(name), self.tracker.sender_id)

    async def keep(self, kind: str, value: str) -> str:
        """A vault reference for `value`, bound to this conversation."""
        return await runtime().vault.put(kind, value, self.tracker.sender_id)

    def say(self, response: str, **values: Any) -> None:
        """Sends the domain's `response`, filled by Rasa with the slots and `values`."""
        self.dispatcher.utter_message(response=response, **values)


#: The backend forgot the activation: identify again with what is kept.
SESSION_LOST = Outcome(SESSION_EXPIRED, clear=("activation_ref", "card_verified"), route="identity")


def each(codes: Iterable[str], outcome: Outcome) -> dict[str, Outcome]:
    """Several codes, one row."""
    return {code: outcome for code in codes}


def apply(
    ctx: Context, outcome: Outcome, detail: Any = None, extra: Iterable[EventType] = ()
) -> Step:
    """Says the row's response (given by `detail` when it is a function), then returns its
    events (`extra` first) and route."""
    sets = [(name, detail.code if value is ERROR_CODE else value) for name, value in outcome.sets]
    said = outcome.say(detail) if callable(outcome.say) else {"response": outcome.say}
    if said.get("response"):
        ctx.say(**{**dict(sets), **said})
    events: list[EventType] = list(extra)
    for name, value in sets:
        events.append(SlotSet(name, value))
    events += [SlotSet(name, None) for name in outcome.clear]
    return Step(events, outcome.route)


def refused(ctx: Context, table: Mapping[str, Outcome], error: BackendError) -> Step:
    """The row for `error.code` (or `OTHER`); a refusal the table does not know is raised."""
    outcome = table.get(error.code) or table.get(OTHER)
    if outcome is None:
        raise error
    return apply(ctx, outcome, error)


def attempts_detail(error: BackendError) -> int:
    """The backend's count of tries left, 0 when it did not say."""
    return int(error.details.get("attempts_left", 0) or 0)
