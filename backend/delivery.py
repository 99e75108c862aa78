"""Sending SMS and e-mails through the Messenger; a delivery failure becomes a 502."""

from __future__ import annotations

from backend.context import backend
from backend.errors import ApiError
from backend.logs import get_logger
from messaging import MessagingError

log = get_logger(__name__)


def delivery_failed() -> ApiError:
    return ApiError(502, "delivery_failed", "the message could not be sent; nothing was changed")


def send_sms(to: str, body: str) -> None:
    try:
        backend().messenger.send_sms(to, body)
    except MessagingError as exc:
        log.warning("sms.not_sent", error=type(exc).__name__)
        raise delivery_failed() from None


def send_email(to: str, subject: str, body: str) -> None:
    try:
        backend().messenger.send_email(to, subject, body)
    except MessagingError as exc:
        log.warning("email.not_sent", error=type(exc).__name__)
        raise delivery_failed() from None
