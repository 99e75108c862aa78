"""Rasa trackers are encrypted at rest in Redis (rasa_addons/tracker_store.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlparse

import pytest
import redis
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered

from rasa_addons.tracker_store import PREFIX, EncryptedRedisTrackerStore

SECRET_TEXT = "je m'appelle Camille Martin, identifiant camille.martin85"


@pytest.fixture
def store_for(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "no.env"))
    where = urlparse(redis_url)

    def build(key: str) -> EncryptedRedisTrackerStore:
        monkeypatch.setenv("VAULT_KEY", key)
        return EncryptedRedisTrackerStore(
            domain=Domain.empty(), host=where.hostname, port=where.port, key_prefix="tracker:"
        )

    return build


def save_one(store: EncryptedRedisTrackerStore, sender: str) -> None:
    tracker = store.init_tracker(sender)
    tracker.update(UserUttered(SECRET_TEXT))
    tracker.update(SlotSet("identifier", "camille.martin85"))
    asyncio.run(store.save(tracker))


def test_a_tracker_is_stored_encrypted_and_read_back(store_for, redis_client: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    store = store_for("key one")
    save_one(store, "c123")
    raw = redis_client.get("tracker:c123")
    assert raw is not None and raw.startswith(PREFIX.encode())
    assert b"camille" not in raw.lower() and b"identifier" not in raw
    tracker = asyncio.run(store.retrieve("c123"))
    assert tracker.latest_message.text == SECRET_TEXT
    assert tracker.get_slot("identifier") is None  # not in the empty domain: not a slot
    assert any(getattr(e, "key", None) == "identifier" for e in tracker.events)


def test_another_key_reads_a_new_conversation_instead_of_crashing(store_for) -> None:  # type: ignore[no-untyped-def]
    save_one(store_for("key one"), "c456")
    tracker = asyncio.run(store_for("key two").retrieve("c456"))
    assert tracker is not None and tracker.latest_message.text in (None, "")


def test_trackers_expire_after_the_retention(store_for, redis_client: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    store = store_for("key one")
    store.record_exp = 3600
    save_one(store, "c789")
    assert 3500 < redis_client.ttl("tracker:c789") <= 3600


def counting_reads(store: EncryptedRedisTrackerStore) -> list[str]:
    reads: list[str] = []
    original = store.deserialise_tracker

    def deserialise(sender_id: str, serialised: str | bytes):  # type: ignore[no-untyped-def]
        reads.append(sender_id)
        return original(sender_id, serialised)

    store.deserialise_tracker = deserialise  # type: ignore[method-assign]
    return reads


def test_a_turn_reads_its_tracker_once(store_for) -> None:  # type: ignore[no-untyped-def]
    store = store_for("key one")
    save_one(store, "c100")
    reads = counting_reads(store)

    async def turn() -> None:
        tracker = await store.retrieve("c100")
        tracker.update(UserUttered("deuxième message"))
        tracker.update(SlotSet("identifier", "camille.m"))
        await store.save(tracker)
        tracker.update(UserUttered("troisième"))  # saved twice in a turn: still no re-read
        await store.save(tracker)

    asyncio.run(turn())
    assert reads == ["c100"]
    texts = [e.text for e in asyncio.run(store.retrieve("c100")).events if hasattr(e, "text")]
    assert texts == [SECRET_TEXT, "deuxième message", "troisième"]


def test_a_write_by_another_server_in_between_is_merged_not_lost(store_for) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = store_for("key one"), store_for("key one")  # two Rasa replicas
    save_one(ours, "c200")

    async def interleaved() -> None:
        mine = await ours.retrieve("c200")
        other = await theirs.retrieve("c200")
        other.update(UserUttered("écrit par l'autre serveur", timestamp=1.0))
        await theirs.save(other)
        mine.update(UserUttered("écrit par ce serveur"))
        reads = counting_reads(ours)
        await ours.save(mine)
        assert reads == ["c200"]  # what is stored changed: merged as Rasa merges

    asyncio.run(interleaved())
    texts = [e.text for e in asyncio.run(ours.retrieve("c200")).events if hasattr(e, "text")]
    assert "écrit par l'autre serveur" in texts and "écrit par ce serveur" in texts


def test_the_state_of_the_last_save_is_kept_once_for_the_rest_channel(store_for) -> None:  # type: ignore[no-untyped-def]
    from rasa.shared.core.slots import TextSlot

    store = store_for("key one")
    store.domain = Domain.empty()
    tracker = store.init_tracker("c300")
    tracker.slots["flow_step"] = TextSlot("flow_step", mappings=[])
    tracker.update(SlotSet("flow_step", "card"))
    asyncio.run(store.save(tracker))
    state = store.last_saved_state("c300")
    assert state is not None and state["slots"]["flow_step"] == "card"
    assert state["active_loop"] is None
    assert store.last_saved_state("c300") is None  # handed out once
    asyncio.run(store.save(tracker))
    store.forget_saved_state("c300")
    assert store.last_saved_state("c300") is None


def a_turn_on_a_conversation_with_two_sessions(store: EncryptedRedisTrackerStore, sender: str):  # type: ignore[no-untyped-def]
    """Rasa sets the metadata slot before `action_session_start`: two "sessions" for its split."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    first = store.init_tracker(sender)
    for event in [
        SlotSet("session_started_metadata", {"channel": "sms"}, timestamp=1),
        ActionExecuted("action_session_start", timestamp=2),
        SessionStarted(timestamp=3),
        ActionExecuted("action_listen", timestamp=4),
        UserUttered("bonjour", {"name": "greet"}, timestamp=5),
        ActionExecuted("action_listen", timestamp=6),
    ]:
        first.update(event)
    asyncio.run(store.save(first))
    reads = counting_reads(store)

    async def turn() -> None:
        tracker = await store.retrieve(sender)
        assert tracker.events[0].timestamp == 2  # the last session only, as Rasa reads it
        tracker.update(UserUttered("deuxième", {"name": "inform"}, timestamp=7))
        tracker.update(SlotSet("flow_step", "card", timestamp=8))
        await store.save(tracker)

    asyncio.run(turn())
    reads_in_the_turn = list(reads)
    stored = asyncio.run(store.retrieve_full_tracker(sender))
    return reads_in_the_turn, [event.as_dict() for event in stored.events]


def test_a_turn_after_a_split_session_merges_as_rasa_does_with_one_read(
    store_for, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    store = store_for("key one")
    reads, events = a_turn_on_a_conversation_with_two_sessions(store, "c400")
    assert reads == ["c400"]  # the turn's own read: the merge used the events it read
    monkeypatch.setattr(store, "_set_origin", lambda *args: None)  # Rasa's path: read again
    reads_without, events_without = a_turn_on_a_conversation_with_two_sessions(store, "c401")
    assert len(reads_without) == 2
    assert events == events_without
    assert [e["timestamp"] for e in events] == [1, 2, 3, 4, 5, 6, 7, 8]
