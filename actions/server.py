"""Serves every action of this package with rasa-sdk, plus `/healthz` (CONTRACT.md) and `/metrics`.

`rasa run actions` binds every interface and has no health route that checks dependencies,
hence this small wrapper around `rasa_sdk.endpoint.create_app`. A middleware times every action
call, records what it set (`actions/metrics.py`) and binds the conversation id to the JSON log
lines of that call.

Every action is a coroutine awaited on the server's one event loop (rasa-sdk's own executor, not
patched): what they wait on (the backend, Redis) is asynchronous (`actions/runtime.py`), so a
conversation waiting on the backend holds no other. The runtime's connections open when the
server starts and close when it stops.

Only Rasa may call an action: every route but the three below needs `Authorization: Bearer
<ACTION_SERVER_TOKEN>` (endpoints.yml sends it), else 401 before the body is read. An action
call carries a tracker and runs backend calls with it, so anyone else reaching the port could
drive the backend as the assistant. `/health`, `/healthz` and `/metrics` stay open: they tell
whether the server runs, nothing about a person.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections import deque

from bot.jsonlog import bind_conversation, configure_logging
from bot.settings import load_settings, resolved_environment

logger = logging.getLogger("actions.calls")

#: the routes that only say whether the server runs; every other one (`/webhook`, `/actions`)
#: needs the token
OPEN_PATHS = frozenset({"/health", "/healthz", "/metrics"})


def action_server_token() -> str:
    token = resolved_environment().get("ACTION_SERVER_TOKEN", "")
    if not token:
        raise SystemExit("ACTION_SERVER_TOKEN is empty: the action server would answer anyone")
    return token


def carries_token(authorization: str, token: str) -> bool:
    """True when an `Authorization` header value is `Bearer <token>` (constant-time)."""
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def create_action_app(token: str):  # type: ignore[no-untyped-def]
    """The Sanic app: rasa-sdk's, with the token check, the call log, `/healthz`, `/metrics`,
    and the runtime opened on startup and closed on shutdown."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
    from rasa_sdk.endpoint import create_app
    from sanic.response import json as json_response
    from sanic.response import raw

    from actions.metrics import observe_action
    from actions.runtime import close_runtime, runtime, start_runtime

    app = create_app("actions", cors_origins=None)

    async def open_runtime(app, loop):  # type: ignore[no-untyped-def]
        await start_runtime()

    async def shut_runtime(app, loop):  # type: ignore[no-untyped-def]
        await close_runtime()

    app.register_listener(open_runtime, "before_server_start")
    # After sanic-cors' own listener, which registers its middlewares when the server starts.
    app.register_listener(_without_cors_response_middleware, "before_server_start")
    app.register_listener(shut_runtime, "after_server_stop")

    @app.middleware("request")
    async def require_token(request):  # type: ignore[no-untyped-def]
        if request.path not in OPEN_PATHS and not carries_token(
            request.headers.get("Authorization", ""), token
        ):
            logger.warning("action call refused: missing or wrong token")
            return json_response(
                {"error": "unauthorized", "message": "missing or wrong action server token"},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return None

    @app.middleware("request")
    async def start_call(request):  # type: ignore[no-untyped-def]
        request.ctx.started = time.perf_counter()
        request.ctx.action = None
        if request.path == "/webhook" and request.method == "POST":
            call = request.json if isinstance(request.json, dict) else {}
            request.ctx.action = str(call.get("next_action") or "unknown")
            bind_conversation(call.get("sender_id"))

    @app.middleware("response")
    async def end_call(request, response):  # type: ignore[no-untyped-def]
        action = getattr(request.ctx, "action", None)
        if action:
            elapsed = time.perf_counter() - request.ctx.started
            observe_action(action, response.status, elapsed, response.body)
            logger.info(
                "action answered",
                extra={
                    "action": action,
                    "status": response.status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )

    async def healthz(request):  # type: ignore[no-untyped-def]
        """200 when Redis (the vault) and the backend answer."""
        problems = await runtime().health_problems()
        if problems:
            return json_response({"status": "not ready", "problems": problems}, status=503)
        return json_response({"status": "ok"})

    async def metrics(request):  # type: ignore[no-untyped-def]
        return raw(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)

    app.add_route(healthz, "/healthz", methods=["GET"])
    app.add_route(metrics, "/metrics", methods=["GET"])
    return app


async def _without_cors_response_middleware(app, loop) -> None:  # type: ignore[no-untyped-def]
    """Drops sanic-cors' response middleware: rasa-sdk sets it up with no origin allowed
    (`cors_origins=None`), so on an answer it only works out, at every call, that there is no
    header to add (~7 % of the server's CPU in a profile). Its preflight answer (a request
    middleware) and its error handler stay; `tests/actions/test_server_http.py` checks that no
    answer carries a CORS header."""
    from sanic_cors.extension import unapplied_cors_response_middleware

    app.response_middleware = deque(
        middleware
        for middleware in app.response_middleware
        if getattr(middleware, "func", None) is not unapplied_cors_response_middleware
    )


def main() -> None:
    configure_logging("actions")
    settings = load_settings()
    app = create_action_app(action_server_token())
    host = os.environ.get("ACTION_BIND", "127.0.0.1")  # 0.0.0.0 in a container (deploy/)
    app.run(host=host, port=settings.action_port, workers=1, access_log=False)
