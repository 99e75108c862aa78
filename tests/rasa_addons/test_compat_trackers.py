"""compat's tracker store patches store exactly what Rasa's own merge and save store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from rasa.shared.core.domain import Domain

from rasa_addons import compat
from rasa_addons.tracker_store import EncryptedRedisTrackerStore


def trackers():  # type: ignore[no-untyped-def]
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    prior = DialogueStateTracker.from_events(
        "c1",
        [
            ActionExecuted("action_session_start", timestamp=1),
            SessionStarted(timestamp=2),
            UserUttered("bonjour", {"name": "greet"}, timestamp=3),
            SlotSet("flow_step", "identity", timestamp=4),
        ],
    )
    current = DialogueStateTracker.from_events(
        "c1",
        [
            ActionExecuted("action_session_start", timestamp=10),
            SessionStarted(timestamp=11),
            SlotSet("flow_step", "identity", timestamp=4),  # also in the prior session
            UserUttered("secretcode0123456789abcdef", {"name": "inform"}, timestamp=12),
            SlotSet("flow_step", "card", timestamp=13),
            SlotSet("flow_step", "card", timestamp=13),  # twice: kept once, as Rasa does
        ],
    )
    return prior, current


def merge_both_ways(make):  # type: ignore[no-untyped-def]
    """Rasa's merge and the patched one on fresh copies of the same pair of trackers."""
    prior, current = make()
    theirs = compat.merge_trackers(prior, current)
    with compat.installed(compat.cheap_tracker_merge):
        prior, current = make()
        ours = compat.merge_trackers(prior, current)
    return theirs, ours, (prior, current)


def same_tracker(theirs, ours) -> None:  # type: ignore[no-untyped-def]
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in theirs.events]
    assert ours.current_slot_values() == theirs.current_slot_values()
    assert ours.active_loop_name == theirs.active_loop_name


def test_the_cheap_merge_keeps_what_rasas_merge_keeps() -> None:
    theirs, ours, (prior, _) = merge_both_ways(trackers)
    same_tracker(theirs, ours)
    assert len(ours.events) > len(prior.events)  # the merging path ran, not the shortcut


def test_the_cheap_merge_takes_rasas_shortcut_when_what_is_stored_is_the_start() -> None:
    from rasa.shared.core.events import ActionExecuted, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    def make():  # type: ignore[no-untyped-def]
        start = [ActionExecuted("action_listen", timestamp=1), SlotSet("a", 1, timestamp=2)]
        later = [SlotSet("a", 2, timestamp=3), ActionExecuted("action_listen", timestamp=4)]
        return (
            DialogueStateTracker.from_events("c2", start),
            DialogueStateTracker.from_events("c2", [*start, *later]),
        )

    theirs, ours, (_, current) = merge_both_ways(make)
    same_tracker(theirs, ours)
    assert ours is current  # nothing to merge: the tracker itself, as Rasa returns it


def test_the_cheap_merge_agrees_with_rasa_on_interleaved_and_equal_times() -> None:
    """Two writers, events at the same times, a later event already stored, duplicates."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    def make():  # type: ignore[no-untyped-def]
        shared = [ActionExecuted("action_listen", timestamp=1), UserUttered("a", timestamp=2)]
        prior = [*shared, BotUttered("par l'autre", timestamp=5), SlotSet("s", "x", timestamp=5)]
        current = [
            *shared,
            SlotSet("s", "y", timestamp=5),  # same time as stored events, another value
            SlotSet("s", "x", timestamp=5),  # equal to a stored one: dropped
            UserUttered("b", timestamp=3),
            UserUttered("b", timestamp=3),  # twice: kept once
            BotUttered("par ce serveur", timestamp=6),
        ]
        return (
            DialogueStateTracker.from_events("c3", prior),
            DialogueStateTracker.from_events("c3", current),
        )

    theirs, ours, _ = merge_both_ways(make)
    same_tracker(theirs, ours)
    texts = [getattr(e, "text", None) for e in ours.events]
    assert texts.count("b") == 1 and "par l'autre" in texts and "par ce serveur" in texts


class CountingStore(EncryptedRedisTrackerStore):
    """The project's tracker store, counting how often a stored tracker is rebuilt."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads: list[str] = []

    def deserialise_tracker(self, sender_id: str, serialised_tracker: str | bytes) -> Any:
        self.reads.append(sender_id)
        return super().deserialise_tracker(sender_id, serialised_tracker)


@pytest.fixture
def store(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CountingStore:
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "no.env"))
    monkeypatch.setenv("VAULT_KEY", "a key for the test")
    where = urlparse(redis_url)
    return CountingStore(
        domain=Domain.empty(), host=where.hostname, port=where.port, key_prefix="tracker:"
    )


def a_turn_after_a_split_session(store: CountingStore, sender: str) -> tuple[list[str], list]:  # type: ignore[type-arg]
    """Rasa sets the metadata slot before `action_session_start`: two "sessions" for its
    split; a turn reads the last one, adds to it and saves it twice."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

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
    store.reads.clear()

    async def turn() -> None:
        tracker = await store.retrieve(sender)
        assert tracker.events[0].timestamp == 2  # the last session only, as Rasa reads it
        tracker.update(UserUttered("deuxième", {"name": "inform"}, timestamp=7))
        await store.save(tracker)
        tracker.update(SlotSet("flow_step", "card", timestamp=8))
        await store.save(tracker)

    asyncio.run(turn())
    reads = list(store.reads)
    stored = asyncio.run(store.retrieve_full_tracker(sender))
    return reads, [event.as_dict() for event in stored.events]


def test_single_read_save_stores_what_rasas_save_stores_with_one_read(store) -> None:  # type: ignore[no-untyped-def]
    rasas_reads, rasas_events = a_turn_after_a_split_session(store, "c401")
    with compat.installed(compat.single_read_save):
        reads, events = a_turn_after_a_split_session(store, "c400")
    assert events == rasas_events
    assert [e["timestamp"] for e in events] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert len(rasas_reads) == 3 and reads == ["c400"]  # the turn's own read only


def test_single_read_save_merges_a_write_by_another_server_in_between(store) -> None:  # type: ignore[no-untyped-def]
    from rasa.shared.core.events import UserUttered

    def scenario(sender: str) -> tuple[list[str], list]:  # type: ignore[type-arg]
        first = store.init_tracker(sender)
        first.update(UserUttered("bonjour", timestamp=1.0))
        asyncio.run(store.save(first))

        async def interleaved() -> list[str]:
            mine = await store.retrieve(sender)
            other = await store.retrieve(sender)  # as another Rasa server would
            other.update(UserUttered("écrit par l'autre serveur", timestamp=2.0))
            await store.save(other)
            mine.update(UserUttered("écrit par ce serveur", timestamp=3.0))
            store.reads.clear()
            await store.save(mine)
            return list(store.reads)

        reads = asyncio.run(interleaved())
        stored = asyncio.run(store.retrieve_full_tracker(sender))
        return reads, [event.as_dict() for event in stored.events]

    _, rasas_events = scenario("c501")
    with compat.installed(compat.single_read_save):
        reads, events = scenario("c500")
    assert reads == ["c500"]  # what is stored changed: read again and merged, as Rasa does
    assert events == rasas_events
    texts = [event.get("text") for event in events]
    assert texts == ["bonjour", "écrit par l'autre serveur", "écrit par ce serveur"]
