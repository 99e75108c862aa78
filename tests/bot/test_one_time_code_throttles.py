"""One-time codes: the throttles, and what sits in Redis (bot/one_time_codes.py, on both
flavours: tests/bot/one_time_code_support.py)."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis
import redis.asyncio

from bot.one_time_codes import CodeLocked, CodeThrottled, OneTimeCodes, RateLimit
from bot.one_time_codes_async import AsyncOneTimeCodes
from tests.bot.one_time_code_support import (
    CONVERSATION,
    EMAIL,
    KEY,
    MOBILE,
    NIR_HASH,
    OTHER_CONVERSATION,
    FakeClock,
    MakeCodes,
    clock,
    codes,
    make_codes,
    wrong_code,
)

__all__ = ["clock", "codes", "make_codes"]  # fixtures


# --- throttles --------------------------------------------------------------------------------


def test_throttle_per_destination(make_codes: MakeCodes, clock: FakeClock) -> None:
    codes = make_codes()  # default: 5 codes an hour per destination
    clock.now = 3600 * 472_222  # the start of a window
    for index in range(5):
        codes.issue("confirm_mobile", f"conv-{index}", MOBILE)
    clock.advance(600)
    with pytest.raises(CodeThrottled) as refused:
        codes.issue("confirm_mobile", "conv-5", MOBILE)
    assert (refused.value.limit, refused.value.retry_after_seconds) == ("destination", 3000)
    # E-mail addresses count whatever their case.
    for index in range(5):
        codes.issue("confirm_email", f"conv-{index}", EMAIL)
    with pytest.raises(CodeThrottled):
        codes.issue("confirm_email", "conv-5", EMAIL.upper())
    # Another destination is not affected; the next window starts afresh.
    codes.issue("confirm_mobile", "conv-6", "+33698765432")
    clock.advance(3000)
    codes.issue("confirm_mobile", "conv-7", MOBILE)


def test_throttle_per_nir(make_codes: MakeCodes, clock: FakeClock) -> None:
    codes = make_codes(per_nir=RateLimit(3, 3600))
    for index in range(3):
        codes.issue("new_provisional_code", f"conv-{index}", f"+3361234560{index}", NIR_HASH)
    with pytest.raises(CodeThrottled) as refused:
        codes.issue("new_provisional_code", "conv-3", "+33612345609", NIR_HASH)
    assert refused.value.limit == "nir"
    codes.issue("new_provisional_code", "conv-4", "+33612345608", "another nir hash")
    codes.issue("new_provisional_code", "conv-5", "+33612345607")


def test_throttle_overall(make_codes: MakeCodes, clock: FakeClock) -> None:
    codes = make_codes(overall=RateLimit(10, 60))
    clock.now = 60 * 28_333_334
    for index in range(10):
        codes.issue("confirm_mobile", f"conv-{index}", f"+336123456{index:02d}")
    clock.advance(15)
    with pytest.raises(CodeThrottled) as refused:
        codes.issue("confirm_mobile", "conv-10", "+33612345610")
    assert (refused.value.limit, refused.value.retry_after_seconds) == ("overall", 45)
    clock.advance(45)
    codes.issue("confirm_mobile", "conv-10", "+33612345610")


def test_one_hammered_destination_never_uses_up_the_overall_budget(
    make_codes: MakeCodes, clock: FakeClock, redis_client: redis.Redis
) -> None:
    """Refused by its own destination's limit, a flood costs the overall limit nothing: the
    others still get their codes."""
    codes = make_codes(per_destination=RateLimit(3, 3600), overall=RateLimit(10, 60))
    clock.now = 60 * 28_333_334
    refused = 0
    for index in range(50):
        try:
            codes.issue("confirm_mobile", f"conv-{index}", MOBILE)
        except CodeThrottled as error:
            assert error.limit == "destination"
            refused += 1
    assert refused == 47
    for index in range(7):  # 10 overall, 3 of them used by the hammered destination
        codes.issue("confirm_mobile", f"other-{index}", f"+336987654{index:02d}")
    with pytest.raises(CodeThrottled) as over:
        codes.issue("confirm_mobile", "other-7", "+33698765407")
    assert over.value.limit == "overall"
    for key in redis_client.scan_iter("otc:rate:*"):
        assert 0 < redis_client.ttl(key) <= 3601


def test_throttled_issue_does_not_count_a_send(make_codes: MakeCodes, clock: FakeClock) -> None:
    codes = make_codes(per_destination=RateLimit(1, 3600))
    codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    with pytest.raises(CodeThrottled):
        codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert codes.issue("confirm_mobile", CONVERSATION, "+33698765432").sends_left == 3


def test_locked_issue_does_not_use_the_throttle(make_codes: MakeCodes, clock: FakeClock) -> None:
    codes = make_codes(per_destination=RateLimit(5, 3600))
    for _ in range(5):
        codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for _ in range(3):
        with pytest.raises(CodeLocked):
            codes.issue("confirm_mobile", CONVERSATION, MOBILE)


def test_verifications_are_capped_per_conversation(make_codes: MakeCodes, clock: FakeClock) -> None:
    """Resends give fresh tries; the per-conversation cap stops guessing across them."""
    codes = make_codes(verify_per_conversation=RateLimit(7, 3600))
    clock.now = 3600 * 472_222
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for _ in range(4):
        codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for _ in range(3):
        assert codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code)).outcome == (
            "wrong"
        )
    result = codes.verify("confirm_mobile", CONVERSATION, issued.code)
    assert (result.outcome, result.retry_after_seconds) == ("locked", 3600)
    # Another conversation is not affected.
    other = codes.issue("confirm_mobile", OTHER_CONVERSATION, MOBILE)
    assert codes.verify("confirm_mobile", OTHER_CONVERSATION, other.code).ok
    clock.advance(3600)  # the next window; the code expired meanwhile
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).ok


# --- storage ----------------------------------------------------------------------------------


def test_nothing_in_clear_in_redis(
    codes: Any, redis_client: redis.Redis, redis_dump: Callable[[], bytes]
) -> None:
    conversations = [CONVERSATION, "conv-7f3a9e", "whatsapp:+33699887766"]
    issued = []
    for conversation in conversations:
        issued.append(codes.issue("confirm_mobile", conversation, MOBILE, NIR_HASH))
        issued.append(codes.issue("confirm_email", conversation, EMAIL, NIR_HASH))
    codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued[0].code))
    for _ in range(5):
        codes.verify("confirm_email", CONVERSATION, wrong_code(issued[1].code))
    dump = redis_dump()
    assert dump
    forbidden = [MOBILE, MOBILE[1:], "0612345678", EMAIL, "confirm_mobile", "confirm_email"]
    forbidden += conversations + [NIR_HASH] + [item.code for item in issued]
    for value in forbidden:
        assert value.encode() not in dump, value
        assert value.upper().encode() not in dump
    for key in redis_client.scan_iter("*"):
        assert re.fullmatch(rb"otc:(code|rate:[a-z]+):[0-9a-f]{64}(:[0-9]+)?", key), key


def test_another_key_matches_nothing(make_codes: MakeCodes, codes: Any) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    other = make_codes(key="another key")
    assert other.verify("confirm_mobile", CONVERSATION, issued.code).outcome == "unknown"


def test_decoding_clients_work_too(redis_url: str, clock: FakeClock) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    try:
        codes = OneTimeCodes(client, KEY, clock=clock)
        issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
        wrong = codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
        assert wrong.tries_left == 4
        assert codes.verify("confirm_mobile", CONVERSATION, issued.code).ok
    finally:
        client.flushdb()
        client.close()


def test_concurrent_guesses_get_five_tries_in_all(redis_url: str, clock: FakeClock) -> None:
    """Each try is counted in a Redis transaction: racing verifications cannot share one."""
    clients = [redis.Redis.from_url(redis_url) for _ in range(12)]
    clients[0].flushdb()
    try:
        issued = OneTimeCodes(clients[0], KEY, clock=clock).issue(
            "confirm_mobile", CONVERSATION, MOBILE
        )
        barrier = threading.Barrier(len(clients))

        def guess(client: redis.Redis) -> tuple[str, int | None]:
            codes = OneTimeCodes(client, KEY, clock=clock)
            barrier.wait()
            result = codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
            return result.outcome, result.tries_left

        with ThreadPoolExecutor(len(clients)) as pool:
            results = list(pool.map(guess, clients))
        wrong = sorted(left for outcome, left in results if outcome == "wrong")
        assert wrong == [1, 2, 3, 4]
        assert [outcome for outcome, _ in results].count("locked") == len(clients) - 4
    finally:
        clients[0].flushdb()
        for client in clients:
            client.close()


def test_concurrent_awaited_guesses_get_five_tries_in_all(redis_url: str, clock: FakeClock) -> None:
    """The same race on `redis.asyncio`: verifications awaited together on one loop, each on a
    connection of its own from the client's pool, share no try either."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()

    async def race() -> list[tuple[str, int | None]]:
        shared = redis.asyncio.Redis.from_url(redis_url)
        try:
            codes = AsyncOneTimeCodes(shared, KEY, clock=clock)
            issued = await codes.issue("confirm_mobile", CONVERSATION, MOBILE)
            results = await asyncio.gather(
                *(
                    codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
                    for _ in range(12)
                )
            )
            return [(result.outcome, result.tries_left) for result in results]
        finally:
            await shared.close()
            await shared.connection_pool.disconnect()

    try:
        results = asyncio.run(race())
        wrong = sorted(left for outcome, left in results if outcome == "wrong")
        assert wrong == [1, 2, 3, 4]
        assert [outcome for outcome, _ in results].count("locked") == 12 - 4
    finally:
        client.flushdb()
        client.close()
