"""Advisor accounts (the CLI command) and logins: password AND a fresh TOTP code, throttled."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pyotp
import redis
from flask import Flask

from tests.advisor.conftest import (
    PASSWORD,
    AdvisorAccount,
    ConsoleClient,
    FakeClock,
    create_advisor,
)
from tests.support.redis_server import dump_redis

REFUSED = "Identifiant, mot de passe ou code à usage unique incorrect."


def test_the_cli_creates_an_advisor_and_prints_an_otpauth_uri(
    app: Flask, redis_client: redis.Redis
) -> None:
    result = app.test_cli_runner().invoke(
        args=["advisor", "create", "marie.curie", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    uri = next(line for line in result.output.splitlines() if line.startswith("otpauth://"))
    parsed = urlparse(uri)
    assert parsed.netloc == "totp"
    assert parse_qs(parsed.query)["issuer"] == ["Mon espace santé"]
    secret = pyotp.parse_uri(uri).secret

    stored = redis_client.hgetall("advisor:marie.curie")
    assert stored[b"role"] == b"advisor"
    assert stored[b"first_name"] == b"Marie"
    assert stored[b"password_hash"].startswith(b"$argon2id$")
    assert stored[b"created_at"]
    # The TOTP secret is encrypted with the vault key, and no secret is stored in clear.
    vault = app.extensions["mes"].vault
    assert vault.decrypt(stored[b"totp_secret"]) == secret
    dump = dump_redis(redis_client)
    assert secret.encode() not in dump and PASSWORD.encode() not in dump


def test_supervisor_flag_duplicate_names_and_short_passwords(
    app: Flask, redis_client: redis.Redis
) -> None:
    runner = app.test_cli_runner()
    assert (
        runner.invoke(
            args=["advisor", "create", "sophie", "--password", PASSWORD, "--supervisor"]
        ).exit_code
        == 0
    )
    assert redis_client.hget("advisor:sophie", "role") == b"supervisor"
    again = runner.invoke(args=["advisor", "create", "sophie", "--password", PASSWORD])
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["advisor", "create", "jean", "--password", "court"])
    assert short.exit_code != 0 and "12 characters" in short.output
    bad_name = runner.invoke(args=["advisor", "create", "jean dupont", "--password", PASSWORD])
    assert bad_name.exit_code != 0
    listing = runner.invoke(args=["advisor", "list"])
    assert "sophie\tsupervisor" in listing.output
    assert runner.invoke(args=["advisor", "delete", "sophie"]).exit_code == 0
    assert not redis_client.exists("advisor:sophie")


def test_a_login_needs_the_password_and_a_totp_code(
    app: Flask, clock: FakeClock, marie: AdvisorAccount
) -> None:
    client = ConsoleClient(app, clock)
    response = client.login(marie)
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["csrf_token"]) >= 32
    assert body["username"] == "marie" and body["role"] == "advisor"

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # The cookie carries a random session id, nothing else.
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    data = app.session_interface.get_signing_serializer(app).loads(value)
    assert list(data) == ["advisor_sid"] and "marie" not in data["advisor_sid"]

    me = client.get("/me").get_json()
    assert me["username"] == "marie" and me["csrf_token"] == body["csrf_token"]


def test_refused_logins_answer_401_in_french(
    app: Flask, clock: FakeClock, marie: AdvisorAccount
) -> None:
    client = ConsoleClient(app, clock)
    wrong_password = AdvisorAccount("marie", "Not-The-Password-1", marie.totp)
    for attempt in (
        client.login(wrong_password),
        client.login(marie, code="000000" if marie.code(clock) != "000000" else "111111"),
        client.login(marie, code="12ab56"),
        client.login(AdvisorAccount("nobody", PASSWORD, marie.totp)),
    ):
        assert attempt.status_code == 401
        assert attempt.get_json() == {"error": "login_refused", "message": REFUSED}
    assert client.get("/conversations").status_code == 401
    assert client.http.post("/advisor/api/login", data="x").status_code == 400


def test_a_totp_code_is_accepted_once(app: Flask, clock: FakeClock, marie: AdvisorAccount) -> None:
    code = marie.code(clock)
    assert ConsoleClient(app, clock).login(marie, code).status_code == 200
    replay = ConsoleClient(app, clock).login(marie, code)
    assert replay.status_code == 401 and replay.get_json()["message"] == REFUSED
    # The code of the previous time-step is refused too, once a later one was used.
    clock.advance(seconds=30)
    assert ConsoleClient(app, clock).login(marie, code).status_code == 401
    assert ConsoleClient(app, clock).login(marie).status_code == 200


def test_a_code_from_the_neighbouring_time_step_is_accepted(
    app: Flask, clock: FakeClock, marie: AdvisorAccount
) -> None:
    previous = marie.totp.at(clock().timestamp() - 30)
    assert ConsoleClient(app, clock).login(marie, previous).status_code == 200
    too_old = marie.totp.at(clock().timestamp() - 120)
    clock.advance(seconds=30)
    assert ConsoleClient(app, clock).login(marie, too_old).status_code == 401


def test_repeated_failures_lock_the_username_for_a_while(
    app: Flask, clock: FakeClock, marie: AdvisorAccount, paul: AdvisorAccount
) -> None:
    client = ConsoleClient(app, clock)
    wrong = AdvisorAccount("marie", "Not-The-Password-1", marie.totp)
    for _ in range(5):
        assert client.login(wrong).status_code == 401
    locked = client.login(marie)  # even the right password and code
    assert locked.status_code == 429
    assert "réessayez dans 15 minute" in locked.get_json()["message"]
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    # Other advisors are not affected.
    assert ConsoleClient(app, clock).login(paul).status_code == 200


def test_logout_ends_the_session(app: Flask, clock: FakeClock, marie: AdvisorAccount) -> None:
    client = ConsoleClient(app, clock)
    client.login(marie)
    assert client.post("/logout").status_code == 200
    assert client.get("/conversations").status_code == 401


def test_a_deleted_advisor_is_logged_out(app: Flask, clock: FakeClock) -> None:
    jean = create_advisor(app, "jean")
    client = ConsoleClient(app, clock)
    client.login(jean)
    app.test_cli_runner().invoke(args=["advisor", "delete", "jean"])
    assert client.get("/conversations").status_code == 401
