"""Actions reach Redis (the vault) through `actions.runtime.runtime()`: point it at the
session's real Redis with a test key, whatever `.env` the checkout has (or has not)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.runtime import runtime


@pytest.fixture(autouse=True)
def action_runtime(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "no.env"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("VAULT_KEY", "a vault key for the action tests")
    monkeypatch.setenv("BACKEND_URL", "http://127.0.0.1:9")  # no backend: these tests need none
    runtime.cache_clear()
    yield
    runtime.cache_clear()
