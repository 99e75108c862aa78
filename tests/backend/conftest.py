"""Fixtures for the backend: an app on a SQLite file in tmp_path, a movable clock, a recording
messenger, and helpers that walk people through the API the way the actions do."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Column, MetaData, String, Table, create_engine
from stdnum.fr import nir as stdnum_nir

from backend import create_app
from backend.migrate import VERSION_TABLE
from backend.models import Base
from bot.settings import Settings, load_settings
from messaging import MessagingError
from tests.support.clock import FakeClock

ADMIN_TOKEN = "test-admin-token-0123456789"
SERVICE_TOKEN = "test-service-token-0123456789"
PEPPER = b"test-pepper-0123456789abcdef"
START = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
STRONG_PASSWORD = "Tr3s-Solide!Mot"


@dataclass
class RecordingMessenger:
    """Stands in for messaging.Messenger: records what would have been sent."""

    sms: list[tuple[str, str]] = field(default_factory=list)
    emails: list[tuple[str, str, str]] = field(default_factory=list)
    fail: bool = False

    def send_sms(self, to: str, body: str) -> None:
        if self.fail:
            raise MessagingError("sms channel down")
        self.sms.append((to, body))

    def send_email(self, to: str, subject: str, body: str) -> None:
        if self.fail:
            raise MessagingError("smtp down")
        self.emails.append((to, subject, body))

    def last_code(self) -> str:
        """The 6-digit code of the last SMS or e-mail."""
        bodies = [body for _, body in self.sms] + [body for _, _, body in self.emails]
        return re.findall(r"\b\d{6}\b", bodies[-1])[-1]


class ServiceClient(FlaskClient):
    """A test client that calls as the assistant's actions do: with the service token, unless a
    test sends its own `Authorization` header (tests of the public routes use `FlaskClient`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {SERVICE_TOKEN}"


def make_nir(first_13: str) -> str:
    return first_13 + stdnum_nir.calc_check_digits(first_13)


def person_body(index: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid `POST /admin/insured` body; `index` makes NIR, e-mail and mobile distinct."""
    body = {
        "nir": make_nir(f"1850578006{index:03d}"),
        "birth_date": "1985-05-14",
        "first_name": "Camille",
        "last_name": "Durand",
        "card_type": "without_photo",
        "card_serial": f"1234{index:04d}",
        "email": f"camille.durand{index}@example.org",
        "mobile": f"+336123456{index:02d}",
    }
    body.update(overrides)
    return body


def make_settings(tmp_path: Any, **environ: str) -> Settings:
    env = {
        "BACKEND_DATABASE_URL": f"sqlite:///{tmp_path}/backend.sqlite3",
        "BACKEND_ADMIN_TOKEN": ADMIN_TOKEN,
        "VAULT_KEY": "test-vault-key",
        "VAR_DIR": str(tmp_path),
        "DOTENV_PATH": str(tmp_path / "no.env"),
    }
    env.update(environ)
    return load_settings(env)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


# Set BACKEND_TEST_POSTGRES_URL (e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/backend_test)
# to run every test that uses the `app` fixture on PostgreSQL too. Its tables are dropped first.
POSTGRES_URL = os.environ.get("BACKEND_TEST_POSTGRES_URL", "")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=DATABASES)
def settings(request: pytest.FixtureRequest, tmp_path: Any) -> Settings:
    if request.param == "sqlite":
        return make_settings(tmp_path)
    engine = create_engine(POSTGRES_URL, future=True)
    Base.metadata.drop_all(engine)
    Table(VERSION_TABLE, MetaData(), Column("version_num", String(32))).drop(
        engine, checkfirst=True
    )
    engine.dispose()
    return make_settings(tmp_path, BACKEND_DATABASE_URL=POSTGRES_URL)


@pytest.fixture
def app_factory(tmp_path: Any, clock: FakeClock, messenger: RecordingMessenger) -> Any:
    """Builds more apps (other settings) sharing the test's clock and messenger."""
    apps: list[Flask] = []

    def build(
        settings: Settings | None = None, service_token: str = SERVICE_TOKEN, **environ: str
    ) -> Flask:
        application = create_app(
            settings or make_settings(tmp_path, **environ),
            clock=clock,
            messenger=messenger,
            pepper=PEPPER,
            service_token=service_token,
        )
        application.test_client_class = ServiceClient
        apps.append(application)
        return application

    yield build
    for application in apps:
        application.extensions["backend"].store.engine.dispose()


@pytest.fixture
def app(settings: Settings, app_factory: Any) -> Flask:
    return app_factory(settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Api:
    """The calls the assistant's actions make, with the assertions every test would repeat."""

    def __init__(self, client: FlaskClient, messenger: RecordingMessenger) -> None:
        self.client = client
        self.messenger = messenger

    admin_headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    strong_password = STRONG_PASSWORD
    person_body = staticmethod(person_body)
    make_nir = staticmethod(make_nir)

    def register(self, index: int = 1, **overrides: Any) -> tuple[dict[str, Any], str]:
        body = person_body(index, **overrides)
        response = self.client.post("/admin/insured", json=body, headers=self.admin_headers)
        assert response.status_code == 201, response.json
        return body, response.json["provisional_code"]

    def insured(self, nir: str) -> dict[str, Any]:
        response = self.client.get(f"/admin/insured/{nir}", headers=self.admin_headers)
        assert response.status_code == 200, response.json
        return response.json

    def identity(self, nir: str, code: str) -> Any:
        return self.client.post("/v1/identity-checks", json={"nir": nir, "provisional_code": code})

    def open_activation(self, body: dict[str, Any], code: str) -> str:
        response = self.identity(body["nir"], code)
        assert response.status_code == 201, response.json
        return response.json["activation_id"]

    def card(self, activation_id: str, card_type: str, serial: str) -> Any:
        return self.client.post(
            f"/v1/activations/{activation_id}/card",
            json={"card_type": card_type, "card_serial": serial},
        )

    def verified_activation(self, body: dict[str, Any], code: str) -> str:
        activation_id = self.open_activation(body, code)
        response = self.card(activation_id, body["card_type"], body["card_serial"])
        assert response.status_code == 200, response.json
        return activation_id

    def decide(self, activation_id: str, decision: str, **consents: Any) -> Any:
        return self.client.post(
            f"/v1/activations/{activation_id}/decision", json={"decision": decision, **consents}
        )

    def credentials(self, activation_id: str, identifier: str, password: str) -> Any:
        return self.client.post(
            f"/v1/activations/{activation_id}/credentials",
            json={"identifier": identifier, "password": password},
        )

    def activate(
        self, index: int = 1, identifier: str = "camille.durand", **overrides: Any
    ) -> dict[str, Any]:
        """Registers a person and takes them through path A; returns their registration body."""
        body, code = self.register(index, **overrides)
        activation_id = self.verified_activation(body, code)
        response = self.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
        assert response.status_code == 200, response.json
        response = self.credentials(activation_id, identifier, STRONG_PASSWORD)
        assert response.status_code == 201, response.json
        return body

    def login(self, identifier: str, password: str = STRONG_PASSWORD, channel: str = "sms") -> Any:
        return self.client.post(
            "/v1/sessions",
            json={"identifier": identifier, "password": password, "channel": channel},
        )

    def verify(self, challenge_id: str, code: str) -> Any:
        return self.client.post(f"/v1/sessions/{challenge_id}/verify", json={"code": code})


@pytest.fixture
def api(client: FlaskClient, messenger: RecordingMessenger) -> Api:
    return Api(client, messenger)
