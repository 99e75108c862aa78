"""The flow controller: from what is known, make the pending backend call and pick the next screen.

It runs after every screen's form, at the start, after "continuer", after an advisor request and
after a fault. It sets `flow_step`, which the rules of `data/rules/flow.yml` route to a form.
The stages live in `actions/flow/`, one module each with its table from backend outcome to
(sentence, slots, next screen); this action only runs them in order. Every backend refusal
becomes a clear answer (the domain's responses, bot/domain/messages.yml); only the field that was wrong is emptied, and a backend that does
not answer pauses the flow with everything kept.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendUnavailable
from actions.flow import card, contact, credentials, decision, identity, new_code
from actions.flow.base import Context, Step
from actions.form_base import latest_intent

logger = logging.getLogger(__name__)

UNAVAILABLE = "utter_service_unavailable"
DONE_ACTIVATED = "utter_activation_done"
#: Flow steps no form asks about: the reply says the step itself, since no question will
#: (issues/REPLY_CONTRACT.md: the webhook takes the step of the turn's last message with one).
STEPS_WITHOUT_QUESTION = ("done", "paused", "handoff")

#: In order; the first stage that names a screen ends the turn.
STAGES: tuple[Callable[[Context], Awaitable[Step]], ...] = (
    new_code.stage,
    identity.stage,
    card.stage,
    decision.stage,
    contact.stage,
    credentials.stage,
)


class ActionNextStep(Action):
    def name(self) -> str:
        return "action_next_step"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        ctx = Context(dispatcher, tracker, dict(tracker.slots))
        events: list[EventType] = []
        # A first message that already gives a value, or says there is no code (action_new_code
        # has just said what follows), needs no welcome.
        if ctx.slots.get("flow_step") is None and latest_intent(tracker) not in (
            "inform",
            "no_code",
        ):
            dispatcher.utter_message(response="utter_welcome")
        elif ctx.slots.get("flow_step") in ("paused", "handoff") and ctx.slots.get(
            "handoff_reason"
        ) not in ("locked", "otp_locked"):
            dispatcher.utter_message(response="utter_resume")

        for stage in STAGES:
            try:
                step = await stage(ctx)
            except BackendUnavailable as error:
                logger.warning("backend unavailable during %s: %s", stage.__module__, error)
                dispatcher.utter_message(response=UNAVAILABLE)
                return events + route_to(dispatcher, "paused")
            for event in step.events:
                events.append(event)
                if event.get("event") == "slot":
                    ctx.slots[event["name"]] = event["value"]
            if step.route:
                return events + route_to(dispatcher, step.route)

        identifier = ctx.slots.get("identifier")
        dispatcher.utter_message(response=DONE_ACTIVATED, identifier=identifier)
        return events + route_to(dispatcher, "done")


def route_to(dispatcher: CollectingDispatcher, flow_step: str) -> list[EventType]:
    """The screen that comes next; a step no form asks about is said in the reply's data."""
    if flow_step in STEPS_WITHOUT_QUESTION:
        dispatcher.utter_message(json_message={"step": flow_step})
    return [SlotSet("flow_step", flow_step)]
