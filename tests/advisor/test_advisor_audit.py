"""The audit log: an append-only stream of who did what, when, on which conversation."""

from __future__ import annotations

import redis
from flask import Flask

from tests.advisor.conftest import AdvisorAccount, ConsoleClient, FakeClock, open_conversation

PERSON_TEXT = "je veux parler à un conseiller"


def test_the_audit_log_records_each_action_and_no_message_text(
    app: Flask,
    clock: FakeClock,
    marie: AdvisorAccount,
    sophie: AdvisorAccount,
    redis_client: redis.Redis,
    console_for,
) -> None:  # type: ignore[no-untyped-def]
    conversation_id = open_conversation(app, "+33611111111")
    refused = ConsoleClient(app, clock).login(
        AdvisorAccount("marie", "Wrong-Password-1", marie.totp)
    )
    assert refused.status_code == 401
    as_marie = console_for(marie)
    for _ in range(3):  # the page re-reads an open conversation: one "view" is logged
        as_marie.get(f"/conversations/{conversation_id}")
    as_marie.post(f"/conversations/{conversation_id}/takeover")
    advisor_text = "Bonjour, je suis Marie, conseillère."
    as_marie.post(f"/conversations/{conversation_id}/messages", {"text": advisor_text})
    as_marie.post(f"/conversations/{conversation_id}/release")  # Rasa down: refused, not logged
    as_marie.post("/logout")

    as_sophie = console_for(sophie)
    response = as_sophie.get("/audit")
    assert response.status_code == 200
    entries = list(reversed(response.get_json()))  # oldest first, to read in order
    actions = [(e["actor"], e["action"], e["conversation"]) for e in entries]
    assert actions == [
        ("marie", "login_refused", ""),
        ("marie", "login", ""),
        ("marie", "view", conversation_id),
        ("marie", "takeover", conversation_id),
        ("marie", "message", conversation_id),
        ("marie", "logout", ""),
        ("sophie", "login", ""),
    ]
    assert entries[0]["reason"] == "bad_password"
    assert entries[4]["length"] == str(len(advisor_text))
    assert all(e["at"].startswith("2026-03-10T09:") for e in entries)
    assert all(e["id"] for e in entries)

    only_one = as_sophie.get(f"/audit?conversation={conversation_id}").get_json()
    assert {e["conversation"] for e in only_one} == {conversation_id} and len(only_one) == 3

    raw = b"".join(value for _, fields in redis_client.xrange("audit") for value in fields.values())
    assert PERSON_TEXT.encode() not in raw and advisor_text.encode() not in raw
    assert b"+33611111111" not in raw
    # Viewing the log is logged too.
    assert as_sophie.get("/audit?limit=1").get_json()[0]["action"] == "audit_view"


def test_unknown_usernames_are_not_written_to_the_log(
    app: Flask, clock: FakeClock, marie: AdvisorAccount, sophie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    # People type their password in the username field: it must not land in the log.
    ConsoleClient(app, clock).login(AdvisorAccount("Secret-Password-9", "x" * 12, marie.totp))
    entry = console_for(sophie).get("/audit").get_json()[-1]
    assert (entry["actor"], entry["action"], entry["reason"]) == (
        "-",
        "login_refused",
        "unknown_user",
    )


def test_only_a_supervisor_reads_the_audit_log(
    app: Flask, marie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    response = console_for(marie).get("/audit")
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_the_audit_stream_is_only_appended_to(
    app: Flask, marie: AdvisorAccount, redis_client: redis.Redis, console_for
) -> None:  # type: ignore[no-untyped-def]
    console_for(marie)
    first = redis_client.xrange("audit")
    console_for(marie)
    after = redis_client.xrange("audit")
    assert after[: len(first)] == first and len(after) == len(first) + 1
