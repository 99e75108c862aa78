"""The webhook through Flask's test client on a real Redis; Rasa at a closed port (down)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from bot.settings import load_settings
from tests.fakes import free_port
from webhook import create_app

AUTH_TOKEN = "webhook-unit-test-token"
PUBLIC = "https://assistant.example.test"


def make_app(tmp_path: Path, redis_url: str, **extra: str) -> Flask:
    settings = load_settings(
        {
            "DOTENV_PATH": str(tmp_path / "no.env"),
            "VAR_DIR": str(tmp_path),
            "REDIS_URL": redis_url,
            "VAULT_KEY": "test-vault-key",
            "FLASK_SECRET_KEY": "test-flask-secret",
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "PUBLIC_BASE_URL": PUBLIC,
            "RASA_URL": f"http://127.0.0.1:{free_port()}",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
            "RASA_TIMEOUT_SECONDS": "2",
            **extra,
        }
    )
    return create_app(settings, test_config={"TESTING": True})


@pytest.fixture
def app(redis_client: redis.Redis, redis_url: str, tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path, redis_url)
    yield application
    application.extensions["mes"].redis.close()
