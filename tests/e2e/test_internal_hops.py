"""Every internal hop answers only the service that holds its credential, against the real
stack (issue 14): webhook → Rasa (channel token), Rasa → action server (action server token),
actions → backend (service token). And a person's "/restart" is text, not a Rasa command."""

from __future__ import annotations

import secrets

import pytest
import requests

from tests.support.people import person, spaced
from tests.support.twilio_client import SmsPhone, next_number

pytestmark = pytest.mark.stack

WRONG = ["", "Bearer ", "Bearer wrong", "Basic {token}", "Bearer {token}x", "{token}"]


def authorization(template: str, token: str) -> dict[str, str]:
    value = template.format(token=token)
    return {"Authorization": value} if value else {}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rasa_turn(stack, sender: str, text: str, headers: dict[str, str]) -> requests.Response:  # type: ignore[no-untyped-def]
    return requests.post(
        stack.rasa_url + "/webhooks/rest_state/webhook",
        json={"sender": sender, "message": text},
        headers=headers,
        timeout=30,
    )


def tracker_events(stack, sender: str) -> list[dict]:  # type: ignore[no-untyped-def]
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.env["RASA_TOKEN"]},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["events"]


@pytest.mark.parametrize("template", WRONG)
def test_rasa_channel_refuses_a_turn_without_the_token(stack, template: str) -> None:  # type: ignore[no-untyped-def]
    sender = "probe-" + secrets.token_hex(8)
    refused = rasa_turn(stack, sender, "Bonjour", authorization(template, stack.env["RASA_TOKEN"]))
    assert refused.status_code == 401
    assert "slots" not in refused.json() and "messages" not in refused.json()
    assert not [e for e in tracker_events(stack, sender) if e["event"] == "user"]


def test_rasa_channel_answers_its_token_and_no_plain_rest_channel_exists(stack) -> None:  # type: ignore[no-untyped-def]
    sender = "probe-" + secrets.token_hex(8)
    answered = rasa_turn(stack, sender, "Bonjour", bearer(stack.env["RASA_TOKEN"]))
    assert answered.status_code == 200, answered.text
    assert answered.json()["messages"], "the channel answered no message"
    plain = requests.post(
        stack.rasa_url + "/webhooks/rest/webhook",
        json={"sender": sender, "message": "Bonjour"},
        timeout=10,
    )
    assert plain.status_code == 404
    # Rasa's own API still needs RASA_TOKEN.
    assert requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker", timeout=10
    ).status_code in (
        401,
        403,
    )


def action_call(sender: str) -> dict:
    """What Rasa posts to run an action (rasa-sdk's format), for a conversation."""
    return {
        "next_action": "action_next_step",
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": {"text": "Bonjour", "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }


@pytest.mark.parametrize("template", WRONG)
def test_action_server_refuses_a_call_without_the_token(stack, template: str) -> None:  # type: ignore[no-untyped-def]
    headers = authorization(template, stack.env["ACTION_SERVER_TOKEN"])
    call = requests.post(
        stack.actions_url + "/webhook", json=action_call("probe"), headers=headers, timeout=10
    )
    assert call.status_code == 401
    assert call.json()["error"] == "unauthorized"
    assert (
        requests.get(stack.actions_url + "/actions", headers=headers, timeout=10).status_code == 401
    )


def test_action_server_answers_rasa_token_and_its_health_stays_open(stack) -> None:  # type: ignore[no-untyped-def]
    listed = requests.get(
        stack.actions_url + "/actions", headers=bearer(stack.env["ACTION_SERVER_TOKEN"]), timeout=10
    )
    assert listed.status_code == 200
    assert {"name": "action_next_step"} in listed.json()
    for path in ("/health", "/healthz"):
        assert requests.get(stack.actions_url + path, timeout=10).status_code == 200, path


@pytest.mark.parametrize("template", WRONG)
def test_backend_refuses_the_actions_routes_without_the_service_token(
    stack, backend, template: str
) -> None:  # type: ignore[no-untyped-def]
    someone = person("without_photo")
    backend.create_insured(**someone)
    service = bearer(stack.env["BACKEND_SERVICE_TOKEN"])
    proof = {key: someone[key] for key in ("nir", "birth_date", "card_type", "card_serial")}
    opened = requests.post(
        stack.backend_url + "/v1/code-requests", json=proof, headers=service, timeout=10
    )
    assert opened.status_code == 201, opened.text
    request_id = opened.json()["request_id"]
    headers = authorization(template, stack.env["BACKEND_SERVICE_TOKEN"])
    for path, body in (
        (f"/v1/code-requests/{request_id}/activation", {}),  # a card-verified activation
        (f"/v1/code-requests/{request_id}/send", {}),
        ("/v1/code-requests", proof),
        ("/v1/identity-checks", {"nir": someone["nir"], "provisional_code": "ABCDEFGHJK23"}),
    ):
        refused = requests.post(stack.backend_url + path, json=body, headers=headers, timeout=10)
        assert refused.status_code == 401, (path, refused.text)
        assert "activation_id" not in refused.json()
    admin = requests.post(
        f"{stack.backend_url}/v1/code-requests/{request_id}/activation",
        headers=bearer(stack.env["BACKEND_ADMIN_TOKEN"]),
        timeout=10,
    )
    assert admin.status_code == 401, "the admin token is not the service token"
    # Nothing was used up: the assistant, with the token, still opens the activation.
    accepted = requests.post(
        f"{stack.backend_url}/v1/code-requests/{request_id}/activation", headers=service, timeout=10
    )
    assert accepted.status_code == 201, accepted.text


def test_a_persons_slash_restart_keeps_what_was_collected(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, next_number())
    assert "code provisoire" in phone.send("Bonjour").lower()
    assert "sécurité sociale" in phone.send(code).lower(), phone.received
    assert "identité est vérifiée" in phone.send(spaced(someone["nir"])), phone.received
    for command in ("/restart", "/start_over", "/session_start", "/affirm"):
        reply = phone.send(command)
        assert reply and "début" not in reply, (command, reply)  # answered, not started over
    # Still at the card: the identity check was kept.
    assert "numéro de série" in phone.send("avec photo").lower()
    assert "activer" in phone.send(someone["card_serial"]).lower()
