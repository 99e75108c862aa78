"""Path B stage: NIR + birth date + card → the backend knows the person → a one-time code to the
mobile on file → a new provisional code and an activation, straight to the decision.

Two backend calls, two tables: opening the code request, and the activation once the code was
typed back. Both fall back on the identity table for any other refusal.
"""

from __future__ import annotations

from actions import metrics
from actions.backend_client import BackendError
from actions.flow import one_time_code
from actions.flow.base import (
    CODE_REQUEST_SLOTS,
    OTP_SLOTS,
    Context,
    Outcome,
    Step,
    apply,
    attempts_detail,
    each,
    refused,
)
from actions.flow.identity import IDENTITY_REFUSED, greeting
from actions.form_base import attempts_left
from actions.identity_guard import guarded_code_request
from actions.runtime import runtime

LOCKED_BEFORE = Outcome("utter_otp_locked", route="handoff")
NOT_THEIR_MOBILE = Outcome(
    "utter_mobile_not_theirs",
    sets=(("handoff_reason", "mobile_not_theirs"),),
    route="handoff",
)

#: `request_new_code` refused → the step.
REQUEST_REFUSED: dict[str, Outcome] = {
    **IDENTITY_REFUSED,
    "person_not_found": Outcome(
        lambda error: {
            "response": "utter_person_not_found",
            "attempts": attempts_left(attempts_detail(error)),
        },
        clear=("birth_date", "card_type", "card_serial"),
        route="new_code",
    ),
    "request_locked": Outcome(
        "utter_otp_locked", sets=(("handoff_reason", "locked"),), route="handoff"
    ),
    "no_mobile": Outcome(
        "utter_no_mobile_on_file",
        sets=(("handoff_reason", "no_mobile"),),
        route="handoff",
    ),
}

#: `activation_after_check` refused → the step.
ACTIVATION_REFUSED: dict[str, Outcome] = {
    **IDENTITY_REFUSED,
    **each(
        ("request_not_found", "request_expired"),
        Outcome(
            "utter_code_request_expired",
            clear=CODE_REQUEST_SLOTS,
            route="new_code",
        ),
    ),
}


async def stage(ctx: Context) -> Step:
    slots = ctx.slots
    if slots.get("code_path") != "new_code" or slots.get("activation_ref"):
        return Step()
    if slots.get("handoff_reason") in ("locked", "otp_locked"):
        return apply(ctx, LOCKED_BEFORE)
    nir = await ctx.reveal("nir")
    if not nir or not slots.get("birth_date"):
        expired = ("nir",) if slots.get("nir") and not nir else ()
        return apply(ctx, Outcome(clear=expired, route="new_code"))
    if not slots.get("card_type") or not slots.get("card_serial"):
        return Step(route="card")
    request_id = await ctx.reveal("code_request_ref")
    if not request_id:
        return await open_code_request(ctx, nir)
    if slots.get("mobile_confirmed") == "not_mine":
        return apply(ctx, NOT_THEIR_MOBILE)
    if slots.get("mobile_confirmed") != "confirmed":
        return Step(route="mobile_check")

    async def mobile_ref() -> str | None:
        return slots.get("mobile_ref")

    waiting = await one_time_code.pending(ctx, "new_code", mobile_ref, nir)
    if waiting is not None:
        return waiting
    try:
        opened = await runtime().backend.activation_after_check(request_id)
    except BackendError as error:
        return refused(ctx, ACTIVATION_REFUSED, error)
    metrics.step_completed("new_code")
    ctx.say(
        **greeting("utter_new_code_verified", "utter_new_code_verified_unnamed", opened.first_name)
    )
    activated = Outcome(
        sets=(
            ("activation_ref", await ctx.keep("tok", opened.activation_id)),
            ("first_name", opened.first_name),
            ("card_verified", True),
            ("code_path", None),
        ),
        clear=OTP_SLOTS,
    )
    return apply(ctx, activated)


async def open_code_request(ctx: Context, nir: str) -> Step:
    slots = ctx.slots
    try:
        found = await guarded_code_request(
            ctx.tracker.sender_id,
            ctx.tracker.events,
            nir,
            slots["birth_date"],
            slots["card_type"],
            slots["card_serial"],
        )
    except BackendError as error:
        return refused(ctx, REQUEST_REFUSED, error)
    opened = Outcome(
        sets=(
            ("code_request_ref", await ctx.keep("tok", found.request_id)),
            ("mobile_ref", await ctx.keep("tok", found.mobile)),
            ("mobile_masked", found.mobile_masked),
            ("mobile_confirmed", None),
        ),
        route="mobile_check",
    )
    return apply(ctx, opened)
