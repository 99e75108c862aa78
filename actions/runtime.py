"""What every action needs (settings, Redis, the vault, the backend client, one-time codes and
the messenger that sends them), built once, lazily.

Nothing connects at import time: rasa-sdk imports every module of this package on start.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import redis

from actions.backend_client import BackendClient
from bot.one_time_codes import OneTimeCodes
from bot.redis_client import connect
from bot.settings import Settings, load_settings, resolved_environment
from bot.vault import REF_PATTERN, Vault
from messaging import Messenger


@dataclass
class Runtime:
    settings: Settings
    redis: redis.Redis
    vault: Vault
    backend: BackendClient
    codes: OneTimeCodes
    messenger: Messenger

    def reveal(self, value: str | None, conversation_id: str) -> str | None:
        """The real value behind a vault reference (or the value itself when it is not one).

        Values arrive as references when they come through the webhook, which redacts secrets;
        `rasa shell` and `rasa test` send them in clear.
        """
        if not value:
            return None
        if REF_PATTERN.fullmatch(value):
            return self.vault.get(value, conversation_id)
        return value

    def health_problems(self) -> list[str]:
        problems = []
        try:
            self.redis.ping()
        except redis.RedisError as error:
            problems.append(f"redis: {error}")
        if not self.backend.healthy():
            problems.append("backend: not ready")
        return problems


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    settings = load_settings()
    client = connect(
        settings.redis_url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30
    )
    return Runtime(
        settings=settings,
        redis=client,
        vault=Vault(client, settings.vault_key, settings.vault_ttl_seconds),
        backend=BackendClient(
            settings.backend_url,
            timeout=settings.backend_timeout_seconds,
            service_token=resolved_environment().get("BACKEND_SERVICE_TOKEN", ""),
        ),
        codes=OneTimeCodes(client, settings.vault_key),
        messenger=Messenger.from_settings(settings, client),
    )
