"""Credentials stage: the chosen identifier and password create the account.

Once the backend has the password, the vault forgets it and the slots are emptied.
"""

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
    each,
    refused,
)
from actions.runtime import runtime
from actions.validate_credentials_form import identifier_refused, password_refused

PASSWORD_SLOTS = ("password", "password_confirmation")

CREATED = Outcome(sets=(("account_created", True),), clear=PASSWORD_SLOTS)

#: `set_credentials` refused → the step.
CREDENTIALS_REFUSED: dict[str, Outcome] = {
    **each(SESSION_CODES, SESSION_LOST),
    "identifier_taken": Outcome(
        "utter_identifier_taken",
        clear=("identifier",),
        route="credentials",
    ),
    "identifier_invalid": Outcome(
        lambda error: identifier_refused(error.details.get("rules") or []),
        clear=("identifier",),
        route="credentials",
    ),
    "password_weak": Outcome(
        lambda error: password_refused(error.details.get("rules") or []),
        clear=PASSWORD_SLOTS,
        route="credentials",
    ),
    OTHER: Outcome(
        "utter_account_not_created",
        clear=PASSWORD_SLOTS,
        route="paused",
    ),
}


async def stage(ctx: Context) -> Step:
    slots = ctx.slots
    if slots.get("account_created"):
        return Step()
    identifier = slots.get("identifier")
    password = await ctx.reveal("password")
    if not identifier or not password or not slots.get("password_confirmation"):
        return Step(route="credentials")
    activation_id = await ctx.reveal("activation_ref") or ""
    try:
        await runtime().backend.set_credentials(activation_id, identifier, password)
    except BackendError as error:
        return refused(ctx, CREDENTIALS_REFUSED, error)
    metrics.step_completed("credentials")
    await forget_passwords(ctx)
    return apply(ctx, CREATED)


async def forget_passwords(ctx: Context) -> None:
    vault = runtime().vault
    for name in PASSWORD_SLOTS:
        if ctx.slots.get(name):
            await vault.delete(ctx.slots[name])
