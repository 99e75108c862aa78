"""The backend's tables (SQLAlchemy 1.4, 2.0-style declarative).

Nothing secret is stored in clear: NIRs, provisional codes, card serials, one-time codes and
tokens are HMAC-SHA256 hashes keyed with the pepper; passwords are Argon2id hashes. Only portable
column types are used, so the same models run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

from backend.timeutil import as_utc

Base: Any = declarative_base()

HASH_LENGTH = 64  # hex HMAC-SHA256


class UtcDateTime(TypeDecorator):
    """Stores naive UTC and reads aware UTC, so SQLite (no time zones) and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


class Insured(Base):
    """A notified person and, once activated, their Mon espace santé account."""

    __tablename__ = "insured"

    id = Column(Integer, primary_key=True)
    nir_hash = Column(String(HASH_LENGTH), nullable=False, unique=True)
    nir_masked = Column(String(32), nullable=False)
    birth_date = Column(Date, nullable=False)
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    card_type = Column(String(16), nullable=False)
    card_serial_hash = Column(String(HASH_LENGTH), nullable=False)
    email = Column(String(254), nullable=True)
    mobile = Column(String(20), nullable=True)
    status = Column(String(16), nullable=False, default="pending")
    auto_created = Column(Boolean, nullable=False, default=False)
    identifier = Column(String(64), nullable=True, unique=True)
    password_hash = Column(String(255), nullable=True)
    code_hash = Column(String(HASH_LENGTH), nullable=True)
    code_issued_at = Column(UtcDateTime, nullable=True)
    code_expires_at = Column(UtcDateTime, nullable=True)
    created_at = Column(UtcDateTime, nullable=False)
    activated_at = Column(UtcDateTime, nullable=True)
    opposed_at = Column(UtcDateTime, nullable=True)
    closed_at = Column(UtcDateTime, nullable=True)


class Throttle(Base):
    """Failure counter for one (scope, key): identity checks, card checks, code requests, logins.

    Keyed by a hash (of the NIR, the identifier) so unknown NIRs are throttled like known ones.
    """

    __tablename__ = "throttles"
    __table_args__ = (UniqueConstraint("scope", "key_hash", name="uq_throttles_scope_key"),)

    id = Column(Integer, primary_key=True)
    scope = Column(String(32), nullable=False)
    key_hash = Column(String(HASH_LENGTH), nullable=False)
    failures = Column(Integer, nullable=False, default=0)
    window_started_at = Column(UtcDateTime, nullable=False)
    locked_until = Column(UtcDateTime, nullable=True)


class Activation(Base):
    """One activation journey (path A, steps 3 to 6) opened by a successful identity check."""

    __tablename__ = "activations"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(HASH_LENGTH), nullable=False, unique=True)
    insured_id = Column(Integer, ForeignKey("insured.id"), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    card_verified = Column(Boolean, nullable=False, default=False)
    decision = Column(String(16), nullable=True)
    completed_at = Column(UtcDateTime, nullable=True)


class CodeRequest(Base):
    """A verified "I have no provisional code" request (path B), waiting for `send`."""

    __tablename__ = "code_requests"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(HASH_LENGTH), nullable=False, unique=True)
    insured_id = Column(Integer, ForeignKey("insured.id"), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    sends = Column(Integer, nullable=False, default=0)
    last_sent_at = Column(UtcDateTime, nullable=True)


class LoginChallenge(Base):
    """Second login step: a 6-digit one-time code sent by SMS or e-mail."""

    __tablename__ = "login_challenges"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(HASH_LENGTH), nullable=False, unique=True)
    insured_id = Column(Integer, ForeignKey("insured.id"), nullable=False)
    channel = Column(String(8), nullable=False)
    code_hash = Column(String(HASH_LENGTH), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    failures = Column(Integer, nullable=False, default=0)
    used_at = Column(UtcDateTime, nullable=True)


class AccessSession(Base):
    """A logged-in session, returned as a bearer access token."""

    __tablename__ = "access_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(HASH_LENGTH), nullable=False, unique=True)
    insured_id = Column(Integer, ForeignKey("insured.id"), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    revoked_at = Column(UtcDateTime, nullable=True)
