"""Resuming a dropped call: a 6-digit code texted to the number the call comes from.

A caller id can be spoofed, and the month and year of birth are no secret (advisors see them in
the NIR's display mask, many documents print them). An SMS to the number, though, reaches only
the phone that holds it. So a call from a number whose previous call dropped after the NIR was
given resumes only once the caller types or says the code just texted there. The code is a
one-time code (`bot/one_time_codes.py`, purpose `voice_resume`, bound to the conversation): only
its HMAC is stored, 10 minutes, 5 wrong tries, at most 5 an hour to one number (so calls cannot
be used to flood someone with SMS). A number that cannot receive SMS (a landline) cannot resume:
the call starts again from the beginning.
"""

from __future__ import annotations

import logging

from bot.one_time_codes import OneTimeCodeError, OneTimeCodes, VerifyResult
from bot.sms_text import to_gsm7
from messaging import MessagingError, Messenger
from webhook import texts

logger = logging.getLogger(__name__)

PURPOSE = "voice_resume"
RESUME_SMS = texts.RESUME_SMS


class ResumeCodes:
    def __init__(self, codes: OneTimeCodes, messenger: Messenger) -> None:
        self.codes = codes
        self.messenger = messenger

    def send(self, conversation_id: str, mobile: str) -> bool:
        """Texts a new code to `mobile`; False when none could be sent (throttled, locked after
        wrong tries, or the SMS failed)."""
        try:
            issued = self.codes.issue(PURPOSE, conversation_id, mobile)
        except OneTimeCodeError as refused:
            logger.warning("resume code of %s not issued: %s", conversation_id, refused)
            return False
        code = f"{issued.code[:3]} {issued.code[3:]}"
        try:
            self.messenger.send_sms(mobile, to_gsm7(RESUME_SMS.format(code=code)))
        except MessagingError as error:
            logger.warning("resume code of %s not sent: %s", conversation_id, error)
            self.codes.revoke(PURPOSE, conversation_id)
            return False
        return True

    def check(self, conversation_id: str, keys: str, speech: str) -> VerifyResult:
        """What the caller typed (`Digits`, `#` ends it) or said is worth."""
        return self.codes.verify(PURPOSE, conversation_id, keys.rstrip("#") or speech)
