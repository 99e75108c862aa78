"""A scaled-out stack for tests and the bench: two Rasa servers, two action servers, gunicorn
webhook workers and HAProxy in front (scripts/scale_stack.py), on free ports."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.fakes import free_port
from tests.support.stack import Stack, make_stack


class ScaledStack(Stack):
    """`Stack`, started by scripts/scale_stack.py; `ports` also lists every replica."""

    @property
    def rasa_replicas(self) -> list[str]:
        ports = self.env["RASA_REPLICA_PORTS"].split(",")
        return [f"http://127.0.0.1:{port}" for port in ports]

    @property
    def action_replicas(self) -> list[str]:
        ports = self.env["ACTION_REPLICA_PORTS"].split(",")
        return [f"http://127.0.0.1:{port}" for port in ports]

    def urls(self) -> dict[str, str]:
        urls = super().urls()
        urls.update({f"rasa{i}": url for i, url in enumerate(self.rasa_replicas, 1)})
        urls.update({f"actions{i}": url for i, url in enumerate(self.action_replicas, 1)})
        return urls

    launcher = "scale_stack.py"

    def start(self, timeout: float = 400) -> None:
        super().start(timeout)
        try:
            self.wait_router_ready(timeout=60)
        except BaseException:
            self.stop()
            raise

    def router_states(self) -> dict[str, str]:
        """Each server's last state as HAProxy logged it ("UP"/"DOWN"; unlogged: UP)."""
        states = {f"rasa/rasa{i}": "UP" for i in range(1, len(self.rasa_replicas) + 1)}
        states.update(
            {f"actions/actions{i}": "UP" for i in range(1, len(self.action_replicas) + 1)}
        )
        text = self.log_path.read_text(errors="replace")
        for server, state in re.findall(r"Server ((?:rasa|actions)/\w+) is (UP|DOWN)", text):
            states[server] = state
        return states

    def wait_router_ready(self, timeout: float) -> None:
        """Every replica answering /healthz is not enough: HAProxy sees it UP only at its next
        check. Until then it hashes every conversation to the servers it has, and moves them
        when the others come up, which a test of stickiness would take for a routing fault."""
        deadline = time.monotonic() + timeout
        while any(state != "UP" for state in self.router_states().values()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"router not ready: {self.router_states()}")
            time.sleep(0.5)


def make_scaled_stack(
    var_dir: Path, replicas: int = 2, workers: int = 2, **extra: str
) -> ScaledStack:
    base = make_stack(var_dir, **extra)
    env = dict(base.env)
    env["RASA_REPLICA_PORTS"] = ",".join(str(free_port()) for _ in range(replicas))
    env["ACTION_REPLICA_PORTS"] = ",".join(str(free_port()) for _ in range(replicas))
    env["WEBHOOK_WORKERS"] = str(workers)
    env["WEBHOOK_THREADS"] = "16"
    return ScaledStack(env=env, log_path=base.log_path, ports=base.ports)
