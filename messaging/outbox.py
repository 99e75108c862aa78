"""The local outbox: where SMS and e-mails land when Twilio or SMTP is not configured.

The simulator shows it and `GET /simulator/api/outbox` reads it (CONTRACT.md). Messages carry
one-time and provisional codes, so each one is stored encrypted with the vault's Fernet key:
nothing readable sits in Redis.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Protocol

import redis

logger = logging.getLogger(__name__)

#: The Redis list holding the encrypted messages, oldest first.
OUTBOX_KEY = "outbox"
#: Only the most recent messages are kept: the outbox is a development aid, not an archive.
OUTBOX_MAX_ENTRIES = 1000


class Cipher(Protocol):
    """What the outbox needs from `bot.vault.Vault`."""

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> str | None: ...


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _same_recipient(stored: str, wanted: str) -> bool:
    """Exact match for phone numbers; case-insensitive for e-mail addresses."""
    if "@" in wanted:
        return stored.casefold() == wanted.casefold()
    return stored == wanted


class Outbox:
    """An encrypted, capped Redis list of the messages the assistant "sent" locally."""

    channel = "outbox"

    def __init__(
        self,
        redis_client: redis.Redis,
        vault: Cipher,
        *,
        key: str = OUTBOX_KEY,
        max_entries: int = OUTBOX_MAX_ENTRIES,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.redis = redis_client
        self.vault = vault
        self.key = key
        self.max_entries = max_entries
        self.clock = clock

    def add(self, to: str, body: str, subject: str | None = None) -> dict:
        """Stores one message and returns it as stored (before encryption)."""
        sent_at = self.clock().astimezone(timezone.utc).isoformat(timespec="seconds")
        record = {"to": to, "body": body, "subject": subject, "sent_at": sent_at}
        token = self.vault.encrypt(json.dumps(record, ensure_ascii=False))
        # One MULTI/EXEC so that concurrent writers never see the list over its cap.
        pipe = self.redis.pipeline(transaction=True)
        pipe.rpush(self.key, token)
        pipe.ltrim(self.key, -self.max_entries, -1)
        pipe.execute()
        return record

    def list(self, to: str | None = None) -> list[dict]:
        """Messages oldest first, only those sent to `to` when given."""
        messages = []
        unreadable = 0
        for raw in self.redis.lrange(self.key, 0, -1):
            token = raw.decode("ascii") if isinstance(raw, bytes) else raw
            plaintext = self.vault.decrypt(token)
            if plaintext is None:  # written with another VAULT_KEY: unreadable, skip it
                unreadable += 1
                continue
            record = json.loads(plaintext)
            if to is None or _same_recipient(record["to"], to):
                messages.append(record)
        if unreadable:
            logger.warning("outbox: %d message(s) not readable with the current key", unreadable)
        return messages

    def clear(self) -> None:
        """Empties the outbox (tests and the simulator's reset)."""
        self.redis.delete(self.key)

    # The sender interface `Messenger` expects from every channel.
    def send_sms(self, to: str, body: str) -> None:
        self.add(to, body)

    def send_email(self, to: str, subject: str, body: str) -> None:
        self.add(to, body, subject=subject)
