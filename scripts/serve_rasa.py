"""Runs the Rasa server like `rasa run --enable-api`, plus the `/healthz` route of CONTRACT.md.

Rasa's own `rasa.core.run.serve_application` starts it (API enabled and token-protected, bound
to 127.0.0.1, the channels of credentials.yml: only the token-protected `rest_state`; Redis
tracker and lock stores and the action server with its token from endpoints.yml; the trained
model from models/). `/healthz` is added through its `server_listeners` hook, by a listener of
Sanic's `main_process_start` (before the routes are frozen); the patches of
rasa_addons/compat/ are installed first (it refuses any Rasa but the pinned version).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import load_settings, resolved_environment  # noqa: E402


def main() -> None:
    settings = load_settings()
    # credentials.yml and endpoints.yml read ${VARS} from the process environment: fill in what
    # only `.env` or the defaults hold (scripts/stack.py exports them all; a bare start does not)
    for key, value in resolved_environment().items():
        os.environ.setdefault(key, value)
    if not settings.rasa_token:
        raise SystemExit("RASA_TOKEN is empty: the Rasa HTTP API must be token-protected.")
    if not os.environ.get("ACTION_SERVER_TOKEN"):
        raise SystemExit("ACTION_SERVER_TOKEN is empty: the action server refuses calls without it")

    from rasa.core.run import serve_application
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.log_utils import configure_structlog

    from rasa_addons import compat
    from rasa_addons.kept_sessions import close_pooled_sessions

    compat.apply()
    # `rasa run` configures structlog; left alone it prints every debug line (5 % of the CPU)
    configure_structlog(logging.INFO)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SANIC_ACCESS_LOG", "false")  # read by Sanic when Rasa builds its app
    host = os.environ.get("RASA_BIND", "127.0.0.1")  # 0.0.0.0 in a container (deploy/)
    serve_application(
        model_path=str(ROOT / "models"),
        interface=host,
        port=settings.rasa_port,
        credentials=str(ROOT / "credentials.yml"),
        auth_token=settings.rasa_token,
        enable_api=True,
        response_timeout=int(settings.rasa_timeout_seconds * 3),
        endpoints=AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml")),
        server_listeners=[
            (add_health_route, "main_process_start"),
            (close_pooled_sessions, "after_server_stop"),
        ],
    )


def add_health_route(app: Any, _loop: Any = None) -> None:
    """Adds `/healthz` to Rasa's app (a `main_process_start` listener: routes still open)."""
    app.add_route(healthz, "/healthz", methods=["GET"])


async def healthz(request: Any) -> Any:
    """200 once the model is loaded and the tracker store (Redis) answers."""
    from sanic.response import json as json_response

    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or not agent.is_ready():
        return json_response({"status": "loading model"}, status=503)
    try:
        redis_client = getattr(agent.tracker_store, "red", None)
        if redis_client is not None:
            await asyncio.get_running_loop().run_in_executor(None, redis_client.ping)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        return json_response({"status": f"tracker store unreachable: {error}"}, status=503)
    return json_response({"status": "ok"})


if __name__ == "__main__":
    main()
