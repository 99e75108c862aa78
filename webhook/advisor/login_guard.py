"""What stands in front of Argon2 at the console's login: limiters and a bound on hashes in flight.

Every login attempt costs an Argon2id hash (64 MiB, tens to hundreds of milliseconds of a
core), unknown names included (they are checked against a dummy hash so that they take as long).
Throttling per name alone lets anyone try a new name each time, so before any hash:

- a limiter per client address (`request.remote_addr`, the proxy's client when
  `TRUSTED_PROXIES` is set; IPv6 counted per /64, what one subscriber usually gets) and an
  overall one. Each attempt reserves a slot in both counters *before* hashing, and a successful
  login gives its slots back: the counters hold failures plus attempts in flight, so 32 logins
  sent at once cannot all pass a check made before any of them failed;
- a bound on hashes in flight in this process (a non-blocking semaphore): beyond it the attempt
  is answered 503 at once instead of queueing behind the others, so logins can never take every
  core or worker thread from the Twilio webhooks.

Counters are fixed windows updated atomically in Redis (`INCR` and its `PEXPIRE` in one Lua
script: no window without an expiry, however the calls interleave).
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis

#: INCR, and the window's expiry when the counter is new (or lost it): one atomic step.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, redis.call('PTTL', KEYS[1])}
"""
#: Gives a reserved slot back (never below zero, never a key without expiry).
_REFUND = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 1 then
  redis.call('DECR', KEYS[1])
elseif count == 1 then
  redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass(frozen=True)
class Window:
    """At most `limit` attempts (failures and attempts in flight) per `seconds`."""

    limit: int
    seconds: int


#: Our choice: an advisor mistypes a few times a day; an office behind one address stays far
#: below 20 failures in 10 minutes. 120 a minute across everyone bounds hashing by attackers
#: from many addresses to 2 a second (the semaphore bounds it at any instant).
PER_ADDRESS = Window(20, 10 * 60)
OVERALL = Window(120, 60)
MAX_HASHES_IN_FLIGHT = 2


class LoginThrottled(Exception):
    """Too many attempts for `scope` ("username", "address" or "overall"): nothing is checked
    until `retry_after` seconds have passed."""

    def __init__(self, retry_after: int, scope: str = "username") -> None:
        super().__init__(f"{scope}: retry after {retry_after} s")
        self.retry_after = retry_after
        self.scope = scope


class LoginBusy(Exception):
    """Every hashing slot of this process is taken: try again in a second."""


class Counters:
    """Fixed-window counters in Redis, each incremented with its expiry in one step."""

    def __init__(self, client: redis.Redis) -> None:
        self._hit = client.register_script(_HIT)
        self._refund = client.register_script(_REFUND)

    def hit(self, key: str, seconds: int) -> tuple[int, int]:
        """Counts one event; the new count and the seconds left in the window."""
        count, pttl = self._hit(keys=[key], args=[seconds * 1000])
        return int(count), max(1, -(-int(pttl) // 1000))

    def refund(self, key: str) -> None:
        self._refund(keys=[key])


def address_bucket(address: str | None) -> str:
    """The client's address as counted: IPv4 as is, IPv6 per /64 prefix."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class LoginGuard:
    def __init__(
        self,
        client: redis.Redis,
        per_address: Window = PER_ADDRESS,
        overall: Window = OVERALL,
        max_in_flight: int = MAX_HASHES_IN_FLIGHT,
    ) -> None:
        self.counters = Counters(client)
        self.per_address = per_address
        self.overall = overall
        self._slots = threading.BoundedSemaphore(max_in_flight)

    def _keys(self, address: str | None) -> list[tuple[str, str, Window]]:
        return [
            ("address", f"advisor-login:address:{address_bucket(address)}", self.per_address),
            ("overall", "advisor-login:overall", self.overall),
        ]

    @contextmanager
    def attempt(self, address: str | None) -> Iterator[None]:
        """Reserves the attempt in every limiter and a hashing slot, or raises LoginThrottled /
        LoginBusy at once. The reservation is given back when the block ends without an
        exception (a successful login) or when no slot was free; a refused login keeps it."""
        reserved = []
        try:
            for scope, key, window in self._keys(address):
                count, retry_after = self.counters.hit(key, window.seconds)
                reserved.append(key)
                if count > window.limit:
                    raise LoginThrottled(retry_after, scope)
        except LoginThrottled:
            for key in reserved:  # a refused attempt hashes nothing: it costs no slot
                self.counters.refund(key)
            raise
        if not self._slots.acquire(blocking=False):
            for key in reserved:
                self.counters.refund(key)
            raise LoginBusy()
        try:
            yield
        finally:
            self._slots.release()
        for key in reserved:
            self.counters.refund(key)
