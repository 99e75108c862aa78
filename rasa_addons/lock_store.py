"""Rasa's per-conversation lock in Redis: one round trip takes a free lock, one releases it.

Rasa's `RedisLockStore` keeps a conversation's ticket queue as one JSON string, read and
decoded, or encoded and written whole, in 7 round trips a turn (GET SET GET GET SET GET DEL),
synchronously in the event loop: ~5 % of the Rasa server's CPU under load. Here the queue is a Redis list of tickets, changed
only by atomic commands, so every Rasa server sharing the Redis sees one queue:
- taking a ticket: one Lua script (`QUEUE_SCRIPT`, EVALSHA) drops the expired tickets at the
  head, appends ours and returns its position; position 0 holds the lock;
- waiting (contended only): the same script without appending, polled at 10 ms, 20 ms... up
  to `wait_time_in_seconds` (Rasa polls every `wait_time_in_seconds`: 1 s);
- releasing: LREM of our ticket; Redis deletes the list with its last ticket.

Rasa's guarantees are kept: the turns of a conversation are served in arrival order (list
order); every ticket, the holder's included, expires `lock_lifetime` after it was issued, so a
server that crashed holding the lock delays the conversation at most that long, and the key
expires with its last ticket (Rasa's keys never expire); a waiter raises Rasa's `LockError`.

A ticket is the integer `expiry in ms * 10**9 + a random nonce`, stored as its decimal string:
the scripts read the expiry from the string, and the client knows its ticket before sending it,
so a command retried after a Redis restart (bot/redis_client.py) never queues a ticket twice.
Times are read on the Rasa servers' clocks, as Rasa's store does.

Differences from Rasa's store: a waiter gives up (LockError) once its own ticket has expired,
`lock_lifetime` after it came (Rasa's waits on with an expired ticket until the lock is gone, and
a reissued ticket number can then let it in beside another turn); `save_lock` is refused (the
queue is only changed by the commands above); `key_prefix` is used as it is ("lock:"); a JSON
lock left by Rasa's store under the key is replaced.

endpoints.yml: `lock_store: type: rasa_addons.lock_store.AtomicRedisLockStore`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.redis_client import with_retries

logger = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX = "lock:"
NONCE_DIGITS = 9
NONCE_RANGE = 10**NONCE_DIGITS
FIRST_POLL_SECONDS = 0.01

# KEYS[1]: the conversation's queue. ARGV: now (ms), our ticket ('' for none), the lifetime in
# ms to append the ticket when it is not queued (0: only look). Returns the ticket's position,
# -1 when it is not queued (expired, or the lock was deleted). Only the head's expiry is
# checked: tickets of one lifetime expire in queue order, and a ticket that outlives one ahead
# of it (a longer lifetime) only waits for it to reach the head.
QUEUE_SCRIPT = f"""
local key, now, ticket, lifetime = KEYS[1], tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
if redis.call('TYPE', key).ok == 'string' then redis.call('DEL', key) end
while true do
  local head = redis.call('LINDEX', key, 0)
  if not head or tonumber(string.sub(head, 1, -{NONCE_DIGITS + 1})) > now then break end
  redis.call('LPOP', key)
end
local position = redis.call('LPOS', key, ticket)
if position then return position end
if lifetime == 0 then return -1 end
position = redis.call('RPUSH', key, ticket) - 1
if redis.call('PTTL', key) < lifetime then redis.call('PEXPIRE', key, lifetime) end
return position
"""


def now_ms() -> int:
    return int(time.time() * 1000)


def expiry_ms(ticket: int) -> int:
    """When `ticket` expires, read from the ticket itself (as the script does)."""
    return ticket // NONCE_RANGE


class AtomicRedisLockStore(LockStore):
    """Rasa's lock store interface on an atomic Redis queue per conversation."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        options = dict(endpoint_config.kwargs)
        self.key_prefix: str = options.pop("key_prefix", None) or DEFAULT_KEY_PREFIX
        # the client as Rasa's store builds it (its options and defaults: db, TLS, timeouts),
        # with reconnection and retries
        self.red = with_retries(RedisLockStore(host=endpoint_config.url, **options).red)
        self.queue = self.red.register_script(QUEUE_SCRIPT)
        super().__init__()

    def take_ticket(self, conversation_id: str, lock_lifetime: float) -> tuple[int, int]:
        """A new ticket at the end of the queue, and its position (0: the lock is ours)."""
        now = now_ms()
        lifetime = max(1, int(lock_lifetime * 1000))
        ticket = (now + lifetime) * NONCE_RANGE + random.randrange(NONCE_RANGE)
        try:
            position = self.queue(
                keys=[self.key_prefix + conversation_id], args=[now, ticket, lifetime]
            )
        except Exception as e:  # as Rasa's `issue_ticket`: the caller expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        return ticket, int(position)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Queue a ticket for `conversation_id`, expiring after `lock_lifetime` seconds."""
        return self.take_ticket(conversation_id, lock_lifetime)[0]

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock: one round trip when it is free, one to release it.

        Waits for the turns that came first, polling at most every `wait_time_in_seconds`;
        `LockError` when our ticket expires before its turn (`lock_lifetime`). Yields the lock
        with our ticket (the others are not read, to spare a round trip).
        """
        ticket, position = self.take_ticket(conversation_id, lock_lifetime)
        try:
            if position:
                await self.wait_for_turn(conversation_id, ticket, wait_time_in_seconds)
            yield TicketLock(conversation_id, deque([Ticket(ticket, expiry_ms(ticket) / 1000)]))
        finally:
            self.finish_serving(conversation_id, ticket)

    async def wait_for_turn(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> None:
        """Poll until `ticket` heads the queue (the turns before it finished or expired)."""
        key = self.key_prefix + conversation_id
        delay = FIRST_POLL_SECONDS
        while True:
            await asyncio.sleep(min(delay, wait_time_in_seconds))
            delay *= 2
            now = now_ms()
            expired = now >= expiry_ms(ticket)
            position = -1 if expired else int(self.queue(keys=[key], args=[now, ticket, 0]))
            if position == 0:
                return
            if position < 0:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            logger.debug(f"{position} turn(s) before ours in conversation '{conversation_id}'.")

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove `ticket_number` from the queue: the next ticket holds the lock."""
        self.red.lrem(self.key_prefix + conversation_id, 1, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """`finish_serving`: Redis deletes the queue with its last ticket."""
        self.finish_serving(conversation_id, ticket_number)

    def update_lock(self, conversation_id: str) -> None:
        """Drop the expired tickets at the head of the queue (every ticket command does)."""
        self.queue(keys=[self.key_prefix + conversation_id], args=[now_ms(), "", 0])

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """A snapshot of the queue's live tickets, None without any (for inspection only)."""
        now = now_ms()
        tickets = [int(t) for t in self.red.lrange(self.key_prefix + conversation_id, 0, -1)]
        live = [Ticket(t, expiry_ms(t) / 1000) for t in tickets if expiry_ms(t) > now]
        return TicketLock(conversation_id, deque(live)) if live else None

    def delete_lock(self, conversation_id: str) -> None:
        """Drop the whole queue: its waiters raise `LockError` at their next poll."""
        self.red.delete(self.key_prefix + conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Refused: writing a snapshot back would drop tickets queued since it was read."""
        raise NotImplementedError(
            "AtomicRedisLockStore changes its queues with atomic commands only: use lock()"
        )
