"""Observability of a running stack: /metrics on the webhook and the action server change with
the turns people send, and every service's log lines for a turn are JSON carrying the
conversation id and no secret."""

from __future__ import annotations

import json
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.support.people import person, spaced
from tests.support.twilio_client import SmsPhone
from webhook.conversations import ConversationStore

pytestmark = pytest.mark.stack


def sample(url: str, name: str, **labels: str) -> float:
    """The value of one sample of `url`'s /metrics (0 when it is not there yet)."""
    response = requests.get(url + "/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    for family in text_string_to_metric_families(response.text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


def json_lines(stack, service: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The JSON lines `service` wrote to the stack's log (honcho prefixes each line)."""
    lines = []
    for line in stack.log_path.read_text(errors="replace").splitlines():
        prefix, _, payload = line.partition("| ")
        if f" {service}." in prefix and payload.startswith("{"):
            lines.append(json.loads(payload))
    return lines


def test_metrics_follow_the_turns(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, someone["mobile"])
    turns = ("mes_webhook_turn_seconds_count", {"channel": "sms"})
    reached = ("mes_funnel_steps_reached_total", {"channel": "sms", "step": "nir"})
    completed = ("mes_funnel_steps_completed_total", {"channel": "sms", "step": "provisional_code"})
    actions = ("mes_action_seconds_count", {"action": "action_next_step"})
    before = {
        "turns": sample(stack.webhook_url, turns[0], **turns[1]),
        "reached": sample(stack.webhook_url, reached[0], **reached[1]),
        "completed": sample(stack.webhook_url, completed[0], **completed[1]),
        "actions": sample(stack.actions_url, actions[0], **actions[1]),
        "rasa": sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="message"),
        "tracker": sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="tracker"),
    }

    phone.send("Bonjour")
    assert "sécurité sociale" in phone.send(code).lower()

    assert sample(stack.webhook_url, turns[0], **turns[1]) == before["turns"] + 2
    assert sample(stack.webhook_url, reached[0], **reached[1]) == before["reached"] + 1
    assert sample(stack.webhook_url, completed[0], **completed[1]) == before["completed"] + 1
    assert sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="message") == (
        before["rasa"] + 2
    )
    # the step comes with the question in the turn's answer (webhook/reply.py): no tracker read
    assert (
        sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="tracker")
        == (before["tracker"])
    )
    assert sample(stack.actions_url, actions[0], **actions[1]) > before["actions"]
    assert sample(stack.actions_url, "mes_flow_steps_total", step="identity") > 0


def test_log_lines_are_json_with_the_conversation_and_no_secret(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, someone["mobile"])
    phone.send("Bonjour")
    phone.send(code)
    assert "identité est vérifiée" in phone.send(spaced(someone["nir"]))
    conversation_id = ConversationStore(None, None, stack.env["VAULT_KEY"], 0).conversation_id(  # type: ignore[arg-type]
        "sms", someone["mobile"]
    )

    def webhook_lines() -> list[dict]:
        return [
            line
            for line in json_lines(stack, "webhook")
            if line.get("conversation_id") == conversation_id
        ]

    # Lines reach the stack's log through honcho's pipe, a moment after the reply: wait for them.
    deadline = time.monotonic() + 10
    while (
        len([line for line in webhook_lines() if line["message"] == "turn answered"]) < 3
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    webhook = webhook_lines()
    turns = [line for line in webhook if line["message"] == "turn answered"]
    assert len(turns) == 3 and all(line["status"] == 200 for line in turns)
    assert all(line["service"] == "webhook" and "duration_ms" in line for line in turns)
    actions = [
        line
        for line in json_lines(stack, "actions")
        if line.get("conversation_id") == conversation_id
    ]
    assert {line["action"] for line in actions} >= {"action_next_step"}

    text = json.dumps(webhook + actions)
    for secret in (code, someone["nir"], spaced(someone["nir"]), someone["mobile"]):
        assert secret not in text
