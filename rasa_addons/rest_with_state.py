"""Rasa's REST channel, answering a turn with the conversation's state along with the messages.

After every turn the webhook needs the step being asked (`requested_slot`, `flow_step`, the
active loop) and `handoff_reason`. Reading them with a second request (`GET /conversations/<id>
/tracker`) loaded, decrypted and serialised the tracker a second time, and the request queued
behind other turns on Rasa's event loop: 12 % of a turn's time under load (docs/BENCHMARKS.md).
This channel takes the state the tracker store saved at the end of the turn (or reads the
tracker when the turn saved nothing), and answers
`{"messages": [...], "slots": {...}, "active_loop": name}` at `/webhooks/rest_state/webhook`.
Messages and the tracker are the same as with `rest`: the input channel is recorded as "rest".
"""

from __future__ import annotations

from asyncio import CancelledError
from typing import Any

import structlog
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

structlogger = structlog.get_logger()


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
    @classmethod
    def name(cls) -> str:
        return "rest_state"

    def _extract_input_channel(self, req: Request) -> str:
        return RestInput.name()

    def blueprint(self, on_new_message: Any) -> Blueprint:
        webhook = Blueprint("rest_state_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            collector = CollectingOutputChannel()
            message = UserMessage(
                self._extract_message(request),
                collector,
                sender_id,
                input_channel=self._extract_input_channel(request),
                metadata=self.get_metadata(request),
            )
            store = saved_state_source(request.app.ctx.agent.tracker_store)
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
                state = await read_state(request.app.ctx.agent.tracker_store, sender_id)
            return response.json({"messages": collector.messages, **state})

        return webhook
