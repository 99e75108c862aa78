"""What Rasa reads from endpoints.yml and credentials.yml carries the tokens of its hops."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.lock_store import LockStore
from rasa.core.run import create_http_input_channels
from rasa.core.utils import AvailableEndpoints

from bot.settings import resolved_environment
from rasa_addons.lock_store import AtomicRedisLockStore
from rasa_addons.rest_with_state import RestWithStateInput

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """The environment scripts/stack.py gives Rasa, with known tokens."""
    env = resolved_environment(
        {
            "DOTENV_PATH": str(tmp_path / "none.env"),
            "RASA_TOKEN": "channel-token-for-the-test",
            "ACTION_SERVER_TOKEN": "action-token-for-the-test",
        }
    )
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def test_rasa_calls_the_action_server_with_its_token(environment: dict[str, str]) -> None:
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    assert endpoints.action.url == environment["ACTION_ENDPOINT_URL"]
    assert endpoints.action.headers == {"Authorization": "Bearer action-token-for-the-test"}
    assert not endpoints.action.token  # not as a query parameter: access logs keep those


def test_the_only_channel_is_the_webhooks_with_its_token(environment: dict[str, str]) -> None:
    (channel,) = create_http_input_channels(None, str(ROOT / "credentials.yml"))
    assert isinstance(channel, RestWithStateInput)
    assert channel.token == "channel-token-for-the-test"


def test_rasa_locks_conversations_with_our_store_under_lock_keys(
    environment: dict[str, str],
) -> None:
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    store = LockStore.create(endpoints.lock_store)  # as Rasa's agent does; no connection yet
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix == "lock:"
    assert store.red.connection_pool.connection_kwargs["port"] == int(
        environment["REDIS_EFFECTIVE_PORT"]
    )
