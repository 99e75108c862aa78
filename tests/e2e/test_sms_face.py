"""The SMS face as Twilio sees it: signatures, duplicates, opt-out, media, cost of replies."""

from __future__ import annotations

import secrets

import pytest
import requests

from bot.sms_text import is_gsm7, segments
from tests.support.twilio_client import SmsPhone, next_number, signed_post, twiml_messages

pytestmark = pytest.mark.stack


def sms_params(number: str, body: str, sid: str | None = None) -> dict[str, str]:
    return {
        "MessageSid": sid or "SM" + secrets.token_hex(16),
        "AccountSid": "AC" + "1" * 32,
        "From": number,
        "To": "+33700000000",
        "Body": body,
        "NumMedia": "0",
    }


def post(stack, params: dict[str, str], token: str | None = None, base: str | None = None):  # type: ignore[no-untyped-def]
    return signed_post(
        stack.webhook_url,
        base or stack.public_base_url,
        token or stack.env["TWILIO_AUTH_TOKEN"],
        "/twilio/sms",
        params,
    )


def test_unsigned_or_wrongly_signed_requests_get_403(stack) -> None:  # type: ignore[no-untyped-def]
    params = sms_params(next_number(), "Bonjour")
    assert (
        requests.post(stack.webhook_url + "/twilio/sms", data=params, timeout=10).status_code == 403
    )
    assert post(stack, params, token="not-the-token").status_code == 403
    # Signed for the URL the request really reached (Host header), not PUBLIC_BASE_URL: refused.
    assert post(stack, params, base=stack.webhook_url).status_code == 403
    for path in ("/twilio/sms/status",):
        assert (
            requests.post(
                stack.webhook_url + path, data={"MessageSid": "SMx"}, timeout=10
            ).status_code
            == 403
        )


def test_a_message_delivered_twice_is_answered_once(stack) -> None:  # type: ignore[no-untyped-def]
    number, sid = next_number(), "SM" + secrets.token_hex(16)
    first = post(stack, sms_params(number, "Bonjour", sid))
    second = post(stack, sms_params(number, "Bonjour", sid))
    assert twiml_messages(first.text) and "code provisoire" in twiml_messages(first.text)[0]
    assert twiml_messages(second.text) == []


def test_stop_opts_out_and_start_opts_back_in(stack) -> None:  # type: ignore[no-untyped-def]
    phone = SmsPhone(stack, next_number())
    assert "ne recevrez plus" in phone.send("STOP")
    assert phone.send("Bonjour") == ""
    assert "réactivés" in phone.send("START")
    assert "code provisoire" in phone.send("Bonjour")


def test_media_and_empty_messages_get_a_clear_answer(stack) -> None:  # type: ignore[no-untyped-def]
    params = sms_params(next_number(), "")
    params["NumMedia"] = "1"
    params["MediaUrl0"] = "https://api.twilio.com/media/ME123"
    assert "que du texte" in twiml_messages(post(stack, params).text)[0]
    assert "vide" in twiml_messages(post(stack, sms_params(next_number(), "   ")).text)[0]


def test_replies_are_gsm7_and_one_message_per_turn(stack) -> None:  # type: ignore[no-untyped-def]
    response = post(stack, sms_params(next_number(), "Bonjour"))
    messages = twiml_messages(response.text)
    assert len(messages) == 1
    assert is_gsm7(messages[0])
    assert segments(messages[0]) <= 3
