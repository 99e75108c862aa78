"""Identity-check throttles per conversation, per caller and overall (actions/identity_guard.py)."""

from __future__ import annotations

import redis

from actions.identity_guard import IdentityGuard, Limit, caller_of

LIMITS = (
    Limit("conversation", failures=3, window=600, lockout=900),
    Limit("caller", failures=5, window=600, lockout=1200),
    Limit("overall", failures=8, window=600, lockout=300),
)


def test_failures_in_one_conversation_lock_it_and_not_the_others(redis_client: redis.Redis) -> None:
    guard = IdentityGuard(redis_client, LIMITS)
    for _ in range(2):
        guard.record_failure("c1", "k1")
    assert guard.locked_for("c1", "k1") is None
    guard.record_failure("c1", "k1")
    assert 890 <= (guard.locked_for("c1", "k1") or 0) <= 900
    assert guard.locked_for("c2", "k2") is None


def test_one_caller_across_conversations_is_locked(redis_client: redis.Redis) -> None:
    """The same phone on SMS and voice (two conversations) counts as one caller."""
    guard = IdentityGuard(redis_client, LIMITS)
    for conversation in ("sms", "voice", "sms", "voice", "sms2"):
        guard.record_failure(conversation, "k-same-phone")
    assert guard.locked_for("a-new-conversation", "k-same-phone") is not None
    assert guard.locked_for("a-new-conversation", "k-another-phone") is None


def test_a_burst_of_failures_across_everyone_locks_every_check(redis_client: redis.Redis) -> None:
    guard = IdentityGuard(redis_client, LIMITS)
    for n in range(8):
        guard.record_failure(f"c{n}", f"k{n}")
    assert 290 <= (guard.locked_for("someone-else", "k-else") or 0) <= 300


def test_counters_expire_and_keep_no_value(redis_client: redis.Redis) -> None:
    guard = IdentityGuard(redis_client, LIMITS)
    guard.record_failure("c1", "k1")
    for key in redis_client.scan_iter("throttle:*"):
        assert 0 < redis_client.ttl(key) <= 1200


def test_no_caller_means_no_caller_throttle(redis_client: redis.Redis) -> None:
    guard = IdentityGuard(redis_client, LIMITS)
    for n in range(6):
        guard.record_failure(f"c{n}", "")
    assert not list(redis_client.scan_iter("throttle:idcheck:caller:*"))


def test_the_caller_comes_from_the_latest_message_metadata() -> None:
    events = [
        {"event": "user", "metadata": {"caller": "kold"}},
        {"event": "bot", "text": "?"},
        {"event": "user", "metadata": {"channel": "sms", "caller": "knew"}},
        {"event": "action", "name": "action_listen"},
    ]
    assert caller_of(events) == "knew"
    assert caller_of([{"event": "user"}]) == ""
