"""One-time links that let a caller choose their identifier and password on a web page.

A password is never said aloud or typed on a keypad (anyone nearby hears it, and the speech
recogniser's transcript would hold it). The call sends an SMS with a link; the token in it is
random (`secrets`, 192 bits), stored only as its SHA-256, valid 15 minutes, and only the latest
one of a conversation works. It is used up once the account is created; until then a refused
choice (identifier taken) can be corrected on the same page.

The link alone is not enough: an SMS preview is read on a locked phone, a shared tablet, a
smartwatch. The call also says a 6-digit code aloud, which the SMS does not carry; the page
takes no choice until that code is typed (a one-time code, `bot/one_time_codes.py`: stored as an
HMAC, 5 wrong tries, then the link is dead and the call offers a new one or an advisor).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field

import redis

from bot.one_time_codes import OneTimeCodes

LINK_TTL_SECONDS = 15 * 60
PAGE_PATH = "/voice/credentials/"
SPOKEN_PURPOSE = "voice_link_spoken"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    """The token for the SMS and the code for the caller's ears (neither is stored)."""

    token: str = field(repr=False)
    spoken_code: str = field(repr=False)


class CredentialLinks:
    def __init__(
        self, client: redis.Redis, code_key: str, ttl_seconds: int = LINK_TTL_SECONDS
    ) -> None:
        self.redis = client
        self.ttl = ttl_seconds
        self.codes = OneTimeCodes(client, code_key, ttl_seconds=ttl_seconds)

    def issue(self, conversation_id: str) -> IssuedLink:
        """A new token and spoken code; the previous ones stop working. Raises
        `OneTimeCodeError` after too many links for the conversation (5 within 15 minutes)."""
        spoken = self.codes.issue(SPOKEN_PURPOSE, conversation_id, "voice-link:" + conversation_id)
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
        return IssuedLink(token=token, spoken_code=spoken.code)

    def _record(self, token: str) -> dict | None:
        if not token or len(token) > 64:
            return None
        raw = self.redis.get(f"voicelink:{_digest(token)}")
        return json.loads(raw) if raw else None

    def conversation(self, token: str) -> str | None:
        """The conversation a live token belongs to, else None (unknown, expired, used)."""
        record = self._record(token)
        return record["conversation_id"] if record else None

    def unlocked(self, token: str) -> bool:
        """True once the spoken code was typed on this link's page."""
        record = self._record(token)
        return bool(record and record.get("unlocked"))

    def unlock(self, token: str, typed: str) -> str:
        """Checks the code typed on the page: "ok" (the page now takes choices), "wrong",
        "malformed" (not 6 digits: costs no try) or "dead" (too many tries, expired: the link
        is used up)."""
        record = self._record(token)
        if record is None:
            return "dead"
        result = self.codes.verify(SPOKEN_PURPOSE, record["conversation_id"], typed)
        if result.ok:
            record["unlocked"] = True
            key = f"voicelink:{_digest(token)}"
            self.redis.set(key, json.dumps(record), keepttl=True)
            return "ok"
        if result.outcome in ("wrong", "malformed"):
            return result.outcome
        self.use_up(token)
        return "dead"

    def use_up(self, token: str) -> None:
        self.redis.delete(f"voicelink:{_digest(token)}")
