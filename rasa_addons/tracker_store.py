"""Rasa's Redis tracker store, with every tracker encrypted at rest (Fernet).

The webhook already keeps NIRs, codes and passwords out of Rasa (vault refs), but a tracker
still holds a person's first name, chosen identifier, masked contacts and every message: this
store encrypts the whole serialised tracker with a key derived (HKDF-SHA256, its own label)
from `VAULT_KEY`, read from the environment or `.env` like every setting. Keys and expiry are
Rasa's own (`tracker:<conversation id>`, `record_exp`); the client reconnects after a Redis
restart (bot/redis_client.py). A tracker that cannot be decrypted
(the key changed) is treated as a new conversation rather than crashing the turn; one stored
in clear before this store was used is read, and encrypted when saved again.

Only Rasa's public serialisation hooks are overridden (`serialise_tracker`,
`deserialise_tracker`): reading, saving, merging concurrent writes and session handling are
Rasa's own, so whatever a newer Rasa adds there applies here too.

endpoints.yml: `tracker_store: type: rasa_addons.tracker_store.EncryptedRedisTrackerStore`.
"""

from __future__ import annotations

import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_client import with_retries
from bot.settings import load_settings
from bot.vault import derive_fernet_key

logger = logging.getLogger(__name__)

PREFIX = "enc1:"


def tracker_fernet(key: str) -> Fernet:
    """The Fernet key of trackers, derived from `VAULT_KEY` apart from the vault's own."""
    if not key:
        raise ValueError("VAULT_KEY is empty: trackers cannot be encrypted")
    return Fernet(derive_fernet_key(key, b"rasa-tracker"))


class EncryptedRedisTrackerStore(RedisTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.red = with_retries(self.red)
        self.fernet = tracker_fernet(load_settings().vault_key)

    def serialise_tracker(self, tracker: DialogueStateTracker) -> str:  # type: ignore[override]
        plain = super().serialise_tracker(tracker)
        return PREFIX + self.fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def deserialise_tracker(
        self, sender_id: str, serialised_tracker: str | bytes
    ) -> DialogueStateTracker | None:
        text = (
            serialised_tracker.decode("utf-8")
            if isinstance(serialised_tracker, bytes)
            else serialised_tracker
        )
        if not text.startswith(PREFIX):  # stored before encryption: read, encrypted when saved
            return super().deserialise_tracker(sender_id, text)
        try:
            plain = self.fernet.decrypt(text[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            logger.warning("a tracker could not be decrypted (key changed?): started afresh")
            return self.init_tracker(sender_id)
        return super().deserialise_tracker(sender_id, plain)
