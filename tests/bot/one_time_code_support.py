"""What the one-time code tests share: a clock that moves when told, the test values, and the
codes under test in both flavours (`OneTimeCodes` on a blocking client, `AsyncOneTimeCodes` on
`redis.asyncio`, run to completion): every test of the rules runs on each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
import redis.asyncio

from bot.one_time_codes import OneTimeCodes, RateLimit, Throttles
from bot.one_time_codes_async import AsyncOneTimeCodes, AsyncThrottles
from tests.support.aio import Blocking, event_loop

KEY = "a one-time code key for the tests only"
CONVERSATION = "+33611223344"  # SMS conversations are named after the sender's number
OTHER_CONVERSATION = "+33655667788"
MOBILE = "+33612345678"
EMAIL = "jean.dupont@example.fr"
NIR_HASH = "9f2c4e0b7a1d3c5e8f6a2b4d1c3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e"
START = 1_700_000_000.0


class FakeClock:
    """Unix time that only moves when a test says so."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


#: `make_codes(key=KEY, **limits)`: codes with these throttle limits (the defaults otherwise).
MakeCodes = Callable[..., Any]


@pytest.fixture(params=["blocking", "asyncio"])
def make_codes(
    request: pytest.FixtureRequest, redis_client: redis.Redis, redis_url: str, clock: FakeClock
) -> Iterator[MakeCodes]:
    """Codes of the flavour under test, on the emptied test database."""
    if request.param == "blocking":

        def blocking(key: str = KEY, **limits: RateLimit) -> OneTimeCodes:
            throttles = Throttles(redis_client, key, clock, **limits)
            return OneTimeCodes(redis_client, key, clock=clock, throttles=throttles)

        yield blocking
        return
    with event_loop() as loop:
        client = redis.asyncio.Redis.from_url(redis_url)

        def awaited(key: str = KEY, **limits: RateLimit) -> Any:
            throttles = AsyncThrottles(client, key, clock, **limits)
            return Blocking(AsyncOneTimeCodes(client, key, clock=clock, throttles=throttles))

        yield awaited
        loop.run_until_complete(client.close())
        loop.run_until_complete(client.connection_pool.disconnect())


@pytest.fixture
def codes(make_codes: MakeCodes) -> Any:
    """Default rules, throttles wide enough not to get in the way of the other rules."""
    wide = RateLimit(1000, 3600)
    return make_codes(per_destination=wide, per_nir=wide, verify_per_conversation=wide)


def wrong_code(code: str) -> str:
    """Another 6-digit code."""
    return f"{(int(code) + 1) % 1_000_000:06d}"
