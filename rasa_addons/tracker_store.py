"""Rasa's trackers in Redis: encrypted, appended to rather than rewritten, kept between turns.

Encrypted: a tracker holds a person's first name, chosen identifier, masked contacts and every
message (the webhook already keeps NIRs, codes and passwords out of Rasa as vault refs); every
chunk is Fernet-encrypted with a key derived (HKDF-SHA256, its own label) from `VAULT_KEY`.

Appended to: `tracker:<conversation id>` is a Redis list, one element ("chunk") per save holding
that save's new events, the way Rasa's SQL and Mongo stores add rows instead of rewriting the
conversation. Rasa's Redis store read the whole tracker back, merged, then encrypted and wrote
it all again at every save (~10 % of the Rasa server's CPU under load, growing with the
conversation). The append is a Lua script that adds the chunk only if the last chunk is still
the one this tracker was read or saved with; otherwise (another server wrote in between, a
tracker this store did not hand out, a tracker stored whole by the previous version of this
store) the stored events are read and merged by Rasa's rule (`compat.merge_trackers`) and the
list rewritten as one chunk, in one transaction.

Kept between turns: the tracker saved at the end of a turn is handed back at the next one when
the last chunk is still the same (rasa_addons/kept_trackers.py), instead of decrypting,
parsing and replaying every event again. What `retrieve` returns is Rasa's: the last
conversation session (from the last `action_session_start`), `retrieve_full_tracker` all of it.

Expiry: `record_exp` seconds after the last save, as Rasa's store. A chunk that cannot be
decrypted (the key changed) makes the conversation start afresh rather than crash the turn.
endpoints.yml: `tracker_store: type: rasa_addons.tracker_store.EncryptedRedisTrackerStore`
(plus `kept_trackers` and `kept_seconds`, the bounds of the kept trackers).
"""

from __future__ import annotations

import itertools
import json
import logging
import weakref
from dataclasses import dataclass
from typing import Any

import redis
from cryptography.fernet import Fernet, InvalidToken
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_client import with_retries
from bot.settings import load_settings
from bot.vault import derive_fernet_key
from rasa_addons import compat
from rasa_addons.kept_trackers import KeptTrackers

logger = logging.getLogger(__name__)

#: a chunk: one save's new events (a JSON list of Rasa's event dicts), encrypted
PREFIX = "enc2:"
#: a whole tracker (Rasa's dialogue JSON), encrypted: how the previous version stored it
WHOLE_PREFIX = "enc1:"

#: RPUSH the chunk (ARGV[3]) only when the last chunk is ARGV[1] ('' : no list yet), and set
#: the expiry (ARGV[2], '' for none); 1 when appended
APPEND_IF_UNCHANGED = """
local last = redis.call('LINDEX', KEYS[1], -1)
if (last == false and ARGV[1] == '') or last == ARGV[1] then
  redis.call('RPUSH', KEYS[1], ARGV[3])
  if ARGV[2] ~= '' then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
  return 1
end
return 0
"""


def tracker_fernet(key: str) -> Fernet:
    """The Fernet key of trackers, derived from `VAULT_KEY` apart from the vault's own."""
    if not key:
        raise ValueError("VAULT_KEY is empty: trackers cannot be encrypted")
    return Fernet(derive_fernet_key(key, b"rasa-tracker"))


def is_session_start(event: dict[str, Any]) -> bool:
    return event.get("event") == ActionExecuted.type_name and (
        event.get("name") == ACTION_SESSION_START_NAME
    )


def last_session_start(events: list[dict[str, Any]]) -> int:
    """Where Rasa's split into sessions (`get_trackers_for_conversation_sessions`) starts
    the last one: the last `action_session_start`, 0 when there is none."""
    for index in range(len(events) - 1, 0, -1):
        if is_session_start(events[index]):
            return index
    return 0


@dataclass
class Origin:
    """What a tracker handed out or saved was built from: its first `count` events are stored,
    ending with `chunk` (None: rewrite it whole at the next save)."""

    count: int
    chunk: str | None
    #: no session starts after its first event (what `retrieve` would hand out again)
    one_session: bool


class Unreadable(Exception):
    """What is stored cannot be decrypted (VAULT_KEY changed)."""


class EncryptedRedisTrackerStore(RedisTrackerStore):
    def __init__(
        self, *args: Any, kept_trackers: int = 500, kept_seconds: float = 900, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.red = with_retries(self.red)
        self.fernet = tracker_fernet(load_settings().vault_key)
        self.append_if_unchanged = self.red.register_script(APPEND_IF_UNCHANGED)
        self.kept = KeptTrackers(int(kept_trackers), float(kept_seconds))
        #: id of a live tracker -> its Origin (trackers are unhashable: they define __eq__)
        self.origins: dict[int, Origin] = {}

    # -- reading ---------------------------------------------------------------------------

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's last session: the tracker kept from the last save when nothing
        was written since, else read and rebuilt."""
        key = self.key_prefix + sender_id
        kept = self.kept.take(sender_id)
        if kept is not None and self._last_chunk(key) == kept.chunk:
            self.note(kept.tracker, Origin(kept.count, kept.chunk, True))
            return kept.tracker
        return self.read(sender_id, whole=False)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        return self.read(sender_id, whole=True)

    async def exists(self, conversation_id: str) -> bool:
        return bool(self.red.exists(self.key_prefix + conversation_id))

    def read(self, sender_id: str, whole: bool) -> DialogueStateTracker | None:
        try:
            stored = self.stored(sender_id)
        except Unreadable:
            logger.warning("a tracker could not be decrypted (key changed?): started afresh")
            tracker = self.init_tracker(sender_id)
            self.note(tracker, Origin(0, None, True))
            return tracker
        if stored is None:
            return None
        events, chunk = stored
        start = 0 if whole else last_session_start(events)
        tracker = self.build(sender_id, events[start:])
        one_session = start > 0 or last_session_start(events) == 0
        self.note(tracker, Origin(len(tracker.events), chunk, one_session))
        return tracker

    def stored(self, sender_id: str) -> tuple[list[dict[str, Any]], str | None] | None:
        """Every stored event, and the last chunk (None when stored whole: rewritten at the
        next save); None when there is no such conversation."""
        key = self.key_prefix + sender_id
        try:
            chunks = self.red.lrange(key, 0, -1)
        except redis.ResponseError as error:
            if "WRONGTYPE" not in str(error):
                raise
            return self.stored_whole(key), None
        if not chunks:
            return None
        return [event for chunk in chunks for event in self.decrypt(chunk)], chunks[-1]

    def stored_whole(self, key: str) -> list[dict[str, Any]]:
        """A tracker stored whole by the previous version of this store (encrypted or not)."""
        text = self.red.get(key) or "{}"
        if text.startswith(WHOLE_PREFIX):
            text = self.plain(text[len(WHOLE_PREFIX) :])
        events: list[dict[str, Any]] = json.loads(text).get("events") or []
        return events

    def build(self, sender_id: str, events: list[dict[str, Any]]) -> DialogueStateTracker:
        return DialogueStateTracker.from_events(
            sender_id,
            deserialise_events(events),
            self.domain.slots,
            max_event_history=self.max_event_history,
        )

    def _last_chunk(self, key: str) -> str | None:
        try:
            last: str | None = self.red.lindex(key, -1)
        except redis.ResponseError:
            return None
        return last

    # -- saving ----------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        # an event broker's diff reads the stored tracker (`retrieve`): never this one, kept
        self.kept.drop(tracker.sender_id)
        await self.stream_events(tracker)
        expiry = timeout or self.record_exp
        ttl = str(int(float(expiry))) if expiry else ""
        key = self.key_prefix + tracker.sender_id
        origin = self.origins.get(id(tracker))
        events = tracker.events
        if origin is not None and origin.chunk is not None and origin.count <= len(events):
            new = list(itertools.islice(events, origin.count, None))
            if not new:
                if ttl:
                    self.red.expire(key, int(ttl))
                self.remember(tracker, origin.chunk, origin.one_session)
                return
            chunk = self.encrypt([event.as_dict() for event in new])
            try:
                appended = self.append_if_unchanged(keys=[key], args=[origin.chunk, ttl, chunk])
            except redis.ResponseError:  # stored whole by the previous version
                appended = 0
            if appended:
                starts = any(self.starts_session(event) for event in new)
                self.remember(tracker, chunk, origin.one_session and not starts)
                return
        self.rewrite(tracker, key, ttl)

    def rewrite(self, tracker: DialogueStateTracker, key: str, ttl: str) -> None:
        """Merges with what is stored by Rasa's rule, then stores it all as one chunk."""
        try:
            stored = self.stored(tracker.sender_id)
        except Unreadable:
            stored = None
        saved = tracker
        if stored is not None:
            saved = compat.merge_trackers(self.build(tracker.sender_id, stored[0]), tracker)
        chunk = self.encrypt([event.as_dict() for event in saved.events])
        pipe = self.red.pipeline(transaction=True)
        pipe.delete(key)
        pipe.rpush(key, chunk)
        if ttl:
            pipe.expire(key, int(ttl))
        pipe.execute()
        if saved is tracker:
            one_session = not any(
                self.starts_session(e) for e in itertools.islice(saved.events, 1, None)
            )
            self.remember(tracker, chunk, one_session)
        else:  # the merged conversation is not this tracker: read it at the next turn
            self.note(tracker, Origin(0, None, False))

    def remember(self, tracker: DialogueStateTracker, chunk: str, one_session: bool) -> None:
        """Notes what is now stored for this tracker, and keeps it for the next turn when the
        next `retrieve` would give the same tracker (one session)."""
        self.note(tracker, Origin(len(tracker.events), chunk, one_session))
        if one_session:  # (`save` dropped any kept tracker of this conversation first)
            self.kept.keep(tracker.sender_id, tracker, chunk)

    @staticmethod
    def starts_session(event: Any) -> bool:
        return isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME

    def note(self, tracker: DialogueStateTracker, origin: Origin) -> None:
        key = id(tracker)
        if key not in self.origins:
            weakref.finalize(tracker, self.origins.pop, key, None)
        self.origins[key] = origin

    # -- encryption ------------------------------------------------------------------------

    def encrypt(self, events: list[dict[str, Any]]) -> str:
        plain = json.dumps(events).encode("utf-8")
        return PREFIX + self.fernet.encrypt(plain).decode("ascii")

    def decrypt(self, chunk: str) -> list[dict[str, Any]]:
        if not chunk.startswith(PREFIX):
            raise Unreadable("not a chunk of this store")
        events: list[dict[str, Any]] = json.loads(self.plain(chunk[len(PREFIX) :]))
        return events

    def plain(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError) as error:
            raise Unreadable("a tracker could not be decrypted") from error
