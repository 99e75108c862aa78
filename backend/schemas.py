"""The bodies of the API, as pydantic models: requests are read with them (backend/payload.py)
and the OpenAPI document is generated from them (backend/openapi.py), so the two cannot drift.

Response models only describe: the routes build their JSON themselves.
"""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, validator

from backend.payload import (
    SPOKEN_MAX_LENGTH,
    Flag,
    RequestBody,
    blank_is_none,
    one_of,
    trimmed,
    verbatim,
)
from bot.card import CARD_TYPES

DECISIONS = ("activate", "oppose")
CHANNELS = ("sms", "email")
PASSWORD_MAX_LENGTH = 256

Spoken = trimmed(SPOKEN_MAX_LENGTH)
CardType = one_of(*CARD_TYPES)
Password = verbatim(PASSWORD_MAX_LENGTH, format="password")

# Request bodies (fields in the order they are checked: the first failure is the one reported)


class NewInsured(RequestBody):
    nir: Spoken = Field(..., description="15 characters, spaces and dots allowed; 2A/2B accepted")
    birth_date: trimmed(10, format="date") = Field(..., description="YYYY-MM-DD, not in the future")
    first_name: trimmed(100)
    last_name: trimmed(100)
    card_type: CardType
    card_serial: Spoken = Field(..., description="with photo: 10 digits + key; without: 8 to 13")
    email: trimmed(254, format="email") | None = Field(None, nullable=True)
    mobile: trimmed(40) | None = Field(
        None, nullable=True, description="French or E.164, stored as E.164"
    )

    _blank_is_none = validator("email", "mobile", pre=True, allow_reuse=True)(blank_is_none)


class IdentityCheck(RequestBody):
    nir: Spoken
    provisional_code: Spoken = Field(..., description="case, spaces and dashes ignored")


class Card(RequestBody):
    card_type: CardType
    card_serial: Spoken


class Decision(RequestBody):
    decision: one_of(*DECISIONS)
    accept_cgu: Flag | None = Field(None, description="must be true to activate")
    accept_privacy: Flag | None = Field(None, description="must be true to activate")


class ContactUpdate(RequestBody):
    email: trimmed(254) | None = Field(None, nullable=True, description="absent/null: unchanged")
    mobile: trimmed(40) | None = Field(
        None, nullable=True, description="06…, +33 6…, 0033 6… or E.164; absent/null: unchanged"
    )

    _blank_is_none = validator("email", "mobile", pre=True, allow_reuse=True)(blank_is_none)


class IdentifierCheck(RequestBody):
    identifier: trimmed(64)


class Credentials(RequestBody):
    identifier: trimmed(64)
    password: Password


class CodeRequest(RequestBody):
    nir: Spoken
    birth_date: trimmed(10, format="date")
    card_type: CardType
    card_serial: Spoken


class LoginStart(RequestBody):
    identifier: trimmed(64) = Field(..., description="lower-case; compared case-insensitively")
    password: Password
    channel: one_of(*CHANNELS)


class LoginVerify(RequestBody):
    code: trimmed(20) = Field(..., description="6 digits; spaces ignored")


REQUEST_BODIES = (
    NewInsured,
    IdentityCheck,
    Card,
    Decision,
    ContactUpdate,
    IdentifierCheck,
    Credentials,
    CodeRequest,
    LoginStart,
    LoginVerify,
)

# Responses


class Error(BaseModel):
    """Every refusal (4xx) and server failure has this body."""

    error: str = Field(..., description="stable machine code, e.g. identity_mismatch")
    message: str = Field(..., description="English text for logs")
    details: dict = Field(..., description="structured details, e.g. field and reason")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]


class ProvisionalCode(BaseModel):
    provisional_code: str = Field(..., description="12 characters; shown once, stored hashed")
    code_expires_at: datetime


class Insured(BaseModel):
    status: Literal["pending", "activated", "opposed", "closed"]
    identifier: str | None
    email: str | None
    mobile: str | None
    first_name: str
    last_name: str
    nir_masked: str
    birth_date: date
    card_type: Literal[CARD_TYPES]  # type: ignore[valid-type]
    code_issued_at: datetime | None
    code_expires_at: datetime | None
    auto_created: bool
    activated_at: datetime | None
    opposed_at: datetime | None
    closed_at: datetime | None


class Activation(BaseModel):
    activation_id: str = Field(..., description="opaque token, valid 30 minutes")
    first_name: str
    status: Literal["pending", "activated", "opposed"]
    auto_created: bool
    card_type_hint: str | None
    expires_at: datetime


class CardVerified(BaseModel):
    card_verified: bool


class DecisionResult(BaseModel):
    status: Literal["pending", "activated", "opposed"]
    decision: Literal[DECISIONS]  # type: ignore[valid-type]


class Contact(BaseModel):
    email_masked: str | None
    mobile_masked: str | None
    email_present: bool
    mobile_present: bool


class Available(BaseModel):
    available: bool


class Activated(BaseModel):
    status: Literal["activated"]
    identifier: str


class CodeRequestOpened(BaseModel):
    request_id: str = Field(..., description="opaque token, valid 30 minutes")
    mobile_masked: str
    mobile: str = Field(..., description="E.164 mobile on file, for the caller's one-time code")
    expires_at: datetime


class CodeSent(BaseModel):
    sent_to: str = Field(..., description="masked mobile")
    code_expires_at: datetime


class PathBActivation(BaseModel):
    activation_id: str = Field(..., description="opaque token, valid 30 minutes")
    first_name: str
    status: str
    code_sent_to: str | None = Field(..., description="masked mobile, null if the SMS failed")
    code_expires_at: datetime
    expires_at: datetime


class Challenge(BaseModel):
    challenge_id: str
    sent_to: str = Field(..., description="masked mobile or e-mail")
    expires_at: datetime


class AccessToken(BaseModel):
    access_token: str
    expires_at: datetime


class Me(BaseModel):
    status: str
    identifier: str
    first_name: str
    email_masked: str | None
    mobile_masked: str | None


class Closed(BaseModel):
    status: Literal["closed"]
