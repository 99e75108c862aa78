"""The flow controller: from what is known, make the pending backend call and pick the next screen.

It runs after every screen's form, at the start, after "continuer", after an advisor request and
after a fault. It sets `flow_step`, which the rules of `data/rules/flow.yml` route to a form.
Every backend refusal becomes a clear French answer; only the field that was wrong is emptied,
and a backend that does not answer pauses the flow with everything kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import metrics
from actions.backend_client import BackendError, BackendUnavailable
from actions.form_base import latest_intent
from actions.identity_guard import guarded_code_request, guarded_identity_check
from actions.one_time_code_delivery import code_screen_events, send_one_time_code
from actions.runtime import runtime
from bot import replies

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    "Le service Mon espace santé ne répond pas pour le moment. Vos réponses sont gardées : "
    "écrivez CONTINUER dans quelques minutes, ou CONSEILLER pour parler à quelqu'un."
)
SESSION_EXPIRED = "Pour votre sécurité, votre session a expiré. Reprenons l'identification."

DONE_ACTIVATED = (
    "Mon espace santé a bien été activé ! Pour vous connecter sur monespacesante.fr : votre "
    "identifiant {identifier}, votre mot de passe, puis le code à usage unique reçu par SMS ou "
    "e-mail (valable 15 minutes)."
)
DONE_OPPOSED = (
    "Votre opposition à la création de Mon espace santé est enregistrée. Vous pouvez changer "
    "d'avis à tout moment : écrivez ACTIVER."
)


class Step:
    """The outcome of one stage: events to add, and the flow step to route to (None: go on)."""

    def __init__(self, events: list[EventType] | None = None, route: str | None = None):
        self.events = events or []
        self.route = route


class ActionNextStep(Action):
    def name(self) -> str:
        return "action_next_step"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = dict(tracker.slots)
        events: list[EventType] = []
        # A first message that already gives a value, or says there is no code (action_new_code
        # has just said what follows), needs no welcome.
        if slots.get("flow_step") is None and latest_intent(tracker) not in ("inform", "no_code"):
            dispatcher.utter_message(response="utter_welcome")
        elif slots.get("flow_step") in ("paused", "handoff") and slots.get(
            "handoff_reason"
        ) not in ("locked", "otp_locked"):
            dispatcher.utter_message(text="Reprenons.")

        stages = (
            self._new_code,
            self._identity,
            self._card,
            self._decision,
            self._contact,
            self._credentials,
        )
        for stage in stages:
            try:
                step = stage(dispatcher, tracker, slots)
            except BackendUnavailable as error:
                logger.warning("backend unavailable during %s: %s", stage.__name__, error)
                dispatcher.utter_message(text=UNAVAILABLE)
                return events + [SlotSet("flow_step", "paused")]
            for event in step.events:
                events.append(event)
                if event.get("event") == "slot":
                    slots[event["name"]] = event["value"]
            if step.route:
                return events + [SlotSet("flow_step", step.route)]

        dispatcher.utter_message(text=DONE_ACTIVATED.format(identifier=slots.get("identifier")))
        return events + [SlotSet("flow_step", "done")]

    # -- stages --------------------------------------------------------------------------------
    def _reveal(self, tracker: Tracker, value: str | None) -> str | None:
        return runtime().reveal(value, tracker.sender_id)

    def _new_code(self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict) -> Step:
        """Path B: NIR + birth date + card → the backend knows the person → a one-time code to
        the mobile on file → a new provisional code and an activation, straight to the decision."""
        if slots.get("code_path") != "new_code" or slots.get("activation_ref"):
            return Step()
        if slots.get("handoff_reason") in ("locked", "otp_locked"):
            dispatcher.utter_message(text=replies.ONE_TIME_CODE_LOCKED)
            return Step(route="handoff")
        nir = self._reveal(tracker, slots.get("nir"))
        if not nir or not slots.get("birth_date"):
            expired = [SlotSet("nir", None)] if slots.get("nir") and not nir else []
            return Step(expired, route="new_code")
        if not slots.get("card_type") or not slots.get("card_serial"):
            return Step(route="card")
        request_id = self._reveal(tracker, slots.get("code_request_ref"))
        if not request_id:
            return self._open_code_request(dispatcher, tracker, slots, nir)
        if slots.get("mobile_confirmed") == "not_mine":
            dispatcher.utter_message(
                text="D'accord. Seul un conseiller peut changer le numéro enregistré, après avoir "
                "vérifié votre identité : il va vous répondre ici, ou appelez le 34 22."
            )
            return Step([SlotSet("handoff_reason", "mobile_not_theirs")], route="handoff")
        if slots.get("mobile_confirmed") != "confirmed":
            return Step(route="mobile_check")
        pending = self._one_time_code(
            dispatcher, tracker, slots, "new_code", lambda: slots.get("mobile_ref"), nir
        )
        if pending is not None:
            return pending
        try:
            opened = runtime().backend.activation_after_check(request_id)
        except BackendError as error:
            if error.code in ("request_not_found", "request_expired"):
                dispatcher.utter_message(
                    text="Pour votre sécurité, la demande a expiré. Reprenons la vérification."
                )
                return Step(self._clear_code_request(), route="new_code")
            return self._identity_refused(dispatcher, error)
        metrics.step_completed("new_code")
        ref = runtime().vault.put("tok", opened.activation_id, tracker.sender_id)
        greeting = f"Merci {opened.first_name.title()}" if opened.first_name else "Merci"
        dispatcher.utter_message(
            text=f"{greeting}, c'est vérifié. Votre nouveau code provisoire vous est aussi envoyé "
            "par SMS : inutile de l'écrire ici, nous continuons."
        )
        return Step(
            [
                SlotSet("activation_ref", ref),
                SlotSet("first_name", opened.first_name),
                SlotSet("card_verified", True),
                SlotSet("code_path", None),
            ]
            + self._clear_otp()
        )

    def _open_code_request(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict, nir: str
    ) -> Step:
        try:
            found = guarded_code_request(
                tracker.sender_id,
                tracker.events,
                nir,
                slots["birth_date"],
                slots["card_type"],
                slots["card_serial"],
            )
        except BackendError as error:
            if error.code == "person_not_found":
                left = int(error.details.get("attempts_left", 0) or 0)
                dispatcher.utter_message(
                    text="Ces informations ne correspondent pas à nos fichiers. Vérifiez votre "
                    "date de naissance et votre carte (écrivez CORRIGER pour changer le numéro de "
                    f"sécurité sociale). {replies.attempts_left(left)}".strip()
                )
                return Step(
                    [
                        SlotSet("birth_date", None),
                        SlotSet("card_type", None),
                        SlotSet("card_serial", None),
                    ],
                    route="new_code",
                )
            if error.code == "request_locked":
                dispatcher.utter_message(text=replies.ONE_TIME_CODE_LOCKED)
                return Step([SlotSet("handoff_reason", "locked")], route="handoff")
            if error.code == "no_mobile":
                dispatcher.utter_message(
                    text="Aucun numéro de mobile n'est enregistré pour vous : un conseiller va "
                    "vous envoyer un nouveau code. Il vous répondra ici, ou appelez le 34 22."
                )
                return Step([SlotSet("handoff_reason", "no_mobile")], route="handoff")
            return self._identity_refused(dispatcher, error)
        vault = runtime().vault
        return Step(
            [
                SlotSet("code_request_ref", vault.put("tok", found.request_id, tracker.sender_id)),
                SlotSet("mobile_ref", vault.put("tok", found.mobile, tracker.sender_id)),
                SlotSet("mobile_masked", found.mobile_masked),
                SlotSet("mobile_confirmed", None),
            ],
            route="mobile_check",
        )

    def _one_time_code(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict,
        purpose: str,
        destination_ref: Callable[[], str | None],
        nir: str | None,
    ) -> Step | None:
        """None once the person typed back the code sent for `purpose`; otherwise the step
        towards it: send the code, ask for it again, or the advisor after a lockout."""
        if slots.get("otp_purpose") == purpose and slots.get("otp_code") == "verified":
            return None
        if slots.get("otp_purpose") == purpose and slots.get("otp_code") is not None:
            return Step(route="handoff")  # locked: the validator already said so
        if slots.get("otp_purpose") == purpose and slots.get("otp_destination"):
            return Step(route="otp")  # a code was sent: ask for it again
        return self._send_code(dispatcher, tracker, purpose, destination_ref(), nir)

    def _send_code(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        purpose: str,
        destination_ref: str | None,
        nir: str | None = None,
    ) -> Step:
        destination = self._reveal(tracker, destination_ref)
        if not destination or not destination_ref:
            dispatcher.utter_message(text=SESSION_EXPIRED)
            return Step(self._clear_code_request(), route="new_code")
        delivery = send_one_time_code(purpose, tracker.sender_id, destination, nir)
        if delivery.locked:
            dispatcher.utter_message(text=delivery.problem)
            return Step([SlotSet("handoff_reason", "otp_locked")], route="handoff")
        if not delivery.sent:
            dispatcher.utter_message(text=delivery.problem)
            return Step(route="paused")
        return Step(code_screen_events(purpose, destination_ref, delivery), route="otp")

    @staticmethod
    def _clear_otp() -> list[EventType]:
        return [
            SlotSet(name, None)
            for name in (
                "otp_purpose",
                "otp_destination",
                "otp_sent_to",
                "otp_channel",
                "otp_masked",
                "otp_code",
            )
        ]

    def _clear_code_request(self) -> list[EventType]:
        return [
            SlotSet("code_request_ref", None),
            SlotSet("mobile_ref", None),
            SlotSet("mobile_confirmed", None),
        ] + self._clear_otp()

    def _identity(self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict) -> Step:
        if slots.get("handoff_reason") == "locked":
            dispatcher.utter_message(
                text="Pour votre sécurité, l'identification est bloquée après trop d'essais. Un "
                "conseiller va vous répondre ici ; vous pouvez aussi appeler le 34 22."
            )
            return Step(route="handoff")
        if slots.get("activation_ref"):
            return Step()
        code = self._reveal(tracker, slots.get("provisional_code"))
        nir = self._reveal(tracker, slots.get("nir"))
        if not code or not nir:
            # A value whose vault entry expired is asked again; nothing else is touched.
            expired = [
                SlotSet(name, None)
                for name, value in (("provisional_code", code), ("nir", nir))
                if slots.get(name) and not value
            ]
            return Step(expired, route="identity")
        try:
            identity = guarded_identity_check(tracker.sender_id, tracker.events, nir, code)
        except BackendError as error:
            return self._identity_refused(dispatcher, error)
        metrics.step_completed("identity")
        ref = runtime().vault.put("tok", identity.activation_id, tracker.sender_id)
        greeting = f"Merci {identity.first_name.title()}" if identity.first_name else "Merci"
        dispatcher.utter_message(text=f"{greeting}, votre identité est vérifiée.")
        return Step([SlotSet("activation_ref", ref), SlotSet("first_name", identity.first_name)])

    def _identity_refused(self, dispatcher: CollectingDispatcher, error: BackendError) -> Step:
        if error.code == "identity_mismatch":
            dispatcher.utter_message(
                text="Le code provisoire ou le numéro de sécurité sociale ne correspond pas. "
                "Vérifiez votre code provisoire et écrivez-le à nouveau (si c'est le numéro qui "
                "est faux, écrivez CORRIGER)."
            )
            return Step([SlotSet("provisional_code", None)], route="identity")
        if error.code == "identity_locked":
            dispatcher.utter_message(
                text="Pour votre sécurité, l'identification est bloquée après trop d'essais. Un "
                "conseiller va vous répondre ici ; vous pouvez aussi appeler le 34 22 (lun-ven "
                "8h30-17h)."
            )
            return Step([SlotSet("handoff_reason", "locked")], route="handoff")
        if error.code == "code_expired":
            dispatcher.utter_message(
                text="Votre code provisoire a expiré (il est valable 6 semaines). Un conseiller "
                "peut vous en donner un nouveau : écrivez CONSEILLER."
            )
            return Step([SlotSet("provisional_code", None)], route="paused")
        if error.code == "already_activated":
            dispatcher.utter_message(
                text="Votre espace Mon espace santé est déjà activé. Connectez-vous sur "
                "monespacesante.fr avec votre identifiant et votre mot de passe."
            )
            return Step(route="done")
        dispatcher.utter_message(
            text="Votre espace ne peut pas être activé ici. Un conseiller va vous aider : "
            "écrivez CONSEILLER."
        )
        return Step([SlotSet("handoff_reason", error.code)], route="paused")

    def _session_lost(self, dispatcher: CollectingDispatcher) -> Step:
        """The backend forgot the activation (30 minutes): identify again with what is kept."""
        dispatcher.utter_message(text=SESSION_EXPIRED)
        return Step(
            [SlotSet("activation_ref", None), SlotSet("card_verified", None)], route="identity"
        )

    def _card(self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict) -> Step:
        if slots.get("card_verified"):
            return Step()
        card_type, serial = slots.get("card_type"), slots.get("card_serial")
        if not card_type or not serial:
            return Step(route="card")
        activation_id = self._reveal(tracker, slots.get("activation_ref")) or ""
        try:
            runtime().backend.check_card(activation_id, card_type, serial)
        except BackendError as error:
            if error.code in ("activation_not_found", "activation_expired"):
                return self._session_lost(dispatcher)
            if error.code == "card_locked":
                dispatcher.utter_message(
                    text="Le numéro de série a été refusé trop de fois. Un conseiller va vous "
                    "aider : il vous répondra ici, ou appelez le 34 22."
                )
                return Step([SlotSet("handoff_reason", "card_locked")], route="handoff")
            left = int(error.details.get("attempts_left", 0) or 0)
            dispatcher.utter_message(
                text="Ce numéro de série ne correspond pas à votre carte Vitale. Vérifiez le type "
                f"de carte et le numéro. {replies.attempts_left(left)}".strip()
            )
            return Step([SlotSet("card_serial", None)], route="card")
        metrics.step_completed("card")
        return Step([SlotSet("card_verified", True)])

    def _decision(self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict) -> Step:
        recorded = slots.get("decision_recorded")
        if recorded == "oppose":
            if latest_intent(tracker) == "activate":
                return Step(
                    [
                        SlotSet("decision", None),
                        SlotSet("oppose_confirmed", None),
                        SlotSet("decision_recorded", None),
                    ],
                    route="decision",
                )
            dispatcher.utter_message(text=DONE_OPPOSED)
            return Step(route="done")
        if recorded == "activate":
            return Step()
        decision = slots.get("decision")
        ready = (decision == "activate" and slots.get("consent")) or (
            decision == "oppose" and slots.get("oppose_confirmed")
        )
        if not ready:
            return Step(route="decision")
        activation_id = self._reveal(tracker, slots.get("activation_ref")) or ""
        try:
            runtime().backend.decide(activation_id, decision, bool(slots.get("consent")))
        except BackendError as error:
            if error.code in ("activation_not_found", "activation_expired"):
                return self._session_lost(dispatcher)
            dispatcher.utter_message(
                text="Votre choix n'a pas pu être enregistré. Choisissez à nouveau."
            )
            return Step([SlotSet("decision", None)], route="decision")
        metrics.step_completed("decision")
        if decision == "oppose":
            dispatcher.utter_message(text=DONE_OPPOSED)
            return Step([SlotSet("decision_recorded", "oppose")], route="done")
        return Step([SlotSet("decision_recorded", "activate")])

    def _contact(self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict) -> Step:
        if slots.get("contact_confirmed") == "confirmed":
            return Step()
        activation_id = self._reveal(tracker, slots.get("activation_ref")) or ""
        events: list[EventType] = []
        field, new_value = slots.get("contact_change"), slots.get("new_contact")
        if slots.get("contact_confirmed") == "change" and field and new_value:
            pending = self._one_time_code(
                dispatcher,
                tracker,
                slots,
                f"confirm_{field}",
                lambda: runtime().vault.put("tok", new_value, tracker.sender_id),
                self._reveal(tracker, slots.get("nir")),  # for the per-NIR throttle
            )
            if pending is not None:
                return pending
            try:
                runtime().backend.update_contact(activation_id, **{field: new_value})
            except BackendError as error:
                if error.code in ("activation_not_found", "activation_expired"):
                    return self._session_lost(dispatcher)
                dispatcher.utter_message(
                    text="Cette coordonnée n'a pas pu être enregistrée. Écrivez-en une autre, ou "
                    "CONSEILLER."
                )
                return Step([SlotSet("new_contact", None)] + self._clear_otp(), route="contact")
            saved = (
                "votre nouvelle adresse e-mail est enregistrée"
                if field == "email"
                else "votre nouveau numéro de mobile est enregistré"
            )
            metrics.step_completed("contact_change")
            dispatcher.utter_message(text=f"C'est vérifié : {saved}.")
            events = [
                SlotSet("contact_confirmed", None),
                SlotSet("contact_change", None),
                SlotSet("new_contact", None),
            ] + self._clear_otp()
        try:
            contact = runtime().backend.contact(activation_id)
        except BackendError as error:
            if error.code in ("activation_not_found", "activation_expired"):
                return self._session_lost(dispatcher)
            raise
        return Step(
            events
            + [
                SlotSet("email_masked", contact.email_masked or "aucun"),
                SlotSet("mobile_masked", contact.mobile_masked or "aucun"),
            ],
            route="contact",
        )

    def _credentials(self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict) -> Step:
        if slots.get("account_created"):
            return Step()
        identifier = slots.get("identifier")
        password = self._reveal(tracker, slots.get("password"))
        if not identifier or not password or not slots.get("password_confirmation"):
            return Step(route="credentials")
        activation_id = self._reveal(tracker, slots.get("activation_ref")) or ""
        try:
            runtime().backend.set_credentials(activation_id, identifier, password)
        except BackendError as error:
            return self._credentials_refused(dispatcher, error)
        metrics.step_completed("credentials")
        self._forget_passwords(tracker, slots)
        return Step(
            [
                SlotSet("account_created", True),
                SlotSet("password", None),
                SlotSet("password_confirmation", None),
            ]
        )

    def _credentials_refused(self, dispatcher: CollectingDispatcher, error: BackendError) -> Step:
        clear_password = [SlotSet("password", None), SlotSet("password_confirmation", None)]
        if error.code in ("activation_not_found", "activation_expired"):
            return self._session_lost(dispatcher)
        if error.code == "identifier_taken":
            dispatcher.utter_message(
                text="Cet identifiant vient d'être pris. Choisissez-en un autre."
            )
            return Step([SlotSet("identifier", None)], route="credentials")
        if error.code == "identifier_invalid":
            dispatcher.utter_message(
                text=replies.identifier_refused(error.details.get("rules") or [])
            )
            return Step([SlotSet("identifier", None)], route="credentials")
        if error.code == "password_weak":
            dispatcher.utter_message(
                text=replies.password_refused(error.details.get("rules") or [])
            )
            return Step(clear_password, route="credentials")
        dispatcher.utter_message(text="Votre compte n'a pas pu être créé. Écrivez CONSEILLER.")
        return Step(clear_password, route="paused")

    def _forget_passwords(self, tracker: Tracker, slots: dict[str, Any]) -> None:
        vault = runtime().vault
        for name in ("password", "password_confirmation"):
            if slots.get(name):
                vault.delete(slots[name])
