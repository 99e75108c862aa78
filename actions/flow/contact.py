"""Contact stage: the e-mail and mobile on file, shown masked on the contact screen; a change the
person asked for is confirmed by a one-time code sent to the new value, then saved.

The stage routes to the contact screen until the person confirms what is on file.
"""

from __future__ import annotations

from actions import metrics
from actions.backend_client import BackendError
from actions.flow import one_time_code
from actions.flow.base import (
    OTHER,
    OTP_SLOTS,
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
from bot import responses

#: The field changed → what the confirmation says.
SAVED = {"email": "utter_contact_saved_email", "mobile": "utter_contact_saved_mobile"}
CHANGE_DONE_SLOTS = ("contact_confirmed", "contact_change", "new_contact") + OTP_SLOTS

#: `update_contact` refused → the step.
UPDATE_REFUSED: dict[str, Outcome] = {
    **each(SESSION_CODES, SESSION_LOST),
    OTHER: Outcome(
        "utter_contact_not_saved",
        clear=("new_contact",) + OTP_SLOTS,
        route="contact",
    ),
}
#: `contact` refused → the step; any other refusal is not expected and raised.
LOOKUP_REFUSED: dict[str, Outcome] = each(SESSION_CODES, SESSION_LOST)


async def stage(ctx: Context) -> Step:
    slots = ctx.slots
    if slots.get("contact_confirmed") == "confirmed":
        return Step()
    activation_id = await ctx.reveal("activation_ref") or ""
    done = Step()
    field, new_value = slots.get("contact_change"), slots.get("new_contact")
    if slots.get("contact_confirmed") == "change" and field and new_value:
        waiting = await one_time_code.pending(
            ctx,
            f"confirm_{field}",
            lambda: ctx.keep("tok", new_value),
            await ctx.reveal("nir"),  # for the per-NIR throttle
        )
        if waiting is not None:
            return waiting
        try:
            await runtime().backend.update_contact(activation_id, **{field: new_value})
        except BackendError as error:
            return refused(ctx, UPDATE_REFUSED, error)
        metrics.step_completed("contact_change")
        saved = SAVED["email"] if field == "email" else SAVED["mobile"]
        done = apply(ctx, Outcome(saved, clear=CHANGE_DONE_SLOTS))
    try:
        contact = await runtime().backend.contact(activation_id)
    except BackendError as error:
        return refused(ctx, LOOKUP_REFUSED, error)
    none = responses.text("utter_contact_none_on_file")
    on_file = Outcome(
        sets=(
            ("email_masked", contact.email_masked or none),
            ("mobile_masked", contact.mobile_masked or none),
        ),
        route="contact",
    )
    return apply(ctx, on_file, extra=done.events)
