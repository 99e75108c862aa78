"""Starts the whole assistant for end-to-end tests, exactly as `make run` does, on free ports.

`scripts/stack.py run` (honcho + Procfile) is started in its own process group with a private
VAR_DIR, .env and ports, and the test waits for every `/healthz`. The only fake is Twilio's
REST API (a paid remote service), started by the caller and passed in as TWILIO_API_BASE_URL.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.fakes import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stack:
    #: the launcher in scripts/ (`make run`'s own; the scaled-out stack has another)
    launcher = "stack.py"

    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = None
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['WEBHOOK_PORT']}"

    @property
    def backend_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['BACKEND_PORT']}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['RASA_PORT']}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['ACTION_PORT']}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['REDIS_PORT']}/0"

    @property
    def public_base_url(self) -> str:
        return self.env["PUBLIC_BASE_URL"]

    def urls(self) -> dict[str, str]:
        return {
            "webhook": self.webhook_url,
            "backend": self.backend_url,
            "rasa": self.rasa_url,
            "actions": self.actions_url,
        }

    def start(self, timeout: float = 300) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / self.launcher), "run"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise

    def wait_healthy(self, timeout: float = 300, names: tuple[str, ...] | None = None) -> None:
        deadline = time.monotonic() + timeout
        pending = {k: v for k, v in self.urls().items() if names is None or k in names}
        while pending:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"the stack exited early; see {self.log_path}:\n{self.log_tail()}"
                )
            for name, url in list(pending.items()):
                try:
                    if requests.get(url + "/healthz", timeout=2).status_code == 200:
                        pending.pop(name)
                except requests.RequestException:
                    pass
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"not healthy: {sorted(pending)}\n{self.log_tail()}")
            time.sleep(0.5)

    def log_tail(self, lines: int = 80) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def make_stack(var_dir: Path, twilio_api_base_url: str | None = None, **extra: str) -> Stack:
    """Settings of a private stack: free ports, its own var/ and .env, known secrets."""
    ports = {
        name: free_port()
        for name in ("REDIS_PORT", "BACKEND_PORT", "RASA_PORT", "ACTION_PORT", "WEBHOOK_PORT")
    }
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PORT", "_URL"))}
    env.update({k: str(v) for k, v in ports.items()})
    env.update(
        VAR_DIR=str(var_dir),
        DOTENV_PATH=str(var_dir / ".env"),
        PUBLIC_BASE_URL="https://assistant.example.test",
        TWILIO_AUTH_TOKEN=secrets.token_hex(16),
        RASA_TOKEN=secrets.token_hex(16),
        ACTION_SERVER_TOKEN=secrets.token_hex(16),
        BACKEND_SERVICE_TOKEN=secrets.token_hex(16),
        BACKEND_ADMIN_TOKEN=secrets.token_hex(16),
        BACKEND_PEPPER=secrets.token_hex(16),
        VAULT_KEY=secrets.token_hex(16),
        FLASK_SECRET_KEY=secrets.token_hex(16),
        STACK_START_TIMEOUT="300",
    )
    env.pop("REDIS_URL", None)
    if twilio_api_base_url:
        env.update(
            TWILIO_ACCOUNT_SID="AC" + secrets.token_hex(16),
            TWILIO_FROM_NUMBER="+33700000000",
            TWILIO_API_BASE_URL=twilio_api_base_url,
        )
    env.update(extra)
    return Stack(env=env, log_path=var_dir / "stack.log", ports=ports)
