"""Card stage (path A): the Vitale card's type and serial number, checked against the activation."""

from __future__ import annotations

from actions import metrics
from actions.backend_client import BackendError
from actions.flow.base import (
    OTHER,
    SESSION_CODES,
    SESSION_LOST,
    Context,
    Outcome,
    Step,
    apply,
    attempts_detail,
    each,
    refused,
)
from actions.form_base import attempts_left
from actions.runtime import runtime

CARD_CHECKED = Outcome(sets=(("card_verified", True),))

#: `check_card` refused → the step.
CARD_REFUSED: dict[str, Outcome] = {
    **each(SESSION_CODES, SESSION_LOST),
    "card_locked": Outcome(
        "utter_card_locked",
        sets=(("handoff_reason", "card_locked"),),
        route="handoff",
    ),
    OTHER: Outcome(
        lambda error: {
            "response": "utter_card_mismatch",
            "attempts": attempts_left(attempts_detail(error)),
        },
        clear=("card_serial",),
        route="card",
    ),
}


async def stage(ctx: Context) -> Step:
    slots = ctx.slots
    if slots.get("card_verified"):
        return Step()
    card_type, serial = slots.get("card_type"), slots.get("card_serial")
    if not card_type or not serial:
        return Step(route="card")
    try:
        await runtime().backend.check_card(
            await ctx.reveal("activation_ref") or "", card_type, serial
        )
    except BackendError as error:
        return refused(ctx, CARD_REFUSED, error)
    metrics.step_completed("card")
    return apply(ctx, CARD_CHECKED)
