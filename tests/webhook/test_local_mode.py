"""Local mode is "no Twilio account" and loopback clients only (CONTRACT.md): elsewhere every
simulator route is 404, and the encrypted outbox is read from the server's command line."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from tests.webhook.conftest import make_app

TWILIO = {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_FROM_NUMBER": "+33700000000"}
MOBILE = "+33612345678"


def simulator_statuses(app: Flask, **client: object) -> dict[str, int]:
    http = app.test_client()
    return {
        "page": int("simulator.js" in http.get("/", **client).get_data(as_text=True)),
        "sms": http.post("/simulator/api/sms", json={"text": "x"}, **client).status_code,
        "call": http.post("/simulator/api/call", json={"action": "hangup"}, **client).status_code,
        "outbox": http.get(f"/simulator/api/outbox?to={MOBILE}", **client).status_code,
    }


@pytest.fixture
def twilio_no_smtp(redis_client: redis.Redis, redis_url: str, tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path, redis_url, **TWILIO)
    yield application
    application.extensions["mes"].redis.close()


def test_with_twilio_and_no_smtp_every_simulator_route_is_404(twilio_no_smtp: Flask) -> None:
    messenger = twilio_no_smtp.extensions["mes"].messenger
    messenger.send_email("jeanne@example.fr", "Votre code", "Code : 493027")
    assert simulator_statuses(twilio_no_smtp) == {"page": 0, "sms": 404, "call": 404, "outbox": 404}


def test_with_twilio_emails_are_read_from_the_cli_only(twilio_no_smtp: Flask) -> None:
    messenger = twilio_no_smtp.extensions["mes"].messenger
    messenger.send_email("jeanne@example.fr", "Votre code", "Code : 493027")
    messenger.outbox.add("paul@example.fr", "Code : 111111", subject="Autre")
    runner = twilio_no_smtp.test_cli_runner()
    result = runner.invoke(args=["outbox", "show", "--to", "Jeanne@example.fr"])
    assert result.exit_code == 0, result.output
    assert "jeanne@example.fr [Votre code]" in result.output and "493027" in result.output
    assert "111111" not in result.output
    empty = runner.invoke(args=["outbox", "show", "--to", "nobody@example.fr"])
    assert "empty" in empty.output


def test_local_mode_answers_loopback_clients_only(app: Flask) -> None:
    assert simulator_statuses(app) == {"page": 1, "sms": 200, "call": 200, "outbox": 200}
    outside = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    assert simulator_statuses(app, **outside) == {"page": 0, "sms": 404, "call": 404, "outbox": 404}
    # A reverse proxy on this machine relaying someone else: refused too.
    relayed = {"headers": {"X-Forwarded-For": "203.0.113.7"}}
    assert simulator_statuses(app, **relayed) == {"page": 0, "sms": 404, "call": 404, "outbox": 404}


def test_with_trusted_proxies_the_client_is_the_forwarded_one(
    redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    app = make_app(tmp_path, redis_url, TRUSTED_PROXIES="1")
    try:
        outside = {"headers": {"X-Forwarded-For": "203.0.113.7"}}
        assert simulator_statuses(app, **outside)["outbox"] == 404
        local = {"headers": {"X-Forwarded-For": "127.0.0.1"}}
        assert simulator_statuses(app, **local)["outbox"] == 200
    finally:
        app.extensions["mes"].redis.close()


def test_separate_keys_are_derived_from_the_vault_key(
    redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    app = make_app(tmp_path, redis_url, FLASK_SECRET_KEY="")
    try:
        vault_key = "test-vault-key"
        assert app.config["SECRET_KEY"] and vault_key not in app.config["SECRET_KEY"]
        store = app.extensions["mes"].conversations
        old_id = hmac.new(vault_key.encode(), f"sms:{MOBILE}".encode(), hashlib.sha256)
        assert store.conversation_id("sms", MOBILE) != "c" + old_id.hexdigest()[:23]
        # A STOP recorded before the keys were separated is still honoured, and START lifts it.
        legacy = hmac.new(vault_key.encode(), MOBILE.encode(), hashlib.sha256).hexdigest()[:32]
        redis_client.set(f"optout:{legacy}", b"1")
        assert store.is_opted_out(MOBILE)
        store.set_opted_out(MOBILE, False)
        assert not store.is_opted_out(MOBILE)
    finally:
        app.extensions["mes"].redis.close()
