"""The rules of one-time codes, without Redis round trips: what a record means, what an issue or
a verification writes, the throttles' counters. `bot.one_time_codes` (blocking, for the webhook)
and `bot.one_time_codes_async` (for the action server) only add the I/O, so both keep the same
records and give the same answers (see `bot/one_time_codes.py` for the rules themselves).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.one_time_code_input import CODE_LENGTH

OUTCOMES = ("ok", "wrong", "expired", "locked", "unknown", "malformed")
LOCK_REASONS = ("tries", "sends")

_KEY_PREFIX = "otc:code:"
_RATE_PREFIX = "otc:rate:"


class OneTimeCodeError(Exception):
    """Base class of the refusals of `OneTimeCodes.issue`."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"retry after {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


class CodeLocked(OneTimeCodeError):
    """No new code for this purpose and conversation until `retry_after_seconds` have passed:
    too many wrong tries (`reason` "tries") or too many sends ("sends"). Offer an advisor."""

    def __init__(self, retry_after_seconds: int, reason: str) -> None:
        super().__init__(retry_after_seconds)
        self.reason = reason


class CodeThrottled(OneTimeCodeError):
    """Too many codes for this destination, this NIR or overall (`limit` says which)."""

    def __init__(self, retry_after_seconds: int, limit: str) -> None:
        super().__init__(retry_after_seconds)
        self.limit = limit


@dataclass(frozen=True)
class Issued:
    """A code to send now. `code` is never stored (and kept out of `repr`, hence of logs)."""

    code: str = field(repr=False)
    expires_at: float
    sends_left: int


@dataclass(frozen=True)
class VerifyResult:
    """What a typed code is worth.

    outcome: "ok" (the code is now used up), "wrong" (`tries_left` more), "expired", "locked"
    (`retry_after_seconds`; too many wrong tries or verifications), "unknown" (no code issued for
    this purpose and conversation: never sent, already used, another purpose's or another
    conversation's), "malformed" (not 6 digits: a typing slip, not a guess, so it costs no try).
    """

    outcome: str
    tries_left: int | None = None
    retry_after_seconds: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


@dataclass(frozen=True)
class RateLimit:
    """At most `max_count` events per fixed window of `window_seconds`."""

    max_count: int
    window_seconds: int

    def __post_init__(self) -> None:
        if self.max_count <= 0 or self.window_seconds <= 0:
            raise ValueError("a rate limit needs a positive count and window")


def derive_key(key: str, label: str) -> bytes:
    """A 32-byte key for one use (`label`) from the service key, with HKDF-SHA256, so the
    hashes of codes, of record names and of destinations cannot be matched with each other."""
    if not key:
        raise ValueError("the one-time code key must not be empty")
    info = f"mon-espace-sante/one-time-codes/{label}/v1".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        key.encode("utf-8")
    )


def _keyed_hash(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of `parts`, encoded unambiguously (("a", "bc") differs from ("ab", "c"))."""
    message = json.dumps(list(parts), ensure_ascii=False).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _retry_after(until: float, now: float) -> int:
    return max(1, math.ceil(until - now))


def generate_code() -> str:
    """Six digits from the operating system's CSPRNG (never `random`)."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


# Default limits (our choice): a person needs 1–2 codes per step, so 5 an hour per destination or
# NIR is generous; 1000 a minute overall is far above the helpline's traffic; 20 verifications an
# hour per conversation leave room for typos across 5 sends while keeping guessing odds at 2e-5.
PER_DESTINATION = RateLimit(5, 3600)
PER_NIR = RateLimit(5, 3600)
OVERALL = RateLimit(1000, 60)
VERIFY_PER_CONVERSATION = RateLimit(20, 3600)


#: Counts one event in each window, in order, and stops at the first one over its limit: later
#: limits (the overall one) are not charged for an event an earlier one (its destination,
#: its NIR) refused, so hammering one destination never uses up everyone's budget. INCR and
#: EXPIRE run together in the script: no counter is ever left without its expiry.
_HIT_IN_ORDER = """
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 or redis.call('TTL', key) < 0 then
    redis.call('EXPIRE', key, ARGV[2 * i - 1])
  end
  if count > tonumber(ARGV[2 * i]) then
    return i
  end
end
return 0
"""


#: One (name, subject, limit) a throttle counts an event against.
Check = tuple[str, str, RateLimit]


class ThrottleRules:
    """Fixed-window counters in Redis, under keyed hashes of what they count.

    Fixed windows (one counter per subject and window index) are enough here: they bound the
    rate to twice the limit at worst across a window edge, need one INCR per event, and
    expire by themselves. Every attempt counts against its own subject, refused ones included,
    so hammering does not pay; the overall limit only counts what the others let through, and
    it is a rate (its window is a minute), never a lockout: over it, people are told to retry
    in a moment or ask for an advisor (`CodeThrottled.limit == "overall"`).
    """

    def __init__(
        self,
        redis_client: Any,
        key: str,
        clock: Callable[[], float] = time.time,
        per_destination: RateLimit = PER_DESTINATION,
        per_nir: RateLimit = PER_NIR,
        overall: RateLimit = OVERALL,
        verify_per_conversation: RateLimit = VERIFY_PER_CONVERSATION,
    ) -> None:
        self._redis = redis_client
        self._key = derive_key(key, "throttle")
        self._clock = clock
        self._hit_in_order = (
            redis_client.register_script(_HIT_IN_ORDER) if redis_client is not None else None
        )
        self.per_destination = per_destination
        self.per_nir = per_nir
        self.overall = overall
        self.verify_per_conversation = verify_per_conversation

    def _issue_checks(self, destination: str, nir_hash: str | None) -> list[Check]:
        checks = [
            ("destination", destination.strip().casefold(), self.per_destination),
            ("overall", "", self.overall),
        ]
        if nir_hash:
            checks.insert(1, ("nir", nir_hash.strip().casefold(), self.per_nir))
        return checks

    def _verify_checks(self, conversation_id: str) -> list[Check]:
        return [("verify", conversation_id, self.verify_per_conversation)]

    def _counters(self, checks: list[Check], now: float) -> tuple[list[str], list[int]]:
        """The script's keys (one counter per subject and window) and arguments."""
        keys: list[str] = []
        args: list[int] = []
        for name, subject, limit in checks:
            index = int(now // limit.window_seconds)
            keys.append(f"{_RATE_PREFIX}{name}:{_keyed_hash(self._key, name, subject)}:{index}")
            args += [limit.window_seconds + 1, limit.max_count]
        return keys, args

    @staticmethod
    def _exceeded(checks: list[Check], exceeded: Any, now: float) -> tuple[str, int] | None:
        """From the script's answer (0, or the 1-based index of the limit exceeded): that
        limit's name with the seconds until its window ends, or None."""
        if not int(exceeded):
            return None
        name, _, limit = checks[int(exceeded) - 1]
        window_end = (int(now // limit.window_seconds) + 1) * limit.window_seconds
        return name, _retry_after(window_end, now)

    @staticmethod
    def _refuse_issue(exceeded: tuple[str, int] | None) -> None:
        if exceeded is not None:
            raise CodeThrottled(exceeded[1], exceeded[0])


class CodeRules:
    """Issues and verifies one-time codes bound to a purpose and a conversation: everything but
    the Redis round trips (see `bot/one_time_codes.py`).

    `clock` gives Unix time in seconds (tests inject their own); `key` is a service secret
    (e.g. `VAULT_KEY`). Works with Redis clients that decode responses or not.
    """

    def __init__(
        self,
        redis_client: Any,
        key: str,
        clock: Callable[[], float] = time.time,
        ttl_seconds: int = 600,
        max_tries: int = 5,
        max_sends: int = 5,
        throttles: Any = None,
    ) -> None:
        if ttl_seconds <= 0 or max_tries <= 0 or max_sends <= 0:
            raise ValueError("ttl_seconds, max_tries and max_sends must be positive")
        self._redis = redis_client
        self._clock = clock
        self._code_key = derive_key(key, "code")
        self._record_key = derive_key(key, "record")
        self._destination_key = derive_key(key, "destination")
        self.ttl_seconds = int(ttl_seconds)
        self.max_tries = max_tries
        self.max_sends = max_sends
        self.throttles = throttles or self.throttles_class(redis_client, key, clock)

    #: The throttles that go with the subclass's Redis client (blocking or asyncio).
    throttles_class: type[ThrottleRules] = ThrottleRules

    def _redis_key(self, purpose: str, conversation_id: str) -> str:
        if not purpose or not conversation_id:
            raise ValueError("a one-time code needs a purpose and a conversation")
        return _KEY_PREFIX + _keyed_hash(self._record_key, purpose, conversation_id)

    def _code_hash(self, purpose: str, conversation_id: str, code: str) -> str:
        return _keyed_hash(self._code_key, purpose, conversation_id, code)

    @staticmethod
    def _load(raw: dict[Any, Any], now: float) -> dict[str, str] | None:
        """The record as text, or None when absent or past its expiry by our clock."""
        record = {_text(name): _text(value) for name, value in raw.items()}
        if "expires_at" not in record or now >= float(record["expires_at"]):
            return None
        return record

    def _refuse_if_locked(self, record: dict[str, str] | None, now: float) -> None:
        if record is None:
            return
        retry_after = _retry_after(float(record["expires_at"]), now)
        if record.get("locked") == "1":
            raise CodeLocked(retry_after, "tries")
        if int(record.get("sends", "0")) >= self.max_sends:
            raise CodeLocked(retry_after, "sends")

    def _check_destination(self, destination: str) -> None:
        if not destination or not destination.strip():
            raise ValueError("a one-time code needs a destination")

    def _queue_replace(self, pipe: Any, raw: dict[Any, Any], now: float, new: _NewCode) -> Issued:
        """Inside the issue's transaction, once `raw` (the current record) is read: refuses
        when locked, else queues the new record on `pipe` (after MULTI) and says what to send."""
        record = self._load(raw, now)
        self._refuse_if_locked(record, now)
        sends = (int(record["sends"]) if record else 0) + 1
        pipe.multi()
        pipe.delete(new.redis_key)
        pipe.hset(
            new.redis_key,
            mapping={
                "h": self._code_hash(new.purpose, new.conversation_id, new.code),
                "tries": 0,
                "sends": sends,
                "expires_at": repr(new.expires_at),
                "dest": _keyed_hash(self._destination_key, new.destination.strip().casefold()),
            },
        )
        pipe.expire(new.redis_key, self.ttl_seconds)
        return Issued(code=new.code, expires_at=new.expires_at, sends_left=self.max_sends - sends)

    def _new_code(
        self, purpose: str, conversation_id: str, destination: str, now: float
    ) -> _NewCode:
        return _NewCode(
            self._redis_key(purpose, conversation_id),
            purpose,
            conversation_id,
            destination,
            generate_code(),
            now + self.ttl_seconds,
        )

    def _typed_hash(self, purpose: str, conversation_id: str, typed: str) -> bytes:
        return self._code_hash(purpose, conversation_id, typed).encode("ascii")

    def _judge(
        self, pipe: Any, redis_key: str, raw: dict[Any, Any], now: float, typed_hash: bytes
    ) -> VerifyResult:
        """Inside the verification's transaction, once `raw` is read: the verdict, with its
        writes queued on `pipe` (after MULTI) when it changes the record."""
        if not raw:
            return VerifyResult("unknown")
        record = self._load(raw, now)
        if record is None:
            locked = {_text(name): _text(value) for name, value in raw.items()}.get("locked")
            return VerifyResult("unknown" if locked == "1" else "expired")
        retry = _retry_after(float(record["expires_at"]), now)
        if record.get("locked") == "1":
            return VerifyResult("locked", tries_left=0, retry_after_seconds=retry)
        if "h" not in record:
            return VerifyResult("unknown")  # revoked
        if hmac.compare_digest(record["h"].encode("ascii"), typed_hash):
            pipe.multi()
            pipe.delete(redis_key)
            return VerifyResult("ok")
        tries = int(record["tries"]) + 1
        pipe.multi()
        if tries >= self.max_tries:
            # The code is destroyed; the marker keeps the key's TTL (the code's expiry).
            pipe.hdel(redis_key, "h", "tries")
            pipe.hset(redis_key, "locked", "1")
            return VerifyResult("locked", tries_left=0, retry_after_seconds=retry)
        pipe.hset(redis_key, "tries", tries)
        return VerifyResult("wrong", tries_left=self.max_tries - tries)


@dataclass(frozen=True)
class _NewCode:
    """A code about to replace the record at `redis_key` (kept out of `repr`)."""

    redis_key: str
    purpose: str
    conversation_id: str
    destination: str = field(repr=False)
    code: str = field(repr=False)
    expires_at: float = 0.0
