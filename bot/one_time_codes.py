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

from typing import Any

from bot.one_time_code_input import CODE_LENGTH, normalize_code
from bot.one_time_code_rules import (
    LOCK_REASONS,
    OUTCOMES,
    OVERALL,
    PER_DESTINATION,
    PER_NIR,
    VERIFY_PER_CONVERSATION,
    CodeLocked,
    CodeRules,
    CodeThrottled,
    Issued,
    OneTimeCodeError,
    RateLimit,
    ThrottleRules,
    VerifyResult,
    derive_key,
    generate_code,
)

__all__ = [
    "CODE_LENGTH",
    "LOCK_REASONS",
    "OUTCOMES",
    "OVERALL",
    "PER_DESTINATION",
    "PER_NIR",
    "VERIFY_PER_CONVERSATION",
    "CodeLocked",
    "CodeThrottled",
    "Issued",
    "OneTimeCodeError",
    "OneTimeCodes",
    "RateLimit",
    "Throttles",
    "VerifyResult",
    "derive_key",
    "generate_code",
    "normalize_code",
]


class Throttles(ThrottleRules):
    """The throttles on a blocking Redis client (see `ThrottleRules`)."""

    def _hit(self, checks: list[tuple[str, str, RateLimit]]) -> tuple[str, int] | None:
        """Counts one event for every (name, subject, limit) in order, up to the first limit
        exceeded; that limit's name, with the seconds until its window ends, or None."""
        now = self._clock()
        keys, args = self._counters(checks, now)
        return self._exceeded(checks, self._hit_in_order(keys=keys, args=args), now)

    def hit_issue(self, destination: str, nir_hash: str | None = None) -> None:
        """Counts one code sent to `destination` (and for `nir_hash`); CodeThrottled when a
        limit is exceeded."""
        self._refuse_issue(self._hit(self._issue_checks(destination, nir_hash)))

    def hit_verify(self, conversation_id: str) -> int | None:
        """Counts one verification in `conversation_id`; seconds to wait when over the limit."""
        exceeded = self._hit(self._verify_checks(conversation_id))
        return None if exceeded is None else exceeded[1]


class OneTimeCodes(CodeRules):
    """One-time codes on a blocking Redis client (the webhook's); `AsyncOneTimeCodes`
    (`bot.one_time_codes_async`) is the same on `redis.asyncio`, for the action server."""

    throttles_class = Throttles
    throttles: Throttles

    def issue(
        self, purpose: str, conversation_id: str, destination: str, nir_hash: str | None = None
    ) -> Issued:
        """A new code for (purpose, conversation), replacing any earlier one (a resend).

        Raises CodeLocked after `max_sends` codes or `max_tries` wrong tries (until the last
        code's expiry), CodeThrottled when the destination, the NIR or the whole service got
        too many codes lately. `destination` (E.164 mobile or e-mail) only feeds the throttle
        and a keyed hash; `nir_hash` is the caller's keyed NIR hash, when known.
        """
        self._check_destination(destination)
        redis_key = self._redis_key(purpose, conversation_id)
        now = self._clock()
        self._refuse_if_locked(self._load(self._redis.hgetall(redis_key), now), now)
        self.throttles.hit_issue(destination, nir_hash)
        new = self._new_code(purpose, conversation_id, destination, now)

        def replace(pipe: Any) -> Issued:
            return self._queue_replace(pipe, pipe.hgetall(redis_key), now, new)

        return self._redis.transaction(replace, redis_key, value_from_callable=True)

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
        typed_hash = self._typed_hash(purpose, conversation_id, typed)

        def check(pipe: Any) -> VerifyResult:
            return self._judge(pipe, redis_key, pipe.hgetall(redis_key), now, typed_hash)

        return self._redis.transaction(check, redis_key, value_from_callable=True)

    def revoke(self, purpose: str, conversation_id: str) -> None:
        """Destroys the current code of (purpose, conversation), e.g. when the person gives up.
        The counters stay until the expiry: giving up must not reset the sends or a lock."""
        self._redis.hdel(self._redis_key(purpose, conversation_id), "h")
