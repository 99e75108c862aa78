"""Sending a one-time code (path B, contact change) and saying so, for the flow controller and
the code screen's "RENVOYER".

A code is issued for a purpose bound to the conversation (`bot.one_time_codes`), sent by SMS to a
mobile or by e-mail to an address, and forgotten: only its hash stays in Redis. The destination
is kept in the vault (a "tok" reference in the `otp_destination` slot) so that a resend reaches
the same place without the address or number sitting in the tracker.

Issuing and revoking await Redis; the send goes through the messenger the webhook and the backend
share, awaited (`actions.runtime.AwaitedMessenger`: its blocking senders run in a worker thread).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from dataclasses import dataclass
from typing import Any

from rasa_sdk.events import EventType, SlotSet

from actions import metrics
from actions.runtime import runtime
from bot import responses
from bot.masking import mask_email, mask_mobile
from bot.one_time_codes import CodeLocked, CodeThrottled, OneTimeCodeError, derive_key
from messaging import MessagingError

logger = logging.getLogger(__name__)

#: purpose → channel. A code for one purpose never confirms another (nor another conversation).
PURPOSES = {"new_code": "sms", "confirm_mobile": "sms", "confirm_email": "email"}

#: The channel → where the code went, as the code screen's question says it (`otp_sent_to`).
SENT_TO = {"sms": "utter_sent_to_sms", "email": "utter_sent_to_email"}


@dataclass(frozen=True)
class Delivery:
    """What happened: `sent` (with the masked destination), or a `problem` to say (a response
    and its values) and, when it is final (locked), `locked` so that the flow hands over to an
    advisor."""

    sent: bool
    masked: str = ""
    sends_left: int = 0
    problem: str = ""
    problem_values: tuple[tuple[str, Any], ...] = ()
    locked: bool = False

    def say(self) -> dict[str, Any]:
        """`dispatcher.utter_message` arguments for the problem."""
        return {"response": self.problem, **dict(self.problem_values)}


def nir_hash(nir: str | None) -> str | None:
    """A keyed hash of the NIR for the per-NIR throttle (never the NIR itself in Redis)."""
    if not nir:
        return None
    key = derive_key(runtime().settings.vault_key, "nir-throttle")
    return hmac.new(key, nir.encode(), hashlib.sha256).hexdigest()


def masked(channel: str, destination: str) -> str:
    return mask_mobile(destination) if channel == "sms" else mask_email(destination)


async def send_one_time_code(
    purpose: str, conversation_id: str, destination: str, nir: str | None = None
) -> Delivery:
    channel = PURPOSES[purpose]
    shown = masked(channel, destination)
    rt = runtime()
    try:
        issued = await rt.codes.issue(purpose, conversation_id, destination, nir_hash(nir))
    except CodeLocked:
        metrics.code_failed(purpose, "locked")
        locked = (("handoff_reason", "otp_locked"),)
        return Delivery(
            False, shown, problem="utter_otp_locked", problem_values=locked, locked=True
        )
    except CodeThrottled as error:
        metrics.code_failed(purpose, f"throttled_{error.limit}")
        if error.limit == "overall":
            return Delivery(False, shown, problem="utter_otp_busy")
        minutes = max(1, math.ceil(error.retry_after_seconds / 60))
        return Delivery(
            False, shown, problem="utter_otp_throttled", problem_values=(("minutes", minutes),)
        )
    except OneTimeCodeError:  # pragma: no cover - both subclasses handled above
        return Delivery(False, shown, problem="utter_otp_send_failed")
    try:
        if channel == "sms":
            await rt.messenger.send_sms(
                destination, responses.text("utter_one_time_code_sms", code=issued.code)
            )
        else:
            await rt.messenger.send_email(
                destination,
                responses.text("utter_one_time_code_email_subject"),
                responses.text("utter_one_time_code_email", code=issued.code),
            )
    except MessagingError as error:
        logger.warning("one-time code not sent (%s): %s", purpose, type(error).__name__)
        await rt.codes.revoke(purpose, conversation_id)
        metrics.code_failed(purpose, "delivery_failed")
        return Delivery(False, shown, problem="utter_otp_send_failed")
    metrics.code_sent(purpose)
    return Delivery(True, shown, sends_left=issued.sends_left)


def code_screen_events(purpose: str, destination_ref: str, delivery: Delivery) -> list[EventType]:
    """The slots the code screen needs: what the code is for, where it went (masked, and the
    vault reference of the real destination for a resend), and an empty answer."""
    channel = PURPOSES[purpose]
    return [
        SlotSet("otp_purpose", purpose),
        SlotSet("otp_destination", destination_ref),
        SlotSet("otp_sent_to", responses.text(SENT_TO[channel], masked=delivery.masked)),
        SlotSet("otp_channel", channel),
        SlotSet("otp_masked", delivery.masked),
        SlotSet("otp_code", None),
    ]
