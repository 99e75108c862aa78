"""The conversation store's few-round-trip paths write what the plain ones write (real Redis)."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
import redis

from bot.vault import Vault
from webhook.conversations import INDEX, ConversationStore

NUMBER = "+33655555557"
OTHER = "+33655555558"
RETENTION = 3600


@pytest.fixture
def store(redis_client: redis.Redis) -> ConversationStore:
    return ConversationStore(redis_client, Vault(redis_client, "store-test-key"), "k", RETENTION)


def state(client: redis.Redis, conversation_id: str) -> dict[str, object]:
    """What a touch changes: the record's fields, its time, its score in the index, the TTLs."""
    record = {k.decode(): v.decode() for k, v in client.hgetall(f"conv:{conversation_id}").items()}
    updated = record.get("updated_at")
    return {
        "fields": sorted(record),
        "updated_at": datetime.fromisoformat(updated).timestamp() if updated else None,
        "index": client.zscore(INDEX, conversation_id),
        "ttl": client.ttl(f"conv:{conversation_id}"),
        "transcript_ttl": client.ttl(f"conv:{conversation_id}:transcript"),
    }


def alike(first: dict[str, object], second: dict[str, object]) -> bool:
    """The same state, times a few seconds apart at most (the two paths run one after the
    other)."""
    if first.keys() != second.keys():
        return False
    for key, value in first.items():
        other = second[key]
        if isinstance(value, int | float) and isinstance(other, int | float):
            if abs(value - other) > 5:
                return False
        elif value != other:
            return False
    return True


def test_opening_a_conversation_again_touches_it_as_a_touch_does(
    store: ConversationStore, redis_client: redis.Redis
) -> None:
    ids = [store.open("sms", NUMBER), store.open("sms", OTHER)]
    for conversation_id in ids:
        redis_client.hset(f"conv:{conversation_id}", "updated_at", "2000-01-01T00:00:00+00:00")
        redis_client.zadd(INDEX, {conversation_id: 1.0})
        redis_client.persist(f"conv:{conversation_id}")
        redis_client.rpush(f"conv:{conversation_id}:transcript", b"entry")
    stale = "cstale"
    redis_client.zadd(INDEX, {stale: time.time() - RETENTION - 10})

    assert store.open("sms", NUMBER) == ids[0]  # the one-call path
    store._touch(ids[1])  # the pipeline every other change queues

    first, second = state(redis_client, ids[0]), state(redis_client, ids[1])
    assert alike(first, second), (first, second)
    assert abs(first["updated_at"] - time.time()) < 5  # type: ignore[operator]
    assert abs(first["index"] - time.time()) < 5  # type: ignore[operator]
    assert RETENTION - 5 < first["ttl"] <= RETENTION  # type: ignore[operator]
    assert RETENTION - 5 < first["transcript_ttl"] <= RETENTION  # type: ignore[operator]
    assert redis_client.zscore(INDEX, stale) is None  # the index forgets what is too old


def test_opening_a_new_conversation_creates_its_record(
    store: ConversationStore, redis_client: redis.Redis
) -> None:
    conversation_id = store.open("sms", NUMBER)
    record = store.get(conversation_id)
    assert record is not None
    assert (record["id"], record["channel"], record["state"]) == (conversation_id, "sms", "bot")
    assert store.address(conversation_id) == NUMBER
    assert redis_client.zscore(INDEX, conversation_id) is not None
    assert redis_client.ttl(f"conv:{conversation_id}") > 0
    # Opening it again changes nothing but the time.
    store.open("sms", NUMBER)
    assert {k: v for k, v in store.get(conversation_id).items() if k != "updated_at"} == {
        k: v for k, v in record.items() if k != "updated_at"
    }


def test_the_first_delivery_and_the_opt_out_are_asked_together(store: ConversationStore) -> None:
    assert store.first_delivery_and_opt_out("sms:SM1", NUMBER) == (True, False)
    assert store.first_delivery_and_opt_out("sms:SM1", NUMBER) == (False, False)
    assert store.first_delivery("sms:SM1") is False
    store.set_opted_out(NUMBER, True)
    assert store.first_delivery_and_opt_out("sms:SM2", NUMBER) == (True, True)
    assert store.first_delivery_and_opt_out("", NUMBER) == (True, True)  # no sid: not a retry
    assert store.first_delivery_and_opt_out("", OTHER) == (True, False)
    store.set_opted_out(NUMBER, False)
    assert store.first_delivery_and_opt_out("", NUMBER) == (True, False)


def test_a_change_and_replies_written_together_are_both_kept(
    store: ConversationStore, redis_client: redis.Redis
) -> None:
    together, apart = store.open("sms", NUMBER), store.open("sms", OTHER)
    store.update_and_append(together, {"step": "nir", "state": "waiting"}, "bot", ["a", "b"])
    store.update(apart, step="nir", state="waiting")
    store.append_all(apart, "bot", ["a", "b"])
    assert alike(state(redis_client, together), state(redis_client, apart))
    for conversation_id in (together, apart):
        record = store.get(conversation_id) or {}
        assert (record["step"], record["state"]) == ("nir", "waiting")
        assert [e["text"] for e in store.transcript(conversation_id)] == ["a", "b"]
    assert set(store.ids_in_state("waiting")) == {together, apart}

    # No change: only the replies; nothing at all: nothing written.
    before = store.get(together)
    store.update_and_append(together, {}, "bot", ["c"])
    store.update_and_append(together, {}, "bot", [])
    assert store.get(together) == before
    assert [e["text"] for e in store.transcript(together)] == ["a", "b", "c"]
