"""One-time codes on a `redis.asyncio` client, for the action server (which runs every action on
one event loop). The rules, the records and the answers are those of `bot.one_time_codes`
(shared in `bot.one_time_code_rules`): a code issued by one can be verified by the other.
"""

from __future__ import annotations

from typing import Any

from bot.one_time_code_input import normalize_code
from bot.one_time_code_rules import (
    Check,
    CodeRules,
    Issued,
    ThrottleRules,
    VerifyResult,
)


class AsyncThrottles(ThrottleRules):
    """`bot.one_time_codes.Throttles`, awaited."""

    async def _hit(self, checks: list[Check]) -> tuple[str, int] | None:
        now = self._clock()
        keys, args = self._counters(checks, now)
        return self._exceeded(checks, await self._hit_in_order(keys=keys, args=args), now)

    async def hit_issue(self, destination: str, nir_hash: str | None = None) -> None:
        """Counts one code sent to `destination` (and for `nir_hash`); CodeThrottled when a
        limit is exceeded."""
        self._refuse_issue(await self._hit(self._issue_checks(destination, nir_hash)))

    async def hit_verify(self, conversation_id: str) -> int | None:
        """Counts one verification in `conversation_id`; seconds to wait when over the limit."""
        exceeded = await self._hit(self._verify_checks(conversation_id))
        return None if exceeded is None else exceeded[1]


class AsyncOneTimeCodes(CodeRules):
    """`bot.one_time_codes.OneTimeCodes`, awaited (same arguments, same answers)."""

    throttles_class = AsyncThrottles
    throttles: AsyncThrottles

    async def issue(
        self, purpose: str, conversation_id: str, destination: str, nir_hash: str | None = None
    ) -> Issued:
        """A new code for (purpose, conversation), replacing any earlier one (a resend); see
        `OneTimeCodes.issue` for what it refuses."""
        self._check_destination(destination)
        redis_key = self._redis_key(purpose, conversation_id)
        now = self._clock()
        self._refuse_if_locked(self._load(await self._redis.hgetall(redis_key), now), now)
        await self.throttles.hit_issue(destination, nir_hash)
        new = self._new_code(purpose, conversation_id, destination, now)

        async def replace(pipe: Any) -> Issued:
            return self._queue_replace(pipe, await pipe.hgetall(redis_key), now, new)

        return await self._redis.transaction(replace, redis_key, value_from_callable=True)

    async def verify(self, purpose: str, conversation_id: str, code: str) -> VerifyResult:
        """Checks a typed code for (purpose, conversation); a right code is used up at once."""
        redis_key = self._redis_key(purpose, conversation_id)
        typed = normalize_code(code)
        if typed is None:
            return VerifyResult("malformed")
        now = self._clock()
        retry_after = await self.throttles.hit_verify(conversation_id)
        if retry_after is not None:
            return VerifyResult("locked", tries_left=0, retry_after_seconds=retry_after)
        typed_hash = self._typed_hash(purpose, conversation_id, typed)

        async def check(pipe: Any) -> VerifyResult:
            return self._judge(pipe, redis_key, await pipe.hgetall(redis_key), now, typed_hash)

        return await self._redis.transaction(check, redis_key, value_from_callable=True)

    async def revoke(self, purpose: str, conversation_id: str) -> None:
        """Destroys the current code of (purpose, conversation); the counters stay."""
        await self._redis.hdel(self._redis_key(purpose, conversation_id), "h")
