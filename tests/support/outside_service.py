"""One service of the stack run by the test itself, so that it can be killed and restarted.

honcho stops the whole unit when one process exits, so a fault test starts the stack with
`STACK_WITHOUT=actions,rasa` and runs those services with this class: the same command as the
Procfile, the same resolved environment as `scripts/stack.py run`, its output in a log file
under the stack's VAR_DIR (so canary scans see it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from bot.settings import resolved_environment

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "actions": [sys.executable, "-m", "actions"],
    "rasa": [sys.executable, str(ROOT / "scripts" / "serve_rasa.py")],
    "backend": [sys.executable, "-m", "backend"],
}


class OutsideService:
    def __init__(self, name: str, stack_env: dict[str, str], health_url: str) -> None:
        self.name = name
        self.health_url = health_url
        env = resolved_environment(stack_env)
        env.update(
            PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
        )
        self.env = env
        self.log_path = Path(env["VAR_DIR"]) / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            COMMANDS[self.name],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            try:
                if requests.get(self.health_url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not healthy after {timeout} s")

    def kill(self) -> None:
        """SIGKILL, as a crash: no clean shutdown."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def action_server(
    tmp_path: Path,
    redis_url: str,
    backend_url: str,
    token: str,
    health_path: str = "/healthz",
    **extra: str,
) -> Iterator[OutsideService]:
    """`python -m actions` on a free port with its own settings, once `health_path` answers
    (rasa-sdk's `/health` needs no backend, `/healthz` does); killed at the end."""
    from tests.fakes import free_port

    port = free_port()
    env = {
        "DOTENV_PATH": str(tmp_path / "no.env"),
        "VAR_DIR": str(tmp_path),
        "REDIS_URL": redis_url,
        "VAULT_KEY": "a vault key for an action server test",
        "BACKEND_URL": backend_url,
        "ACTION_PORT": str(port),
        "ACTION_SERVER_TOKEN": token,
        **extra,
    }
    service = OutsideService("actions", env, f"http://127.0.0.1:{port}{health_path}")
    service.start()
    try:
        service.wait_healthy(timeout=120)
        yield service
    finally:
        service.kill()
