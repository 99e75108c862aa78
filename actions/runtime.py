"""What every action needs (settings, Redis, the vault, the backend client, one-time codes and
the messenger that sends them), built once per action-server process.

The actions run on the server's one event loop, so what they wait on is asynchronous: Redis
through `redis.asyncio` (the vault, one-time codes, throttles), the backend through one
`aiohttp` session. The server opens them on startup (`start_runtime`) and closes them on
shutdown (`close_runtime`); `asyncio` connections belong to the loop that opened them.

Nothing connects at import time: rasa-sdk imports every module of this package on start.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import lru_cache

import redis
import redis.asyncio

from actions.backend_client import BackendClient
from bot.one_time_codes_async import AsyncOneTimeCodes
from bot.redis_client import connect, connect_async
from bot.settings import Settings, load_settings, resolved_environment
from bot.vault import REF_PATTERN, AsyncVault
from messaging import Messenger, Outbox


class AwaitedMessenger:
    """The messenger the webhook and the backend share, awaited. Its senders block (Twilio's
    client, SMTP, the local outbox on a blocking Redis client), so each send alone runs in a
    worker thread while the action that asked for it stays on the event loop. Codes are sent
    a few times per activation; every other wait of the actions is a coroutine."""

    def __init__(self, messenger: Messenger) -> None:
        self.blocking = messenger

    @property
    def outbox(self) -> Outbox | None:
        """The local outbox, when there is one (the simulator and tests read it)."""
        return self.blocking.outbox

    async def send_sms(self, to: str, body: str) -> None:
        await asyncio.to_thread(self.blocking.send_sms, to, body)

    async def send_email(self, to: str, subject: str, body: str) -> None:
        await asyncio.to_thread(self.blocking.send_email, to, subject, body)


@dataclass
class Runtime:
    settings: Settings
    redis: redis.asyncio.Redis
    vault: AsyncVault
    backend: BackendClient
    codes: AsyncOneTimeCodes
    messenger: AwaitedMessenger
    #: The local outbox's client (the messenger's senders block)
    blocking_redis: redis.Redis

    async def reveal(self, value: str | None, conversation_id: str) -> str | None:
        """The real value behind a vault reference (or the value itself when it is not one).

        Values arrive as references when they come through the webhook, which redacts secrets;
        `rasa shell` and `rasa test` send them in clear.
        """
        if not value:
            return None
        if REF_PATTERN.fullmatch(value):
            return await self.vault.get(value, conversation_id)
        return value

    async def health_problems(self) -> list[str]:
        problems = []
        try:
            await self.redis.ping()
        except redis.RedisError as error:
            problems.append(f"redis: {error}")
        if not await self.backend.healthy():
            problems.append("backend: not ready")
        return problems

    async def close(self) -> None:
        """Closes the backend session and the Redis connections."""
        await self.backend.close()
        await self.redis.close()
        await self.redis.connection_pool.disconnect()
        self.blocking_redis.close()


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    """The process's runtime, built on first use (connections open on first use too)."""
    settings = load_settings()
    options = {"socket_timeout": 2, "socket_connect_timeout": 2, "health_check_interval": 30}
    client = connect_async(settings.redis_url, **options)
    blocking = connect(settings.redis_url, **options)
    return Runtime(
        settings=settings,
        redis=client,
        vault=AsyncVault(client, settings.vault_key, settings.vault_ttl_seconds),
        backend=BackendClient(
            settings.backend_url,
            timeout=settings.backend_timeout_seconds,
            service_token=resolved_environment().get("BACKEND_SERVICE_TOKEN", ""),
        ),
        codes=AsyncOneTimeCodes(client, settings.vault_key),
        messenger=AwaitedMessenger(Messenger.from_settings(settings, blocking)),
        blocking_redis=blocking,
    )


async def start_runtime() -> Runtime:
    """Builds the runtime and opens the backend session on the running loop (server startup)."""
    current = runtime()
    await current.backend.start()
    return current


async def close_runtime() -> None:
    """Closes what `start_runtime` opened (server shutdown); the next use builds anew."""
    if runtime.cache_info().currsize:
        await runtime().close()
        runtime.cache_clear()
    await asyncio.sleep(0)  # let aiohttp finish closing its transports
