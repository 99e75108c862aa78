"""The actions' backend client (actions/backend_client.py) against a real HTTP server on a real
socket (aiohttp's own, on the test's loop), answering as the backend does or fails to: every
failure to answer is `BackendUnavailable` (the dialogue pauses and keeps what was collected),
every refusal a `BackendError` with the backend's code."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiohttp import web

from actions.backend_client import BackendClient, BackendError, BackendUnavailable, IdentityOk
from tests.actions.flow_fakes import CODE, VALID_NIR, flow_tracker, run_action
from tests.actions.test_flow_next_step import UNAVAILABLE
from tests.fakes import free_port
from tests.support.aio import run_async

TOKEN = "a service token for the client test"


class Backend:
    """Answers `/v1/identity-checks` with `self.answer` (a status and a body) after `delay`."""

    def __init__(self) -> None:
        self.answer: tuple[int, str] = (200, "{}")
        self.delay = 0.0
        self.seen_authorization: list[str] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    async def identity_check(self, request: web.Request) -> web.Response:
        self.seen_authorization.append(request.headers.get("Authorization", ""))
        await request.read()
        if self.delay:
            await asyncio.sleep(self.delay)
        status, body = self.answer
        return web.Response(status=status, text=body, content_type="application/json")


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@pytest.fixture
def backend() -> Iterator[Backend]:
    fake = Backend()
    app = web.Application()
    app.router.add_post("/v1/identity-checks", fake.identity_check)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    run_async(runner.setup())
    run_async(web.TCPSite(runner, "127.0.0.1", fake.port).start())
    yield fake
    run_async(runner.cleanup())


def check(client: BackendClient) -> IdentityOk:
    return run_async(client.check_identity(VALID_NIR, CODE))


@pytest.fixture
def client(backend: Backend) -> Iterator[BackendClient]:
    made = BackendClient(backend.url, timeout=2, service_token=TOKEN)
    run_async(made.start())
    yield made
    run_async(made.close())


def test_an_answer_is_typed_and_the_service_token_is_sent(
    backend: Backend, client: BackendClient
) -> None:
    backend.answer = (200, '{"activation_id": "act-1", "first_name": "Jeanne", "status": "ok"}')
    assert check(client) == IdentityOk("act-1", "Jeanne", "ok")
    assert check(client).activation_id == "act-1"
    assert backend.seen_authorization == [f"Bearer {TOKEN}"] * 2
    assert run_async(client.healthy())


def test_a_refusal_carries_the_backends_code(backend: Backend, client: BackendClient) -> None:
    backend.answer = (401, '{"error": "identity_mismatch", "details": {"attempts_left": 2}}')
    with pytest.raises(BackendError) as refused:
        check(client)
    assert (refused.value.status, refused.value.code) == (401, "identity_mismatch")
    assert refused.value.details == {"attempts_left": 2}


@pytest.mark.parametrize("answer", [(503, '{"error": "busy"}'), (200, "<html>proxy</html>")])
def test_a_5xx_or_not_json_is_unavailable(
    backend: Backend, client: BackendClient, answer: tuple[int, str]
) -> None:
    backend.answer = answer
    with pytest.raises(BackendUnavailable):
        check(client)


def test_a_backend_that_does_not_answer_in_time_is_unavailable(
    backend: Backend, client: BackendClient
) -> None:
    backend.delay = 30  # the client waits `timeout` (2 s) for the answer's bytes
    with pytest.raises(BackendUnavailable) as unavailable:
        check(client)
    assert str(unavailable.value) in ("ServerTimeoutError", "TimeoutError")


def test_nothing_listening_is_unavailable_and_the_message_names_no_url() -> None:
    port = free_port()
    client = BackendClient(f"http://127.0.0.1:{port}/secret-path")
    try:
        with pytest.raises(BackendUnavailable) as unavailable:
            check(client)
        assert str(port) not in str(unavailable.value) and "secret" not in str(unavailable.value)
        assert not run_async(client.healthy())
    finally:
        run_async(client.close())


def test_with_the_backend_down_the_flow_pauses_and_keeps_everything() -> None:
    """The real client (the tests' runtime points at a closed port): the person hears that the
    service does not answer, and no slot is emptied."""
    t = flow_tracker(provisional_code=CODE, nir=VALID_NIR, card_type="vitale", card_serial="1234")
    events, messages = run_action(t)
    assert [m["text"] for m in messages if m.get("text")] == [UNAVAILABLE]
    assert events == [("flow_step", "paused")]
