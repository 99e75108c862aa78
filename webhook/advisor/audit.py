"""The advisors' audit log: an append-only Redis stream (`XADD audit`), never edited, capped.

Each entry says who did what, when, and on which conversation id. It never holds what a person
wrote (it may carry personal data): at most the length of an advisor's own message.

Retention (docs/SECURITY.md): the stream keeps about the newest `MAX_ENTRIES` entries (`XADD
MAXLEN ~`: Redis trims whole nodes, so a few more may stay); older ones are dropped as new ones
come. A console in daily use writes a few hundred entries a day, so that is years of history; a
flood of refused logins cannot flush it, since a throttled refusal is recorded once per minute
and scope (`record_once`). Export the stream elsewhere if a longer legal retention applies.
"""

from __future__ import annotations

from typing import Any

import redis

from webhook.advisor.hours import Clock

STREAM = "audit"
#: About how many entries the stream keeps (the oldest are trimmed).
MAX_ENTRIES = 100_000

#: Everything the console records, for readers of the log.
ACTIONS = (
    "login",  # logged in (role)
    # reason: unknown_user, bad_password, bad_totp, replayed_totp, throttled (scope: username,
    # address, overall; once a minute per scope)
    "login_refused",
    "logout",
    "view",  # opened a conversation (once per advisor and conversation every few minutes)
    "takeover",
    "message",  # length of the advisor's text
    "release",
    "audit_view",
)


class AuditLog:
    def __init__(self, client: redis.Redis, clock: Clock, max_entries: int = MAX_ENTRIES) -> None:
        self.redis = client
        self.clock = clock
        self.max_entries = max_entries

    def record(self, actor: str, action: str, conversation_id: str = "", **detail: Any) -> None:
        fields = {
            "at": self.clock().isoformat(timespec="seconds"),
            "actor": actor,
            "action": action,
            "conversation": conversation_id,
        }
        fields.update({key: str(value) for key, value in detail.items()})
        self.redis.xadd(STREAM, fields, maxlen=self.max_entries, approximate=True)

    def record_once(
        self, what: str, actor: str, action: str, window_seconds: int = 60, **detail: Any
    ) -> None:
        """Records `action` once per `window_seconds` for the same `what` (repeated refusals)."""
        if self.redis.set(f"audit:once:{what}", b"1", nx=True, ex=window_seconds):
            self.record(actor, action, **detail)

    def record_view_once(self, actor: str, conversation_id: str, window_seconds: int = 300) -> None:
        """A view is recorded once per window: the page re-reads an open conversation every few
        seconds, and a log of every poll would drown the entries that matter."""
        if self.redis.set(
            f"audit:viewed:{actor}:{conversation_id}", b"1", nx=True, ex=window_seconds
        ):
            self.record(actor, "view", conversation_id)

    def entries(self, count: int = 200, conversation_id: str | None = None) -> list[dict[str, str]]:
        """The newest entries first (`id` is the stream id, which orders them); filtered on one
        conversation, among the last 10,000 entries."""
        scan = count if not conversation_id else 10_000
        result = []
        for entry_id, fields in self.redis.xrevrange(STREAM, count=scan):
            entry = {k.decode(): v.decode() for k, v in fields.items()}
            if conversation_id and entry.get("conversation") != conversation_id:
                continue
            entry["id"] = entry_id.decode()
            result.append(entry)
            if len(result) >= count:
                break
        return result
