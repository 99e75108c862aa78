"""Running the action server's coroutines from plain tests.

Each test gets an event loop of its own (`event_loop`), and `redis.asyncio` or `aiohttp`
connections opened on it stay on it; `run_async` runs a coroutine on that loop, and `Blocking`
wraps an object whose methods are coroutines so that a test calls them like the blocking ones
(the same test then checks both flavours, e.g. `OneTimeCodes` and `AsyncOneTimeCodes`).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


@contextmanager
def event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh loop, current for the block, closed after it."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        asyncio.set_event_loop(None)


def run_async(awaitable: Awaitable[T]) -> T:
    """The result of `awaitable`, run on the current test's loop."""
    loop = asyncio.get_event_loop_policy().get_event_loop()
    return loop.run_until_complete(awaitable)


class Blocking:
    """`target` with its coroutine methods run to completion on the test's loop."""

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            return run_async(result) if inspect.isawaitable(result) else result

        return call
