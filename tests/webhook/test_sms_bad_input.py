"""Bad input on `/twilio/sms` always gets a clear 200 answer, never a 5xx (Rasa is down here:
what reaches it is checked in tests/e2e/test_bad_input.py with every service running)."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import redis
from flask import Flask
from twilio.request_validator import RequestValidator

from bot.sms_text import to_gsm7
from tests.fakes import free_port
from tests.webhook.conftest import AUTH_TOKEN, PUBLIC, make_app
from webhook import texts
from webhook.texts import RASA_DOWN


def post(app: Flask, **fields: str):  # type: ignore[no-untyped-def]
    params = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "From": "+33612345678",
        "To": "+33700000000",
        "Body": "Bonjour",
        "NumMedia": "0",
        **fields,
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + "/twilio/sms", params)
    return app.test_client().post(
        "/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )


def messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.data
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    assert [child.tag for child in root] in ([], ["Message"])  # nothing else, ever
    return [m.text or "" for m in root.iter("Message")]


@pytest.mark.parametrize("sender", ["", "abc", "client:alice", "<Dial>", "+33 6 12 ab"])
def test_a_from_that_is_not_a_phone_number_is_told_so(app: Flask, sender: str) -> None:
    assert messages(post(app, From=sender)) == [to_gsm7(texts.SMS_NO_NUMBER)]


@pytest.mark.parametrize(
    "body",
    [
        "<Response><Redirect>https://evil.example/</Redirect></Response>",
        "]]><Dial>+33123456789</Dial>",
        "a" * 5000,
        "\x00\x01\x1b[31m bonjour \x7f",
        "１８５０５７８００６０８４９１",
        "\u200b\u200d",
    ],
)
def test_odd_bodies_get_one_plain_message(app: Flask, body: str) -> None:
    (reply,) = messages(post(app, Body=body, Extra="unknown field", SmsStatus="received"))
    assert reply  # an answer (here Rasa is down: the apology), never a 5xx


def test_control_and_zero_width_only_is_empty(app: Flask) -> None:
    assert messages(post(app, Body="\u200b\x00 \x07")) == [to_gsm7(texts.SMS_EMPTY)]


def test_full_width_nir_is_masked_in_the_transcript(app: Flask, redis_client: redis.Redis) -> None:
    post(app, From="+33611111111", Body="mon numéro １８５０５７８００６０８４９１")
    keys = list(redis_client.scan_iter("*:transcript"))
    dump = b"".join(line for key in keys for line in redis_client.lrange(key, 0, -1))
    assert b"185057800608491" not in dump and "１８５".encode() not in dump
    assert b"mon num" not in dump  # transcripts are encrypted at rest
    conversations = app.extensions["mes"].conversations
    conversation_id = conversations.conversation_id("sms", "+33611111111")
    (said, *_) = conversations.transcript(conversation_id)
    assert said["text"] == "mon numéro 1 85 05 ** *** *** 91"


def test_media_without_text_is_explained(app: Flask) -> None:
    assert messages(post(app, Body="", NumMedia="2", MediaUrl0="https://x.test/m")) == [
        to_gsm7(texts.SMS_MEDIA)
    ]
    assert messages(post(app, Body="", NumMedia="deux")) == [to_gsm7(texts.SMS_EMPTY)]


def test_rasa_down_apologises_and_queues_for_an_advisor(app: Flask) -> None:
    assert messages(post(app, From="+33622222222"))[0].startswith(to_gsm7(RASA_DOWN)[:40])
    services = app.extensions["mes"]
    conversation_id = services.conversations.conversation_id("sms", "+33622222222")
    record = services.conversations.get(conversation_id)
    assert record["state"] == "waiting" and record.get("waiting_since")


def test_redis_down_is_an_apology_not_a_5xx(tmp_path: Path) -> None:
    app = make_app(tmp_path, f"redis://127.0.0.1:{free_port()}/0")
    assert messages(post(app)) == [to_gsm7(texts.SMS_FAULT)]


def test_a_bad_signature_is_still_403(app: Flask) -> None:
    response = app.test_client().post(
        "/twilio/sms", data={"Body": "x"}, headers={"X-Twilio-Signature": "bad"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("body", [b"{not json", b"[1]", b'{"text": 5}', b"\xff", b""])
def test_simulator_api_refuses_malformed_json_with_a_400(app: Flask, body: bytes) -> None:
    response = app.test_client().post(
        "/simulator/api/sms", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"
