"""The SMS reply's TwiML is the twilio library's, character for character."""

from __future__ import annotations

import random

import pytest
from twilio.twiml.messaging_response import MessagingResponse

from bot.sms_text import GSM7_BASIC, GSM7_EXTENDED, to_gsm7
from webhook.sms import messaging_twiml


def twilio_twiml(body: str) -> str:
    twiml = MessagingResponse()
    if body:
        twiml.message(body)
    return str(twiml)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "Bonjour ! Votre code : ABCD EFGH JK23.",
        "a & b < c > d \" e ' f ]]> <![CDATA[x]]> &amp; &#38; <Message>",
        "ligne 1\nligne 2\r\nligne 3\f€[]{}^~|\\",
        to_gsm7("« l’espace » … œuvre — ça\u00a0marche 😀"),
    ],
)
def test_a_reply_is_written_as_twilio_writes_it(body: str) -> None:
    assert messaging_twiml(body) == twilio_twiml(body)


def test_any_gsm7_text_is_written_as_twilio_writes_it() -> None:
    alphabet = sorted(GSM7_BASIC | GSM7_EXTENDED)
    chosen = random.Random(2026)
    for _ in range(300):
        body = "".join(chosen.choices(alphabet, k=chosen.randint(1, 200)))
        assert messaging_twiml(body) == twilio_twiml(body)
