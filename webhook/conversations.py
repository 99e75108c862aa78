"""Conversations as the webhook and the advisor console see them, kept in Redis.

A conversation id is opaque (an HMAC of channel and number), never a phone number; the number
itself is kept encrypted so that advisors' replies can reach the person. Transcripts hold the
display form of messages (secrets already masked by the redaction), each entry encrypted at rest
like Rasa's trackers (a key derived from `VAULT_KEY` under the label "transcript"), so that the
Redis append-only file holds neither a slip the redaction missed nor a person's words. The record
also keeps what redaction by step needs beyond the step (`redaction_context`): when a one-time
code was last asked for, and whether the credentials screen was reached. Every key expires after the
retention period (`CONVERSATION_RETENTION_SECONDS`), and the index of recent conversations
forgets ids older than that. `caller` is an HMAC of the number, the same on every channel: the
identity-check throttles count per caller with it (it reaches the actions as Rasa metadata).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import time
from datetime import datetime, timezone
from typing import Any

import redis
from redis.commands.core import Script

from bot.caller_id import WITHHELD, is_withheld
from bot.keys import CONVERSATION_ID, derive_subkey
from bot.masking import mask_mobile
from bot.redaction import CREDENTIAL_STEPS, RedactionContext
from bot.vault import Sealer, Vault

STATES = ("bot", "waiting", "advisor", "closed")
#: Sorted sets of the conversations in a state advisors must always see, whatever the volume:
#: waiting (scored by when they started waiting: the queue's order) and taken over.
STATE_INDEX = {"waiting": "conv:queue", "advisor": "conv:taken"}
OTP_STEP = "otp_code"
# How long after a one-time code was asked for a 6-digit run is taken for it at any step: the
# longest validity of a one-time code (login codes, 15 minutes).
OTP_OUTSTANDING_SECONDS = 15 * 60
UNREADABLE = "[entrée illisible]"
#: Recent conversations, scored by their last activity.
INDEX = "conv:index"
#: `ConversationStore._touch` of a record that exists, in one call (the record, its transcript,
#: the index; ARGV: updated_at, now, the oldest score kept, the id, the retention in seconds).
_TOUCH_IF_OPEN = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1
"""


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

    @functools.cached_property
    def _touch_script(self) -> Script:
        """`_TOUCH_IF_OPEN`, registered when first needed (a store used only to compute
        conversation ids has no Redis)."""
        return self.redis.register_script(_TOUCH_IF_OPEN)

    @functools.cached_property
    def _transcripts(self) -> Sealer:
        """The transcripts' own key (HKDF label `transcript`); made when first needed, so that
        a store used only to compute conversation ids needs no vault."""
        return self.vault.sealer(b"transcript")

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
        if self._touch_if_open(conversation_id):
            return conversation_id  # every turn but the first: one round trip
        masked = mask_mobile(address) if address.startswith("+") else "numéro masqué"
        self.redis.hset(
            f"conv:{conversation_id}",
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

    def _touch_if_open(self, conversation_id: str) -> bool:
        """`_touch` when the record exists (True), in one call; nothing when it does not."""
        now = time.time()
        return bool(
            self._touch_script(
                keys=[f"conv:{conversation_id}", f"conv:{conversation_id}:transcript", INDEX],
                args=[now_iso(), now, now - self.retention, conversation_id, self.retention],
            )
        )

    def _touch(self, conversation_id: str, pipe: redis.client.Pipeline | None = None) -> None:
        """Marks the conversation as active now (index, expiry); queued on `pipe` when given
        (the caller executes it: one round trip for the change and the touch)."""
        queue = self.redis.pipeline(transaction=False) if pipe is None else pipe
        queue.hset(f"conv:{conversation_id}", "updated_at", now_iso())
        queue.zadd(INDEX, {conversation_id: time.time()})
        queue.zremrangebyscore(INDEX, "-inf", time.time() - self.retention)
        for suffix in ("", ":transcript"):
            queue.expire(f"conv:{conversation_id}{suffix}", self.retention)
        if pipe is None:
            queue.execute()

    def get(self, conversation_id: str) -> dict[str, str] | None:
        raw = self.redis.hgetall(f"conv:{conversation_id}")
        if not raw:
            return None
        record = {k.decode(): v.decode() for k, v in raw.items()}
        record.pop("address_enc", None)
        return record

    def update(self, conversation_id: str, **fields: str) -> None:
        pipe = self.redis.pipeline()
        self._queue_update(pipe, conversation_id, fields)
        pipe.execute()

    def update_and_append(
        self, conversation_id: str, fields: dict[str, str], who: str, texts: list[str]
    ) -> None:
        """`update(**fields)` (none: no change) then `append_all(who, texts)`, in one round trip:
        the end of a turn."""
        pipe = self.redis.pipeline()
        if fields:
            self._queue_update(pipe, conversation_id, fields)
        self._queue_append(pipe, conversation_id, who, texts)
        pipe.execute()

    def _queue_update(
        self, pipe: redis.client.Pipeline, conversation_id: str, fields: dict[str, str]
    ) -> None:
        pipe.hset(f"conv:{conversation_id}", mapping=fields)
        if "state" in fields:  # every change of state goes through here: keep the indexes
            for state, index in STATE_INDEX.items():
                if state == fields["state"]:
                    pipe.zadd(index, {conversation_id: time.time()}, nx=True)
                else:
                    pipe.zrem(index, conversation_id)
        self._touch(conversation_id, pipe)

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
        self.append_all(conversation_id, who, [text])

    def append_all(self, conversation_id: str, who: str, texts: list[str]) -> None:
        """Adds `texts` said by `who` to the transcript, in order, in one round trip."""
        if not texts:
            return
        pipe = self.redis.pipeline(transaction=False)
        self._queue_append(pipe, conversation_id, who, texts)
        pipe.execute()

    def _queue_append(
        self, pipe: redis.client.Pipeline, conversation_id: str, who: str, texts: list[str]
    ) -> None:
        if not texts:
            return
        at = now_iso()
        entries = [
            self._transcripts.seal(
                json.dumps({"from": who, "text": text, "at": at}, ensure_ascii=False)
            )
            for text in texts
        ]
        pipe.rpush(f"conv:{conversation_id}:transcript", *entries)
        pipe.expire(f"conv:{conversation_id}:transcript", self.retention)

    def clear_fields(self, conversation_id: str, *fields: str) -> None:
        self.redis.hdel(f"conv:{conversation_id}", *fields)

    def forget(self, conversation_id: str) -> None:
        """Deletes the record, the transcript and the id in the index (erasure on request)."""
        pipe = self.redis.pipeline()
        pipe.delete(f"conv:{conversation_id}", f"conv:{conversation_id}:transcript")
        for index in (INDEX, *STATE_INDEX.values()):
            pipe.zrem(index, conversation_id)
        pipe.execute()

    def transcript(self, conversation_id: str) -> list[dict[str, Any]]:
        """The entries, decrypted (entries stored in clear before encryption are read as they
        are; one that cannot be decrypted, the key having changed, is shown as unreadable)."""
        entries = []
        for stored in self.redis.lrange(f"conv:{conversation_id}:transcript", 0, -1):
            entry = self._transcripts.unseal(stored)
            entries.append(
                json.loads(entry) if entry else {"from": "system", "text": UNREADABLE, "at": ""}
            )
        return entries

    # -- redaction by step ---------------------------------------------------------------------
    @staticmethod
    def step_fields(step: str) -> dict[str, str]:
        """The fields that redaction by step keeps for the new `step` (to store with it): when a
        one-time code was asked for, and that the credentials screen was reached."""
        fields: dict[str, str] = {}
        if step == OTP_STEP:
            fields["otp_asked_at"] = str(int(time.time()))
        if step in CREDENTIAL_STEPS:
            fields["credentials_reached"] = "1"
        return fields

    @staticmethod
    def redaction_context(record: dict[str, str]) -> RedactionContext:
        """What redaction by step needs from a record besides its step (bot/redaction.py)."""
        try:
            otp_asked_at = float(record.get("otp_asked_at") or 0)
        except ValueError:
            otp_asked_at = 0.0
        return RedactionContext(
            otp_outstanding=time.time() - otp_asked_at < OTP_OUTSTANDING_SECONDS,
            near_credentials=bool(record.get("credentials_reached"))
            or record.get("step") in ("contact_confirmed", *CREDENTIAL_STEPS),
        )

    def recent_ids(self, limit: int = 500) -> list[str]:
        return [i.decode() for i in self.redis.zrevrange(INDEX, 0, limit - 1)]

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
    def first_delivery(self, message_sid: str) -> bool:
        """True the first time a Twilio MessageSid (or CallSid+turn) is seen: Twilio retries."""
        return bool(self.redis.set(f"seen:{message_sid}", b"1", nx=True, ex=2 * 24 * 3600))

    def first_delivery_and_opt_out(self, message_sid: str, address: str) -> tuple[bool, bool]:
        """`first_delivery(message_sid)` (True without a sid) and `is_opted_out(address)`, in
        one round trip: what every incoming SMS asks first."""
        pipe = self.redis.pipeline(transaction=False)
        if message_sid:
            pipe.set(f"seen:{message_sid}", b"1", nx=True, ex=2 * 24 * 3600)
        pipe.exists(*self._optout_keys(address))
        answers = pipe.execute()
        return (bool(answers[0]) if message_sid else True), bool(answers[-1])

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
        return bool(self.redis.exists(*self._optout_keys(address)))

    def _optout_keys(self, address: str) -> tuple[str, str]:
        return f"optout:{self._address_key(address)}", self._legacy_optout_key(address)

    def turn_lock(self, conversation_id: str, timeout: float = 60.0):  # type: ignore[no-untyped-def]
        """Serialises the turns of one conversation (two SMS at once are handled in order)."""
        return self.redis.lock(
            f"turnlock:{conversation_id}", timeout=timeout, blocking_timeout=timeout
        )
