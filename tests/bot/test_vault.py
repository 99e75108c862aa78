"""The vault, on a real redis-server (bot/vault.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest
import redis
import redis.asyncio

from bot.vault import REF_PATTERN, AsyncVault, Vault, derive_fernet_key, find_refs, ref_kind
from tests.support.aio import Blocking, event_loop

NIR = "185057800608491"
CONVERSATION = "conv-7f3a"


def test_put_and_get(vault: Vault) -> None:
    ref = vault.put("nir", NIR, CONVERSATION)
    assert REF_PATTERN.fullmatch(ref)
    assert ref.startswith("secretnir") and len(ref) == len("secretnir") + 16
    assert ref_kind(ref) == "nir"
    assert vault.get(ref, CONVERSATION) == NIR


@pytest.mark.parametrize("kind", ["nir", "code", "pwd", "otp", "tok"])
def test_every_kind(vault: Vault, kind: str) -> None:
    value = "Pâssw0rd! 😀 with spaces"
    ref = vault.put(kind, value, CONVERSATION)
    assert ref.startswith(f"secret{kind}")
    assert ref_kind(ref) == kind
    assert vault.get(ref, CONVERSATION) == value


def test_refs_are_single_alphanumeric_tokens(vault: Vault) -> None:
    refs = {vault.put("code", "ABCDEFGHJK23", CONVERSATION) for _ in range(50)}
    assert len(refs) == 50
    for ref in refs:
        assert ref.isalnum() and ref.isascii() and ref == ref.lower()
        assert ref.split() == [ref]


def test_unknown_kind_is_refused(vault: Vault) -> None:
    for kind in ("iban", "NIR", "n1r", ""):
        with pytest.raises(ValueError):
            vault.put(kind, "x", CONVERSATION)
    with pytest.raises(ValueError):
        vault.put("nir", NIR, "")


def test_nothing_is_stored_in_clear(
    vault: Vault, bot_redis: redis.Redis, redis_dump: Callable[[], bytes]
) -> None:
    secrets_put = [
        ("nir", NIR),
        ("code", "ABCDEFGHJK23"),
        ("pwd", "Tr0ub4dor&3"),
        ("otp", "493027"),
    ]
    refs = [vault.put(kind, value, CONVERSATION) for kind, value in secrets_put]
    dump = redis_dump()
    assert dump
    for _kind, value in secrets_put:
        assert value.encode() not in dump
        assert value.lower().encode() not in dump
    for ref in refs:
        assert bot_redis.exists(f"vault:{ref}")
    assert bot_redis.smembers(f"vault:conv:{CONVERSATION}") == {ref.encode() for ref in refs}


def test_values_expire(bot_redis: redis.Redis, vault_key: str) -> None:
    vault = Vault(bot_redis, vault_key, ttl_seconds=1)
    ref = vault.put("otp", "493027", CONVERSATION)
    assert 0 < bot_redis.pttl(f"vault:{ref}") <= 1000
    assert 0 < bot_redis.pttl(f"vault:conv:{CONVERSATION}") <= 1000
    time.sleep(1.2)
    assert vault.get(ref, CONVERSATION) is None


def test_ttl_is_set(vault: Vault, bot_redis: redis.Redis) -> None:
    ref = vault.put("nir", NIR, CONVERSATION)
    assert 590 <= bot_redis.ttl(f"vault:{ref}") <= 600
    assert 590 <= bot_redis.ttl(f"vault:conv:{CONVERSATION}") <= 600


def test_other_conversation_gets_nothing(vault: Vault) -> None:
    ref = vault.put("nir", NIR, CONVERSATION)
    assert vault.get(ref, "another-conversation") is None
    assert vault.get(ref, "") is None
    assert vault.get(ref, CONVERSATION) == NIR


def test_missing_or_malformed_refs(vault: Vault) -> None:
    assert vault.get("secretnir0123456789abcdef", CONVERSATION) is None
    assert vault.get("not a ref", CONVERSATION) is None
    assert vault.get("conv:" + CONVERSATION, CONVERSATION) is None


def test_tampered_values_are_refused(vault: Vault, bot_redis: redis.Redis) -> None:
    ref = vault.put("nir", NIR, CONVERSATION)
    token = bot_redis.get(f"vault:{ref}")
    assert token is not None
    tampered = token[:-5] + (b"AAAAA" if token[-5:] != b"AAAAA" else b"BBBBB")
    bot_redis.set(f"vault:{ref}", tampered)
    assert vault.get(ref, CONVERSATION) is None
    bot_redis.set(f"vault:{ref}", b"garbage")
    assert vault.get(ref, CONVERSATION) is None


def test_a_value_moved_to_another_ref_keeps_its_conversation(
    vault: Vault, bot_redis: redis.Redis
) -> None:
    ours = vault.put("nir", NIR, CONVERSATION)
    theirs = vault.put("nir", "295109912611193", "attacker")
    bot_redis.set(f"vault:{theirs}", bot_redis.get(f"vault:{ours}"))
    assert vault.get(theirs, "attacker") is None


def test_another_key_reads_nothing(vault: Vault, bot_redis: redis.Redis, vault_key: str) -> None:
    ref = vault.put("nir", NIR, CONVERSATION)
    other = Vault(bot_redis, "another key", ttl_seconds=600)
    assert other.get(ref, CONVERSATION) is None
    same = Vault(bot_redis, vault_key, ttl_seconds=600)
    assert same.get(ref, CONVERSATION) == NIR


def test_works_with_a_decoding_client(
    redis_url: str, bot_redis: redis.Redis, vault_key: str
) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        vault = Vault(client, vault_key)
        ref = vault.put("pwd", "Tr0ub4dor&3", CONVERSATION)
        assert vault.get(ref, CONVERSATION) == "Tr0ub4dor&3"
        vault.forget_conversation(CONVERSATION)
        assert vault.get(ref, CONVERSATION) is None
    finally:
        client.close()


def test_delete(vault: Vault, bot_redis: redis.Redis) -> None:
    ref = vault.put("otp", "493027", CONVERSATION)
    keep = vault.put("nir", NIR, CONVERSATION)
    vault.delete(ref)
    assert vault.get(ref, CONVERSATION) is None
    assert vault.get(keep, CONVERSATION) == NIR
    assert bot_redis.smembers(f"vault:conv:{CONVERSATION}") == {keep.encode()}
    vault.delete(ref)  # deleting twice is harmless
    vault.delete("not a ref")


def test_forget_conversation(vault: Vault, bot_redis: redis.Redis) -> None:
    ours = [vault.put("nir", NIR, CONVERSATION), vault.put("code", "ABCDEFGHJK23", CONVERSATION)]
    theirs = vault.put("nir", "295109912611193", "other")
    vault.forget_conversation(CONVERSATION)
    for ref in ours:
        assert vault.get(ref, CONVERSATION) is None
        assert not bot_redis.exists(f"vault:{ref}")
    assert not bot_redis.exists(f"vault:conv:{CONVERSATION}")
    assert vault.get(theirs, "other") == "295109912611193"
    vault.forget_conversation("never-seen")


def test_stored_token_holds_value_and_conversation(vault: Vault, bot_redis: redis.Redis) -> None:
    ref = vault.put("nir", NIR, CONVERSATION)
    token = bot_redis.get(f"vault:{ref}")
    assert token is not None
    assert json.loads(vault.decrypt(token.decode()) or "") == {"v": NIR, "c": CONVERSATION}


def test_encrypt_and_decrypt(vault: Vault) -> None:
    token = vault.encrypt("ABCDEFGHJK23")
    assert "ABCDEFGHJK23" not in token
    assert vault.encrypt("ABCDEFGHJK23") != token  # random IV
    assert vault.decrypt(token) == "ABCDEFGHJK23"
    assert vault.decrypt(token.encode()) == "ABCDEFGHJK23"
    assert vault.decrypt("not a token") is None
    assert vault.decrypt("") is None
    assert vault.decrypt("é") is None


def test_key_derivation() -> None:
    assert derive_fernet_key("x") == derive_fernet_key("x")
    assert derive_fernet_key("x") != derive_fernet_key("y")
    assert len(derive_fernet_key("a very long key " * 20)) == 44
    with pytest.raises(ValueError):
        derive_fernet_key("")


def test_empty_key_or_ttl_is_refused(bot_redis: redis.Redis, vault_key: str) -> None:
    with pytest.raises(ValueError):
        Vault(bot_redis, "")
    with pytest.raises(ValueError):
        Vault(bot_redis, vault_key, ttl_seconds=0)


def test_find_refs_and_kind() -> None:
    text = (
        "nir secretnir0123456789abcdef code secretcodefedcba9876543210, "
        "and not secretnir0123 nor secretxyz0123456789abcdef nor "
        "secretnir0123456789abcdef0 nor xsecretotp0123456789abcdef"
    )
    assert find_refs(text) == ["secretnir0123456789abcdef", "secretcodefedcba9876543210"]
    assert ref_kind("secretpwd0123456789abcdef") == "pwd"
    assert ref_kind("secrettok0123456789abcdef") == "tok"
    with pytest.raises(ValueError):
        ref_kind("secretnir0123")
    with pytest.raises(ValueError):
        ref_kind("secretnir0123456789ABCDEF")


# --- the action server's flavour (redis.asyncio) ----------------------------------------------


@pytest.fixture
def async_vault(bot_redis: redis.Redis, redis_url: str, vault_key: str) -> Iterator[Blocking]:
    """An `AsyncVault` on the same database as `vault`, its coroutines run to completion."""
    with event_loop() as loop:
        client = redis.asyncio.Redis.from_url(redis_url)
        yield Blocking(AsyncVault(client, vault_key, ttl_seconds=600))
        loop.run_until_complete(client.close())
        loop.run_until_complete(client.connection_pool.disconnect())


def test_both_vaults_read_each_others_values(vault: Vault, async_vault: Blocking) -> None:
    """The webhook (blocking) puts what the actions (asyncio) read, and the other way round."""
    from_webhook = vault.put("nir", "185057800608491", "conv-1")
    from_actions = async_vault.put("tok", "act-42", "conv-1")
    assert async_vault.get(from_webhook, "conv-1") == "185057800608491"
    assert vault.get(from_actions, "conv-1") == "act-42"
    assert async_vault.get(from_webhook, "conv-2") is None
    assert async_vault.get("secretnir0123456789abcdef", "conv-1") is None
    assert async_vault.get("not a ref", "conv-1") is None


def test_async_vault_delete_and_forget(
    async_vault: Blocking, bot_redis: redis.Redis, redis_dump: Callable[[], bytes]
) -> None:
    kept = async_vault.put("pwd", "Motdepasse1!", "conv-1")
    other = async_vault.put("pwd", "Autremotdepasse2?", "conv-1")
    async_vault.put("otp", "493027", "conv-2")
    assert b"Motdepasse1!" not in redis_dump()
    async_vault.delete(kept)
    assert async_vault.get(kept, "conv-1") is None
    assert async_vault.get(other, "conv-1") == "Autremotdepasse2?"
    async_vault.forget_conversation("conv-1")
    assert async_vault.get(other, "conv-1") is None
    assert not bot_redis.exists("vault:conv:conv-1")
    assert len(list(bot_redis.scan_iter("vault:secret*"))) == 1  # conv-2's code stays
    with pytest.raises(ValueError):
        async_vault.put("password", "x", "conv-1")
