"""Rasa's Redis tracker store, with every tracker encrypted at rest (Fernet).

The webhook already keeps NIRs, codes and passwords out of Rasa (vault refs), but a tracker
still holds a person's first name, chosen identifier, masked contacts and every message: this
store encrypts the whole serialised tracker with a key derived (HKDF-SHA256, its own label)
from `VAULT_KEY`, read from the environment or `.env` like every setting. Keys and expiry are
Rasa's own (`tracker:<conversation id>`, `record_exp`); the client reconnects after a Redis
restart (bot/redis_client.py). A tracker that cannot be decrypted
(the key changed) is treated as a new conversation rather than crashing the turn; one stored
in clear before this store was used is read, and encrypted when saved again.

A turn used to read and decrypt its tracker three times (the turn's own read, the prior state
read again by `save` to merge concurrent writes, and the REST channel's read of the slots):
this store remembers which stored value each tracker it handed out was built from, so `save`
rebuilds the prior state only when someone else wrote in between, and it keeps the state of
the last save for the REST channel (`last_saved_state`). Both are plain in-process memos:
Redis stays the only source of truth.

endpoints.yml: `tracker_store: type: rasa_addons.tracker_store.EncryptedRedisTrackerStore`.
"""

from __future__ import annotations

import logging
import weakref
from collections import OrderedDict
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot.redis_client import with_retries
from bot.settings import load_settings
from bot.vault import derive_fernet_key

logger = logging.getLogger(__name__)

PREFIX = "enc1:"

#: states of the last saves kept for the REST channel (one per conversation in a turn)
SAVED_STATES_KEPT = 4096


def tracker_fernet(key: str) -> Fernet:
    """The Fernet key of trackers, derived from `VAULT_KEY` apart from the vault's own."""
    if not key:
        raise ValueError("VAULT_KEY is empty: trackers cannot be encrypted")
    return Fernet(derive_fernet_key(key, b"rasa-tracker"))


class EncryptedRedisTrackerStore(RedisTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.red = with_retries(self.red)
        self._fernet = tracker_fernet(load_settings().vault_key)
        # id of a live tracker handed out -> (stored value it was built from, its event count);
        # trackers are unhashable (they define __eq__), hence ids cleared when one is collected
        self._origins: dict[int, tuple[bytes, int]] = {}
        self._saved_states: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def _retrieve(
        self, sender_id: str, fetch_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """Rasa's read, remembering the stored value a whole tracker was built from."""
        stored = self.red.get(self.key_prefix + sender_id)
        if stored is None:
            return None
        tracker = self.deserialise_tracker(sender_id, stored)
        if tracker is None:
            return None
        if not fetch_all_sessions:
            sessions = get_trackers_for_conversation_sessions(tracker)
            if len(sessions) > 1:
                return sessions[-1]  # a part of the stored events: no memo
        self._set_origin(tracker, _as_bytes(stored))
        return tracker

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Rasa's save (merge with what is stored, then write), without rebuilding the stored
        tracker when it is still the one this tracker was read from."""
        await self.stream_events(tracker)
        if not timeout and self.record_exp:
            timeout = self.record_exp
        stored = self.red.get(self.key_prefix + tracker.sender_id)
        if stored is not None and not self._extends(tracker, _as_bytes(stored)):
            prior_tracker = self.deserialise_tracker(tracker.sender_id, stored)
            tracker = self._merge_trackers(prior_tracker, tracker)
        serialised = self.serialise_tracker(tracker)
        self.red.set(self.key_prefix + tracker.sender_id, serialised, ex=timeout)
        self._set_origin(tracker, _as_bytes(serialised))
        self._remember_state(tracker)

    def _extends(self, tracker: DialogueStateTracker, stored: bytes) -> bool:
        """True when merging with `stored` would give `tracker` back unchanged.

        `stored` is what `tracker` was read from (its first `count` events, events are only
        appended), so Rasa's merge keeps `tracker` when the events up to the last stored
        timestamp are exactly those `count` events, the test `_merge_trackers` makes."""
        origin = self._origins.get(id(tracker))
        if origin is None or origin[0] != stored:
            return False
        count = origin[1]
        events = list(tracker.events)
        if count == 0:
            return True
        last_timestamp = events[count - 1].timestamp
        past = [event for event in events if event.timestamp <= last_timestamp]
        return past == events[:count]

    def _set_origin(self, tracker: DialogueStateTracker, stored: bytes) -> None:
        key = id(tracker)
        if key not in self._origins:
            weakref.finalize(tracker, self._origins.pop, key, None)
        self._origins[key] = (stored, len(tracker.events))

    def _remember_state(self, tracker: DialogueStateTracker) -> None:
        self._saved_states[tracker.sender_id] = {
            "slots": tracker.current_slot_values(),
            "active_loop": tracker.active_loop_name,
        }
        self._saved_states.move_to_end(tracker.sender_id)
        while len(self._saved_states) > SAVED_STATES_KEPT:
            self._saved_states.popitem(last=False)

    def forget_saved_state(self, sender_id: str) -> None:
        self._saved_states.pop(sender_id, None)

    def last_saved_state(self, sender_id: str) -> dict[str, Any] | None:
        """Slots and active loop as this process last saved them (None: not since forgotten)."""
        return self._saved_states.pop(sender_id, None)

    def serialise_tracker(self, tracker: DialogueStateTracker) -> str:  # type: ignore[override]
        plain = super().serialise_tracker(tracker)
        return PREFIX + self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

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
            plain = self._fernet.decrypt(text[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            logger.warning("a tracker could not be decrypted (key changed?): started afresh")
            return self.init_tracker(sender_id)
        return super().deserialise_tracker(sender_id, plain)


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")
