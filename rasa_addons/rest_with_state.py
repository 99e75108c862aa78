"""Rasa's REST channel, answering a turn with the conversation's state along with the messages.

After every turn the webhook needs the step being asked (`requested_slot`, `flow_step`, the
active loop) and `handoff_reason`. Reading them with a second request (`GET /conversations/<id>
/tracker`) loaded, decrypted and serialised the tracker a second time, and the request queued
behind other turns on Rasa's event loop: 12 % of a turn's time under load (docs/BENCHMARKS.md).
This channel takes the state the tracker store saved at the end of the turn (or reads the
tracker when the turn saved nothing), and answers
`{"messages": [...], "slots": {...}, "active_loop": name}` at `/webhooks/rest_state/webhook`.
Messages and the tracker are the same as with `rest`: the input channel is recorded as "rest".

It is the only channel (credentials.yml), and it answers only its client: a turn needs
`Authorization: Bearer <token>` (the webhook's `RASA_TOKEN`; the webhook is its only holder, and
Rasa's API already grants it more than a turn). Without it, anyone reaching Rasa could write
into any person's conversation and read any sender's slots. Text that starts with `/` would make
Rasa force an intent (`/restart` wipes what was collected, `/affirm{...}` sets entities): such a
message is given the parse of a message the NLU did not understand, here where a person's text
becomes a Rasa `UserMessage`, so that the person is asked again and nothing is lost. Dropping the
slash would not do: "restart" is a word of the `start_over` intent.
"""

from __future__ import annotations

import hmac
from asyncio import CancelledError
from typing import Any

import structlog
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

structlogger = structlog.get_logger()

#: the intent of a message that is not understood (what Rasa's FallbackClassifier predicts)
NOT_UNDERSTOOD = "nlu_fallback"


def forced_intent(text: str, domain: Domain | None) -> str | None:
    """The intent a text would force in Rasa (`/restart`, `/affirm{...}`), by Rasa's own rule
    (without a domain, any `/word` counts)."""
    text = text.strip()
    if not text.startswith(INTENT_MESSAGE_PREFIX):
        return None
    try:
        parsed = YAMLStoryReader.unpack_regex_message(Message({TEXT: text}), domain)
    except Exception:  # noqa: BLE001 - whatever Rasa cannot unpack is no message to parse either
        return text
    intent = parsed.get(INTENT)
    return intent.get(INTENT_NAME_KEY) if intent else None


def not_understood(text: str) -> dict[str, Any]:
    """The parse given to a command-shaped message: its words kept for the form validators,
    its intent the one of a message the NLU did not understand, no entity."""
    return {
        TEXT: text.strip(),
        INTENT: {INTENT_NAME_KEY: NOT_UNDERSTOOD, PREDICTED_CONFIDENCE_KEY: 1.0},
        ENTITIES: [],
    }


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def unauthorized() -> HTTPResponse:
    return response.json(
        {"error": "unauthorized", "message": "missing or wrong channel token"},
        status=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def saved_state_source(tracker_store: Any) -> Any:
    """The store under Rasa's wrappers that remembers the state it last saved, if any."""
    store = tracker_store
    for _ in range(4):  # AwaitableTrackerStore -> FailSafeTrackerStore -> ours
        if hasattr(store, "last_saved_state"):
            return store
        store = getattr(store, "_tracker_store", None)
    return None


async def read_state(tracker_store: Any, sender_id: str) -> dict[str, Any]:
    tracker = await tracker_store.retrieve(sender_id)
    if tracker is None:
        return {"slots": None, "active_loop": None}
    return {"slots": tracker.current_slot_values(), "active_loop": tracker.active_loop_name}


class RestWithStateInput(RestInput):
    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the rest_state channel needs a token (RASA_TOKEN)")
        self.token = token

    @classmethod
    def name(cls) -> str:
        return "rest_state"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestWithStateInput:
        """From credentials.yml: `token: ${RASA_TOKEN}`."""
        return cls(str((credentials or {}).get("token") or ""))

    def authorised(self, request: Request) -> bool:
        return hmac.compare_digest(bearer_token(request).encode(), self.token.encode())

    def _extract_input_channel(self, req: Request) -> str:
        return RestInput.name()

    def blueprint(self, on_new_message: Any) -> Blueprint:
        webhook = Blueprint("rest_state_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return unauthorized()
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            agent = request.app.ctx.agent
            parse_data = None
            if isinstance(text, str) and forced_intent(text, getattr(agent, "domain", None)):
                parse_data = not_understood(text)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text,
                collector,
                sender_id,
                parse_data=parse_data,
                input_channel=self._extract_input_channel(request),
                metadata=self.get_metadata(request),
            )
            store = saved_state_source(agent.tracker_store)
            if store is not None:
                store.forget_saved_state(sender_id)
            try:
                await on_new_message(message)
            except CancelledError:
                structlogger.error("rest_state.message.received.timeout")
            except Exception:  # noqa: BLE001 - as the REST channel: answer what was collected
                structlogger.exception("rest_state.message.received.failure")
            state = store.last_saved_state(sender_id) if store is not None else None
            if state is None:
                state = await read_state(agent.tracker_store, sender_id)
            return response.json({"messages": collector.messages, **state})

        return webhook
