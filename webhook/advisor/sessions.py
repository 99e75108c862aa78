"""Advisor sessions, kept server-side in Redis: the cookie holds only a random session id.

A session ends 8 hours after login whatever happens, and after 30 minutes without an action
of the advisor (the page's background polling does not count, or an open page would never
expire). Redis keys are the SHA-256 of the id, so a copy of Redis gives no usable cookie. Each
session has its own CSRF token, which every POST must echo in `X-CSRF-Token`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import redis

from webhook.advisor.accounts import Advisor
from webhook.advisor.hours import Clock

ABSOLUTE_SECONDS = 8 * 3600
IDLE_SECONDS = 30 * 60


@dataclass(frozen=True)
class AdvisorSession:
    username: str
    role: str
    first_name: str
    csrf_token: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


class SessionStore:
    def __init__(
        self,
        client: redis.Redis,
        clock: Clock,
        absolute_seconds: int = ABSOLUTE_SECONDS,
        idle_seconds: int = IDLE_SECONDS,
    ) -> None:
        self.redis = client
        self.clock = clock
        self.absolute = absolute_seconds
        self.idle = idle_seconds

    @staticmethod
    def _key(session_id: str) -> str:
        return "advisor-session:" + hashlib.sha256(session_id.encode()).hexdigest()

    def create(self, advisor: Advisor) -> tuple[str, AdvisorSession]:
        """A new session id (for the cookie) and the session."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock().timestamp()
        session = AdvisorSession(
            advisor.username, advisor.role, advisor.first_name, secrets.token_urlsafe(32)
        )
        key = self._key(session_id)
        self.redis.hset(
            key,
            mapping={
                "username": session.username,
                "role": session.role,
                "first_name": session.first_name,
                "csrf_token": session.csrf_token,
                "created": repr(now),
                "seen": repr(now),
            },
        )
        self.redis.expire(key, self.absolute)
        return session_id, session

    def load(self, session_id: str, active: bool = True) -> AdvisorSession | None:
        """The live session behind `session_id`, or None (unknown or expired: then forgotten).

        `active` marks an action of the advisor, which restarts the idle timer.
        """
        if not session_id:
            return None
        key = self._key(session_id)
        raw = {k.decode(): v.decode() for k, v in self.redis.hgetall(key).items()}
        if not raw:
            return None
        now = self.clock().timestamp()
        created, seen = float(raw.get("created", 0)), float(raw.get("seen", 0))
        if now - created >= self.absolute or now - seen >= self.idle:
            self.redis.delete(key)
            return None
        if active:
            self.redis.hset(key, "seen", repr(now))
        return AdvisorSession(
            raw["username"], raw["role"], raw.get("first_name", ""), raw["csrf_token"]
        )

    def delete(self, session_id: str) -> None:
        if session_id:
            self.redis.delete(self._key(session_id))
