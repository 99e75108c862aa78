"""The one-time code step that path B and a contact change go through before their backend call.

Where the person stands with the code sent for a purpose decides the step: typed back (go on),
locked (the code screen already said so: advisor), sent (ask for it again), none yet (send one).
Sending has its own table, from what `send_one_time_code` reports.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from actions.flow.base import CODE_REQUEST_SLOTS, SESSION_EXPIRED, Context, Outcome, Step, apply
from actions.one_time_code_delivery import Delivery, code_screen_events, send_one_time_code
from actions.runtime import runtime

#: The code screen's answer for the purpose → the step (None: the code was typed back).
TYPED_BACK = "verified"
LOCKED_BY_SCREEN = Outcome(route="handoff")  # the code screen already said so
ASK_AGAIN = Outcome(route="otp")

#: What sending reports → the step. `say` is the delivery's own response.
DESTINATION_EXPIRED = Outcome(SESSION_EXPIRED, clear=CODE_REQUEST_SLOTS, route="new_code")
DELIVERY: dict[str, Outcome] = {
    "locked": Outcome(Delivery.say, sets=(("handoff_reason", "otp_locked"),), route="handoff"),
    "not_sent": Outcome(Delivery.say, route="paused"),
    "sent": Outcome(route="otp"),
}


def delivery_outcome(delivery: Delivery) -> str:
    if delivery.locked:
        return "locked"
    return "sent" if delivery.sent else "not_sent"


async def pending(
    ctx: Context,
    purpose: str,
    destination_ref: Callable[[], Awaitable[str | None]],
    nir: str | None,
) -> Step | None:
    """None once the person typed back the code sent for `purpose`; otherwise the step
    towards it: send the code, ask for it again, or the advisor after a lockout."""
    slots = ctx.slots
    if slots.get("otp_purpose") == purpose and slots.get("otp_code") == TYPED_BACK:
        return None
    if slots.get("otp_purpose") == purpose and slots.get("otp_code") is not None:
        return apply(ctx, LOCKED_BY_SCREEN)
    if slots.get("otp_purpose") == purpose and slots.get("otp_destination"):
        return apply(ctx, ASK_AGAIN)
    return await send_code(ctx, purpose, await destination_ref(), nir)


async def send_code(
    ctx: Context, purpose: str, destination_ref: str | None, nir: str | None
) -> Step:
    """Sends a code for `purpose` to the destination behind `destination_ref` (a vault ref)."""
    destination = await runtime().reveal(destination_ref, ctx.tracker.sender_id)
    if not destination or not destination_ref:
        return apply(ctx, DESTINATION_EXPIRED)
    delivery = await send_one_time_code(purpose, ctx.tracker.sender_id, destination, nir)
    outcome = delivery_outcome(delivery)
    sent = code_screen_events(purpose, destination_ref, delivery) if outcome == "sent" else ()
    return apply(ctx, DELIVERY[outcome], delivery, extra=sent)
