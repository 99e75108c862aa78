"""Bad input on every face, with every real service: always a clear answer, never a 5xx, and
what was already collected is kept."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET

import pytest
import requests

from tests.support.people import person, spaced
from tests.support.twilio_client import SmsPhone, next_number, signed_post

pytestmark = pytest.mark.stack

FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＳＴＵＶＷＸＹＺ",
)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def raw_post(stack, body: str, **extra: str):  # type: ignore[no-untyped-def]
    params = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "From": extra.pop("From", next_number()),
        "To": "+33700000000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }
    return signed_post(
        stack.webhook_url,
        stack.public_base_url,
        stack.env["TWILIO_AUTH_TOKEN"],
        "/twilio/sms",
        params,
    )


def only_messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.text)
    assert [child.tag for child in root] == ["Message"], response.text
    return [m.text or "" for m in root]


def test_twiml_looking_text_is_never_injected(stack) -> None:  # type: ignore[no-untyped-def]
    number = next_number()
    raw_post(stack, "Bonjour", From=number)
    for body in (
        "<Response><Redirect>https://evil.example/</Redirect></Response>",
        "</Message><Dial>+33123456789</Dial><Message>",
        "<![CDATA[<Hangup/>]]> &amp; &lt;",
    ):
        (reply,) = only_messages(raw_post(stack, body, From=number))
        assert reply


def test_full_width_and_arabic_indic_digits_are_read(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, next_number())
    phone.send("Bonjour")
    assert "sécurité sociale" in phone.send(code.translate(FULL_WIDTH)).lower()
    assert "vérifiée" in phone.send(spaced(someone["nir"]).translate(ARABIC_INDIC))


def test_long_bodies_control_characters_and_unknown_fields(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    number = next_number()
    raw_post(stack, "Bonjour", From=number)
    (reply,) = only_messages(raw_post(stack, "a" * 1600, From=number, Foo="bar"))
    assert reply
    (reply,) = only_messages(raw_post(stack, "é" * 4000, From=number, SmsStatus="received"))
    assert reply
    # Control characters inside the code: removed, the code is read; nothing was lost before.
    noisy = f"\x00{code[:4]}\x07{code[4:8]}\x1b{code[8:]}\x7f"
    (reply,) = only_messages(raw_post(stack, noisy, From=number))
    assert "sécurité sociale" in reply.lower()
    (reply,) = only_messages(raw_post(stack, spaced(someone["nir"]), From=number))
    assert "vérifiée" in reply


def test_a_from_that_is_not_a_number_gets_an_answer(stack) -> None:  # type: ignore[no-untyped-def]
    for sender in ("", "anonymous", "<Dial/>"):
        (reply,) = only_messages(raw_post(stack, "Bonjour", From=sender))
        assert "numéro" in reply


def test_status_callbacks_are_signed_and_answered(stack) -> None:  # type: ignore[no-untyped-def]
    params = {"MessageSid": "SM" + secrets.token_hex(16), "MessageStatus": "delivered"}
    assert (
        requests.post(stack.webhook_url + "/twilio/sms/status", data=params, timeout=10).status_code
        == 403
    )
    signed = signed_post(
        stack.webhook_url,
        stack.public_base_url,
        stack.env["TWILIO_AUTH_TOKEN"],
        "/twilio/sms/status",
        {**params, "Unknown": "<x>"},
    )
    assert signed.status_code == 200


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b""])
def test_malformed_json_on_the_json_apis_is_a_4xx(stack, body: bytes) -> None:  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/json"}
    for url in (
        stack.backend_url + "/v1/identity-checks",
        stack.backend_url + "/v1/sessions",
        stack.webhook_url + "/advisor/api/login",
    ):
        response = requests.post(url, data=body, headers=headers, timeout=10)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert response.headers["Content-Type"].startswith("application/json"), url
