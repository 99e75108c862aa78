"""Runs the Rasa server like `rasa run --enable-api`, plus the `/healthz` route of CONTRACT.md.

`rasa run` has no hook to add a route, so this mirrors `rasa.core.run.serve_application`:
API enabled and token-protected, bound to 127.0.0.1, the channels of credentials.yml (only the
token-protected `rest_state`), Redis tracker and lock stores and the action server (with its
token) from endpoints.yml, the trained model from models/.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import load_settings, resolved_environment  # noqa: E402

logger = logging.getLogger("serve_rasa")


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

    import rasa.core.utils
    from rasa.core.run import (
        close_resources,
        configure_app,
        create_http_input_channels,
        load_agent_on_start,
    )
    from rasa.core.utils import AvailableEndpoints
    from sanic.response import json as json_response

    from rasa_addons import speedups

    speedups.apply()  # logging at INFO, cheaper action-response checks, event lookups, connections
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    app = configure_app(
        create_http_input_channels(None, str(ROOT / "credentials.yml")),
        cors=None,
        auth_token=settings.rasa_token,
        enable_api=True,
        response_timeout=int(settings.rasa_timeout_seconds * 3),
        port=settings.rasa_port,
        endpoints=endpoints,
    )

    async def healthz(request):  # type: ignore[no-untyped-def]
        """200 once the model is loaded and the tracker store (Redis) answers."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            return json_response({"status": "loading model"}, status=503)
        try:
            store = agent.tracker_store
            redis_client = getattr(store, "red", None)
            if redis_client is not None:
                await asyncio.get_running_loop().run_in_executor(None, redis_client.ping)
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            return json_response({"status": f"tracker store unreachable: {error}"}, status=503)
        return json_response({"status": "ok"})

    app.add_route(healthz, "/healthz", methods=["GET"])
    model_path = str(ROOT / "models")
    app.register_listener(
        partial(load_agent_on_start, model_path, endpoints, None), "before_server_start"
    )
    app.register_listener(close_resources, "after_server_stop")
    app.register_listener(speedups.close_pooled_sessions, "after_server_stop")
    workers = rasa.core.utils.number_of_sanic_workers(endpoints.lock_store)
    logger.info("Starting Rasa server on http://127.0.0.1:%s", settings.rasa_port)
    os.environ.setdefault("SANIC_BACKLOG", "100")
    host = os.environ.get("RASA_BIND", "127.0.0.1")  # 0.0.0.0 in a container (deploy/)
    app.run(host=host, port=settings.rasa_port, workers=workers, access_log=False)


if __name__ == "__main__":
    main()
