"""The assistant's own throttles on identity checks, on top of the backend's per-NIR lockout.

An attacker who tries many NIRs (or many codes for many NIRs) from one phone never trips the
per-NIR lockout, so failed checks are also counted per conversation and per caller (an HMAC of
the phone number, the same on SMS and voice, sent by the webhook as Rasa metadata; every withheld
number shares one caller key, `bot/caller_id.py`, so hiding it never buys a fresh count). Over a
limit, checks are refused before the backend is asked, with the backend's own `identity_locked`
refusal, so the person hears the same answer as for a locked NIR, and is offered an advisor.

A burst of failures across everyone (`overall`, e.g. a botnet) does not lock everyone out, which
would hand a denial of service to whoever can fail 200 checks: it puts the service *under
pressure* for a while, during which every conversation and caller gets a much smaller budget
(`under_pressure`: one failure, then the advisor). People who type their code right pass as
usual; an attacker gets one guess per conversation, and each costs a new conversation.

Only failures count: unknown NIR and wrong code are one outcome (`identity_mismatch`), so this
says nothing about which it was. Counters live in Redis under `throttle:` keys that expire on
their own (fixed windows), each incremented with its expiry in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis.asyncio

from actions.backend_client import BackendError, CodeRequest, IdentityOk
from actions.runtime import runtime

T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """`failures` within `window` seconds lock the scope's key for `lockout` seconds
    (`under_pressure` failures while the service is under pressure). For the `overall` scope,
    reaching `failures` puts the service under pressure for `lockout` seconds instead."""

    scope: str
    failures: int
    window: int
    lockout: int
    under_pressure: int | None = None


LIMITS = (
    Limit("conversation", failures=5, window=30 * 60, lockout=30 * 60, under_pressure=1),
    Limit("caller", failures=10, window=60 * 60, lockout=60 * 60, under_pressure=2),
    Limit("overall", failures=200, window=5 * 60, lockout=5 * 60),
)
PRESSURE_KEY = "throttle:idcheck:pressure"


class IdentityGuard:
    def __init__(self, client: redis.asyncio.Redis, limits: tuple[Limit, ...] = LIMITS) -> None:
        self.redis = client
        self.limits = limits

    @staticmethod
    def _keys(limit: Limit, key: str) -> tuple[str, str]:
        return f"throttle:idcheck:{limit.scope}:{key}", f"throttle:idcheck:lock:{limit.scope}:{key}"

    def _scoped(self, conversation_id: str, caller: str) -> list[tuple[Limit, str]]:
        values = {"conversation": conversation_id, "caller": caller, "overall": "all"}
        return [(limit, values[limit.scope]) for limit in self.limits if values[limit.scope]]

    async def locked_for(self, conversation_id: str, caller: str) -> int | None:
        """Seconds left while any of the scopes is locked, else None."""
        pipe = self.redis.pipeline()
        for limit, key in self._scoped(conversation_id, caller):
            pipe.ttl(self._keys(limit, key)[1])
        left = [ttl for ttl in await pipe.execute() if ttl and ttl > 0]
        return max(left) if left else None

    async def under_pressure(self) -> bool:
        return bool(await self.redis.exists(PRESSURE_KEY))

    async def record_failure(self, conversation_id: str, caller: str) -> None:
        scoped = self._scoped(conversation_id, caller)
        pipe = self.redis.pipeline()
        pipe.exists(PRESSURE_KEY)
        for limit, key in scoped:
            counter, _ = self._keys(limit, key)
            pipe.set(counter, 0, ex=limit.window, nx=True)  # a window opens with the first
            pipe.incr(counter)
        results = await pipe.execute()
        pressure, counts = bool(results[0]), results[2::2]
        pipe = self.redis.pipeline()
        for (limit, key), count in zip(scoped, counts, strict=True):
            counter, lock = self._keys(limit, key)
            if limit.scope == "overall":
                if count >= limit.failures:
                    if not pressure:
                        logger.warning("identity checks under pressure: %d failures", count)
                    pipe.set(PRESSURE_KEY, b"1", ex=limit.lockout)
                    pipe.delete(counter)
                continue
            budget = limit.under_pressure if pressure and limit.under_pressure else limit.failures
            if count >= budget:
                pipe.set(lock, b"1", ex=limit.lockout)
                pipe.delete(counter)
        await pipe.execute()


def caller_of(events: list[dict[str, Any]]) -> str:
    """The caller key the webhook put in the metadata of the latest message ("" if none)."""
    for event in reversed(events):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            return str(metadata.get("caller") or "")[:64]
    return ""


async def _guarded(
    conversation_id: str,
    events: list[dict[str, Any]],
    check: Callable[[], Awaitable[T]],
    mismatch: str,
    locked: str,
) -> T:
    """Runs `check` unless a throttle is locked (then `locked`, as the backend says it); a
    `mismatch` refusal counts as a failure in every scope."""
    guard = IdentityGuard(runtime().redis)
    caller = caller_of(events)
    retry_after = await guard.locked_for(conversation_id, caller)
    if retry_after is not None:
        raise BackendError(423, locked, {"retry_after_seconds": retry_after})
    try:
        return await check()
    except BackendError as error:
        if error.code == mismatch:
            await guard.record_failure(conversation_id, caller)
        raise


async def guarded_identity_check(
    conversation_id: str, events: list[dict[str, Any]], nir: str, code: str
) -> IdentityOk:
    """`BackendClient.check_identity`, refused (`identity_locked`) while a throttle is locked."""
    return await _guarded(
        conversation_id,
        events,
        lambda: runtime().backend.check_identity(nir, code),
        "identity_mismatch",
        "identity_locked",
    )


async def guarded_code_request(
    conversation_id: str, events: list[dict[str, Any]], nir: str, *details: str
) -> CodeRequest:
    """Path B's identity check (`BackendClient.request_new_code` with birth date, card type and
    serial), under the same throttles: refused (`request_locked`) while one is locked."""
    return await _guarded(
        conversation_id,
        events,
        lambda: runtime().backend.request_new_code(nir, *details),
        "person_not_found",
        "request_locked",
    )
