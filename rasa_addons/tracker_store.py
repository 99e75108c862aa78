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
this store remembers which stored value each tracker it handed out was read from, and its
events, so `save` merges with those events instead of decrypting and rebuilding them again
(unless someone else wrote in between), and it keeps the state of the last save for the REST
channel (`last_saved_state`). Both are in-process memos: Redis stays the only source of truth.

endpoints.yml: `tracker_store: type: rasa_addons.tracker_store.EncryptedRedisTrackerStore`.
"""

from __future__ import annotations

import logging
import weakref
from collections import OrderedDict, deque
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
        # id of a live tracker handed out -> (the stored value it was read from, the events of
        # that value); trackers are unhashable (they define __eq__), hence ids, dropped when
        # the tracker is collected
        self._origins: dict[int, tuple[bytes, tuple[Any, ...]]] = {}
        self._saved_states: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def _retrieve(
        self, sender_id: str, fetch_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """Rasa's read (the last session unless all are asked for), remembering what the tracker
        handed out was read from."""
        stored = self.red.get(self.key_prefix + sender_id)
        if stored is None:
            return None
        whole = self.deserialise_tracker(sender_id, stored)
        if whole is None:
            return None
        tracker = whole
        if not fetch_all_sessions:
            sessions = get_trackers_for_conversation_sessions(whole)
            if len(sessions) > 1:  # e.g. the metadata slot Rasa sets before a session starts
                tracker = sessions[-1]
        self._set_origin(tracker, _as_bytes(stored), whole.events)
        return tracker

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Rasa's save: merged with what is stored, then written. When what is stored is still
        what this tracker was read from, the merge takes those events as they were read instead
        of decrypting and rebuilding them: the same merge, one read less."""
        await self.stream_events(tracker)
        if not timeout and self.record_exp:
            timeout = self.record_exp
        stored = self.red.get(self.key_prefix + tracker.sender_id)
        saved = tracker
        if stored is not None:
            origin = self._origins.get(id(tracker))
            if origin is not None and origin[0] == _as_bytes(stored):
                prior: Any = _StoredEvents(origin[1])
            else:
                prior = self.deserialise_tracker(tracker.sender_id, stored)
            saved = self._merge_trackers(prior, tracker)
        serialised = self.serialise_tracker(saved)
        self.red.set(self.key_prefix + tracker.sender_id, serialised, ex=timeout)
        self._set_origin(tracker, _as_bytes(serialised), saved.events)
        self._remember_state(saved)

    def _set_origin(self, tracker: DialogueStateTracker, stored: bytes, events: Any) -> None:
        key = id(tracker)
        if key not in self._origins:
            weakref.finalize(tracker, self._origins.pop, key, None)
        self._origins[key] = (stored, tuple(events))

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


class _StoredEvents:
    """The stored tracker as `_merge_trackers` uses it: its events, nothing else."""

    def __init__(self, events: tuple[Any, ...]) -> None:
        self.events = deque(events)  # a deque like a tracker's: Rasa compares them with ==
