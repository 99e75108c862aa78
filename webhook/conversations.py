"""Conversations as the webhook and the advisor console see them, kept in Redis.

A conversation id is opaque (an HMAC of channel and number), never a phone number; the number
itself is kept encrypted so that advisors' replies can reach the person. Transcripts hold the
display form of messages (secrets already masked by the redaction). Every key expires after the
retention period (`CONVERSATION_RETENTION_SECONDS`), and the index of recent conversations
forgets ids older than that. `caller` is an HMAC of the number, the same on every channel: the
identity-check throttles count per caller with it (it reaches the actions as Rasa metadata).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime, timezone
from typing import Any

import redis

from bot.caller_id import WITHHELD, is_withheld
from bot.keys import CONVERSATION_ID, derive_subkey
from bot.masking import mask_mobile
from bot.vault import Vault

STATES = ("bot", "waiting", "advisor", "closed")
#: Sorted sets of the conversations in a state advisors must always see, whatever the volume:
#: waiting (scored by when they started waiting: the queue's order) and taken over.
STATE_INDEX = {"waiting": "conv:queue", "advisor": "conv:taken"}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ConversationStore:
    def __init__(
        self, client: redis.Redis, vault: Vault, secret: str, retention_seconds: int
    ) -> None:
        self.redis = client
        self.vault = vault
        # Its own key, derived from the master secret (`bot.keys`); opt-outs written under the
        # master secret itself (before HKDF) are still honoured (`is_opted_out`).
        self.secret = derive_subkey(secret or "dev-only", CONVERSATION_ID)
        self._legacy_secret = (secret or "dev-only").encode()
        self.retention = retention_seconds

    # -- identity ------------------------------------------------------------------------------
    def conversation_id(self, channel: str, address: str, scope: str = "") -> str:
        name = f"{channel}:{address}" + (f":{scope}" if scope else "")
        digest = hmac.new(self.secret, name.encode(), hashlib.sha256)
        return "c" + digest.hexdigest()[:23]

    def _address_key(self, address: str) -> str:
        return hmac.new(self.secret, address.encode(), hashlib.sha256).hexdigest()[:32]

    def caller_key(self, address: str) -> str:
        """An opaque key of the person's number, the same for SMS and voice; one key for every
        withheld number (`bot.caller_id`), so that hiding it never buys a fresh throttle."""
        return "k" + self._address_key(WITHHELD if is_withheld(address) else address)[:23]

    # -- records -------------------------------------------------------------------------------
    def open(self, channel: str, address: str, scope: str = "") -> str:
        """Returns the conversation id for this person on this channel, creating it if needed.
        A `scope` gives the person another conversation of its own on the channel (a second
        call from the same number while the first is live)."""
        conversation_id = self.conversation_id(channel, address, scope)
        linked = self.redis.get(f"conv:link:{conversation_id}")
        if linked and self.redis.exists(f"conv:{linked.decode()}"):
            conversation_id = linked.decode()  # continued from another channel (`link_channel`)
        key = f"conv:{conversation_id}"
        if not self.redis.exists(key):
            masked = mask_mobile(address) if address.startswith("+") else "numéro masqué"
            self.redis.hset(
                key,
                mapping={
                    "id": conversation_id,
                    "channel": channel,
                    "state": "bot",
                    "step": "",
                    "masked_from": masked,
                    "caller": self.caller_key(address),
                    "address_enc": self.vault.encrypt(address),
                    "created_at": now_iso(),
                    "updated_at": now_iso(),
                },
            )
        self._touch(conversation_id)
        return conversation_id

    def _touch(self, conversation_id: str) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(f"conv:{conversation_id}", "updated_at", now_iso())
        pipe.zadd("conv:index", {conversation_id: time.time()})
        pipe.zremrangebyscore("conv:index", "-inf", time.time() - self.retention)
        for suffix in ("", ":transcript"):
            pipe.expire(f"conv:{conversation_id}{suffix}", self.retention)
        pipe.execute()

    def get(self, conversation_id: str) -> dict[str, str] | None:
        raw = self.redis.hgetall(f"conv:{conversation_id}")
        if not raw:
            return None
        record = {k.decode(): v.decode() for k, v in raw.items()}
        record.pop("address_enc", None)
        return record

    def update(self, conversation_id: str, **fields: str) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(f"conv:{conversation_id}", mapping=fields)
        if "state" in fields:  # every change of state goes through here: keep the indexes
            for state, index in STATE_INDEX.items():
                if state == fields["state"]:
                    pipe.zadd(index, {conversation_id: time.time()}, nx=True)
                else:
                    pipe.zrem(index, conversation_id)
        pipe.execute()
        self._touch(conversation_id)

    def ids_in_state(self, state: str) -> list[str]:
        """Every conversation in `state` ("waiting": the whole queue, first come first),
        forgetting those whose record expired meanwhile."""
        index = STATE_INDEX[state]
        ids = [i.decode() for i in self.redis.zrange(index, 0, -1)]
        pipe = self.redis.pipeline()
        for conversation_id in ids:
            pipe.exists(f"conv:{conversation_id}")
        gone = [i for i, alive in zip(ids, pipe.execute(), strict=True) if not alive]
        if gone:
            self.redis.zrem(index, *gone)
        return [i for i in ids if i not in set(gone)]

    def address(self, conversation_id: str) -> str | None:
        token = self.redis.hget(f"conv:{conversation_id}", "address_enc")
        return self.vault.decrypt(token.decode()) if token else None

    def append(self, conversation_id: str, who: str, text: str) -> None:
        entry = json.dumps({"from": who, "text": text, "at": now_iso()}, ensure_ascii=False)
        pipe = self.redis.pipeline()
        pipe.rpush(f"conv:{conversation_id}:transcript", entry)
        pipe.expire(f"conv:{conversation_id}:transcript", self.retention)
        pipe.execute()

    def clear_fields(self, conversation_id: str, *fields: str) -> None:
        self.redis.hdel(f"conv:{conversation_id}", *fields)

    def forget(self, conversation_id: str) -> None:
        """Deletes the record, the transcript and the id in the index (erasure on request)."""
        pipe = self.redis.pipeline()
        pipe.delete(f"conv:{conversation_id}", f"conv:{conversation_id}:transcript")
        for index in ("conv:index", *STATE_INDEX.values()):
            pipe.zrem(index, conversation_id)
        pipe.execute()

    def transcript(self, conversation_id: str) -> list[dict[str, Any]]:
        return [
            json.loads(e) for e in self.redis.lrange(f"conv:{conversation_id}:transcript", 0, -1)
        ]

    def recent_ids(self, limit: int = 500) -> list[str]:
        return [i.decode() for i in self.redis.zrevrange("conv:index", 0, limit - 1)]

    def records(self, conversation_ids: list[str]) -> list[dict[str, str]]:
        """Several records in one round trip (the console lists them every few seconds)."""
        pipe = self.redis.pipeline()
        for conversation_id in conversation_ids:
            pipe.hgetall(f"conv:{conversation_id}")
        records = []
        for raw in pipe.execute():
            if raw:
                record = {k.decode(): v.decode() for k, v in raw.items()}
                record.pop("address_enc", None)
                records.append(record)
        return records

    # -- advisors ------------------------------------------------------------------------------
    def mark_waiting_since(self, conversation_id: str) -> None:
        """Remembers when the person first asked for an advisor: the queue is served in order."""
        self.redis.hsetnx(f"conv:{conversation_id}", "waiting_since", now_iso())

    def take_over(self, conversation_id: str, advisor: str) -> None:
        """An advisor has the conversation: `Dialogue.handle` stops passing messages to Rasa."""
        self.update(conversation_id, state="advisor", advisor=advisor)

    def hand_back(self, conversation_id: str, step: str) -> None:
        """The assistant answers again, at `step`; the conversation leaves the queue."""
        self.redis.hdel(f"conv:{conversation_id}", "advisor", "waiting_since")
        self.update(conversation_id, state="bot", step=step)

    # -- delivery ------------------------------------------------------------------------------
    def link_channel(self, channel: str, address: str, conversation_id: str) -> None:
        """Messages from `address` on `channel` continue `conversation_id` (a caller finishing
        by SMS what they started on the phone) until the retention period ends."""
        own = self.conversation_id(channel, address)
        self.redis.set(f"conv:link:{own}", conversation_id, ex=self.retention)

    def first_delivery(self, message_sid: str) -> bool:
        """True the first time a Twilio MessageSid (or CallSid+turn) is seen: Twilio retries."""
        return bool(self.redis.set(f"seen:{message_sid}", b"1", nx=True, ex=2 * 24 * 3600))

    def _legacy_optout_key(self, address: str) -> str:
        digest = hmac.new(self._legacy_secret, address.encode(), hashlib.sha256).hexdigest()
        return f"optout:{digest[:32]}"

    def set_opted_out(self, address: str, opted_out: bool) -> None:
        key = f"optout:{self._address_key(address)}"
        if opted_out:
            self.redis.set(key, b"1")
        else:
            self.redis.delete(key, self._legacy_optout_key(address))

    def is_opted_out(self, address: str) -> bool:
        keys = (f"optout:{self._address_key(address)}", self._legacy_optout_key(address))
        return bool(self.redis.exists(*keys))

    def turn_lock(self, conversation_id: str, timeout: float = 60.0):  # type: ignore[no-untyped-def]
        """Serialises the turns of one conversation (two SMS at once are handled in order)."""
        return self.redis.lock(
            f"turnlock:{conversation_id}", timeout=timeout, blocking_timeout=timeout
        )
