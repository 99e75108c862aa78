"""Rasa's per-conversation lock on an atomic Redis queue (rasa_addons/lock_store.py): Rasa's
guarantees in 2 round trips a turn instead of 7."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import pytest
import redis
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bench.lock_store import count_round_trips
from rasa_addons.lock_store import AtomicRedisLockStore
from tests.support.redis_server import RedisServer

StoreFactory = Callable[[], AtomicRedisLockStore]


def store_on(url: str) -> AtomicRedisLockStore:
    """A store as endpoints.yml configures it: one per Rasa server."""
    where = urlparse(url)
    return AtomicRedisLockStore(
        EndpointConfig(url=where.hostname, port=where.port, db=0, key_prefix="lock:")
    )


@pytest.fixture
def new_store(redis_url: str, redis_client: redis.Redis) -> StoreFactory:
    return lambda: store_on(redis_url)


class Turns:
    """What the turns of a test did: their order, and how many held a lock at once."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.inside = 0
        self.most_inside = 0

    async def turn(self, store: AtomicRedisLockStore, conversation: str, name: str) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.05):
            self.order.append(name)
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            await asyncio.sleep(0.05)
            self.inside -= 1


def test_turns_of_one_conversation_are_served_one_at_a_time_in_arrival_order(
    new_store: StoreFactory, redis_client: redis.Redis
) -> None:
    store, turns = new_store(), Turns()

    async def arrive() -> None:
        # each task queues its ticket before its first await: in creation order
        await asyncio.gather(*(turns.turn(store, "c1", name) for name in "ABCDE"))

    asyncio.run(arrive())
    assert turns.order == list("ABCDE")
    assert turns.most_inside == 1
    assert redis_client.exists("lock:c1") == 0  # the queue goes with its last ticket


def test_different_conversations_do_not_wait_for_each_other(new_store: StoreFactory) -> None:
    store = new_store()
    seen_while_held: list[bool] = []

    async def scenario() -> None:
        other_done = asyncio.Event()
        held = False

        async def long_turn() -> None:
            nonlocal held
            async with store.lock("c1"):
                held = True
                await asyncio.wait_for(other_done.wait(), timeout=3)
                held = False

        async def other_turn() -> None:
            await asyncio.sleep(0.02)
            async with store.lock("c2"):
                seen_while_held.append(held)
            other_done.set()

        await asyncio.gather(long_turn(), other_turn())

    asyncio.run(scenario())
    assert seen_while_held == [True]


def test_a_lock_left_by_a_crashed_server_is_taken_after_its_lifetime(
    new_store: StoreFactory, redis_client: redis.Redis
) -> None:
    crashed, alive = new_store(), new_store()

    async def scenario() -> float:
        crashed.issue_ticket("c1", lock_lifetime=0.5)  # the lock, never released
        assert 0 < redis_client.pttl("lock:c1") <= 500  # the key would expire too
        start = time.monotonic()
        async with alive.lock("c1", wait_time_in_seconds=0.05):
            return time.monotonic() - start

    waited = asyncio.run(scenario())
    assert 0.4 < waited < 2


def test_waiting_beyond_the_tickets_lifetime_raises_rasas_lock_error(
    new_store: StoreFactory, redis_client: redis.Redis
) -> None:
    holder, waiter = new_store(), new_store()

    async def wait() -> None:
        async with waiter.lock("c1", lock_lifetime=0.3, wait_time_in_seconds=0.05):
            pytest.fail("served while another turn held the lock")

    async def scenario() -> None:
        async with holder.lock("c1"):
            start = time.monotonic()
            with pytest.raises(LockError, match="Could not acquire lock"):
                await asyncio.wait_for(wait(), timeout=3)
            assert 0.25 < time.monotonic() - start < 2
            assert redis_client.llen("lock:c1") == 1  # the waiter's ticket is gone

    asyncio.run(scenario())
    assert redis_client.exists("lock:c1") == 0


def test_two_servers_on_one_redis_exclude_each_other(new_store: StoreFactory) -> None:
    first, second = new_store(), new_store()
    turns = Turns()

    async def scenario() -> None:
        await asyncio.gather(
            *(turns.turn(first if i % 2 else second, "c1", str(i)) for i in range(8))
        )

    asyncio.run(scenario())
    assert turns.most_inside == 1
    assert turns.order == [str(i) for i in range(8)]


def test_a_redis_restart_between_turns_does_not_break_the_next_turn(tmp_path: Path) -> None:
    server = RedisServer(tmp_path)  # no append-only file: the script cache goes, as in Redis 7
    server.start()
    try:
        store = store_on(server.url)
        asyncio.run(Turns().turn(store, "c1", "before"))
        server.stop()
        server.start()  # every pooled connection is dead, and Redis no longer has the script
        turns = Turns()
        asyncio.run(turns.turn(store, "c1", "after"))
        assert turns.order == ["after"]
    finally:
        server.stop()


def test_a_lock_and_release_is_two_round_trips_where_rasas_store_takes_seven(
    redis_url: str, new_store: StoreFactory
) -> None:
    where = urlparse(redis_url)
    stores = {
        "ours": new_store(),
        "rasa": RedisLockStore(host=where.hostname, port=where.port, db=0),
    }

    async def one_turn(store: AtomicRedisLockStore | RedisLockStore) -> None:
        async with store.lock("c1"):
            pass

    sent = {}
    for name, store in stores.items():
        asyncio.run(one_turn(store))  # the script is loaded on the first call
        sent[name] = count_round_trips(store.red)
        asyncio.run(one_turn(store))
    assert sent == {
        "ours": ["EVALSHA", "LREM"],
        "rasa": ["GET", "SET", "GET", "GET", "SET", "GET", "DEL"],
    }


def test_a_json_lock_left_by_rasas_store_is_replaced(
    new_store: StoreFactory, redis_client: redis.Redis
) -> None:
    redis_client.set("lock:c1", '{"conversation_id": "c1", "tickets": []}')  # no expiry
    asyncio.run(Turns().turn(new_store(), "c1", "A"))
    assert redis_client.exists("lock:c1") == 0


def test_the_ticket_interface_matches_the_queue(new_store: StoreFactory) -> None:
    store = new_store()
    first = store.issue_ticket("c1")
    second = store.issue_ticket("c1")
    lock = store.get_lock("c1")
    assert lock is not None and [t.number for t in lock.tickets] == [first, second]
    assert lock.now_serving == first and store.is_someone_waiting("c1")
    store.finish_serving("c1", first)
    assert store.get_lock("c1").now_serving == second  # type: ignore[union-attr]
    store.cleanup("c1", second)
    assert store.get_lock("c1") is None and not store.is_someone_waiting("c1")
    with pytest.raises(NotImplementedError):
        store.save_lock(store.create_lock("c1"))
