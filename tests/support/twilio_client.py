"""Talks to the webhook as Twilio does: form-encoded, signed with the real `twilio` library."""

from __future__ import annotations

import itertools
import secrets
import xml.etree.ElementTree as ET

import requests
from twilio.request_validator import RequestValidator

_counter = itertools.count()


def signed_post(
    webhook_url: str, public_base_url: str, auth_token: str, path: str, params: dict[str, str]
) -> requests.Response:
    """POSTs `params` to the webhook with the signature Twilio would compute for the public URL."""
    signature = RequestValidator(auth_token).compute_signature(public_base_url + path, params)
    return requests.post(
        webhook_url + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=60
    )


def twiml_messages(xml_text: str) -> list[str]:
    root = ET.fromstring(xml_text)
    assert root.tag == "Response"
    return [(m.text or "") for m in root.iter("Message")]


class SmsPhone:
    """A person's mobile phone texting the assistant's number."""

    def __init__(self, stack, number: str) -> None:  # type: ignore[no-untyped-def]
        self.stack = stack
        self.number = number
        self.received: list[str] = []

    def send(self, body: str) -> str:
        params = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": self.stack.env.get("TWILIO_ACCOUNT_SID", "AC" + "0" * 32),
            "From": self.number,
            "To": "+33700000000",
            "Body": body,
            "NumMedia": "0",
        }
        response = signed_post(
            self.stack.webhook_url,
            self.stack.public_base_url,
            self.stack.env["TWILIO_AUTH_TOKEN"],
            "/twilio/sms",
            params,
        )
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/xml")
        reply = "\n".join(twiml_messages(response.text))
        self.received.append(reply)
        return reply


def next_number() -> str:
    return f"+3361234{next(_counter):04d}"
