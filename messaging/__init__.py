"""Outbound SMS and e-mail: Twilio Messages API, SMTP, or the local outbox (encrypted in Redis).

Callers use `Messenger.from_settings(settings, redis_client)`; it picks the channel per
configuration so the backend and the webhook never branch on "local or real".
"""

from __future__ import annotations


class MessagingError(Exception):
    """A message could not be handed over to its channel (Twilio, SMTP).

    Defined here, before the submodules are imported, so that every sender can raise it without
    an import cycle. Its text never contains the message body (bodies carry one-time codes).
    """


from messaging.messenger import Messenger  # noqa: E402  (after MessagingError)
from messaging.outbox import Outbox  # noqa: E402

__all__ = ["MessagingError", "Messenger", "Outbox"]
