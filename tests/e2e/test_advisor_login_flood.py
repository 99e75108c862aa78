"""What an outsider can reach on the real stack (Twilio configured, no SMTP): no simulator, and
a flood of advisor logins that leaves the Twilio webhooks answering."""

from __future__ import annotations

import secrets
import threading

import pytest
import redis
import requests

from tests.support.twilio_client import SmsPhone, next_number

pytestmark = pytest.mark.stack

LOGINS_AT_ONCE = 32


def test_with_twilio_and_no_smtp_the_simulator_does_not_exist(stack) -> None:  # type: ignore[no-untyped-def]
    assert "SMTP_HOST" not in stack.env and stack.env["TWILIO_ACCOUNT_SID"]
    url = stack.webhook_url
    assert (
        requests.post(f"{url}/simulator/api/sms", json={"text": "x"}, timeout=30).status_code == 404
    )
    call = requests.post(f"{url}/simulator/api/call", json={"action": "start"}, timeout=30)
    assert call.status_code == 404
    assert requests.get(f"{url}/simulator/api/outbox", timeout=30).status_code == 404
    assert "simulator.js" not in requests.get(f"{url}/", timeout=30).text


def test_an_sms_turn_is_answered_while_32_logins_run_at_once(stack) -> None:  # type: ignore[no-untyped-def]
    phone = SmsPhone(stack, next_number())
    start = threading.Barrier(LOGINS_AT_ONCE + 1)
    statuses: list[int] = []

    def login() -> None:
        body = {"username": f"x{secrets.token_hex(4)}", "password": "Guess-1234!", "totp": "1"}
        start.wait()
        response = requests.post(f"{stack.webhook_url}/advisor/api/login", json=body, timeout=120)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=login) for _ in range(LOGINS_AT_ONCE)]
    for thread in threads:
        thread.start()
    client = redis.Redis.from_url(stack.redis_url)
    try:
        start.wait()
        reply = phone.send("Bonjour")  # while the logins are being answered
        assert "code provisoire" in reply.lower()
        for thread in threads:
            thread.join()
        # Each login was answered: refused (401, hashed), or turned away before any hash
        # (429: the address' limit; 503: every hashing slot taken).
        assert len(statuses) == LOGINS_AT_ONCE and set(statuses) <= {401, 429, 503}
        assert statuses.count(401) <= 20  # the address' limit bounds the hashes
        assert "code provisoire" in phone.send("RÉPÉTER").lower()
    finally:
        # The other e2e tests log advisors in from this same address.
        for key in client.scan_iter("advisor-login:*"):
            client.delete(key)
        client.close()
