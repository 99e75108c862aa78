"""The app factory: settings in, a ready Flask app out (database migrated when it answers)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, jsonify, request
from flask.typing import ResponseReturnValue

from backend import activation, admin, codes, identity, login, schemas
from backend.config import backend_config
from backend.context import EXTENSION_KEY, Backend, backend, close_db
from backend.errors import database_unavailable, register_error_handlers
from backend.hashing import Hasher, Passwords
from backend.logs import get_logger
from backend.openapi import openapi_document, operation
from backend.seed import seed_command
from backend.store import Store
from backend.timeutil import Clock, utc_now
from bot.settings import Settings, load_settings

log = get_logger(__name__)
access_log = get_logger("backend.access")

MAX_BODY_BYTES = 64 * 1024


def real_messenger(settings: Settings) -> Any:
    """The project's Messenger (Twilio, SMTP or local outbox), with its Redis client."""
    import redis

    from messaging import Messenger

    return Messenger.from_settings(settings, redis.Redis.from_url(settings.redis_url))


def messenger_factory(settings: Settings, messenger: Any) -> Callable[[], Any]:
    """The injected messenger, or a builder of the real one (Redis is touched on first send)."""
    if messenger is not None:
        return lambda: messenger
    return lambda: real_messenger(settings)


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    messenger: Any = None,
    *,
    pepper: bytes | None = None,
    service_token: str | None = None,
) -> Flask:
    """Builds the backend.

    `clock` returns an aware UTC datetime (tests move time with it); `messenger` is anything
    with `send_sms(to, body)` and `send_email(to, subject, body)` (default: the real Messenger,
    built on first use); `pepper` and `service_token` override what `backend.config` reads.
    """
    settings = settings or load_settings()
    config = backend_config(settings, pepper, service_token)
    store = Store(config.database_url)
    if not store.ensure_schema():
        log.warning("database.unreachable", then="migrated on first use")

    app = Flask("backend")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False
    app.extensions[EXTENSION_KEY] = Backend(
        config=config,
        store=store,
        clock=clock or utc_now,
        hasher=Hasher(config.pepper),
        passwords=Passwords(),
        messenger_factory=messenger_factory(settings, messenger),
    )
    register_error_handlers(app)
    app.teardown_appcontext(close_db)
    for module in (admin, identity, activation, codes, login):
        app.register_blueprint(module.blueprint)
    app.add_url_rule("/healthz", "healthz", healthz)
    # Not "openapi…": spectree leaves endpoints of that name out of the document.
    app.add_url_rule("/openapi.json", "api_document", api_document)
    app.before_request(start_timer)
    app.before_request(require_schema)
    app.after_request(log_access)
    app.cli.add_command(seed_command)
    return app


@operation(
    "Ready when the database answers",
    tag="health",
    ok={200: (schemas.Health, "ready"), 503: (schemas.Health, "database unavailable")},
)
def healthz() -> ResponseReturnValue:
    store = backend().store
    if store.ensure_schema() and store.ping():
        return jsonify(status="ok")
    return jsonify(status="unavailable"), 503


def require_schema() -> None:
    """Migrates on the first request if the database was down when the app started."""
    if request.endpoint not in ("healthz", "api_document") and not backend().store.ensure_schema():
        raise database_unavailable()


@operation("This document (OpenAPI 3.0)", tag="health", ok={200: (None, "OpenAPI 3 document")})
def api_document() -> ResponseReturnValue:
    return jsonify(openapi_document())


def start_timer() -> None:
    g.started = time.perf_counter()


def log_access(response: Response) -> Response:
    """One line per request naming the route template, never the path: paths carry NIRs/tokens."""
    rule = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    access_log.info(
        "request",
        method=request.method,
        route=rule,
        status=response.status_code,
        ms=round(elapsed_ms),
    )
    return response
