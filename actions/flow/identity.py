"""Identity stage (path A): provisional code + NIR → the backend opens an activation.

Its refusal table is also path B's, whose checks refuse the same way.
"""

from __future__ import annotations

from actions import metrics
from actions.backend_client import BackendError
from actions.flow.base import ERROR_CODE, OTHER, Context, Outcome, Step, apply, refused
from actions.identity_guard import guarded_identity_check

#: Already locked (the handoff was said): say so again, without the hours.
LOCKED_BEFORE = Outcome("utter_identity_still_locked", route="handoff")

IDENTITY_REFUSED: dict[str, Outcome] = {
    "identity_mismatch": Outcome(
        "utter_identity_mismatch",
        clear=("provisional_code",),
        route="identity",
    ),
    "identity_locked": Outcome(
        "utter_identity_locked",
        sets=(("handoff_reason", "locked"),),
        route="handoff",
    ),
    "code_expired": Outcome(
        "utter_code_expired",
        clear=("provisional_code",),
        route="paused",
    ),
    "already_activated": Outcome(
        "utter_already_activated",
        route="done",
    ),
    OTHER: Outcome(
        "utter_cannot_activate_here",
        sets=(("handoff_reason", ERROR_CODE),),
        route="paused",
    ),
}


def greeting(named: str, unnamed: str, first_name: str) -> dict[str, str]:
    """The response that thanks the person by name (`named`), or without (`unnamed`)."""
    if first_name:
        return {"response": named, "first_name": first_name.title()}
    return {"response": unnamed}


async def stage(ctx: Context) -> Step:
    slots = ctx.slots
    if slots.get("handoff_reason") == "locked":
        return apply(ctx, LOCKED_BEFORE)
    if slots.get("activation_ref"):
        return Step()
    code, nir = await ctx.reveal("provisional_code"), await ctx.reveal("nir")
    if not code or not nir:
        # A value whose vault entry expired is asked again; nothing else is touched.
        expired = tuple(
            name
            for name, value in (("provisional_code", code), ("nir", nir))
            if slots.get(name) and not value
        )
        return apply(ctx, Outcome(clear=expired, route="identity"))
    try:
        identity = await guarded_identity_check(
            ctx.tracker.sender_id, ctx.tracker.events, nir, code
        )
    except BackendError as error:
        return refused(ctx, IDENTITY_REFUSED, error)
    metrics.step_completed("identity")
    ctx.say(
        **greeting(
            "utter_identity_verified", "utter_identity_verified_unnamed", identity.first_name
        )
    )
    checked = Outcome(
        sets=(
            ("activation_ref", await ctx.keep("tok", identity.activation_id)),
            ("first_name", identity.first_name),
        )
    )
    return apply(ctx, checked)
