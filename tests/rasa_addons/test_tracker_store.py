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


def test_a_write_by_another_server_in_between_is_merged_not_lost(store_for) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = store_for("key one"), store_for("key one")  # two Rasa replicas
    save_one(ours, "c200")

    async def interleaved() -> None:
        mine = await ours.retrieve("c200")
        other = await theirs.retrieve("c200")
        other.update(UserUttered("écrit par l'autre serveur", timestamp=1.0))
        await theirs.save(other)
        mine.update(UserUttered("écrit par ce serveur"))
        await ours.save(mine)

    asyncio.run(interleaved())
    texts = [e.text for e in asyncio.run(ours.retrieve("c200")).events if hasattr(e, "text")]
    assert "écrit par l'autre serveur" in texts and "écrit par ce serveur" in texts


def test_only_rasas_public_serialisation_hooks_are_overridden() -> None:
    """Reading, saving and merging stay Rasa's own (a newer Rasa's additions apply here too)."""
    from rasa.core.tracker_store import RedisTrackerStore

    overridden = {
        name
        for name, value in vars(EncryptedRedisTrackerStore).items()
        if callable(value) and getattr(RedisTrackerStore, name, None) is not None
    }
    assert overridden == {"__init__", "serialise_tracker", "deserialise_tracker"}
