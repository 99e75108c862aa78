"""Prometheus metrics of the action server (served at `GET /metrics` by `actions/server.py`).

Measured for every action call by the server's middleware, without touching the actions:
- `mes_action_seconds{action}` and `mes_action_errors_total{action,status}`;
- `mes_flow_steps_total{step}`: each `flow_step` an action sets (the screens of the funnel:
  identity, card, decision, contact, credentials, done, paused, handoff);
- `mes_action_handoffs_total{reason}`: each `handoff_reason` an action sets.
Counted by the actions where they know it (`code_sent`, `code_failed`, `step_completed`):
- `mes_codes_sent_total{kind}` / `mes_codes_failed_total{kind,reason}`: one-time and provisional
  codes the backend sent (or refused to send), and codes people typed that did not match;
- `mes_steps_completed_total{step}`: a screen whose backend call succeeded.
"""

from __future__ import annotations

import json
from typing import Any

from prometheus_client import Counter, Histogram

ACTION_SECONDS = Histogram(
    "mes_action_seconds",
    "Time to run one action or form validation (request in to response out)",
    ["action"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0),
)
ACTION_ERRORS = Counter(
    "mes_action_errors_total", "Action calls that did not answer 200", ["action", "status"]
)
FLOW_STEPS = Counter("mes_flow_steps_total", "Flow steps (screens) set by the actions", ["step"])
HANDOFFS = Counter("mes_action_handoffs_total", "Handoff reasons set by the actions", ["reason"])
CODES_SENT = Counter("mes_codes_sent_total", "Codes sent to people, by kind", ["kind"])
CODES_FAILED = Counter(
    "mes_codes_failed_total",
    "Codes not sent (delivery failed) or not accepted (wrong, expired, locked)",
    ["kind", "reason"],
)
#: the slots whose values are counted, as they appear in an answer's JSON
_COUNTED_SLOTS = (b'"flow_step"', b'"handoff_reason"')
STEPS_COMPLETED = Counter(
    "mes_steps_completed_total", "Screens whose backend call succeeded", ["step"]
)


def code_sent(kind: str) -> None:
    """A code went out (kind: "provisional", "login", "contact")."""
    CODES_SENT.labels(kind).inc()


def code_failed(kind: str, reason: str) -> None:
    """A code was not sent (reason "delivery_failed") or not accepted (the backend's error code)."""
    CODES_FAILED.labels(kind, reason).inc()


def step_completed(step: str) -> None:
    STEPS_COMPLETED.labels(step).inc()


def observe_action(action: str, status: int, seconds: float, body: bytes | None) -> None:
    """Records one action call from the server's response (latency, errors, slots it set)."""
    ACTION_SECONDS.labels(action).observe(seconds)
    if status != 200:
        ACTION_ERRORS.labels(action, str(status)).inc()
        return
    if not body or not any(name in body for name in _COUNTED_SLOTS):
        return  # most calls set neither: their (large) answer is not decoded again
    for event in _events(body):
        if event.get("event") != "slot" or event.get("value") is None:
            continue
        if event.get("name") == "flow_step":
            FLOW_STEPS.labels(str(event["value"])).inc()
        elif event.get("name") == "handoff_reason":
            HANDOFFS.labels(str(event["value"])).inc()


def _events(body: bytes | None) -> list[dict[str, Any]]:
    try:
        events = json.loads(body or b"{}").get("events") or []
    except (ValueError, AttributeError):
        return []
    return [e for e in events if isinstance(e, dict)]
