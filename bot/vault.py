"""The vault: sensitive values kept encrypted in Redis, replaced everywhere else by a ref.

Rasa, its tracker store and the transcripts only ever hold refs such as
`secretnir0123456789abcdef` (one token of letters and digits, so Rasa's whitespace tokenizer
keeps it whole); the actions resolve a ref when they need the value. Values are Fernet-encrypted
(AES-128-CBC + HMAC-SHA256), bound to one conversation, and expire with a TTL.

`Vault` blocks (the webhook is a Flask app); `AsyncVault` awaits (the action server runs every
action on one event loop). Both share the key, the crypto and the commands (`_VaultRules`).
"""

from __future__ import annotations

import base64
import hmac
import json
import re
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KINDS = ("nir", "code", "pwd", "otp", "tok")
REF_PATTERN = re.compile(r"\bsecret(nir|code|pwd|otp|tok)([0-9a-f]{16})\b")
_KEY_PREFIX = "vault:"
_CONVERSATION_PREFIX = "vault:conv:"


def derive_fernet_key(key: str, label: bytes = b"vault") -> bytes:
    """A Fernet key from any non-empty string (e.g. `VAULT_KEY`), with HKDF-SHA256; each use
    (`label`: the vault, Rasa's trackers…) gets a key of its own from the same secret."""
    if not key:
        raise ValueError("the vault key must not be empty")
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        key.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw)


SEALED_PREFIX = "enc1:"


class Sealer:
    """Encryption at rest for one purpose (transcripts…), with a Fernet key derived from the
    vault key under the purpose's own label: what it seals reads as `enc1:<token>`."""

    def __init__(self, key: str, label: bytes) -> None:
        self._fernet = Fernet(derive_fernet_key(key, label))

    def seal(self, plaintext: str) -> str:
        return SEALED_PREFIX + self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def unseal(self, stored: str | bytes) -> str | None:
        """The plaintext; text stored before sealing was used is returned as it is; None when
        tampered or sealed with another key."""
        text = _text(stored)
        if not text.startswith(SEALED_PREFIX):
            return text
        try:
            token = text[len(SEALED_PREFIX) :].encode("ascii")
            return self._fernet.decrypt(token).decode("utf-8")
        except (InvalidToken, UnicodeError, ValueError):
            return None


def find_refs(text: str) -> list[str]:
    """Every vault ref in `text`, in order."""
    return [match.group(0) for match in REF_PATTERN.finditer(text)]


def without_refs(text: str) -> str:
    """`text` with every vault ref blanked: what the person wrote besides their secrets.

    A ref's 16 hex characters can look like a date ("…190742ab…") or a serial's digits, so
    the parsers of other fields read this, never the refs."""
    return REF_PATTERN.sub(" ", text)


def ref_kind(ref: str) -> str:
    """The kind of a ref ("nir" for `secretnir…`); ValueError when `ref` is not one."""
    match = REF_PATTERN.fullmatch(ref)
    if not match:
        raise ValueError("not a vault ref")
    return match.group(1)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


class _VaultRules:
    """What both vaults share: the key, the crypto, the stored form of a value, and which
    commands each operation queues. Only the Redis round trips differ (`Vault` blocks, for the
    webhook; `AsyncVault` awaits, for the action server)."""

    def __init__(self, redis_client: Any, key: str, ttl_seconds: int = 7200) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._redis = redis_client
        self._fernet = Fernet(derive_fernet_key(key))
        self._sealer_key = key
        self._ttl = int(ttl_seconds)

    def sealer(self, label: bytes) -> Sealer:
        """Encryption at rest for another purpose, its key derived from the same secret."""
        if label == b"vault":
            raise ValueError("the vault's own label is not for other uses")
        return Sealer(self._sealer_key, label)

    def encrypt(self, plaintext: str) -> str:
        """A Fernet token (URL-safe text) of `plaintext`."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | bytes) -> str | None:
        """The plaintext of a token from `encrypt`; None when tampered or made with another key."""
        try:
            raw = token if isinstance(token, bytes) else token.encode("ascii")
            return self._fernet.decrypt(raw).decode("utf-8")
        except (InvalidToken, UnicodeError, ValueError):
            return None

    def _queue_put(self, pipe: Any, kind: str, value: str, conversation_id: str) -> str:
        """Queues the storing of `value` on `pipe`; its new ref."""
        if kind not in KINDS:
            raise ValueError(f"unknown vault kind: {kind!r}")
        if not conversation_id:
            raise ValueError("a vault value must belong to a conversation")
        ref = f"secret{kind}{secrets.token_hex(8)}"
        token = self.encrypt(json.dumps({"v": value, "c": conversation_id}))
        index = _CONVERSATION_PREFIX + conversation_id
        pipe.set(_KEY_PREFIX + ref, token, ex=self._ttl)
        pipe.sadd(index, ref)
        pipe.expire(index, self._ttl)
        return ref

    def _parse(self, token: Any) -> dict[str, str] | None:
        """The stored entry behind a token read from Redis, None when absent or unreadable."""
        if token is None:
            return None
        plaintext = self.decrypt(_text(token))
        if plaintext is None:
            return None
        try:
            data = json.loads(plaintext)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("v"), str):
            return None
        if not isinstance(data.get("c"), str):
            return None
        return data

    @staticmethod
    def _value_for(data: dict[str, str] | None, conversation_id: str) -> str | None:
        """The entry's value, only for the conversation it belongs to."""
        if data is None:
            return None
        if not hmac.compare_digest(data["c"].encode("utf-8"), conversation_id.encode("utf-8")):
            return None
        return data["v"]

    @staticmethod
    def _queue_delete(pipe: Any, ref: str, data: dict[str, str] | None) -> None:
        pipe.delete(_KEY_PREFIX + ref)
        if data is not None:
            pipe.srem(_CONVERSATION_PREFIX + data["c"], ref)

    @staticmethod
    def _queue_forget(pipe: Any, index: str, refs: Any) -> None:
        for ref in refs:
            pipe.delete(_KEY_PREFIX + _text(ref))
        pipe.delete(index)


class Vault(_VaultRules):
    """Encrypted, expiring, conversation-bound storage of sensitive values in Redis.

    Works with Redis clients that decode responses or not.
    """

    def put(self, kind: str, value: str, conversation_id: str) -> str:
        """Stores `value` for `conversation_id` and returns its ref `secret<kind><16 hex>`."""
        pipe = self._redis.pipeline()
        ref = self._queue_put(pipe, kind, value, conversation_id)
        pipe.execute()
        return ref

    def _load(self, ref: str) -> dict[str, str] | None:
        if not REF_PATTERN.fullmatch(ref):
            return None
        return self._parse(self._redis.get(_KEY_PREFIX + ref))

    def get(self, ref: str, conversation_id: str) -> str | None:
        """The value behind `ref`; None when missing, expired, tampered or another
        conversation's (a ref leaked into another conversation reveals nothing)."""
        return self._value_for(self._load(ref), conversation_id)

    def delete(self, ref: str) -> None:
        """Forgets one value (e.g. a one-time code once used)."""
        data = self._load(ref)
        pipe = self._redis.pipeline()
        self._queue_delete(pipe, ref, data)
        pipe.execute()

    def forget_conversation(self, conversation_id: str) -> None:
        """Forgets every value put for `conversation_id` (end of conversation, advisor close)."""
        index = _CONVERSATION_PREFIX + conversation_id
        pipe = self._redis.pipeline()
        self._queue_forget(pipe, index, self._redis.smembers(index))
        pipe.execute()


class AsyncVault(_VaultRules):
    """`Vault` on a `redis.asyncio` client, for the action server: the same entries, readable
    by either."""

    async def put(self, kind: str, value: str, conversation_id: str) -> str:
        """Stores `value` for `conversation_id` and returns its ref `secret<kind><16 hex>`."""
        pipe = self._redis.pipeline()
        ref = self._queue_put(pipe, kind, value, conversation_id)
        await pipe.execute()
        return ref

    async def _load(self, ref: str) -> dict[str, str] | None:
        if not REF_PATTERN.fullmatch(ref):
            return None
        return self._parse(await self._redis.get(_KEY_PREFIX + ref))

    async def get(self, ref: str, conversation_id: str) -> str | None:
        """The value behind `ref` (see `Vault.get`)."""
        return self._value_for(await self._load(ref), conversation_id)

    async def delete(self, ref: str) -> None:
        """Forgets one value."""
        data = await self._load(ref)
        pipe = self._redis.pipeline()
        self._queue_delete(pipe, ref, data)
        await pipe.execute()

    async def forget_conversation(self, conversation_id: str) -> None:
        """Forgets every value put for `conversation_id`."""
        index = _CONVERSATION_PREFIX + conversation_id
        pipe = self._redis.pipeline()
        self._queue_forget(pipe, index, await self._redis.smembers(index))
        await pipe.execute()
