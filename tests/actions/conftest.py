"""Actions reach Redis (the vault) through `actions.runtime.runtime()`: point it at the
session's real Redis with a test key, whatever `.env` the checkout has (or has not).

The runtime's connections are asynchronous and belong to one event loop: each test gets a loop
of its own (`tests/support/aio.py`; `run_async` runs an action's coroutine on it), and the
runtime is closed on that loop when the test ends, as the action server closes it on shutdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.runtime import close_runtime, runtime
from tests.support.aio import event_loop


@pytest.fixture(autouse=True)
def action_runtime(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "no.env"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("VAULT_KEY", "a vault key for the action tests")
    monkeypatch.setenv("BACKEND_URL", "http://127.0.0.1:9")  # no backend: these tests need none
    runtime.cache_clear()
    with event_loop() as loop:
        yield
        loop.run_until_complete(close_runtime())
