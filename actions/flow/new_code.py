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
from actions.identity_guard import guarded_code_request
from actions.runtime import runtime
from bot import replies

LOCKED_BEFORE = Outcome(replies.ONE_TIME_CODE_LOCKED, route="handoff")
NOT_THEIR_MOBILE = Outcome(
    "D'accord. Seul un conseiller peut changer le numéro enregistré, après avoir "
    "vérifié votre identité : il va vous répondre ici, ou appelez le 34 22.",
    sets=(("handoff_reason", "mobile_not_theirs"),),
    route="handoff",
)

#: `request_new_code` refused → the step.
REQUEST_REFUSED: dict[str, Outcome] = {
    **IDENTITY_REFUSED,
    "person_not_found": Outcome(
        lambda error: (
            "Ces informations ne correspondent pas à nos fichiers. Vérifiez votre "
            "date de naissance et votre carte (écrivez CORRIGER pour changer le numéro de "
            f"sécurité sociale). {replies.attempts_left(attempts_detail(error))}"
        ).strip(),
        clear=("birth_date", "card_type", "card_serial"),
        route="new_code",
    ),
    "request_locked": Outcome(
        replies.ONE_TIME_CODE_LOCKED, sets=(("handoff_reason", "locked"),), route="handoff"
    ),
    "no_mobile": Outcome(
        "Aucun numéro de mobile n'est enregistré pour vous : un conseiller va "
        "vous envoyer un nouveau code. Il vous répondra ici, ou appelez le 34 22.",
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
            "Pour votre sécurité, la demande a expiré. Reprenons la vérification.",
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
        f"{greeting(opened.first_name)}, c'est vérifié. Votre nouveau code provisoire vous est "
        "aussi envoyé par SMS : inutile de l'écrire ici, nous continuons."
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
