"""The queue is an index of waiting conversations, not a scan of the most recent ones."""

from __future__ import annotations

import redis
from flask import Flask

from tests.advisor.conftest import AdvisorAccount, open_conversation


def newer_conversations(app: Flask, count: int) -> None:
    """`count` conversations touched after the others, in one pipeline (as many turns would)."""
    store = app.extensions["mes"].conversations
    for n in range(count):
        store.open("sms", f"+3367{n:07d}")


def test_the_queue_shows_a_waiting_conversation_after_600_newer_ones(
    app: Flask, marie: AdvisorAccount, sophie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    waiting = open_conversation(app, "+33611111111")
    newer_conversations(app, 600)
    for advisor in (marie, sophie):
        listed = console_for(advisor).get("/conversations").get_json()
        assert listed[0]["id"] == waiting and listed[0]["state"] == "waiting"


def test_a_taken_conversation_stays_listed_for_its_advisor_under_load(
    app: Flask, marie: AdvisorAccount, console_for
) -> None:  # type: ignore[no-untyped-def]
    conversation_id = open_conversation(app, "+33611111111")
    client = console_for(marie)
    assert client.post(f"/conversations/{conversation_id}/takeover").status_code == 200
    newer_conversations(app, 600)
    listed = client.get("/conversations").get_json()
    assert [(c["id"], c["state"]) for c in listed] == [(conversation_id, "advisor")]


def test_the_indexes_follow_every_change_of_state(app: Flask, redis_client: redis.Redis) -> None:
    store = app.extensions["mes"].conversations
    first = open_conversation(app, "+33611111111")
    second = open_conversation(app, "+33622222222")
    assert store.ids_in_state("waiting") == [first, second]  # first come, first listed
    store.take_over(first, "marie")
    assert (store.ids_in_state("waiting"), store.ids_in_state("advisor")) == ([second], [first])
    store.hand_back(first, "decision")
    assert store.ids_in_state("advisor") == []
    store.forget(second)
    assert store.ids_in_state("waiting") == []
    # A record that expired meanwhile leaves the index when read.
    third = open_conversation(app, "+33633333333")
    redis_client.delete(f"conv:{third}")
    assert store.ids_in_state("waiting") == []
    assert redis_client.zcard("conv:queue") == 0


def test_conversations_waiting_before_the_index_existed_are_indexed_once(
    app: Flask, redis_client: redis.Redis
) -> None:
    from webhook.advisor.handoff import INDEXES_BUILT, index_existing_conversations

    store = app.extensions["mes"].conversations
    waiting = open_conversation(app, "+33611111111")
    taken = open_conversation(app, "+33622222222", state="advisor")
    open_conversation(app, "+33633333333", state="bot")
    redis_client.delete("conv:queue", "conv:taken", INDEXES_BUILT)  # as before the upgrade
    assert index_existing_conversations(store, batch=1) == 2
    assert store.ids_in_state("waiting") == [waiting]
    assert store.ids_in_state("advisor") == [taken]
    assert index_existing_conversations(store) == 0  # once per Redis
