"""Sessions expire (30 minutes idle, 8 hours in all); every call needs one, every POST its CSRF token."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.advisor.conftest import AdvisorAccount, ConsoleClient, FakeClock, open_conversation

GETS = ["/me", "/conversations", "/conversations/c0123456789abcdef0123456", "/audit"]
POSTS = [
    "/logout",
    "/conversations/c0123456789abcdef0123456/takeover",
    "/conversations/c0123456789abcdef0123456/messages",
    "/conversations/c0123456789abcdef0123456/release",
]


@pytest.mark.parametrize("path", GETS + POSTS)
def test_every_call_but_login_needs_a_session(app: Flask, clock: FakeClock, path: str) -> None:
    client = ConsoleClient(app, clock)
    response = client.get(path) if path in GETS else client.post(path, csrf="anything")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert "Connectez-vous" in response.get_json()["message"]


def test_posts_need_the_sessions_csrf_token(
    app: Flask, clock: FakeClock, marie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    conversation_id = open_conversation(app, "+33611111111")
    client = console_for(marie)
    other = console_for(marie)  # another session of the same advisor: another token
    path = f"/conversations/{conversation_id}/takeover"
    for token in ("", "wrong", other.csrf):
        response = client.http.post(
            "/advisor/api" + path, json={}, headers={"X-CSRF-Token": token} if token else {}
        )
        assert response.status_code == 403
        assert response.get_json()["error"] == "csrf_refused"
    assert app.extensions["mes"].conversations.get(conversation_id)["state"] == "waiting"
    assert client.post(path).status_code == 200


def test_a_session_expires_after_30_minutes_idle(
    app: Flask, clock: FakeClock, marie: AdvisorAccount
) -> None:
    client = ConsoleClient(app, clock)
    client.login(marie)
    clock.advance(minutes=29)
    assert client.get("/conversations").status_code == 200  # an action: the timer restarts
    clock.advance(minutes=29)
    # The page's background polling does not keep a session alive.
    assert client.get("/conversations", headers={"X-Background-Poll": "1"}).status_code == 200
    clock.advance(minutes=2)
    assert client.get("/conversations").status_code == 401
    assert client.get("/me").status_code == 401  # and it is gone for good


def test_a_session_ends_8_hours_after_login_whatever_happens(
    app: Flask, clock: FakeClock, marie: AdvisorAccount
) -> None:
    client = ConsoleClient(app, clock)
    client.login(marie)
    for _ in range(16):  # busy all day long: an action every 29 minutes
        clock.advance(minutes=29)
        assert client.get("/conversations").status_code == 200
    clock.advance(minutes=29)  # 8 h 13 min after login
    assert client.get("/conversations").status_code == 401


def test_session_data_stays_on_the_server(
    app: Flask, clock: FakeClock, marie: AdvisorAccount, redis_client
) -> None:  # type: ignore[no-untyped-def]
    client = ConsoleClient(app, clock)
    client.login(marie)
    keys = [k for k in redis_client.scan_iter("advisor-session:*")]
    assert len(keys) == 1
    assert redis_client.hget(keys[0], "username") == b"marie"
    assert 0 < redis_client.ttl(keys[0]) <= 8 * 3600
