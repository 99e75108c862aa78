"""The action server's metrics read from each call's answer: the steps and handoffs it set."""

from __future__ import annotations

import json

from prometheus_client import REGISTRY

from actions.metrics import observe_action


def counted(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def answer(*events: dict) -> bytes:
    return json.dumps({"events": list(events), "responses": []}).encode()


def slot(name: str, value: object) -> dict:
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def test_the_steps_and_handoffs_an_answer_sets_are_counted() -> None:
    steps = counted("mes_flow_steps_total", step="t_metrics_card")
    handoffs = counted("mes_action_handoffs_total", reason="t_metrics_locked")
    body = answer(
        slot("nir", "secretnir0123456789abcdef"),
        slot("flow_step", "t_metrics_card"),
        slot("handoff_reason", "t_metrics_locked"),
        slot("flow_step", None),
    )
    observe_action("action_next_step", 200, 0.01, body)
    # Compact JSON (Sanic's encoder) is read the same way.
    observe_action("action_next_step", 200, 0.01, body.replace(b": ", b":").replace(b", ", b","))
    assert counted("mes_flow_steps_total", step="t_metrics_card") == steps + 2
    assert counted("mes_action_handoffs_total", reason="t_metrics_locked") == handoffs + 2


def test_answers_that_set_neither_and_broken_ones_count_only_the_call() -> None:
    calls = counted("mes_action_seconds_count", action="t_metrics_action")
    for body in (
        answer(slot("requested_slot", "nir")),
        b"",
        None,
        b"not json",
        b'{"events": "flow_step"}',
        b'["flow_step"]',
    ):
        observe_action("t_metrics_action", 200, 0.01, body)
    assert counted("mes_action_seconds_count", action="t_metrics_action") == calls + 6


def test_a_failed_call_counts_an_error_and_no_step() -> None:
    steps = counted("mes_flow_steps_total", step="t_metrics_failed")
    observe_action("t_metrics_action", 500, 0.01, answer(slot("flow_step", "t_metrics_failed")))
    assert counted("mes_action_errors_total", action="t_metrics_action", status="500") == 1
    assert counted("mes_flow_steps_total", step="t_metrics_failed") == steps
