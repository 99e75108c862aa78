"""Decision stage: activate (with consent) or oppose (confirmed), recorded by the backend.

An opposition ends the dialogue; "ACTIVER" after it reopens the choice.
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
from actions.form_base import latest_intent
from actions.runtime import runtime

DONE_OPPOSED = "utter_opposition_recorded"

#: The decision the backend recorded → the step.
DECIDED: dict[str, Outcome] = {
    "activate": Outcome(sets=(("decision_recorded", "activate"),)),
    "oppose": Outcome(DONE_OPPOSED, sets=(("decision_recorded", "oppose"),), route="done"),
}
#: After an opposition: "ACTIVER" reopens the choice; anything else is told the opposition holds.
REOPENED = Outcome(clear=("decision", "oppose_confirmed", "decision_recorded"), route="decision")
STILL_OPPOSED = Outcome(DONE_OPPOSED, route="done")

#: `decide` refused → the step.
DECISION_REFUSED: dict[str, Outcome] = {
    **each(SESSION_CODES, SESSION_LOST),
    OTHER: Outcome(
        "utter_decision_not_recorded",
        clear=("decision",),
        route="decision",
    ),
}


async def stage(ctx: Context) -> Step:
    slots = ctx.slots
    recorded = slots.get("decision_recorded")
    if recorded == "oppose":
        reopened = latest_intent(ctx.tracker) == "activate"
        return apply(ctx, REOPENED if reopened else STILL_OPPOSED)
    if recorded == "activate":
        return Step()
    decision = slots.get("decision")
    ready = (decision == "activate" and slots.get("consent")) or (
        decision == "oppose" and slots.get("oppose_confirmed")
    )
    if not ready:
        return Step(route="decision")
    activation_id = await ctx.reveal("activation_ref") or ""
    try:
        await runtime().backend.decide(activation_id, decision, bool(slots.get("consent")))
    except BackendError as error:
        return refused(ctx, DECISION_REFUSED, error)
    metrics.step_completed("decision")
    return apply(ctx, DECIDED[decision])
