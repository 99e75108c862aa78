"""The backend's throttles, all four in this one module: failure counters with lockout.

`limit` failures within `window` lock the key for `lockout`; a success resets it; a malformed
request never reaches a throttle (bodies are read first), so a format error never counts. Each
policy also owns its two refusals: the failure (with `attempts_left`) and the 423 lock (with
`retry_after_seconds` and `Retry-After`), and the words the OpenAPI document gives the lock.

Counters live in the database (`throttles` table), not in process memory or a library's
store: they must survive restarts, be shared by every backend process, and follow the app's
injected clock (tests move time). Keys are hashes (of a NIR, an identifier), so the table never
holds the value itself and an unknown NIR is throttled exactly like a known one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import ApiError
from backend.logs import get_logger
from backend.models import Throttle
from backend.timeutil import seconds_until

log = get_logger(__name__)


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str
    message: str


@dataclass(frozen=True)
class ThrottlePolicy:
    """`limit` failures within `window` lock the key for `lockout`."""

    scope: str
    failure: Refusal
    locked: Refusal
    limit: int = 5
    window: timedelta = timedelta(minutes=30)
    lockout: timedelta = timedelta(minutes=30)

    def _row(self, session: Session, key_hash: str) -> Throttle | None:
        query = select(Throttle).where(Throttle.scope == self.scope, Throttle.key_hash == key_hash)
        return session.execute(query).scalar_one_or_none()

    def locked_for(self, session: Session, key_hash: str, now: datetime) -> int | None:
        """Seconds left while the key is locked, else None."""
        row = self._row(session, key_hash)
        if row is None or row.locked_until is None or row.locked_until <= now:
            return None
        return seconds_until(row.locked_until, now)

    def record_failure(self, session: Session, key_hash: str, now: datetime) -> int:
        """Counts one failure; returns the attempts left before the lock (0: now locked)."""
        row = self._row(session, key_hash)
        if row is None:
            row = Throttle(scope=self.scope, key_hash=key_hash, failures=0, window_started_at=now)
            session.add(row)
        locked = row.locked_until is not None and row.locked_until > now
        lock_over = row.locked_until is not None and not locked
        if lock_over or (not locked and now - row.window_started_at >= self.window):
            row.failures = 0
            row.window_started_at = now
            row.locked_until = None
        row.failures += 1
        if row.failures >= self.limit:
            row.locked_until = now + self.lockout
        return max(0, self.limit - row.failures)

    def ensure_open(self, session: Session, key_hash: str, now: datetime) -> None:
        """Raises the 423 while the key is locked."""
        retry_after = self.locked_for(session, key_hash, now)
        if retry_after is not None:
            raise ApiError(
                self.locked.status,
                self.locked.error,
                self.locked.message,
                {"retry_after_seconds": retry_after},
                {"Retry-After": str(retry_after)},
            )

    def refuse(self, session: Session, key_hash: str, now: datetime) -> ApiError:
        """Counts a failure and commits it (the refusal must not roll it back); returns the
        refusal to raise, with the attempts left."""
        attempts_left = self.record_failure(session, key_hash, now)
        session.commit()
        log.info(f"{self.scope}.refused", attempts_left=attempts_left)
        failure = self.failure
        return ApiError(
            failure.status, failure.error, failure.message, {"attempts_left": attempts_left}
        )

    def lock_description(self) -> str:
        """For the OpenAPI document: the lock's code and the numbers behind it."""
        return (
            f"{self.locked.error} (details.retry_after_seconds) after {self.limit} failures "
            f"within {minutes(self.window)} minutes, for {minutes(self.lockout)} minutes"
        )

    def attempts_left(self, session: Session, key_hash: str, now: datetime) -> int:
        row = self._row(session, key_hash)
        if row is None:
            return self.limit
        if row.locked_until is not None:
            return 0 if row.locked_until > now else self.limit
        if now - row.window_started_at >= self.window:
            return self.limit
        return max(0, self.limit - row.failures)

    def reset(self, session: Session, key_hash: str) -> None:
        """Forgets the failures after a success."""
        row = self._row(session, key_hash)
        if row is not None:
            session.delete(row)


def minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


IDENTITY_CHECKS = ThrottlePolicy(
    "identity_check",
    failure=Refusal(401, "identity_mismatch", "unknown NIR or wrong provisional code"),
    locked=Refusal(423, "identity_locked", "too many failed identity checks for this NIR"),
)
CARD_CHECKS = ThrottlePolicy(
    "card_check",
    failure=Refusal(422, "card_mismatch", "card type or serial number does not match"),
    locked=Refusal(423, "card_locked", "too many wrong card serial numbers"),
)
CODE_REQUESTS = ThrottlePolicy(
    "code_request",
    failure=Refusal(404, "person_not_found", "no insured person matches these details"),
    locked=Refusal(423, "request_locked", "too many failed code requests for this NIR"),
)
LOGINS = ThrottlePolicy(
    "login",
    failure=Refusal(401, "bad_credentials", "unknown identifier or wrong password"),
    locked=Refusal(423, "login_locked", "too many failed logins for this identifier"),
)
