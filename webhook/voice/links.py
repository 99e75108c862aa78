"""One-time links that let a caller choose their identifier and password on a web page.

A password is never said aloud or typed on a keypad (anyone nearby hears it, and the speech
recogniser's transcript would hold it). The call sends an SMS with a link; the token in it is
random (`secrets`, 192 bits), stored only as its SHA-256, valid 15 minutes, and only the latest
one of a conversation works. It is used up once the account is created; until then a refused
choice (identifier taken) can be corrected on the same page.
"""

from __future__ import annotations

import hashlib
import json
import secrets

import redis

LINK_TTL_SECONDS = 15 * 60
PAGE_PATH = "/voice/credentials/"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class CredentialLinks:
    def __init__(self, client: redis.Redis, ttl_seconds: int = LINK_TTL_SECONDS) -> None:
        self.redis = client
        self.ttl = ttl_seconds

    def issue(self, conversation_id: str) -> str:
        """A new token for the conversation; the previous one stops working."""
        token = secrets.token_urlsafe(24)
        digest = _digest(token)
        previous = self.redis.getset(f"voicelink:conv:{conversation_id}", digest)
        pipe = self.redis.pipeline()
        if previous:
            pipe.delete(f"voicelink:{previous.decode()}")
        pipe.expire(f"voicelink:conv:{conversation_id}", self.ttl)
        pipe.set(
            f"voicelink:{digest}", json.dumps({"conversation_id": conversation_id}), ex=self.ttl
        )
        pipe.execute()
        return token

    def conversation(self, token: str) -> str | None:
        """The conversation a live token belongs to, else None (unknown, expired, used)."""
        if not token or len(token) > 64:
            return None
        raw = self.redis.get(f"voicelink:{_digest(token)}")
        return json.loads(raw)["conversation_id"] if raw else None

    def use_up(self, token: str) -> None:
        self.redis.delete(f"voicelink:{_digest(token)}")
