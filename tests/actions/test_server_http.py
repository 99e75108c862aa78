"""What the action server answers over HTTP, headers included: rasa-sdk's CORS set-up allows no
origin, so no answer carries a CORS header, with or without an `Origin`, whatever the status;
a preflight is still answered by rasa-sdk's CORS, before the token is asked for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.fakes import free_port
from tests.support.outside_service import action_server

TOKEN = "an action server token for the http test"
ORIGIN = {"Origin": "https://elsewhere.example"}


@pytest.fixture(scope="module")
def server(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    no_backend = f"http://127.0.0.1:{free_port()}"
    tmp_path = tmp_path_factory.mktemp("actions-http")
    with action_server(tmp_path, redis_url, no_backend, TOKEN, "/health") as service:
        yield service.health_url.removesuffix("/health")


def cors_headers(response: requests.Response) -> dict[str, str]:
    return {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }


def call(action: str) -> dict:
    return {
        "next_action": action,
        "sender_id": "http-test",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "http-test",
            "slots": {},
            "latest_message": {"text": "bonjour", "intent": {"name": "greet"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.mark.parametrize("origin", [{}, ORIGIN])
def test_no_answer_carries_a_cors_header(server: str, origin: dict[str, str]) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}", **origin}
    answers = {
        "health": requests.get(f"{server}/health", headers=origin, timeout=10),
        "metrics": requests.get(f"{server}/metrics", headers=origin, timeout=10),
        "actions": requests.get(f"{server}/actions", headers=bearer, timeout=10),
        "no token": requests.post(f"{server}/webhook", json=call("x"), headers=origin, timeout=10),
        "unknown action": requests.post(
            f"{server}/webhook", json=call("action_that_is_not"), headers=bearer, timeout=10
        ),
        "a validator": requests.post(
            f"{server}/webhook", json=call("validate_card_form"), headers=bearer, timeout=10
        ),
    }
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "health": 200,
        "metrics": 200,
        "actions": 200,
        "no token": 401,
        "unknown action": 404,
        "a validator": 200,
    }
    assert {name: cors_headers(answer) for name, answer in answers.items()} == {
        name: {} for name in answers
    }


def test_a_preflight_is_answered_as_before(server: str) -> None:
    preflight = requests.options(
        f"{server}/webhook",
        headers={**ORIGIN, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert preflight.status_code == 200
    assert {name.lower(): value for name, value in preflight.headers.items()} == {
        "content-length": "0",
        "connection": "keep-alive",
        "content-type": "None",  # sic: sanic-cors' empty answer
    }
