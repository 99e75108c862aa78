"""Erasure on request ("supprimer mes données"): confirmed, then everything kept is deleted."""

from __future__ import annotations

import pytest
import redis
from flask import Flask

from webhook.erasure import is_erasure_request
from webhook.texts import ERASE_CONFIRM, ERASE_DONE, ERASE_KEPT
from webhook.voice.state import CallState, Mode


@pytest.mark.parametrize(
    "text",
    ["supprimer mes données", "Supprimez mes informations SVP", "je veux effacer mes données !"],
)
def test_erasure_requests(text: str) -> None:
    assert is_erasure_request(text)


@pytest.mark.parametrize(
    "text", ["supprimer", "mes données sont-elles protégées ?", "bonjour", "oui"]
)
def test_not_erasure_requests(text: str) -> None:
    assert not is_erasure_request(text)


CALL_SID = "CA" + "e" * 32


def seeded(app: Flask, redis_client: redis.Redis) -> str:
    """A conversation with a record, a transcript, a tracker, vault entries, and a phone call's
    state and password link."""
    s = app.extensions["mes"]
    conversation_id = s.conversations.open("sms", "+33633333333")
    s.conversations.append(conversation_id, "person", "bonjour")
    s.vault.put("nir", "185057800608491", conversation_id)
    redis_client.set(f"tracker:{conversation_id}", b"enc1:...")
    voice = app.extensions["voice"]
    state = CallState(
        mode=Mode.CONFIRM, last={"lines": []}, call_sid=CALL_SID, conversation_id=conversation_id
    )
    voice.call.states.save(conversation_id, state)
    redis_client.set(f"voice:latest:{conversation_id}", CALL_SID)
    redis_client.set(f"voice:live:{conversation_id}", CALL_SID)
    voice.links.issue(conversation_id)
    return conversation_id


def keys_of(redis_client: redis.Redis, conversation_id: str) -> list[bytes]:
    found = [k for k in redis_client.scan_iter("*") if conversation_id.encode() in k]
    found += [k for k in redis_client.scan_iter("vault:secret*")]
    found += [k for k in redis_client.scan_iter("voicelink:*")]
    found += [k for k in redis_client.scan_iter(f"voice:*{CALL_SID}*")]
    if redis_client.zscore("conv:index", conversation_id) is not None:
        found.append(b"conv:index entry")
    return found


def test_confirmed_erasure_deletes_everything(app: Flask, redis_client: redis.Redis) -> None:
    dialogue = app.extensions["mes"].dialogue
    conversation_id = seeded(app, redis_client)
    assert dialogue.handle(conversation_id, "Supprimer mes données", "sms") == [ERASE_CONFIRM]
    assert keys_of(redis_client, conversation_id)  # nothing erased before the confirmation
    assert dialogue.handle(conversation_id, "OUI", "sms") == [ERASE_DONE]
    assert keys_of(redis_client, conversation_id) == []


def test_no_keeps_everything(app: Flask, redis_client: redis.Redis) -> None:
    s = app.extensions["mes"]
    conversation_id = seeded(app, redis_client)
    s.dialogue.handle(conversation_id, "effacer mes données", "sms")
    assert s.dialogue.handle(conversation_id, "non", "sms") == [ERASE_KEPT]
    assert redis_client.exists(f"tracker:{conversation_id}")
    assert "erasure_pending" not in s.conversations.get(conversation_id)
    # A later "oui" is an ordinary message again (Rasa is down here: the apology).
    assert s.dialogue.handle(conversation_id, "oui", "sms") != [ERASE_DONE]
    assert redis_client.exists(f"tracker:{conversation_id}")


def test_the_voice_face_can_erase_directly(app: Flask, redis_client: redis.Redis) -> None:
    conversation_id = seeded(app, redis_client)
    app.extensions["mes"].dialogue.erase(conversation_id)
    assert keys_of(redis_client, conversation_id) == []
