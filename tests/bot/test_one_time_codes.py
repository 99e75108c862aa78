"""One-time codes on a real redis-server, with an injected clock (bot/one_time_codes.py)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from bot.one_time_codes import (
    CodeLocked,
    CodeThrottled,
    OneTimeCodes,
    RateLimit,
    Throttles,
    generate_code,
    normalize_code,
)

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


@pytest.fixture
def codes(redis_client: redis.Redis, clock: FakeClock) -> OneTimeCodes:
    """Default rules, throttles wide enough not to get in the way of the other rules."""
    throttles = Throttles(
        redis_client,
        KEY,
        clock,
        per_destination=RateLimit(1000, 3600),
        per_nir=RateLimit(1000, 3600),
        verify_per_conversation=RateLimit(1000, 3600),
    )
    return OneTimeCodes(redis_client, KEY, clock=clock, throttles=throttles)


def wrong_code(code: str) -> str:
    """Another 6-digit code."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- the code itself --------------------------------------------------------------------------


def test_codes_are_six_random_digits() -> None:
    drawn = {generate_code() for _ in range(200)}
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in drawn)
    assert len(drawn) > 190  # 200 draws among a million values: collisions are rare


def test_issued_code_is_not_in_its_repr(codes: OneTimeCodes) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert issued.code not in repr(issued)
    assert issued.expires_at == START + 600
    assert issued.sends_left == 4


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("493027", "493027"),
        (" 493 027 ", "493027"),
        ("493-027", "493027"),
        ("49.30.27", "493027"),
        ("４９３０２７", "493027"),  # full-width digits (NFKC)
        ("493\u00a0027", "493027"),  # non-breaking space
        ("quatre cent quatre-vingt-treize zéro vingt-sept", "493027"),
        ("quatre neuf trois zéro deux sept", "493027"),
        ("mon code est 493027", "493027"),
        ("le code 493027 reçu à 10h", "493027"),
        ("", None),
        ("49302", None),
        ("4930271", None),
        ("abcdef", None),
        ("493027 ou 493028", None),
    ],
)
def test_normalize_code(typed: str, expected: str | None) -> None:
    assert normalize_code(typed) == expected


# --- verification -----------------------------------------------------------------------------


def test_right_code_is_accepted_once(codes: OneTimeCodes) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    result = codes.verify("confirm_mobile", CONVERSATION, issued.code)
    assert result.ok and result.outcome == "ok"
    # Replay after success: the code is used up.
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).outcome == "unknown"


def test_typed_forms_are_accepted(codes: OneTimeCodes) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    spaced = f"{issued.code[:3]} {issued.code[3:]}"
    assert codes.verify("confirm_mobile", CONVERSATION, spaced).ok


def test_expiry_to_the_second(codes: OneTimeCodes, clock: FakeClock) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    clock.advance(599)
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).ok

    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    clock.advance(599.999)
    assert codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code)).outcome == "wrong"
    clock.advance(0.001)
    assert clock.now == issued.expires_at
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).outcome == "expired"


def test_redis_forgets_codes_after_the_ttl(codes: OneTimeCodes, redis_client: redis.Redis) -> None:
    codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    keys = list(redis_client.scan_iter("otc:code:*"))
    assert len(keys) == 1
    assert 599 <= redis_client.ttl(keys[0]) <= 600


def test_wrong_purpose_is_refused(codes: OneTimeCodes) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert codes.verify("confirm_email", CONVERSATION, issued.code).outcome == "unknown"
    assert codes.verify("new_provisional_code", CONVERSATION, issued.code).outcome == "unknown"
    # Asking did not use up or weaken the right one.
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).ok


def test_other_conversation_is_refused(codes: OneTimeCodes) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert codes.verify("confirm_mobile", OTHER_CONVERSATION, issued.code).outcome == "unknown"
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).ok


def test_purposes_are_independent(codes: OneTimeCodes) -> None:
    mobile = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    email = codes.issue("confirm_email", CONVERSATION, EMAIL)
    assert mobile.sends_left == email.sends_left == 4
    assert codes.verify("confirm_email", CONVERSATION, email.code).ok
    assert codes.verify("confirm_mobile", CONVERSATION, mobile.code).ok


def test_never_issued_is_unknown(codes: OneTimeCodes) -> None:
    assert codes.verify("confirm_mobile", CONVERSATION, "123456").outcome == "unknown"


def test_malformed_code_costs_no_try(codes: OneTimeCodes) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for typed in ("12345", "1234567", "abc", ""):
        assert codes.verify("confirm_mobile", CONVERSATION, typed).outcome == "malformed"
    result = codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    assert (result.outcome, result.tries_left) == ("wrong", 4)


def test_five_wrong_tries_lock(codes: OneTimeCodes, clock: FakeClock) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    wrong = wrong_code(issued.code)
    for left in (4, 3, 2, 1):
        result = codes.verify("confirm_mobile", CONVERSATION, wrong)
        assert (result.outcome, result.tries_left) == ("wrong", left)
    clock.advance(100)
    result = codes.verify("confirm_mobile", CONVERSATION, wrong)
    assert (result.outcome, result.tries_left, result.retry_after_seconds) == ("locked", 0, 500)
    # The code is destroyed: even the right one is refused now.
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).outcome == "locked"
    # And no new code until the original expiry.
    with pytest.raises(CodeLocked) as refused:
        codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert (refused.value.reason, refused.value.retry_after_seconds) == ("tries", 500)
    clock.advance(499)
    with pytest.raises(CodeLocked):
        codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    clock.advance(1)
    fresh = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert fresh.sends_left == 4
    assert codes.verify("confirm_mobile", CONVERSATION, fresh.code).ok


def test_lock_is_per_purpose_and_conversation(codes: OneTimeCodes) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for _ in range(5):
        codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    other = codes.issue("confirm_mobile", OTHER_CONVERSATION, MOBILE)
    assert codes.verify("confirm_mobile", OTHER_CONVERSATION, other.code).ok
    email = codes.issue("confirm_email", CONVERSATION, EMAIL)
    assert codes.verify("confirm_email", CONVERSATION, email.code).ok


def test_resend_replaces_the_code(codes: OneTimeCodes, clock: FakeClock) -> None:
    first = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    clock.advance(300)
    second = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert second.sends_left == 3
    assert second.expires_at == START + 900  # 10 minutes from the resend
    if first.code != second.code:
        result = codes.verify("confirm_mobile", CONVERSATION, first.code)
        assert result.outcome == "wrong"
    assert codes.verify("confirm_mobile", CONVERSATION, second.code).ok


def test_five_sends_at_most(codes: OneTimeCodes, clock: FakeClock) -> None:
    left = [codes.issue("confirm_mobile", CONVERSATION, MOBILE).sends_left for _ in range(4)]
    assert left == [4, 3, 2, 1]
    clock.advance(60)
    last = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert last.sends_left == 0
    clock.advance(60)
    with pytest.raises(CodeLocked) as refused:
        codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert (refused.value.reason, refused.value.retry_after_seconds) == ("sends", 540)
    # The last code sent still works: the person may just have received it.
    assert codes.verify("confirm_mobile", CONVERSATION, last.code).ok


def test_revoke_keeps_the_counters(codes: OneTimeCodes) -> None:
    for _ in range(4):
        issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    codes.revoke("confirm_mobile", CONVERSATION)
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).outcome == "unknown"
    assert codes.issue("confirm_mobile", CONVERSATION, MOBILE).sends_left == 0


def test_tries_restart_with_a_new_code(codes: OneTimeCodes) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for _ in range(3):
        codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    result = codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    assert result.tries_left == 4


def test_empty_arguments_are_refused(codes: OneTimeCodes) -> None:
    with pytest.raises(ValueError):
        codes.issue("", CONVERSATION, MOBILE)
    with pytest.raises(ValueError):
        codes.issue("confirm_mobile", "", MOBILE)
    with pytest.raises(ValueError):
        codes.issue("confirm_mobile", CONVERSATION, " ")
    with pytest.raises(ValueError):
        codes.verify("confirm_mobile", "", "123456")
    with pytest.raises(ValueError):
        OneTimeCodes(None, "")
    with pytest.raises(ValueError):
        RateLimit(0, 60)


# --- throttles --------------------------------------------------------------------------------


def make_codes(redis_client: redis.Redis, clock: FakeClock, **limits: RateLimit) -> OneTimeCodes:
    return OneTimeCodes(
        redis_client, KEY, clock=clock, throttles=Throttles(redis_client, KEY, clock, **limits)
    )


def test_throttle_per_destination(redis_client: redis.Redis, clock: FakeClock) -> None:
    codes = make_codes(redis_client, clock)  # default: 5 codes an hour per destination
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


def test_throttle_per_nir(redis_client: redis.Redis, clock: FakeClock) -> None:
    codes = make_codes(redis_client, clock, per_nir=RateLimit(3, 3600))
    for index in range(3):
        codes.issue("new_provisional_code", f"conv-{index}", f"+3361234560{index}", NIR_HASH)
    with pytest.raises(CodeThrottled) as refused:
        codes.issue("new_provisional_code", "conv-3", "+33612345609", NIR_HASH)
    assert refused.value.limit == "nir"
    codes.issue("new_provisional_code", "conv-4", "+33612345608", "another nir hash")
    codes.issue("new_provisional_code", "conv-5", "+33612345607")


def test_throttle_overall(redis_client: redis.Redis, clock: FakeClock) -> None:
    codes = make_codes(redis_client, clock, overall=RateLimit(10, 60))
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
    redis_client: redis.Redis, clock: FakeClock
) -> None:
    """Refused by its own destination's limit, a flood costs the overall limit nothing: the
    others still get their codes."""
    codes = make_codes(
        redis_client, clock, per_destination=RateLimit(3, 3600), overall=RateLimit(10, 60)
    )
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


def test_throttled_issue_does_not_count_a_send(redis_client: redis.Redis, clock: FakeClock) -> None:
    codes = make_codes(redis_client, clock, per_destination=RateLimit(1, 3600))
    codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    with pytest.raises(CodeThrottled):
        codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert codes.issue("confirm_mobile", CONVERSATION, "+33698765432").sends_left == 3


def test_locked_issue_does_not_use_the_throttle(
    redis_client: redis.Redis, clock: FakeClock
) -> None:
    codes = make_codes(redis_client, clock, per_destination=RateLimit(5, 3600))
    for _ in range(5):
        codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for _ in range(3):
        with pytest.raises(CodeLocked):
            codes.issue("confirm_mobile", CONVERSATION, MOBILE)


def test_verifications_are_capped_per_conversation(
    redis_client: redis.Redis, clock: FakeClock
) -> None:
    """Resends give fresh tries; the per-conversation cap stops guessing across them."""
    codes = make_codes(redis_client, clock, verify_per_conversation=RateLimit(7, 3600))
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
    codes: OneTimeCodes, redis_client: redis.Redis, redis_dump: Callable[[], bytes]
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


def test_another_key_matches_nothing(
    redis_client: redis.Redis, codes: OneTimeCodes, clock: FakeClock
) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    other = OneTimeCodes(redis_client, "another key", clock=clock)
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
