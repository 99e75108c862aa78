"""Action calls run side by side: one waiting on a blocking call does not hold the others."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from rasa_sdk import Action
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor

from actions.threads import run_actions_in_threads
from bot.jsonlog import bind_conversation, current_conversation


class MeetAnother(Action):
    """Blocks (as a `requests` call does) until a second call is running at the same time."""

    def __init__(self, meeting: threading.Barrier) -> None:
        self.meeting = meeting

    def name(self) -> str:
        return "action_meet_another"

    async def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        self.meeting.wait(timeout=20)  # BrokenBarrierError when calls run one after the other
        return [SlotSet("logged_as", current_conversation())]


@pytest.fixture()
def threaded() -> Iterator[None]:
    original = ActionExecutor.run
    run_actions_in_threads()
    yield
    ActionExecutor.run = original


def call(sender: str) -> dict:
    return {"next_action": "action_meet_another", "tracker": {"sender_id": sender}, "domain": {}}


async def run_as(executor: ActionExecutor, sender: str) -> dict:
    bind_conversation(sender)  # as the server's middleware does
    return await executor.run(call(sender))


def test_two_blocking_actions_run_at_once(threaded) -> None:  # type: ignore[no-untyped-def]
    executor = ActionExecutor()
    executor.register_action(MeetAnother(threading.Barrier(2)))

    async def both() -> list[dict]:
        return list(await asyncio.gather(run_as(executor, "ca"), run_as(executor, "cb")))

    results = asyncio.run(both())
    # Each call kept its own conversation id for its log lines.
    assert [r["events"][0]["value"] for r in results] == ["ca", "cb"]


def test_installing_twice_wraps_once(threaded) -> None:  # type: ignore[no-untyped-def]
    wrapped = ActionExecutor.run
    run_actions_in_threads()
    assert ActionExecutor.run is wrapped
