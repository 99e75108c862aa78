"""Keyed hashes, random tokens, one-time codes and password hashing, in one place.

Secrets are stored as HMAC-SHA256 keyed with the pepper (a database dump alone cannot be
brute-forced, even for 6-digit codes) and compared with `hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.nir import nir_hash
from bot.provisional_code import code_hash

ONE_TIME_CODE_DIGITS = 6


def same_hash(expected: str | None, actual: str) -> bool:
    """Constant-time comparison; a missing expected hash never matches."""
    return hmac.compare_digest((expected or "").encode("ascii"), actual.encode("ascii"))


def new_token() -> str:
    """An opaque id for activations, code requests, challenges and sessions (256 bits)."""
    return secrets.token_urlsafe(32)


def new_one_time_code() -> str:
    """A 6-digit code from the CSPRNG (never `random`)."""
    return f"{secrets.randbelow(10**ONE_TIME_CODE_DIGITS):0{ONE_TIME_CODE_DIGITS}d}"


class Hasher:
    """HMACs keyed with the pepper; a purpose label keeps hashes of different kinds apart."""

    def __init__(self, pepper: bytes) -> None:
        self._pepper = pepper

    def nir(self, nir: str) -> str:
        return nir_hash(nir, self._pepper)

    def provisional_code(self, code: str) -> str:
        return code_hash(code, self._pepper)

    def keyed(self, purpose: str, value: str) -> str:
        message = purpose.encode("utf-8") + b"\x00" + value.encode("utf-8")
        return hmac.new(self._pepper, message, hashlib.sha256).hexdigest()

    def token(self, token: str) -> str:
        return self.keyed("token", token)

    def card_serial(self, serial: str) -> str:
        return self.keyed("card-serial", serial)

    def identifier(self, identifier: str) -> str:
        return self.keyed("identifier", identifier)

    def one_time_code(self, challenge_token: str, code: str) -> str:
        """Bound to its challenge: a code is worth nothing for another challenge."""
        return self.keyed("login-code", f"{challenge_token}\x00{code}")


class Passwords:
    """Argon2id (argon2-cffi defaults, RFC 9106 low-memory profile).

    `verify` does the same work when there is no account (a dummy hash), so response time does
    not tell whether an identifier exists.
    """

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy_hash, password) and bool(stored)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)
