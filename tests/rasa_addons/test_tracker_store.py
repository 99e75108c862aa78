"""The tracker store (rasa_addons/tracker_store.py): encrypted chunks appended in Redis, the
last saved tracker kept for the next turn, and what it hands out is what Rasa's own Redis
store hands out, turn after turn (a differential test on the same events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import redis
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from rasa_addons.tracker_store import PREFIX, WHOLE_PREFIX, EncryptedRedisTrackerStore

SECRET_TEXT = "je m'appelle Camille Martin, identifiant camille.martin85"

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, inform]
entities: [code]
slots:
  flow_step: {type: text, influence_conversation: true, mappings: [{type: custom}]}
  code: {type: text, mappings: [{type: from_entity, entity: code}]}
forms:
  code_form: {required_slots: [code]}
responses:
  utter_ask_code: [{text: "Votre code ?"}]
"""
)


class CountingStore(EncryptedRedisTrackerStore):
    """The store, counting the trackers it rebuilds from what is stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.builds = 0

    def build(self, sender_id: str, events: list[dict[str, Any]]) -> DialogueStateTracker:
        self.builds += 1
        return super().build(sender_id, events)


@pytest.fixture
def store_for(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "no.env"))
    where = urlparse(redis_url)

    def build(key: str = "key one", **options: Any) -> CountingStore:
        monkeypatch.setenv("VAULT_KEY", key)
        return CountingStore(
            domain=DOMAIN, host=where.hostname, port=where.port, key_prefix="tracker:", **options
        )

    return build


@pytest.fixture
def rasas(redis_url: str) -> RedisTrackerStore:
    """Rasa's own Redis store, on other keys of the same Redis."""
    where = urlparse(redis_url)
    return RedisTrackerStore(
        domain=DOMAIN, host=where.hostname, port=where.port, key_prefix="rasas"
    )


def turns() -> list[list[Event]]:
    """An activation's turns as Rasa records them: the metadata slot before the first
    `action_session_start`, a form, then a new session after a pause."""
    return [
        [
            SlotSet("session_started_metadata", {"channel": "sms"}, timestamp=1),
            ActionExecuted("action_session_start", timestamp=2),
            SessionStarted(timestamp=3),
            ActionExecuted("action_listen", timestamp=4),
            UserUttered("bonjour", {"name": "greet", "confidence": 0.9}, timestamp=5),
            ActionExecuted("code_form", timestamp=6),
            ActiveLoop("code_form", timestamp=7),
            BotUttered("Votre code ?", timestamp=8),
            ActionExecuted("action_listen", timestamp=9),
        ],
        [
            UserUttered(
                "mon code est ABCD123456",
                {"name": "inform", "confidence": 0.8},
                entities=[{"entity": "code", "value": "ABCD123456", "start": 13, "end": 23}],
                timestamp=10,
            ),
            ActionExecuted("code_form", timestamp=11),
            SlotSet("code", "ABCD123456", timestamp=12),
            ActiveLoop(None, timestamp=13),
            SlotSet("flow_step", "identity", timestamp=14),
            BotUttered(SECRET_TEXT, timestamp=15),
            ActionExecuted("action_listen", timestamp=16),
        ],
        [
            UserUttered("merci", {"name": "inform", "confidence": 0.7}, timestamp=17),
            BotUttered("Je vous en prie.", timestamp=18),
            ActionExecuted("action_listen", timestamp=19),
        ],
        [
            ActionExecuted("action_session_start", timestamp=30),
            SessionStarted(timestamp=31),
            SlotSet("flow_step", "identity", timestamp=32),
            ActionExecuted("action_listen", timestamp=33),
            UserUttered("re-bonjour", {"name": "greet", "confidence": 0.9}, timestamp=34),
            ActionExecuted("action_listen", timestamp=35),
        ],
        [
            UserUttered("au revoir", {"name": "greet", "confidence": 0.9}, timestamp=36),
            ActionExecuted("action_listen", timestamp=37),
        ],
    ]


def state(tracker: DialogueStateTracker | None) -> dict[str, Any] | None:
    """The tracker's whole state; the clock time of the `action_listen` a new tracker starts
    with (set by Rasa, differs between the two runs) made 0."""
    if tracker is None:
        return None
    current = tracker.current_state(EventVerbosity.ALL)
    for event in current["events"]:
        if event["timestamp"] > 1e6:
            event["timestamp"] = 0
    if current["latest_event_time"] > 1e6:
        current["latest_event_time"] = 0
    return current


def run_turns(store: Any, sender: str, each: Callable[[int], None] | None = None) -> list[Any]:
    """Every turn as Rasa's processor does it: get (or create) the tracker, add the events,
    save; the tracker each turn began with, as a state."""
    began = []
    for number, events in enumerate(turns()):
        tracker = asyncio.run(store.get_or_create_tracker(sender))
        began.append(state(tracker))
        for event in events:
            tracker.update(event)
        asyncio.run(store.save(tracker))
        if each:
            each(number)
    return began


def test_every_turn_begins_with_what_rasas_store_hands_out(store_for, rasas) -> None:  # type: ignore[no-untyped-def]
    ours = store_for()
    theirs_began = run_turns(rasas, "c1")
    builds: list[int] = []

    def count(_: int) -> None:
        builds.append(ours.builds)

    ours_began = run_turns(ours, "c1", count)
    assert len(ours_began) == len(theirs_began) == len(turns())
    for mine, theirs in zip(ours_began, theirs_began, strict=True):
        assert mine == theirs
    fresh = store_for()  # another server: everything read from Redis
    assert state(asyncio.run(fresh.retrieve("c1"))) == state(asyncio.run(rasas.retrieve("c1")))
    full = asyncio.run(fresh.retrieve_full_tracker("c1"))
    assert state(full) == state(asyncio.run(rasas.retrieve_full_tracker("c1")))
    # Rebuilt only after a turn that started a session (what `retrieve` gives then is the new
    # session, not the tracker saved): turns 2 and 5; turns 3 and 4 got the kept tracker.
    assert builds == [0, 1, 1, 1, 2]


def test_a_save_appends_only_its_new_events_encrypted(store_for, redis_client: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    store = store_for()
    lengths: list[int] = []
    run_turns(store, "c2", lambda _: lengths.append(redis_client.llen("tracker:c2")))
    assert lengths == [2, 3, 4, 5, 6]  # the created tracker, then one chunk per save
    chunks = redis_client.lrange("tracker:c2", 0, -1)
    for chunk in chunks:
        assert chunk.startswith(PREFIX.encode())
        assert b"camille" not in chunk.lower() and b"code_form" not in chunk
    sizes = [len(store.decrypt(chunk.decode())) for chunk in chunks]
    assert sizes == [1, *[len(events) for events in turns()]]


def test_a_write_by_another_server_in_between_is_merged_not_lost(store_for) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = store_for(), store_for()  # two Rasa replicas
    tracker = ours.init_tracker("c3")
    tracker.update(UserUttered("bonjour", timestamp=1.0))
    asyncio.run(ours.save(tracker))

    async def interleaved() -> None:
        mine = await ours.retrieve("c3")  # the kept tracker
        other = await theirs.retrieve("c3")
        other.update(UserUttered("écrit par l'autre serveur", timestamp=2.0))
        await theirs.save(other)
        mine.update(UserUttered("écrit par ce serveur", timestamp=3.0))
        await ours.save(mine)

    asyncio.run(interleaved())
    for reader in (ours, theirs, store_for()):
        events = asyncio.run(reader.retrieve("c3")).events
        texts = [event.text for event in events if isinstance(event, UserUttered)]
        assert texts == ["bonjour", "écrit par l'autre serveur", "écrit par ce serveur"]


def test_the_kept_tracker_is_not_used_once_another_server_wrote(store_for) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = store_for(), store_for()
    tracker = ours.init_tracker("c4")
    tracker.update(UserUttered("bonjour", timestamp=1.0))
    asyncio.run(ours.save(tracker))
    other = asyncio.run(theirs.retrieve("c4"))
    other.update(UserUttered("par l'autre", timestamp=2.0))
    asyncio.run(theirs.save(other))
    again = asyncio.run(ours.retrieve("c4"))
    assert again is not tracker
    assert [e.text for e in again.events] == ["bonjour", "par l'autre"]


def test_a_turn_that_failed_leaves_no_unsaved_event_behind(store_for) -> None:  # type: ignore[no-untyped-def]
    store = store_for()
    tracker = store.init_tracker("c5")
    tracker.update(UserUttered("bonjour", timestamp=1.0))
    asyncio.run(store.save(tracker))
    turn = asyncio.run(store.retrieve("c5"))
    assert turn is tracker  # kept
    turn.update(UserUttered("jamais enregistré", timestamp=2.0))  # then the turn fails
    again = asyncio.run(store.retrieve("c5"))
    assert [e.text for e in again.events] == ["bonjour"]


def test_an_erased_conversation_is_gone_even_when_kept(store_for, redis_client) -> None:  # type: ignore[no-untyped-def]
    store = store_for()
    tracker = store.init_tracker("c6")
    tracker.update(UserUttered(SECRET_TEXT, timestamp=1.0))
    asyncio.run(store.save(tracker))
    redis_client.delete("tracker:c6")  # what the webhook's erasure does
    assert asyncio.run(store.retrieve("c6")) is None
    assert not asyncio.run(store.exists("c6"))


def test_another_key_reads_a_new_conversation_instead_of_crashing(store_for) -> None:  # type: ignore[no-untyped-def]
    first = store_for("key one")
    tracker = first.init_tracker("c7")
    tracker.update(UserUttered(SECRET_TEXT))
    asyncio.run(first.save(tracker))
    other = store_for("key two")
    fresh = asyncio.run(other.retrieve("c7"))
    assert fresh is not None and fresh.latest_message.text in (None, "")
    fresh.update(UserUttered("nouveau départ", timestamp=5.0))
    asyncio.run(other.save(fresh))  # rewritten under the new key, readable again
    texts = [e.text for e in asyncio.run(store_for("key two").retrieve("c7")).events]
    assert texts == ["nouveau départ"]


def test_a_tracker_stored_whole_by_the_previous_version_is_read_then_appended(  # type: ignore[no-untyped-def]
    store_for, redis_client
) -> None:
    store = store_for()
    old = store.init_tracker("c8")
    old.update(UserUttered("avant la mise à jour", timestamp=1.0))
    whole = json.dumps(old.as_dialogue().as_dict()).encode()
    redis_client.set("tracker:c8", WHOLE_PREFIX.encode() + store.fernet.encrypt(whole))
    tracker = asyncio.run(store.retrieve("c8"))
    assert [e.text for e in tracker.events] == ["avant la mise à jour"]
    tracker.update(UserUttered("après", timestamp=2.0))
    asyncio.run(store.save(tracker))
    assert redis_client.type("tracker:c8") == b"list"
    texts = [e.text for e in asyncio.run(store_for().retrieve("c8")).events]
    assert texts == ["avant la mise à jour", "après"]


def test_trackers_expire_after_the_retention(store_for, redis_client: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    store = store_for()
    store.record_exp = 3600
    run_turns(store, "c9")
    assert 3500 < redis_client.ttl("tracker:c9") <= 3600
    redis_client.expire("tracker:c9", 10)
    tracker = asyncio.run(store.retrieve("c9"))
    asyncio.run(store.save(tracker))  # nothing new: the expiry is renewed all the same
    assert 3500 < redis_client.ttl("tracker:c9") <= 3600


def test_keeping_can_be_turned_off(store_for) -> None:  # type: ignore[no-untyped-def]
    store = store_for(kept_trackers=0)
    run_turns(store, "c10")
    assert store.builds == 4  # every turn but the first read and rebuilt
