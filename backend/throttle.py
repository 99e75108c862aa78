"""Failure counters with lockout: N failures within a window lock the key for a while.

Keys are hashes (of a NIR, an identifier), so the table never holds the value itself and an
unknown NIR is throttled exactly like a known one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Throttle
from backend.timeutil import seconds_until


@dataclass(frozen=True)
class ThrottlePolicy:
    """`limit` failures within `window` lock the key for `lockout`."""

    scope: str
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


IDENTITY_CHECKS = ThrottlePolicy("identity_check")
CARD_CHECKS = ThrottlePolicy("card_check")
CODE_REQUESTS = ThrottlePolicy("code_request")
LOGINS = ThrottlePolicy("login")
