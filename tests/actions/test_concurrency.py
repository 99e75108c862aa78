"""The action server runs every action as a coroutine on its one event loop: N conversations
waiting on the backend at once are N awaits, not N threads (issue 15: rasa-sdk's executor is no
longer patched to run actions in a thread pool, `actions/threads.py` is gone).

The real action server (`python -m actions`) runs against the session's Redis; in place of the
backend stands a meeting point that answers no identity check until `AT_ONCE` of them are
waiting together. Actions run one after the other would never get there (each would time out and
say the service does not answer); actions run in threads would get there with `AT_ONCE` more
threads in the server's process, which the meeting point counts in /proc when they meet.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from rasa_sdk.executor import ActionExecutor

from tests.fakes import free_port
from tests.support.outside_service import OutsideService
from tests.support.outside_service import action_server as running_action_server

AT_ONCE = 12  # more than the 10 threads the old executor patch had
TOKEN = "an action server token for the concurrency test"
NIR = "185057800608491"
CODE = "ABCDEFGHJK23"


def thread_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


class MeetingBackend(ThreadingHTTPServer):
    """Answers `/healthz` at once, and identity checks only once `AT_ONCE` are waiting."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", free_port()), _Handler)
        self.meeting = threading.Barrier(AT_ONCE, action=self._count_threads)
        self.action_server_pid = 0
        self.threads_when_met: int | None = None

    def _count_threads(self) -> None:
        self.threads_when_met = thread_count(self.action_server_pid)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: MeetingBackend

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._answer(200 if self.path == "/healthz" else 404, {"status": "ok"})

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v1/identity-checks":
            self._answer(404, {"error": "not_found"})
            return
        try:
            self.server.meeting.wait(timeout=120)
        except threading.BrokenBarrierError:
            self._answer(503, {"error": "unavailable"})
            return
        activation = f"act-{uuid.uuid4().hex[:8]}"
        self._answer(200, {"activation_id": activation, "first_name": "Jeanne", "status": "ok"})


@pytest.fixture
def backend() -> Iterator[MeetingBackend]:
    server = MeetingBackend()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.meeting.abort()
    server.shutdown()
    server.server_close()


@pytest.fixture
def action_server(
    backend: MeetingBackend, redis_url: str, tmp_path: Path
) -> Iterator[OutsideService]:
    # The meeting, not a timeout, decides.
    with running_action_server(
        tmp_path, redis_url, backend.url, TOKEN, BACKEND_TIMEOUT_SECONDS="100"
    ) as service:
        yield service


def action_call(sender: str) -> dict:
    """What Rasa posts for `action_next_step` once the code and the NIR are known."""
    return {
        "next_action": "action_next_step",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {"provisional_code": CODE, "nir": NIR, "flow_step": "identity"},
            "latest_message": {"text": NIR, "intent": {"name": "inform"}, "entities": []},
            "events": [{"event": "user", "text": NIR, "metadata": {}}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def test_concurrent_backend_waits_run_on_one_thread(
    backend: MeetingBackend, action_server: OutsideService
) -> None:
    assert action_server.process is not None
    pid = backend.action_server_pid = action_server.process.pid
    url = action_server.health_url.replace("/healthz", "/webhook")
    before = thread_count(pid)

    senders = [f"concurrency-{index}-{uuid.uuid4().hex[:6]}" for index in range(AT_ONCE)]

    def call(sender: str) -> dict:
        response = requests.post(
            url,
            json=action_call(sender),
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=180,
        )
        assert response.status_code == 200, response.text
        return response.json()

    with ThreadPoolExecutor(AT_ONCE) as pool:
        answers = list(pool.map(call, senders))

    for answer in answers:
        said = [r.get("response") for r in answer["responses"]]
        assert any(name and name.startswith("utter_identity_verified") for name in said), said
        slots = {e["name"]: e["value"] for e in answer["events"] if e["event"] == "slot"}
        assert slots["activation_ref"].startswith("secrettok")
    # They met: all were waiting at once, and the server had no more threads than before.
    assert backend.threads_when_met is not None
    assert backend.threads_when_met <= before, (before, backend.threads_when_met)
    # Each call's log line carries its own conversation (bound per task, not per thread).
    lines = action_server.log_path.read_text().splitlines()
    logged = [json.loads(line) for line in lines if line.startswith("{")]  # not Python's warnings
    answered = [line for line in logged if line.get("message") == "action answered"]
    assert sorted(line.get("conversation_id") for line in answered) == sorted(senders)


def test_the_server_leaves_rasa_sdk_executor_as_it_is() -> None:
    """Building the app patches nothing in rasa-sdk (the old patch replaced `ActionExecutor.run`)."""
    original = ActionExecutor.run
    from actions.server import create_action_app

    create_action_app(TOKEN)
    assert ActionExecutor.run is original
    assert ActionExecutor.run.__module__ == "rasa_sdk.executor"
    assert "actions.threads" not in sys.modules


def test_every_action_and_slot_method_is_a_coroutine() -> None:
    """A blocking `run` or `validate_<slot>` would hold every conversation on the one loop (and
    `StepFormValidator` awaits every validator): all of them are `async def`."""
    executor = ActionExecutor()
    executor.register_package("actions")
    assert executor.actions  # the package's actions were found
    blocking = []
    for name in executor.actions:
        action = type(executor.actions[name].__self__)  # the bound `run` of each action
        methods = {"run": action.run} | {
            attr: getattr(action, attr)
            for attr in dir(action)
            if attr.startswith(("validate_", "extract_")) and callable(getattr(action, attr))
        }
        blocking += [
            f"{action.__name__}.{attr}"
            for attr, method in methods.items()
            if not inspect.iscoroutinefunction(method)
        ]
    assert blocking == []
