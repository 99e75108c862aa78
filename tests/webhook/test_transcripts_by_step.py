"""Transcripts at rest and redaction by the stored step, through the real webhook on a real
Redis (Rasa is down here: the person's message is redacted and kept before Rasa is called)."""

from __future__ import annotations

import json
import time

import pytest
import redis
from flask import Flask

from bot.vault import Vault
from tests.support.redis_server import dump_redis
from tests.webhook.test_sms_bad_input import post
from webhook.conversations import OTP_OUTSTANDING_SECONDS, UNREADABLE, ConversationStore

NUMBER = "+33655555555"
PASSWORD = "Soleil#Vert2026"
BOTH = f"identifiant jean.dupont85 mot de passe {PASSWORD}"
PARTIAL_CODE = "mon code est ABCD EFGH JK2 voilà"


def masked(message: str) -> str:
    return f"[message masqué, {len(message)} caractères]"


def open_at(app: Flask, step: str, **fields: str) -> tuple[ConversationStore, str]:
    """A conversation of NUMBER whose stored step (the one the next message answers) is `step`."""
    conversations = app.extensions["mes"].conversations
    conversation_id = conversations.open("sms", NUMBER)
    conversations.update(conversation_id, step=step, **fields)
    return conversations, conversation_id


def said(conversations: ConversationStore, conversation_id: str) -> list[str]:
    return [e["text"] for e in conversations.transcript(conversation_id) if e["from"] == "person"]


@pytest.mark.parametrize(
    ("step", "fields", "message", "shown", "secrets"),
    [
        (
            "nir",
            {},
            "c'est 1/85/O5/78/OO6/O84/91",
            "c'est 1 85 05 ** *** *** 91",
            ["185057800608491", "78/OO6/O84", "O84/91"],
        ),
        (
            "identifier",
            {},
            BOTH,
            "identifiant jean.dupont85 mot de passe [mot de passe masqué]",
            [PASSWORD],
        ),
        ("identifier", {}, PASSWORD, "[mot de passe masqué]", [PASSWORD, PASSWORD.lower()]),
        (
            "provisional_code",
            {},
            PARTIAL_CODE,
            masked(PARTIAL_CODE),
            ["ABCD EFGH JK2", "ABCDEFGHJK2"],
        ),
        (
            "decision",
            {"otp_asked_at": str(int(time.time()))},
            "493027",
            "[code à usage unique masqué]",
            ["493027"],
        ),
        (
            "done",
            {"credentials_reached": "1"},
            f"mon mot de passe {PASSWORD}",
            "mon mot de passe [mot de passe masqué]",
            [PASSWORD],
        ),
    ],
)
def test_the_stored_step_decides_what_is_masked(  # noqa: PLR0913 - one row of the table
    app: Flask,
    redis_client: redis.Redis,
    step: str,
    fields: dict[str, str],
    message: str,
    shown: str,
    secrets: list[str],
) -> None:
    conversations, conversation_id = open_at(app, step, **fields)
    post(app, From=NUMBER, Body=message)
    assert said(conversations, conversation_id) == [shown]
    dump = dump_redis(redis_client)
    for secret in secrets:
        assert secret.encode() not in dump


def test_six_digits_long_after_the_code_was_asked_are_not_a_code(app: Flask) -> None:
    asked = str(int(time.time()) - OTP_OUTSTANDING_SECONDS - 5)
    conversations, conversation_id = open_at(app, "decision", otp_asked_at=asked)
    post(app, From=NUMBER, Body="493027")
    assert said(conversations, conversation_id) == ["493027"]


def test_transcripts_are_encrypted_at_rest(redis_client: redis.Redis) -> None:
    vault = Vault(redis_client, "transcript-test-key")
    conversations = ConversationStore(redis_client, vault, "transcript-test-key", 3600)
    conversation_id = conversations.open("sms", NUMBER)
    conversations.append(conversation_id, "person", "mon prénom est Bérénice")
    (stored,) = redis_client.lrange(f"conv:{conversation_id}:transcript", 0, -1)
    assert stored.startswith(b"enc1:") and b"nice" not in stored
    assert conversations.transcript(conversation_id)[0]["text"] == "mon prénom est Bérénice"

    # An entry kept in clear before encryption is read; one under another key is not shown.
    legacy = json.dumps({"from": "bot", "text": "Bonjour", "at": "2026-01-01T00:00:00+00:00"})
    redis_client.rpush(f"conv:{conversation_id}:transcript", legacy)
    other = ConversationStore(redis_client, Vault(redis_client, "another key"), "k", 3600)
    other.append(conversation_id, "person", "autre clé")
    texts = [entry["text"] for entry in conversations.transcript(conversation_id)]
    assert texts == ["mon prénom est Bérénice", "Bonjour", UNREADABLE]


def test_the_transcript_key_is_not_the_vault_key(redis_client: redis.Redis) -> None:
    vault = Vault(redis_client, "one secret")
    sealed = vault.sealer(b"transcript").seal("texte")
    assert vault.decrypt(sealed.removeprefix("enc1:")) is None
    with pytest.raises(ValueError):
        vault.sealer(b"vault")
