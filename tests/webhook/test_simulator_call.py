"""The simulator's call mode API: what it refuses, where it exists, and that it answers with the
phone face's own reply (Rasa down here: the call's apology, said the phone way)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.webhook.conftest import make_app


def post(app: Flask, body: object) -> tuple[int, dict]:
    response = app.test_client().post("/simulator/api/call", json=body)
    return response.status_code, response.get_json()


@pytest.mark.parametrize(
    "body",
    [
        [1],
        {"action": "dance"},
        {"action": "answer", "digits": "12a"},
        {"action": "answer", "digits": 5},
        {"action": "answer", "speech": ["oui"]},
        {"action": "answer", "speech": "x" * 501},
    ],
)
def test_malformed_call_events_get_a_400(app: Flask, body: object) -> None:
    status, data = post(app, body)
    assert status == 400 and data["error"] == "invalid_request"


def test_a_call_event_runs_the_phone_face(app: Flask) -> None:
    status, data = post(app, {"from": "+33611220000", "action": "start"})
    assert status == 200
    said = " ".join(line["text"] for line in data["lines"])
    assert "problème technique" in said  # Rasa is down in these tests
    assert "répondra ici" not in said  # phone wording: an advisor calls back
    status, data = post(app, {"from": "+33611220000", "action": "hangup"})
    assert status == 200 and data["hangup"] is True


def test_no_call_mode_outside_local_mode(redis_url: str, tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        redis_url,
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_FROM_NUMBER="+33700000000",
        SMTP_HOST="127.0.0.1",
    )
    try:
        status, _ = post(app, {"action": "start"})
        assert status == 404
    finally:
        app.extensions["mes"].redis.close()
