"""Fixtures of the vault and redaction tests, on the session's real Redis (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis

from bot.vault import Vault
from tests.support.redis_server import dump_redis

VAULT_KEY = "a vault key for the tests only"


@pytest.fixture
def bot_redis(redis_client: redis.Redis) -> redis.Redis:
    return redis_client


@pytest.fixture
def vault_key() -> str:
    """The key of the `vault` fixture."""
    return VAULT_KEY


@pytest.fixture
def vault(bot_redis: redis.Redis, vault_key: str) -> Vault:
    """A vault on the emptied test database."""
    return Vault(bot_redis, vault_key, ttl_seconds=600)


@pytest.fixture
def redis_dump(bot_redis: redis.Redis) -> Callable[[], bytes]:
    """Every key and value in the database, to check that nothing is stored in clear."""
    return lambda: dump_redis(bot_redis)
