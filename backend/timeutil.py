"""Time helpers: every time in the backend is an aware UTC datetime from an injectable clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """Aware UTC, whatever the input (naive values are taken as UTC, as the store writes them)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with a `Z`, the one time format of the API."""
    if value is None:
        return None
    return as_utc(value).isoformat(timespec="seconds").replace("+00:00", "Z")


def seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds from `now` to `moment`, rounded up, at least 1 (for Retry-After)."""
    remaining = (as_utc(moment) - as_utc(now)).total_seconds()
    return max(1, int(remaining) + (0 if remaining == int(remaining) else 1))
