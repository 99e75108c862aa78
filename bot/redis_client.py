"""Redis clients that ride out a Redis restart (append-only file: the data comes back).

After a restart every pooled connection is dead; without retries the first command of each
process fails and a person's turn is lost. These clients reconnect and retry a few times with
a short backoff (about 3 s in all) on connection errors and timeouts.
"""

from __future__ import annotations

from typing import Any

import redis
import redis.asyncio
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

RETRY_ON = [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]


def retry_policy() -> Retry:
    return Retry(ExponentialBackoff(cap=1.0, base=0.1), retries=6)


def async_retry_policy() -> AsyncRetry:
    """The same policy for `redis.asyncio` clients (the action server's)."""
    return AsyncRetry(ExponentialBackoff(cap=1.0, base=0.1), retries=6)


def connect(url: str, **options: Any) -> redis.Redis:
    """`redis.Redis.from_url` with reconnection and retries."""
    return redis.Redis.from_url(url, retry=retry_policy(), retry_on_error=RETRY_ON, **options)


def connect_async(url: str, **options: Any) -> redis.asyncio.Redis:
    """`redis.asyncio.Redis.from_url` with the same reconnection and retries; its connections
    belong to the event loop that first uses them."""
    return redis.asyncio.Redis.from_url(
        url, retry=async_retry_policy(), retry_on_error=RETRY_ON, **options
    )


def with_retries(client: redis.Redis) -> redis.Redis:
    """The same connection settings as `client` (host, port, password, TLS, decoding), with
    reconnection and retries: for clients built by libraries (Rasa's stores)."""
    pool = client.connection_pool
    kwargs = dict(pool.connection_kwargs)
    kwargs.update(retry=retry_policy(), retry_on_error=RETRY_ON)
    return redis.Redis(connection_pool=redis.ConnectionPool(pool.connection_class, **kwargs))
