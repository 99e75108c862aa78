"""Rasa's Redis lock store, with a client that reconnects after a Redis restart.

Rasa's own client has no retries: the first turn after a restart would fail with a 500.
endpoints.yml: `lock_store: type: rasa_addons.lock_store.RetryingRedisLockStore`.
"""

from __future__ import annotations

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.redis_client import with_retries


class RetryingRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)
        self.red = with_retries(self.red)
