"""`POST /twilio/sms` (CONTRACT.md): a person's SMS in, the assistant's replies as TwiML.

Replies are joined into one message and written in GSM-7 where French allows (a UCS-2 SMS
holds 70 characters instead of 160, so one "ê" can double the cost). STOP / ARRET opt out.
"""

from __future__ import annotations

import logging
import re

import phonenumbers
from flask import Blueprint, Response, request
from twilio.twiml.messaging_response import MessagingResponse

from bot.sms_text import to_gsm7
from webhook.services import services
from webhook.twilio_security import twilio_signed

logger = logging.getLogger(__name__)
blueprint = Blueprint("sms", __name__)

STOP_WORDS = {"stop", "arret", "arrêt", "stop sms", "desabonner", "désabonner", "unsubscribe"}
START_WORDS = {"start", "unstop", "reprendre sms"}
OPTED_OUT = (
    "Vous ne recevrez plus de SMS de l'assistant Mon espace santé. Écrivez START pour réactiver."
)
OPTED_IN = "Les SMS de l'assistant Mon espace santé sont réactivés. Écrivez BONJOUR pour commencer."
MEDIA = "Je ne peux lire que du texte : écrivez votre réponse dans un SMS, s'il vous plaît."
EMPTY = "Votre message est vide. Écrivez BONJOUR pour commencer, ou AIDE."
MAX_BODY = 1600


def normalise_address(raw: str) -> str:
    """E.164 for a phone number (French formats accepted); the raw value otherwise."""
    try:
        number = phonenumbers.parse(raw, "FR")
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return raw.strip()[:64] or "inconnu"


def sms_reply(texts: list[str]) -> Response:
    twiml = MessagingResponse()
    body = "\n".join(t.strip() for t in texts if t and t.strip())
    if body:
        twiml.message(to_gsm7(body))
    return Response(str(twiml), mimetype="text/xml")


def run_sms_turn(address: str, body: str, num_media: int = 0) -> list[str]:
    """What the person receives for one SMS (shared by Twilio and the local simulator)."""
    s = services()
    keyword = re.sub(r"\s+", " ", body.strip().lower())
    if keyword in STOP_WORDS:
        s.conversations.set_opted_out(address, True)
        return [OPTED_OUT]
    if keyword in START_WORDS:
        s.conversations.set_opted_out(address, False)
        return [OPTED_IN]
    if s.conversations.is_opted_out(address):
        return []
    if num_media and not body.strip():
        return [MEDIA]
    if not body.strip():
        return [EMPTY]
    conversation_id = s.conversations.open("sms", address)
    return s.dialogue.handle(conversation_id, body[:MAX_BODY], "sms")


@blueprint.post("/twilio/sms")
@twilio_signed
def incoming_sms() -> Response:
    message_sid = request.form.get("MessageSid", "")
    if message_sid and not services().conversations.first_delivery(f"sms:{message_sid}"):
        return sms_reply([])  # Twilio retried a message already handled
    address = normalise_address(request.form.get("From", ""))
    try:
        num_media = int(request.form.get("NumMedia", "0") or 0)
    except ValueError:
        num_media = 0
    replies = run_sms_turn(address, request.form.get("Body", ""), num_media)
    return sms_reply(replies)


@blueprint.post("/twilio/sms/status")
@twilio_signed
def sms_status() -> Response:
    logger.info(
        "sms status %s: %s", request.form.get("MessageSid", "?"), request.form.get("MessageStatus")
    )
    return Response(str(MessagingResponse()), mimetype="text/xml")
