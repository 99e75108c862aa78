"""The webhook app on a real Redis (Rasa down), for the call tests that need no dialogue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from tests.webhook.conftest import make_app


@pytest.fixture
def app(redis_client: redis.Redis, redis_url: str, tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path, redis_url)
    yield application
    application.extensions["mes"].redis.close()
