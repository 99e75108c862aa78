"""One real stack (Redis, backend, Rasa with the trained model, actions, webhook) for e2e tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fakes.twilio_api import FakeTwilioApi
from tests.support.stack import Stack, make_stack

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test-python`: `-n auto --dist loadgroup`), keeps each stack
    started once: every test of the session `stack` goes to one worker, and each module that
    starts its own stack (test_faults, test_scale_out...) to one worker too. Other tests spread
    freely. Without xdist the markers change nothing."""
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if path.parent != HERE:
            continue
        group = "stack" if "stack" in item.fixturenames else path.stem
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def twilio_api() -> Iterator[FakeTwilioApi]:
    """Twilio's REST API, faked (paid remote API); its token also signs the webhooks."""
    with FakeTwilioApi() as api:
        yield api


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, twilio_api: FakeTwilioApi) -> Iterator[Stack]:
    running = make_stack(
        tmp_path_factory.mktemp("stack"),
        twilio_api_base_url=twilio_api.base_url,
        TWILIO_ACCOUNT_SID=twilio_api.account_sid,
        TWILIO_AUTH_TOKEN=twilio_api.auth_token,
    )
    running.start()
    yield running
    running.stop()


class Backend:
    """The activation backend's admin API, as an operator (or a test) uses it."""

    def __init__(self, stack: Stack) -> None:
        self.url = stack.backend_url
        self.headers = {"Authorization": f"Bearer {stack.env['BACKEND_ADMIN_TOKEN']}"}

    def create_insured(self, **person: str) -> dict:
        response = requests.post(
            f"{self.url}/admin/insured", json=person, headers=self.headers, timeout=10
        )
        assert response.status_code == 201, response.text
        return response.json()

    def insured(self, nir: str) -> dict:
        response = requests.get(f"{self.url}/admin/insured/{nir}", headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="session")
def backend(stack: Stack) -> Backend:
    return Backend(stack)


@pytest.fixture(scope="session")
def simulator_url(stack: Stack) -> Iterator[str]:
    """The simulator on the real stack's Rasa, actions, backend and Redis.

    The stack's own webhook has a Twilio account configured, so its simulator does not exist
    (404, CONTRACT.md). The same webhook code in local mode (no Twilio account) is served here
    on a loopback port, in this process: what the browser tests drive is the real simulator.
    """
    import threading

    from werkzeug.serving import make_server

    from bot.settings import load_settings
    from tests.fakes import free_port
    from webhook import create_app

    app = create_app(
        load_settings({**stack.env, "TWILIO_ACCOUNT_SID": "", "TWILIO_FROM_NUMBER": ""})
    )
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["mes"].redis.close()
