"""`POST /twilio/sms` (CONTRACT.md): a person's SMS in, the assistant's replies as TwiML.

Replies are joined into one message and written in GSM-7 where French allows (a UCS-2 SMS
holds 70 characters instead of 160, so one "ê" can double the cost). STOP / ARRET opt out.

Every request gets a 200 TwiML answer once its signature is checked: bad input (empty, media,
control characters, a `From` that is not a number) gets a French explanation, a turn over
`TURN_DEADLINE_SECONDS` a holding message (the result follows through the Messages API), and a
fault (Redis down, a bug) an apology rather than a 5xx. The person's text only ever reaches
TwiML as element text, escaped as the `twilio` library escapes it (`messaging_twiml`).
"""

from __future__ import annotations

import logging
import traceback
from xml.sax.saxutils import escape

import phonenumbers
import redis
from flask import Blueprint, Response, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from bot import control_words
from bot.control_words import is_one_of
from bot.french_numbers import normalize_characters
from bot.sms_text import to_gsm7
from webhook import texts
from webhook.services import services
from webhook.twilio_security import twilio_signed
from webhook.voice import call_awaiting_sms

logger = logging.getLogger(__name__)
blueprint = Blueprint("sms", __name__)

MAX_BODY = 1600
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_EMPTY_TWIML = f"{_XML_DECLARATION}<Response />"


def normalise_address(raw: str) -> str:
    """E.164 for a phone number (French formats accepted); the raw value otherwise."""
    raw = normalize_characters(raw or "")
    try:
        number = phonenumbers.parse(raw, "FR")
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return raw.strip()[:64] or "inconnu"


def is_phone_number(address: str) -> bool:
    return address.startswith("+") and address[1:].isdigit()


def sms_reply(texts: list[str]) -> Response:
    body = "\n".join(t.strip() for t in texts if t and t.strip())
    return Response(messaging_twiml(to_gsm7(body)), mimetype="text/xml")


def messaging_twiml(body: str) -> str:
    """`str()` of a `MessagingResponse` holding one `<Message>` of `body` (none when empty),
    written directly: building the twilio library's element tree for one element was ~2 % of
    the webhook's CPU per turn. The text is escaped as ElementTree escapes element text (&, <,
    >); `tests/webhook/test_sms_twiml.py` holds the two equal."""
    if not body:
        return _EMPTY_TWIML
    return f"{_XML_DECLARATION}<Response><Message>{escape(body)}</Message></Response>"


def run_sms_turn(
    address: str,
    body: str,
    num_media: int = 0,
    deadline_seconds: float | None = None,
    opted_out: bool | None = None,
) -> list[str]:
    """What the person receives for one SMS (shared by Twilio and the local simulator).

    With `deadline_seconds`, a longer turn answers a holding message and sends its result
    through the Messages API (or the local outbox) when it is over. `opted_out`: whether the
    number had opted out when the SMS came in, when the caller already asked (None: asked here).
    """
    s = services()
    body = normalize_characters(body[: MAX_BODY * 2])
    if is_one_of(body, control_words.STOP):
        s.conversations.set_opted_out(address, True)
        return [texts.SMS_OPTED_OUT]
    if is_one_of(body, control_words.START):
        s.conversations.set_opted_out(address, False)
        return [texts.SMS_OPTED_IN]
    if opted_out is None:
        opted_out = s.conversations.is_opted_out(address)
    if opted_out:
        return []
    if num_media and not body.strip():
        return [texts.SMS_MEDIA]
    if not body.strip():
        return [texts.SMS_EMPTY]
    # An SMS a call is waiting for (its credentials link, an e-mail address) continues the
    # call's conversation; any other is an SMS conversation of its own.
    conversation_id = call_awaiting_sms(address) or s.conversations.open("sms", address)
    if deadline_seconds is None or not is_phone_number(address):
        return s.dialogue.handle(conversation_id, body[:MAX_BODY], "sms")
    messenger, conversations = s.messenger, s.conversations

    def deliver(replies: list[str]) -> None:
        if not conversations.is_opted_out(address):
            messenger.send_sms(address, to_gsm7("\n".join(replies)))

    return s.dialogue.handle_within(
        conversation_id, body[:MAX_BODY], "sms", deadline_seconds, deliver
    )


@blueprint.post("/twilio/sms")
@twilio_signed
def incoming_sms() -> Response:
    message_sid = request.form.get("MessageSid", "")
    address = normalise_address(request.form.get("From", ""))
    first, opted_out = services().conversations.first_delivery_and_opt_out(
        f"sms:{message_sid}" if message_sid else "", address
    )
    if not first:
        return sms_reply([])  # Twilio retried a message already handled
    if not is_phone_number(address):
        logger.warning("sms from an address that is not a phone number: refused")
        return sms_reply([texts.SMS_NO_NUMBER])
    try:
        num_media = int(request.form.get("NumMedia", "0") or 0)
    except ValueError:
        num_media = 0
    deadline = services().settings.turn_deadline_seconds
    replies = run_sms_turn(address, request.form.get("Body", ""), num_media, deadline, opted_out)
    return sms_reply(replies)


@blueprint.errorhandler(redis.RedisError)
@blueprint.errorhandler(Exception)
def fault(error: Exception) -> Response:
    """A fault answers an apology in TwiML, never a 5xx (and logs no message text)."""
    if isinstance(error, HTTPException):  # 403 for a bad signature, 405, 413: kept
        return error  # type: ignore[return-value]
    logger.error(
        "sms turn failed: %s\n%s",
        type(error).__name__,
        "".join(traceback.format_tb(error.__traceback__)),
    )
    return sms_reply([texts.SMS_FAULT])


@blueprint.post("/twilio/sms/status")
@twilio_signed
def sms_status() -> Response:
    logger.info(
        "sms status %s: %s", request.form.get("MessageSid", "?"), request.form.get("MessageStatus")
    )
    return Response(str(MessagingResponse()), mimetype="text/xml")
