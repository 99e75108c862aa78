"""In front of Argon2: limiters per client address and overall, a bound on hashes in flight,
atomic counters, and an audit stream that a flood can neither grow without end nor flush."""

from __future__ import annotations

import pytest
import redis
from flask import Flask

from tests.advisor.conftest import AdvisorAccount, ConsoleClient, FakeClock
from webhook.advisor.audit import AuditLog
from webhook.advisor.login_guard import LoginBusy, LoginGuard, Window, address_bucket

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}


def login_as(app: Flask, name: str, environ: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return app.test_client().post(
        "/advisor/api/login",
        json={"username": name, "password": "Guessed-Password-1", "totp": "123456"},
        environ_base=environ or ATTACKER,
    )


def test_30_logins_with_new_names_from_one_client_meet_a_429(
    app: Flask, clock: FakeClock, marie: AdvisorAccount, redis_client: redis.Redis
) -> None:
    statuses = [login_as(app, f"nouveau{n}").status_code for n in range(30)]
    assert 429 in statuses[:29]
    first = statuses.index(429)
    assert set(statuses[:first]) == {401} and set(statuses[first:]) == {429}
    throttled = login_as(app, "encore")
    assert "depuis cette connexion" in throttled.get_json()["message"]
    assert 0 < int(throttled.headers["Retry-After"]) <= 600
    # Another client, and the advisor herself from her office, are still served.
    assert login_as(app, "autre", {"REMOTE_ADDR": "198.51.100.4"}).status_code == 401
    assert ConsoleClient(app, clock).login(marie).status_code == 200
    # Every counter has an expiry: nothing piles up in Redis.
    keys = list(redis_client.scan_iter("advisor-login*"))
    assert keys and all(0 < redis_client.ttl(k) <= 900 for k in keys)


def test_successful_logins_do_not_count_against_the_address(
    app: Flask, clock: FakeClock, marie: AdvisorAccount
) -> None:
    """An office behind one address: logins that succeed never use up its limit (20)."""
    for _ in range(22):
        clock.advance(seconds=30)  # a TOTP code is accepted once
        assert ConsoleClient(app, clock).login(marie).status_code == 200


def test_the_overall_limit_holds_across_addresses(redis_client: redis.Redis) -> None:
    guard = LoginGuard(redis_client, per_address=Window(100, 60), overall=Window(5, 60))
    for n in range(5):
        with pytest.raises(RuntimeError), guard.attempt(f"198.51.100.{n}"):
            raise RuntimeError("refused")  # a failed login keeps its reservation
    with pytest.raises(Exception) as throttled, guard.attempt("198.51.100.77"):
        pass
    assert type(throttled.value).__name__ == "LoginThrottled"
    assert throttled.value.scope == "overall"


def test_beyond_the_hashes_in_flight_logins_are_answered_503_at_once(
    app: Flask, clock: FakeClock, marie: AdvisorAccount
) -> None:
    guard = app.extensions["advisor"].login_guard
    with guard.attempt("192.0.2.1"), guard.attempt("192.0.2.2"):  # both slots taken
        busy = ConsoleClient(app, clock).login(marie)
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert busy.get_json()["error"] == "busy"
        with pytest.raises(LoginBusy), guard.attempt("192.0.2.3"):
            pass
    assert ConsoleClient(app, clock).login(marie).status_code == 200  # slots given back


def test_ipv6_clients_are_counted_per_64() -> None:
    assert address_bucket("2001:db8:1:2:aaaa::1") == address_bucket("2001:db8:1:2:bbbb::9")
    assert address_bucket("2001:db8:1:3::1") != address_bucket("2001:db8:1:2::1")
    assert address_bucket("::ffff:198.51.100.4") == "198.51.100.4"
    assert address_bucket(None) == "unknown"


def test_the_audit_stream_is_capped_and_throttled_refusals_logged_once(
    app: Flask, clock: FakeClock, redis_client: redis.Redis
) -> None:
    audit = AuditLog(redis_client, clock, max_entries=100)
    for n in range(2000):
        audit.record("marie", "view", f"c{n}")
    assert redis_client.xlen("audit") <= 200  # MAXLEN ~: Redis trims whole nodes
    redis_client.delete("audit")
    for n in range(60):
        login_as(app, f"nouveau{n}")
    reasons = [f[b"reason"] for _, f in redis_client.xrange("audit")]
    assert reasons.count(b"throttled") == 1 and len(reasons) < 30
