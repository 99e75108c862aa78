"""Prometheus metrics of the webhook and its `GET /metrics`; one JSON log line per Twilio turn.

- `mes_webhook_turn_seconds{channel}`: time to answer a Twilio turn (`/twilio/sms`, `/twilio/voice…`),
  measured from the request's arrival to its response, the latency Twilio sees.
- `mes_webhook_rasa_seconds{call}`: the part of it spent waiting for Rasa.
- `mes_funnel_steps_reached_total` / `mes_funnel_steps_completed_total{channel,step}`: derived
  from the step `Dialogue` reads back from the tracker after each turn (a step is completed
  when the conversation moves on to a later step of `STEP_ORDER`).
- `mes_handoffs_total{channel,reason}`, `mes_webhook_errors_total{kind}`,
  `mes_webhook_requests_total{endpoint,status}`.

With several worker processes (gunicorn), set `PROMETHEUS_MULTIPROC_DIR` to an empty directory
before they start: `/metrics` then aggregates every worker (prometheus_client multiprocess mode).
"""

from __future__ import annotations

import logging
import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from bot.jsonlog import bind_conversation, current_conversation

logger = logging.getLogger("webhook.turns")

#: Steps of an activation in the order a person meets them (requested slots, then `done`).
STEP_ORDER = (
    "provisional_code",
    "nir",
    "card_type",
    "card_serial",
    "decision",
    "contact_confirmed",
    "identifier",
    "password",
    "password_confirmation",
    "done",
)
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 20.0)

TURN_SECONDS = Histogram(
    "mes_webhook_turn_seconds",
    "Time to answer one Twilio webhook turn (request in to response out)",
    ["channel"],
    buckets=LATENCY_BUCKETS,
)
RASA_SECONDS = Histogram(
    "mes_webhook_rasa_seconds",
    "Time spent waiting for the Rasa server, per kind of call",
    ["call"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "mes_webhook_requests_total",
    "HTTP requests answered, by endpoint and status",
    ["endpoint", "status"],
)
STEPS_REACHED = Counter(
    "mes_funnel_steps_reached_total", "Conversations that reached a step", ["channel", "step"]
)
STEPS_COMPLETED = Counter(
    "mes_funnel_steps_completed_total",
    "Conversations that went past a step to a later one",
    ["channel", "step"],
)
HANDOFFS = Counter(
    "mes_handoffs_total", "Conversations that started waiting for an advisor", ["channel", "reason"]
)
ERRORS = Counter("mes_webhook_errors_total", "Errors met while answering, by kind", ["kind"])


def turn_channel(path: str) -> str | None:
    """The channel of a Twilio turn endpoint; None for every other route (status callbacks too)."""
    if path.endswith("/status"):
        return None
    if path == "/twilio/sms":
        return "sms"
    if path.startswith("/twilio/voice"):
        return "voice"
    return None


def record_step_change(channel: str, before: str, after: str, handoff_reason: str | None) -> None:
    """Funnel and handoffs from what one turn changed (called by `Dialogue` after the sync)."""
    channel = channel or "unknown"
    if after and after != before:
        STEPS_REACHED.labels(channel, after).inc()
        if before in STEP_ORDER and after in STEP_ORDER:
            if STEP_ORDER.index(after) > STEP_ORDER.index(before):
                STEPS_COMPLETED.labels(channel, before).inc()
    if handoff_reason is not None:
        HANDOFFS.labels(channel, handoff_reason or "asked").inc()


def record_rasa_down(channel: str, state_before: str) -> None:
    """Rasa did not answer: an error, and a handoff when the bot had the conversation."""
    ERRORS.labels("rasa_unavailable").inc()
    if state_before == "bot":
        HANDOFFS.labels(channel or "unknown", "rasa_unavailable").inc()


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def init_app(app: Flask) -> None:
    """Times every request, logs every Twilio turn as one JSON line, serves `GET /metrics`."""

    @app.before_request
    def _start() -> None:
        g.mes_started = time.perf_counter()
        bind_conversation(None)  # threads are reused: no id left over from a previous request

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("mes_started", None)
        endpoint = request.endpoint or "unknown"
        REQUESTS.labels(endpoint, str(response.status_code)).inc()
        if response.status_code >= 500:
            ERRORS.labels("http_5xx").inc()
        channel = turn_channel(request.path)
        if channel and started is not None:
            elapsed = time.perf_counter() - started
            TURN_SECONDS.labels(channel).observe(elapsed)
            logger.info(
                "turn answered",
                extra={
                    "channel": channel,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "conversation_id": current_conversation(),
                },
            )
        return response

    @app.teardown_request
    def _failed(error: BaseException | None) -> None:
        if error is not None:
            ERRORS.labels(type(error).__name__).inc()

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)
