"""The advisor console through Flask's test client, on a real Redis, with an injected clock.

Rasa is not started here: its URL points at a closed port, which is also how the console must
behave when the assistant is down. Taking over and handing back with the real Rasa are in
tests/e2e/test_advisor_handoff.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyotp
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from bot.settings import load_settings
from tests.fakes import free_port
from tests.support.clock import FakeClock
from webhook import create_app

PASSWORD = "Correct-Horse-42!"
# A Tuesday, 10:00 in Paris: advisors are in.
TUESDAY_10H_PARIS = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)


@dataclass
class AdvisorAccount:
    username: str
    password: str
    totp: pyotp.TOTP

    def code(self, clock: FakeClock) -> str:
        return self.totp.at(clock())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TUESDAY_10H_PARIS)


@pytest.fixture
def app(
    redis_client: redis.Redis, redis_url: str, tmp_path: Path, clock: FakeClock
) -> Iterator[Flask]:
    settings = load_settings(
        {
            "DOTENV_PATH": str(tmp_path / "no.env"),
            "VAR_DIR": str(tmp_path),
            "REDIS_URL": redis_url,
            "VAULT_KEY": "test-vault-key",
            "FLASK_SECRET_KEY": "test-flask-secret",
            "RASA_URL": f"http://127.0.0.1:{free_port()}",
            "RASA_TIMEOUT_SECONDS": "2",
        }
    )
    application = create_app(settings, test_config={"TESTING": True, "ADVISOR_CLOCK": clock})
    yield application
    application.extensions["mes"].redis.close()


def create_advisor(app: Flask, name: str, *extra: str, password: str = PASSWORD) -> AdvisorAccount:
    """Creates an advisor with the CLI command, as an operator does."""
    result = app.test_cli_runner().invoke(
        args=["advisor", "create", name, "--password", password, *extra]
    )
    assert result.exit_code == 0, result.output
    uri = re.search(r"otpauth://\S+", result.output).group(0)
    return AdvisorAccount(name, password, pyotp.parse_uri(uri))


@pytest.fixture
def marie(app: Flask) -> AdvisorAccount:
    return create_advisor(app, "marie")


@pytest.fixture
def paul(app: Flask) -> AdvisorAccount:
    return create_advisor(app, "paul")


@pytest.fixture
def sophie(app: Flask) -> AdvisorAccount:
    return create_advisor(app, "sophie", "--supervisor")


class ConsoleClient:
    """One advisor's browser: a test client with its own cookie jar and CSRF token."""

    def __init__(self, app: Flask, clock: FakeClock) -> None:
        self.http: FlaskClient = app.test_client()
        self.clock = clock
        self.csrf = ""

    def login(self, advisor: AdvisorAccount, code: str | None = None):  # type: ignore[no-untyped-def]
        response = self.http.post(
            "/advisor/api/login",
            json={
                "username": advisor.username,
                "password": advisor.password,
                "totp": code or advisor.code(self.clock),
            },
        )
        if response.status_code == 200:
            self.csrf = response.get_json()["csrf_token"]
        return response

    def get(self, path: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.http.get("/advisor/api" + path, **kwargs)

    def post(self, path: str, json: dict | None = None, csrf: str | None = None):  # type: ignore[no-untyped-def]
        token = self.csrf if csrf is None else csrf
        headers = {"X-CSRF-Token": token} if token else {}
        return self.http.post("/advisor/api" + path, json=json or {}, headers=headers)


@pytest.fixture
def console_for(app: Flask, clock: FakeClock):  # type: ignore[no-untyped-def]
    """`console_for(advisor)`: a logged-in ConsoleClient (each login one time-step later, since
    a TOTP code is accepted once)."""

    def login(advisor: AdvisorAccount) -> ConsoleClient:
        clock.advance(seconds=30)
        client = ConsoleClient(app, clock)
        response = client.login(advisor)
        assert response.status_code == 200, response.get_json()
        return client

    return login


def open_conversation(
    app: Flask, number: str, state: str = "waiting", step: str = "provisional_code"
) -> str:
    """A conversation as the webhook leaves it: opened, a few turns, then waiting."""
    store = app.extensions["mes"].conversations
    conversation_id = store.open("sms", number)
    store.append(conversation_id, "person", "Bonjour")
    store.append(conversation_id, "bot", "Quel est votre code provisoire ?")
    store.append(conversation_id, "person", "je veux parler à un conseiller")
    store.update(conversation_id, state=state, step=step)
    if state == "waiting":
        store.mark_waiting_since(conversation_id)
    return conversation_id


def outbox_to(app: Flask, number: str) -> list[str]:
    return [m["body"] for m in app.extensions["mes"].messenger.outbox.list(number)]
