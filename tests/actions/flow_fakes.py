"""What the flow stage tests share: a fake of the backend's typed client (scripted answers, the
calls it got), trackers of their own conversation, and running one stage or the whole action.

The fake is a `BackendClient` whose coroutines answer from a script instead of HTTP: these tests are
about the stages' tables; the e2e tests drive the real backend.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.action_next_step import ActionNextStep
from actions.backend_client import BackendClient, BackendError
from actions.flow.base import Context, Step
from actions.runtime import runtime
from tests.actions.test_form_validators import DOMAIN
from tests.support.aio import Blocking, run_async
from tests.support.rendering import rendered, texts

VALID_NIR = "185057800608491"
CODE = "ABCDEFGHJK23"

#: What an expired path-B request empties, in order (written out, not taken from the code).
REQUEST_CLEARED = [
    "code_request_ref",
    "mobile_ref",
    "mobile_confirmed",
    "otp_purpose",
    "otp_destination",
    "otp_sent_to",
    "otp_channel",
    "otp_masked",
    "otp_code",
]


class FakeBackend(BackendClient):
    """Answers each method from `answers` (a value, or an exception to raise); a call the
    test did not script fails with KeyError, so an unexpected backend call cannot pass."""

    def __init__(self, **answers: Any) -> None:
        super().__init__("http://backend.invalid")
        self.answers = answers
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def _answer(self, method: str, *args: Any) -> Any:
        self.calls.append((method, args))
        answer = self.answers[method]
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def check_identity(self, nir: str, provisional_code: str) -> Any:
        return self._answer("check_identity", nir, provisional_code)

    async def request_new_code(
        self, nir: str, birth_date: str, card_type: str, card_serial: str
    ) -> Any:
        return self._answer("request_new_code", nir, birth_date, card_type, card_serial)

    async def activation_after_check(self, request_id: str) -> Any:
        return self._answer("activation_after_check", request_id)

    async def check_card(self, activation_id: str, card_type: str, card_serial: str) -> None:
        return self._answer("check_card", activation_id, card_type, card_serial)

    async def decide(self, activation_id: str, decision: str, consent: bool) -> Any:
        return self._answer("decide", activation_id, decision, consent)

    async def contact(self, activation_id: str) -> Any:
        return self._answer("contact", activation_id)

    async def update_contact(
        self, activation_id: str, email: str | None = None, mobile: str | None = None
    ) -> Any:
        return self._answer("update_contact", activation_id, email, mobile)

    async def set_credentials(self, activation_id: str, identifier: str, password: str) -> Any:
        return self._answer("set_credentials", activation_id, identifier, password)


def install_backend(monkeypatch: pytest.MonkeyPatch, **answers: Any) -> FakeBackend:
    """Puts a scripted backend in the actions' runtime, for this test only."""
    fake = FakeBackend(**answers)
    monkeypatch.setattr(runtime(), "backend", fake)
    return fake


def refusal(code: str, status: int = 409, **details: Any) -> BackendError:
    return BackendError(status, code, details)


def flow_tracker(intent: str = "inform", text: str = "", **slots: Any) -> Tracker:
    """A tracker of a conversation of its own (throttles and codes count per conversation)."""
    values = {name: None for name in DOMAIN["slots"]}
    values.update(slots)
    return Tracker(
        sender_id=f"flow-{uuid.uuid4().hex[:12]}",
        slots=values,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}},
        events=[{"event": "user", "text": text, "metadata": {}}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run_stage(
    stage: Callable[[Context], Awaitable[Step]], tracker: Tracker
) -> tuple[Step, list[str]]:
    """One stage on a fresh dispatcher: its step and the texts it said (rendered from the
    domain as Rasa will, every variable filled)."""
    dispatcher = CollectingDispatcher()
    step = run_async(stage(Context(dispatcher, tracker, dict(tracker.slots))))
    return step, texts(dispatcher.messages, tracker.slots)


def events_of(step: Step) -> list[tuple[str, Any]]:
    """The slot events of a step, in order."""
    return [(e["name"], e["value"]) for e in step.events if e.get("event") == "slot"]


def run_action(tracker: Tracker) -> tuple[list[tuple[str, Any]], list[dict[str, Any]]]:
    """The whole `action_next_step`: its slot events in order, and its messages (the response
    named and its values, with `text` and `custom` rendered from the domain)."""
    dispatcher = CollectingDispatcher()
    events = run_async(ActionNextStep().run(dispatcher, tracker, DOMAIN))
    return [(e["name"], e["value"]) for e in events], rendered(dispatcher.messages, tracker.slots)


def revealed(value: str | None, tracker: Tracker) -> str | None:
    return run_async(runtime().reveal(value, tracker.sender_id))


def vault() -> Blocking:
    """The actions' vault, its coroutines run to completion."""
    return Blocking(runtime().vault)
