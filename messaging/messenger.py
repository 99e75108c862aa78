"""One entry point for outbound messages, whatever channel the configuration provides."""

from __future__ import annotations

import ipaddress
import logging
from typing import Protocol
from urllib.parse import urlsplit

import redis

from bot.settings import Settings
from bot.vault import Vault
from messaging.email_sender import SmtpEmailSender
from messaging.outbox import Outbox
from messaging.sms import TwilioSmsSender

logger = logging.getLogger(__name__)

#: Where Twilio posts delivery statuses (CONTRACT.md), relative to PUBLIC_BASE_URL.
SMS_STATUS_CALLBACK_PATH = "/twilio/sms/status"


class SmsSender(Protocol):
    channel: str

    def send_sms(self, to: str, body: str) -> str | None: ...


class EmailSender(Protocol):
    channel: str

    def send_email(self, to: str, subject: str, body: str) -> str | None: ...


def mask_recipient(to: str) -> str:
    """Enough to tell recipients apart in logs, not to identify them.

    `+33612345678` -> `+*********78`; `jeanne.dupont@example.fr` -> `j***@***`.
    """
    if "@" in to:
        return f"{to[:1]}***@***"
    digits_seen = 0
    total_digits = sum(ch.isdigit() for ch in to)
    masked = []
    for ch in to:
        if ch.isdigit():
            digits_seen += 1
            masked.append(ch if digits_seen > total_digits - 2 else "*")
        else:
            masked.append(ch)
    return "".join(masked)


def _reachable_from_internet(url: str) -> bool:
    """False for localhost and loopback URLs, which Twilio could never call back."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return bool(host)


class Messenger:
    """Sends SMS and e-mails through the configured senders and logs each one without its body.

    Bodies carry provisional and one-time codes, so the log line holds only the channel, the
    masked recipient, the length and the provider's message id.
    """

    def __init__(
        self, sms_sender: SmsSender, email_sender: EmailSender, outbox: Outbox | None = None
    ) -> None:
        self.sms_sender = sms_sender
        self.email_sender = email_sender
        self.outbox = outbox

    @classmethod
    def from_settings(cls, settings: Settings, redis_client: redis.Redis) -> Messenger:
        """Twilio when configured, else the outbox; SMTP when SMTP_HOST is set, else the outbox."""
        outbox = None
        if not settings.twilio_configured or not settings.smtp_host:
            vault = Vault(redis_client, settings.vault_key, settings.vault_ttl_seconds)
            outbox = Outbox(redis_client, vault)

        sms_sender: SmsSender
        if settings.twilio_configured:
            callback_url = settings.public_base_url + SMS_STATUS_CALLBACK_PATH
            sms_sender = TwilioSmsSender(
                settings.twilio_account_sid,
                settings.twilio_auth_token,
                settings.twilio_from_number,
                api_base_url=settings.twilio_api_base_url,
                # Twilio could never reach a loopback URL: better no callback than a failing one.
                status_callback=callback_url if _reachable_from_internet(callback_url) else None,
            )
        else:
            assert outbox is not None
            sms_sender = outbox

        email_sender: EmailSender
        if settings.smtp_host:
            email_sender = SmtpEmailSender(
                settings.smtp_host, settings.smtp_port, settings.smtp_from
            )
        else:
            assert outbox is not None
            email_sender = outbox
        return cls(sms_sender, email_sender, outbox)

    def send_sms(self, to: str, body: str) -> None:
        """Sends one SMS; raises `MessagingError` when the channel refuses it."""
        message_id = self.sms_sender.send_sms(to, body)
        self._log_sent("sms", self.sms_sender.channel, to, body, message_id)

    def send_email(self, to: str, subject: str, body: str) -> None:
        """Sends one plain-text e-mail; raises `MessagingError` when the channel refuses it."""
        message_id = self.email_sender.send_email(to, subject, body)
        self._log_sent("email", self.email_sender.channel, to, body, message_id)

    @staticmethod
    def _log_sent(kind: str, channel: str, to: str, body: str, message_id: str | None) -> None:
        logger.info(
            "%s sent via %s to %s (%d chars)%s",
            kind,
            channel,
            mask_recipient(to),
            len(body),
            f" id={message_id}" if message_id else "",
        )
