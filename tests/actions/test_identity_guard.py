"""Identity-check throttles per conversation, per caller and overall (actions/identity_guard.py)."""

from __future__ import annotations

import secrets

import redis

from actions.identity_guard import IdentityGuard, Limit, caller_of
from actions.runtime import runtime
from tests.support.aio import Blocking
from webhook.conversations import ConversationStore

LIMITS = (
    Limit("conversation", failures=3, window=600, lockout=900, under_pressure=1),
    Limit("caller", failures=5, window=600, lockout=1200, under_pressure=1),
    Limit("overall", failures=8, window=600, lockout=300),
)
WITHHELD_FROM = ["anonymous", "restricted", "+266696687", "+7378742833", "+8656696", "inconnu"]


def guard_on(emptied: redis.Redis) -> Blocking:
    """A guard on the actions' own (asyncio) Redis client, on the database `emptied` empties."""
    return Blocking(IdentityGuard(runtime().redis, LIMITS))


def attempt(guard: Blocking, conversation_id: str, caller: str) -> bool:
    """One wrong identity check, as `_guarded` makes it: refused (False) while locked, else
    counted as a failure (True: the backend was asked)."""
    if guard.locked_for(conversation_id, caller) is not None:
        return False
    guard.record_failure(conversation_id, caller)
    return True


def test_failures_in_one_conversation_lock_it_and_not_the_others(redis_client: redis.Redis) -> None:
    guard = guard_on(redis_client)
    for _ in range(2):
        guard.record_failure("c1", "k1")
    assert guard.locked_for("c1", "k1") is None
    guard.record_failure("c1", "k1")
    assert 890 <= (guard.locked_for("c1", "k1") or 0) <= 900
    assert guard.locked_for("c2", "k2") is None


def test_one_caller_across_conversations_is_locked(redis_client: redis.Redis) -> None:
    """The same phone on SMS and voice (two conversations) counts as one caller."""
    guard = guard_on(redis_client)
    for conversation in ("sms", "voice", "sms", "voice", "sms2"):
        guard.record_failure(conversation, "k-same-phone")
    assert guard.locked_for("a-new-conversation", "k-same-phone") is not None
    assert guard.locked_for("a-new-conversation", "k-another-phone") is None


def test_a_burst_across_everyone_tightens_budgets_and_locks_no_one_out(
    redis_client: redis.Redis,
) -> None:
    """200 failures in 5 minutes used to lock every check for everyone: a denial of service
    anyone could trigger. Now the service is under pressure: nobody is refused before trying,
    and one failure hands a conversation to an advisor (the `identity_locked` answer)."""
    guard = guard_on(redis_client)
    for n in range(8):
        guard.record_failure(f"c{n}", f"k{n}")
    assert guard.under_pressure()
    assert guard.locked_for("someone-else", "k-else") is None
    assert attempt(guard, "someone-else", "k-else")  # their check reaches the backend
    assert guard.locked_for("someone-else", "k-else") is not None  # one miss: the advisor
    assert guard.locked_for("a-third", "k-third") is None


def test_a_withheld_number_flood_does_not_block_other_callers(redis_client: redis.Redis) -> None:
    """Hidden numbers share one caller key (`ConversationStore.caller_key`): a flood of them,
    each on a new call, is stopped by that one bucket and never reaches the overall limit."""
    store = ConversationStore(redis_client, None, "test-vault-key", 3600)  # type: ignore[arg-type]
    guard = guard_on(redis_client)
    withheld = {store.caller_key(raw) for raw in WITHHELD_FROM}
    withheld.add(store.caller_key("call:CA" + secrets.token_hex(16)))  # a hidden voice caller
    assert len(withheld) == 1
    caller = withheld.pop()
    reached_backend = sum(
        attempt(guard, f"call-{n}", caller) for n in range(300)
    )  # 300 calls, each a conversation of its own
    assert reached_backend == 5  # the shared bucket's budget, then refused before the backend
    assert not guard.under_pressure()
    someone = store.caller_key("+33612345678")
    assert someone != caller and guard.locked_for("sms-someone", someone) is None
    for _ in range(2):  # an ordinary slip or two, as before the flood
        assert attempt(guard, "sms-someone", someone)
    assert guard.locked_for("sms-someone", someone) is None


def test_counters_expire_and_keep_no_value(redis_client: redis.Redis) -> None:
    guard = guard_on(redis_client)
    guard.record_failure("c1", "k1")
    for key in redis_client.scan_iter("throttle:*"):
        assert 0 < redis_client.ttl(key) <= 1200


def test_no_caller_means_no_caller_throttle(redis_client: redis.Redis) -> None:
    guard = guard_on(redis_client)
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
