"""One-time codes on a real redis-server, with an injected clock (bot/one_time_codes.py): the
code itself, expiry, tries, sends. Each test runs on both flavours (tests/bot/one_time_code_support.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import redis

from bot.one_time_codes import CodeLocked, OneTimeCodes, RateLimit, generate_code, normalize_code
from tests.bot.one_time_code_support import (
    CONVERSATION,
    EMAIL,
    MOBILE,
    OTHER_CONVERSATION,
    START,
    FakeClock,
    clock,
    codes,
    make_codes,
    wrong_code,
)

__all__ = ["clock", "codes", "make_codes"]  # fixtures


# --- the code itself --------------------------------------------------------------------------


def test_codes_are_six_random_digits() -> None:
    drawn = {generate_code() for _ in range(200)}
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in drawn)
    assert len(drawn) > 190  # 200 draws among a million values: collisions are rare


def test_issued_code_is_not_in_its_repr(codes: Any) -> None:
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


def test_right_code_is_accepted_once(codes: Any) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    result = codes.verify("confirm_mobile", CONVERSATION, issued.code)
    assert result.ok and result.outcome == "ok"
    # Replay after success: the code is used up.
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).outcome == "unknown"


def test_typed_forms_are_accepted(codes: Any) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    spaced = f"{issued.code[:3]} {issued.code[3:]}"
    assert codes.verify("confirm_mobile", CONVERSATION, spaced).ok


def test_expiry_to_the_second(codes: Any, clock: FakeClock) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    clock.advance(599)
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).ok

    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    clock.advance(599.999)
    assert codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code)).outcome == "wrong"
    clock.advance(0.001)
    assert clock.now == issued.expires_at
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).outcome == "expired"


def test_redis_forgets_codes_after_the_ttl(codes: Any, redis_client: redis.Redis) -> None:
    codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    keys = list(redis_client.scan_iter("otc:code:*"))
    assert len(keys) == 1
    assert 599 <= redis_client.ttl(keys[0]) <= 600


def test_wrong_purpose_is_refused(codes: Any) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert codes.verify("confirm_email", CONVERSATION, issued.code).outcome == "unknown"
    assert codes.verify("new_provisional_code", CONVERSATION, issued.code).outcome == "unknown"
    # Asking did not use up or weaken the right one.
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).ok


def test_other_conversation_is_refused(codes: Any) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert codes.verify("confirm_mobile", OTHER_CONVERSATION, issued.code).outcome == "unknown"
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).ok


def test_purposes_are_independent(codes: Any) -> None:
    mobile = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    email = codes.issue("confirm_email", CONVERSATION, EMAIL)
    assert mobile.sends_left == email.sends_left == 4
    assert codes.verify("confirm_email", CONVERSATION, email.code).ok
    assert codes.verify("confirm_mobile", CONVERSATION, mobile.code).ok


def test_never_issued_is_unknown(codes: Any) -> None:
    assert codes.verify("confirm_mobile", CONVERSATION, "123456").outcome == "unknown"


def test_malformed_code_costs_no_try(codes: Any) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for typed in ("12345", "1234567", "abc", ""):
        assert codes.verify("confirm_mobile", CONVERSATION, typed).outcome == "malformed"
    result = codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    assert (result.outcome, result.tries_left) == ("wrong", 4)


def test_five_wrong_tries_lock(codes: Any, clock: FakeClock) -> None:
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


def test_lock_is_per_purpose_and_conversation(codes: Any) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for _ in range(5):
        codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    other = codes.issue("confirm_mobile", OTHER_CONVERSATION, MOBILE)
    assert codes.verify("confirm_mobile", OTHER_CONVERSATION, other.code).ok
    email = codes.issue("confirm_email", CONVERSATION, EMAIL)
    assert codes.verify("confirm_email", CONVERSATION, email.code).ok


def test_resend_replaces_the_code(codes: Any, clock: FakeClock) -> None:
    first = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    clock.advance(300)
    second = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    assert second.sends_left == 3
    assert second.expires_at == START + 900  # 10 minutes from the resend
    if first.code != second.code:
        result = codes.verify("confirm_mobile", CONVERSATION, first.code)
        assert result.outcome == "wrong"
    assert codes.verify("confirm_mobile", CONVERSATION, second.code).ok


def test_five_sends_at_most(codes: Any, clock: FakeClock) -> None:
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


def test_revoke_keeps_the_counters(codes: Any) -> None:
    for _ in range(4):
        issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    codes.revoke("confirm_mobile", CONVERSATION)
    assert codes.verify("confirm_mobile", CONVERSATION, issued.code).outcome == "unknown"
    assert codes.issue("confirm_mobile", CONVERSATION, MOBILE).sends_left == 0


def test_tries_restart_with_a_new_code(codes: Any) -> None:
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    for _ in range(3):
        codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    issued = codes.issue("confirm_mobile", CONVERSATION, MOBILE)
    result = codes.verify("confirm_mobile", CONVERSATION, wrong_code(issued.code))
    assert result.tries_left == 4


def test_empty_arguments_are_refused(codes: Any) -> None:
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
