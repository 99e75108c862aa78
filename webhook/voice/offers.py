"""What a call sends by SMS because a voice cannot carry it: the credentials link (with a code
said aloud for its page) and the request for a new e-mail address.

While the call waits for the person (modes LINK and EMAIL_SMS), an SMS from the number continues
the call's conversation (`calls.CallRegistry.await_sms`); at no other time.
"""

from __future__ import annotations

import logging

import phonenumbers

from bot.one_time_codes import OneTimeCodeError
from bot.sms_text import to_gsm7
from bot.voice_text import digits_spoken
from messaging import MessagingError
from webhook import texts
from webhook.services import Services
from webhook.voice.calls import CallRegistry
from webhook.voice.links import PAGE_PATH, CredentialLinks
from webhook.voice.render import hints
from webhook.voice.reply import Listen, VoiceReply
from webhook.voice.state import CallState, Mode
from webhook.voice.wording import phone_wording

logger = logging.getLogger(__name__)


def is_mobile(address: str) -> bool:
    try:
        number = phonenumbers.parse(address, "FR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _menu() -> Listen:
    return Listen("choice", hints(*texts.HINTS_SMS_WAIT))


class SmsOffers:
    def __init__(self, services: Services, calls: CallRegistry, links: CredentialLinks) -> None:
        self.s = services
        self.calls = calls
        self.links = links

    def link(self, state: CallState, said: list[str]) -> VoiceReply:
        """Texts a one-time link to the credentials page and says the code its page asks."""
        address = self.s.conversations.address(state.conversation_id) or ""
        reply = VoiceReply(listen=_menu()).say(*said)
        if not is_mobile(address):
            state.mode = Mode.ASK
            return reply.say(texts.NO_MOBILE)
        state.mode, state.wait_rounds = Mode.LINK, 0
        try:
            link = self.links.issue(state.conversation_id)
        except OneTimeCodeError:
            return reply.say(texts.LINK_LOCKED)
        url = self.s.settings.public_base_url + PAGE_PATH + link.token
        if not self._send(state, address, texts.LINK_SMS.format(url=url)):
            return reply.say(texts.LINK_FAILED)
        spoken = link.spoken_code
        reply.say(texts.LINK_SENT, texts.LINK_CODE)
        reply.read_back([digits_spoken(spoken[:3]), digits_spoken(spoken[3:])])
        return reply.say(texts.LINK_MENU)

    def email(self, state: CallState, said: list[str]) -> VoiceReply:
        """Texts a message to answer with the new e-mail address (one dictates badly)."""
        address = self.s.conversations.address(state.conversation_id) or ""
        reply = VoiceReply().say(*said)
        if not is_mobile(address):  # no SMS to a landline: spell it, or an advisor
            state.mode = Mode.ASK
            reply.listen = Listen("free", hints(*texts.EMAIL_HINTS))
            return reply.say(texts.EMAIL_NO_MOBILE)
        state.mode, state.wait_rounds = Mode.EMAIL_SMS, 0
        reply.listen = _menu()
        if self._send(state, address, texts.EMAIL_SMS):
            return reply.say(texts.EMAIL_SENT, texts.EMAIL_MENU)
        return reply.say(texts.LINK_FAILED)

    def finished(self, state: CallState) -> VoiceReply:
        """The account was created on the page: the dialogue's last words there, and goodbye."""
        state.mode = Mode.ASK
        said = [
            e["text"]
            for e in self.s.conversations.transcript(state.conversation_id)[-3:]
            if e.get("from") == "bot"
        ]
        reply = VoiceReply(hangup=True).say(*(phone_wording(t) for t in said[-1:]))
        return reply.say(texts.GOODBYE)

    def _send(self, state: CallState, address: str, body: str) -> bool:
        try:
            self.s.messenger.send_sms(address, to_gsm7(body))
        except MessagingError as error:
            logger.warning("SMS of the call %s not sent: %s", state.conversation_id, error)
            return False
        # An answer to that SMS continues this conversation while the call waits for it.
        self.calls.await_sms(address, state)
        return True
