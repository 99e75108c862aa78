"""`make run`'s unit: every service healthy, a second stack beside it, Ctrl-C leaves nothing."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import redis
import requests

from tests.support.stack import make_stack

pytestmark = pytest.mark.stack


def test_every_service_is_healthy(stack) -> None:  # type: ignore[no-untyped-def]
    for name, url in stack.urls().items():
        assert requests.get(url + "/healthz", timeout=5).status_code == 200, name
    assert redis.Redis.from_url(stack.redis_url).ping()
    spec = requests.get(stack.backend_url + "/openapi.json", timeout=5).json()
    assert spec["openapi"].startswith("3.") and "/admin/insured" in spec["paths"]


def test_the_rasa_api_needs_its_token(stack) -> None:  # type: ignore[no-untyped-def]
    assert requests.get(stack.rasa_url + "/status", timeout=5).status_code == 401
    ok = requests.get(
        stack.rasa_url + "/status", params={"token": stack.env["RASA_TOKEN"]}, timeout=5
    )
    assert ok.status_code == 200


def processes_of(var_dir: Path) -> list[int]:
    """Processes whose environment names this stack's VAR_DIR (they all inherit it)."""
    marker = f"VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_second_stack_runs_beside_and_ctrl_c_stops_it_all(stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    second = make_stack(tmp_path)
    second.start()
    try:
        assert second.ports["WEBHOOK_PORT"] != stack.ports["WEBHOOK_PORT"]
        assert set(processes_of(tmp_path))
        for url in second.urls().values():
            assert requests.get(url + "/healthz", timeout=5).status_code == 200
    finally:
        assert second.process is not None
        os.killpg(second.process.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground group
        second.process.wait(timeout=60)
    deadline = time.monotonic() + 20
    while processes_of(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_of(tmp_path) == [], "orphan processes after Ctrl-C"
    for url in stack.urls().values():  # the first stack did not notice
        assert requests.get(url + "/healthz", timeout=5).status_code == 200
