"""One-time verification codes (contact change, path B): 6 random digits, kept only as a hash.

A code is issued for a *purpose* ("confirm_mobile", "confirm_email", …) within one
*conversation*; the caller sends it (SMS or e-mail) and forgets it. Redis holds, under a key
derived from an HMAC of (purpose, conversation), the HMAC-SHA256 of the code (keyed with a key
derived from the service key and bound to the same purpose and conversation), the number of
wrong tries and of sends, the expiry, and a keyed hash of where it was sent. Nothing there reads
back to a code, a phone number, an e-mail address or a conversation id.

Rules (DOMAIN.md, "Formats and rules", after NIST 800-63B and OWASP ASVS): single use, 10-minute
expiry checked against an injectable clock to the second (Redis' own TTL only cleans up), at most
5 wrong tries (then the code is destroyed and a lock marker stays until its expiry) and 5 sends per
purpose and conversation; throttles per destination, per NIR and overall make the assistant
useless to spray codes at someone, and a per-conversation cap on verifications stops guessing
across resends.

Why not pyotp: HOTP and TOTP compute codes from a long-lived shared secret and a counter or the
time, which suits an authenticator app that holds the secret. Here nobody holds a secret: each
code is a fresh random value sent once, so HOTP would only add a secret to store (from which every
code could be recomputed, unlike an HMAC of the code) and a counter to keep, and TOTP's time steps
cannot give "valid 10 minutes from sending, to the second" nor single use without the same stored
state. Six digits from `secrets`, stored as an HMAC and compared with `hmac.compare_digest`, need
no secret beyond the service key and reveal nothing when Redis is read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.french_numbers import digits_only, find_number_runs, normalize_text
from bot.number_readings import number_spans, readings

CODE_LENGTH = 6
OUTCOMES = ("ok", "wrong", "expired", "locked", "unknown", "malformed")
LOCK_REASONS = ("tries", "sends")

_KEY_PREFIX = "otc:code:"
_RATE_PREFIX = "otc:rate:"
_TYPED_CODE_RE = re.compile(r"[0-9\s.\-_/\u2010-\u2015]+")


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


def normalize_code(text: str) -> str | None:
    """The 6 digits of a typed or spoken code, or None when there are not exactly 6.

    Accepts "493 027", "493-027", full-width or other Unicode digits (NFKC), spoken French
    ("quatre cent quatre-vingt-treize zéro vingt-sept": every grouping of the words is read,
    and a code is taken only when one 6-digit reading fits) and a code inside a sentence
    ("mon code est 493027") when it is the only 6-digit number there.
    """
    normalized = normalize_text(text)
    if _TYPED_CODE_RE.fullmatch(normalized):
        digits = re.sub(r"[^0-9]", "", normalized)
    else:
        # Spoken: every grouping of the words; a code only when one 6-digit reading fits.
        found = {
            reading.digits
            for span in number_spans(normalized)
            for reading in readings(span, max_length=CODE_LENGTH)
            if len(reading.digits) == CODE_LENGTH
        }
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            return None  # "malformed": asked again, no try spent on a guess
        digits = digits_only(normalized)
    if len(digits) == CODE_LENGTH:
        return digits
    runs = {run.digits for run in find_number_runs(normalized) if len(run.digits) == CODE_LENGTH}
    return runs.pop() if len(runs) == 1 else None


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


class Throttles:
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

    def _hit(self, checks: list[tuple[str, str, RateLimit]]) -> tuple[str, int] | None:
        """Counts one event for every (name, subject, limit) in order, up to the first limit
        exceeded; that limit's name, with the seconds until its window ends, or None."""
        now = self._clock()
        keys, args, windows = [], [], []
        for name, subject, limit in checks:
            index = int(now // limit.window_seconds)
            keys.append(f"{_RATE_PREFIX}{name}:{_keyed_hash(self._key, name, subject)}:{index}")
            args += [limit.window_seconds + 1, limit.max_count]
            windows.append((index + 1) * limit.window_seconds)
        exceeded = int(self._hit_in_order(keys=keys, args=args))
        if not exceeded:
            return None
        return checks[exceeded - 1][0], _retry_after(windows[exceeded - 1], now)

    def hit_issue(self, destination: str, nir_hash: str | None = None) -> None:
        """Counts one code sent to `destination` (and for `nir_hash`); CodeThrottled when a
        limit is exceeded."""
        checks = [
            ("destination", destination.strip().casefold(), self.per_destination),
            ("overall", "", self.overall),
        ]
        if nir_hash:
            checks.insert(1, ("nir", nir_hash.strip().casefold(), self.per_nir))
        exceeded = self._hit(checks)
        if exceeded is not None:
            raise CodeThrottled(exceeded[1], exceeded[0])

    def hit_verify(self, conversation_id: str) -> int | None:
        """Counts one verification in `conversation_id`; seconds to wait when over the limit."""
        exceeded = self._hit([("verify", conversation_id, self.verify_per_conversation)])
        return None if exceeded is None else exceeded[1]


class OneTimeCodes:
    """Issues and verifies one-time codes bound to a purpose and a conversation (see module doc).

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
        throttles: Throttles | None = None,
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
        self.throttles = throttles or Throttles(redis_client, key, clock)

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

    def issue(
        self, purpose: str, conversation_id: str, destination: str, nir_hash: str | None = None
    ) -> Issued:
        """A new code for (purpose, conversation), replacing any earlier one (a resend).

        Raises CodeLocked after `max_sends` codes or `max_tries` wrong tries (until the last
        code's expiry), CodeThrottled when the destination, the NIR or the whole service got
        too many codes lately. `destination` (E.164 mobile or e-mail) only feeds the throttle
        and a keyed hash; `nir_hash` is the caller's keyed NIR hash, when known.
        """
        if not destination or not destination.strip():
            raise ValueError("a one-time code needs a destination")
        redis_key = self._redis_key(purpose, conversation_id)
        now = self._clock()
        self._refuse_if_locked(self._load(self._redis.hgetall(redis_key), now), now)
        self.throttles.hit_issue(destination, nir_hash)
        code = generate_code()
        expires_at = now + self.ttl_seconds
        destination_hash = _keyed_hash(self._destination_key, destination.strip().casefold())

        def replace(pipe: Any) -> int:
            record = self._load(pipe.hgetall(redis_key), now)
            self._refuse_if_locked(record, now)
            sends = (int(record["sends"]) if record else 0) + 1
            pipe.multi()
            pipe.delete(redis_key)
            pipe.hset(
                redis_key,
                mapping={
                    "h": self._code_hash(purpose, conversation_id, code),
                    "tries": 0,
                    "sends": sends,
                    "expires_at": repr(expires_at),
                    "dest": destination_hash,
                },
            )
            pipe.expire(redis_key, self.ttl_seconds)
            return sends

        sends = self._redis.transaction(replace, redis_key, value_from_callable=True)
        return Issued(code=code, expires_at=expires_at, sends_left=self.max_sends - sends)

    def verify(self, purpose: str, conversation_id: str, code: str) -> VerifyResult:
        """Checks a typed code for (purpose, conversation); a right code is used up at once."""
        redis_key = self._redis_key(purpose, conversation_id)
        typed = normalize_code(code)
        if typed is None:
            return VerifyResult("malformed")
        now = self._clock()
        retry_after = self.throttles.hit_verify(conversation_id)
        if retry_after is not None:
            return VerifyResult("locked", tries_left=0, retry_after_seconds=retry_after)
        typed_hash = self._code_hash(purpose, conversation_id, typed).encode("ascii")

        def check(pipe: Any) -> VerifyResult:
            raw = pipe.hgetall(redis_key)
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

        return self._redis.transaction(check, redis_key, value_from_callable=True)

    def revoke(self, purpose: str, conversation_id: str) -> None:
        """Destroys the current code of (purpose, conversation), e.g. when the person gives up.
        The counters stay until the expiry: giving up must not reset the sends or a lock."""
        self._redis.hdel(self._redis_key(purpose, conversation_id), "h")
