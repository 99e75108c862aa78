"""The flow controller: from what is known, make the pending backend call and pick the next screen.

It runs after every screen's form, at the start, after "continuer", after an advisor request and
after a fault. It sets `flow_step`, which the rules of `data/rules/flow.yml` route to a form.
The stages live in `actions/flow/`, one module each with its table from backend outcome to
(sentence, slots, next screen); this action only runs them in order. Every backend refusal
becomes a clear French answer; only the field that was wrong is emptied, and a backend that does
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

UNAVAILABLE = (
    "Le service Mon espace santé ne répond pas pour le moment. Vos réponses sont gardées : "
    "écrivez CONTINUER dans quelques minutes, ou CONSEILLER pour parler à quelqu'un."
)
DONE_ACTIVATED = (
    "Mon espace santé a bien été activé ! Pour vous connecter sur monespacesante.fr : votre "
    "identifiant {identifier}, votre mot de passe, puis le code à usage unique reçu par SMS ou "
    "e-mail (valable 15 minutes)."
)

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
            dispatcher.utter_message(text="Reprenons.")

        for stage in STAGES:
            try:
                step = await stage(ctx)
            except BackendUnavailable as error:
                logger.warning("backend unavailable during %s: %s", stage.__module__, error)
                dispatcher.utter_message(text=UNAVAILABLE)
                return events + [SlotSet("flow_step", "paused")]
            for event in step.events:
                events.append(event)
                if event.get("event") == "slot":
                    ctx.slots[event["name"]] = event["value"]
            if step.route:
                return events + [SlotSet("flow_step", step.route)]

        identifier = ctx.slots.get("identifier")
        dispatcher.utter_message(text=DONE_ACTIVATED.format(identifier=identifier))
        return events + [SlotSet("flow_step", "done")]
