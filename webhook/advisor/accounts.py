"""Advisor accounts: an Argon2id password hash and a TOTP second factor, kept in Redis.

`advisor:<name>` is a hash: `password_hash` (Argon2id), `totp_secret` (encrypted with the
vault key: Redis alone does not give the second factor away), `role`, `first_name` (what the
person is told: "Un conseiller, Marie, prend le relais."), `created_at`, and `totp_last_step`,
the last time-step used, so that a code seen once (over a shoulder, in a log) cannot be replayed.
Failed logins are counted per username: 5 within 15 minutes lock that username for the rest of
the 15 minutes, whatever is tried. The count is reserved atomically before the password is
hashed (`login_guard.Counters`), so concurrent attempts cannot all pass the check; the limiters
per client address and overall, and the bound on hashes in flight, are in `login_guard.py`.
"""

from __future__ import annotations

import functools
import hmac
import re
import secrets
from dataclasses import dataclass

import pyotp
import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.vault import Vault
from webhook.advisor.hours import Clock
from webhook.advisor.login_guard import Counters, LoginThrottled

ROLES = ("advisor", "supervisor")
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
MIN_PASSWORD_LENGTH = 12
TOTP_ISSUER = "Mon espace santé"
TOTP_STEP_SECONDS = 30
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60
INDEX_KEY = "advisors"

_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile

# Sets the last used time-step only when the new one is later: check and set in one step, so
# that two logins racing with the same code cannot both pass.
_ADVANCE_STEP = """
local last = tonumber(redis.call('HGET', KEYS[1], 'totp_last_step') or '-1')
if tonumber(ARGV[1]) > last then
  redis.call('HSET', KEYS[1], 'totp_last_step', ARGV[1])
  return 1
end
return 0
"""


@functools.cache
def _dummy_hash() -> str:
    """Verified against for unknown usernames, so that they cost the same time as known ones."""
    return _hasher.hash(secrets.token_urlsafe(16))


def normalise_username(username: str) -> str:
    return username.strip().lower()[:64]


@dataclass(frozen=True)
class Advisor:
    username: str
    role: str
    first_name: str
    created_at: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


class AccountError(ValueError):
    """An account cannot be created as asked (the CLI shows the message)."""


class LoginRefused(Exception):
    """Wrong username, password or code; `reason` goes to the audit log, never to the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AdvisorAccounts:
    def __init__(self, client: redis.Redis, vault: Vault, clock: Clock) -> None:
        self.redis = client
        self.vault = vault
        self.clock = clock
        self._advance_step = client.register_script(_ADVANCE_STEP)
        self._counters = Counters(client)

    @staticmethod
    def _key(username: str) -> str:
        return f"advisor:{username}"

    # -- accounts ------------------------------------------------------------------------------
    def create(
        self, username: str, password: str, role: str = "advisor", first_name: str | None = None
    ) -> str:
        """Creates an account and returns its `otpauth://` URI, for an authenticator app."""
        username = normalise_username(username)
        if not USERNAME_RE.fullmatch(username):
            raise AccountError(
                "the name must be 2 to 32 lower-case letters, digits, '.', '_' or '-'"
            )
        if role not in ROLES:
            raise AccountError(f"the role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        first_name = (first_name or re.split(r"[._-]", username)[0]).strip().title()
        secret = pyotp.random_base32()
        created = self.redis.hsetnx(self._key(username), "password_hash", _hasher.hash(password))
        if not created:
            raise AccountError(f"the advisor {username!r} already exists")
        self.redis.hset(
            self._key(username),
            mapping={
                "totp_secret": self.vault.encrypt(secret),
                "role": role,
                "first_name": first_name,
                "created_at": self.clock().isoformat(timespec="seconds"),
            },
        )
        self.redis.sadd(INDEX_KEY, username)
        return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)

    def get(self, username: str) -> Advisor | None:
        raw = self.redis.hmget(
            self._key(normalise_username(username)), "role", "first_name", "created_at"
        )
        if raw[0] is None:
            return None
        role, first_name, created_at = (v.decode() if v is not None else "" for v in raw)
        return Advisor(normalise_username(username), role, first_name, created_at)

    def all(self) -> list[Advisor]:
        names = sorted(n.decode() for n in self.redis.smembers(INDEX_KEY))
        return [a for a in (self.get(name) for name in names) if a is not None]

    def delete(self, username: str) -> bool:
        """Removes an account; its open sessions end at their next request."""
        username = normalise_username(username)
        self.redis.srem(INDEX_KEY, username)
        return bool(self.redis.delete(self._key(username)))

    # -- login ---------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str, totp: str) -> Advisor:
        """The advisor when the password and a fresh TOTP code are right; raises otherwise."""
        username = normalise_username(username)
        failures_key = f"advisor-login-failures:{username}"
        # Counted before the check (a failure unless it succeeds), in one atomic step.
        count, retry_after = self._counters.hit(failures_key, FAILURE_WINDOW_SECONDS)
        if count > MAX_FAILURES:
            raise LoginThrottled(retry_after, "username")
        advisor = self._check(username, password, totp)  # LoginRefused keeps the count
        self.redis.delete(failures_key)
        return advisor

    def _check(self, username: str, password: str, totp: str) -> Advisor:
        key = self._key(username)
        stored = self.redis.hmget(key, "password_hash", "totp_secret")
        if stored[0] is None or not USERNAME_RE.fullmatch(username):
            self._verify_password(_dummy_hash(), password)
            raise LoginRefused("unknown_user")
        password_hash = stored[0].decode()
        if not self._verify_password(password_hash, password):
            raise LoginRefused("bad_password")
        if _hasher.check_needs_rehash(password_hash):
            self.redis.hset(key, "password_hash", _hasher.hash(password))
        secret = self.vault.decrypt(stored[1] or b"")
        if secret is None:
            raise LoginRefused("bad_totp")  # made with another vault key: create it again
        step = self._matching_step(secret, totp)
        if step is None:
            raise LoginRefused("bad_totp")
        if not self._advance_step(keys=[key], args=[step]):
            raise LoginRefused("replayed_totp")
        advisor = self.get(username)
        if advisor is None:  # deleted meanwhile
            raise LoginRefused("unknown_user")
        return advisor

    @staticmethod
    def _verify_password(password_hash: str, password: str) -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _matching_step(self, secret: str, code: str) -> int | None:
        """The time-step of a right code: this one or a neighbour (clocks drift, people type
        slowly); None when the code is wrong."""
        code = re.sub(r"\s", "", code or "")
        if not re.fullmatch(r"\d{6}", code):
            return None
        totp = pyotp.TOTP(secret)
        now = int(self.clock().timestamp()) // TOTP_STEP_SECONDS
        matched = [
            step
            for step in (now - 1, now, now + 1)
            if hmac.compare_digest(totp.generate_otp(step), code)
        ]
        return max(matched) if matched else None
