"""The reply contract against the real stack (issue 15): Rasa's answer to a turn says what it asks,
in the wording of the person's channel, and the webhook reads no tracker to know the step."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import redis
import requests
from rasa.shared.core.domain import Domain

from tests.e2e.test_observability import sample
from tests.support.people import person
from tests.support.twilio_client import SmsPhone, next_number
from webhook.conversations import ConversationStore

pytestmark = pytest.mark.stack

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))


def variant(name: str, channel: str | None) -> dict:
    """The domain's variant of response `name` for `channel` (None: the one without channel)."""
    (found,) = [v for v in DOMAIN.responses[name] if v.get("channel") == channel]
    return found


def rasa_turn(stack, sender: str, text: str, metadata: dict | None) -> list[dict]:  # type: ignore[no-untyped-def]
    body = {"sender": sender, "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    response = requests.post(
        stack.rasa_url + "/webhooks/rest_state/webhook",
        json=body,
        headers={"Authorization": f"Bearer {stack.env['RASA_TOKEN']}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"messages"}, "the channel answers messages, no slots any more"
    return answer["messages"]


def question_of(messages: list[dict]) -> dict:
    (asked,) = [m for m in messages if (m.get("custom") or {}).get("step")]
    assert asked.get("text"), f"the question's data came apart from its words: {messages}"
    return asked


@pytest.mark.parametrize(
    ("metadata", "channel"),
    [
        ({"channel": "voice", "caller": "+33612345678"}, "voice"),
        ({"channel": "sms", "caller": "+33612345678"}, None),
        (None, None),
    ],
)
def test_a_turn_is_asked_in_the_wording_of_its_channel(
    stack, metadata: dict | None, channel: str | None
) -> None:  # type: ignore[no-untyped-def]
    sender = "probe-" + secrets.token_hex(8)
    asked = question_of(rasa_turn(stack, sender, "Bonjour", metadata))
    expected = variant("utter_ask_provisional_code", channel)
    assert asked["text"] == expected["text"]
    assert asked["custom"] == expected["custom"]
    assert asked["custom"]["step"] == "provisional_code"
    assert ("hints" in asked["custom"]) == (channel == "voice")


def test_a_question_sent_after_a_validation_is_in_the_channels_wording(stack, backend) -> None:  # type: ignore[no-untyped-def]
    """The NIR is asked by the form once the code is accepted: the second turn of a call gets
    the phone's question too, with the slot values of the conversation in it."""
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    sender = "probe-" + secrets.token_hex(8)
    rasa_turn(stack, sender, "Bonjour", {"channel": "voice"})
    asked = question_of(rasa_turn(stack, sender, code, {"channel": "voice"}))
    assert asked["text"] == variant("utter_ask_nir", "voice")["text"]
    assert asked["custom"]["step"] == "nir" and asked["custom"]["lengths"] == [15]


def test_a_turn_reads_no_tracker_and_keeps_the_step_it_asked(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    number = next_number()
    phone = SmsPhone(stack, number)
    tracker_reads = sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="tracker")
    turns = sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="message")

    assert "code provisoire" in phone.send("Bonjour").lower()
    conversation_id = ConversationStore(None, None, stack.env["VAULT_KEY"], 0).conversation_id(  # type: ignore[arg-type]
        "sms", number
    )
    store = redis.Redis.from_url(stack.redis_url)
    assert store.hget(f"conv:{conversation_id}", "step") == b"provisional_code"
    assert "sécurité sociale" in phone.send(code).lower()
    assert store.hget(f"conv:{conversation_id}", "step") == b"nir"
    phone.send("merci")  # whatever is said, the NIR is what is still asked
    assert store.hget(f"conv:{conversation_id}", "step") == b"nir"

    assert sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="message") == (
        turns + 3
    )
    assert (
        sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="tracker") == tracker_reads
    )


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Bonjour"},
        {"sender": "", "message": "Bonjour"},
        {"sender": "probe-x", "message": None},
        {"sender": ["probe-x"], "message": "Bonjour"},
        ["probe-x", "Bonjour"],
    ],
)
def test_a_turn_without_sender_or_text_is_refused(stack, body: object) -> None:  # type: ignore[no-untyped-def]
    """Rasa's `rest` channel would file it under the sender "default" (or crash on a list)."""
    response = requests.post(
        stack.rasa_url + "/webhooks/rest_state/webhook",
        json=body,
        headers={"Authorization": f"Bearer {stack.env['RASA_TOKEN']}"},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    tracker = requests.get(
        f"{stack.rasa_url}/conversations/default/tracker",
        params={"token": stack.env["RASA_TOKEN"]},
        timeout=10,
    )
    assert not [e for e in tracker.json()["events"] if e["event"] == "user"]
