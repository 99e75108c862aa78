"""Insured people: registration (admin API and seed share it), provisional codes, status.

Statuses: `pending` (notified), `activated`, `opposed`, `closed`. A pending person whose
provisional code was issued more than 6 weeks ago has had their space created automatically:
`refresh_status` applies that lazily, with the injected clock, and the caller persists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import schemas
from backend.contact import ContactError, normalize_email, normalize_mobile
from backend.errors import ApiError, invalid_request
from backend.hashing import Hasher
from backend.models import Insured
from backend.timeutil import iso
from bot.card import CARD_TYPES, check_serial
from bot.nir import check_nir, mask_nir
from bot.provisional_code import VALIDITY, generate_code

PENDING, ACTIVATED, OPPOSED, CLOSED = "pending", "activated", "opposed", "closed"
STATUSES = (PENDING, ACTIVATED, OPPOSED, CLOSED)
AUTO_CREATION_DELAY = VALIDITY


@dataclass(frozen=True)
class NewInsured:
    """A validated `POST /admin/insured` body (values normalised, nothing hashed yet)."""

    nir: str
    birth_date: date
    first_name: str
    last_name: str
    card_type: str
    card_serial: str
    email: str | None
    mobile: str | None


def parse_nir(value: str | None, field: str = "nir") -> str:
    """The compact NIR, or 422 `invalid_request` naming the field."""
    if value is None:
        raise invalid_request(field, "missing")
    checked = check_nir(value)
    if not checked.value:
        raise invalid_request(field, "invalid_nir")
    return checked.value


def parse_birth_date(value: str | None, today: date, field: str = "birth_date") -> date:
    """`YYYY-MM-DD`, not in the future."""
    if value is None:
        raise invalid_request(field, "missing")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise invalid_request(field, "not_a_date") from None
    if parsed > today:
        raise invalid_request(field, "in_the_future")
    return parsed


def parse_card_type(value: str | None, field: str = "card_type") -> str:
    if value is None:
        raise invalid_request(field, "missing")
    if value not in CARD_TYPES:
        raise invalid_request(field, "not_allowed")
    return value


def parse_card_serial(value: str | None, card_type: str, field: str = "card_serial") -> str:
    """The serial's compact digits, checked against the card type's format."""
    if value is None:
        raise invalid_request(field, "missing")
    checked = check_serial(value, card_type)
    if not checked.value:
        raise invalid_request(field, "invalid_serial")
    return checked.value


def parse_email(value: str | None, field: str = "email") -> str | None:
    if value is None:
        return None
    try:
        return normalize_email(value)
    except ContactError:
        raise invalid_request(field, "invalid_email") from None


def parse_mobile(value: str | None, field: str = "mobile") -> str | None:
    if value is None:
        return None
    try:
        return normalize_mobile(value)
    except ContactError:
        raise invalid_request(field, "invalid_mobile") from None


def parse_new_insured(body: schemas.NewInsured, today: date) -> NewInsured:
    """Checks the rules beyond the shape; `email` and `mobile` may be null (path B then answers
    no_mobile)."""
    return NewInsured(
        nir=parse_nir(body.nir),
        birth_date=parse_birth_date(body.birth_date, today),
        first_name=body.first_name,
        last_name=body.last_name,
        card_type=body.card_type,
        card_serial=parse_card_serial(body.card_serial, body.card_type),
        email=parse_email(body.email),
        mobile=parse_mobile(body.mobile),
    )


def find_by_nir_hash(session: Session, nir_hash: str) -> Insured | None:
    return session.execute(select(Insured).where(Insured.nir_hash == nir_hash)).scalar_one_or_none()


def find_by_identifier(session: Session, identifier: str) -> Insured | None:
    query = select(Insured).where(Insured.identifier == identifier)
    return session.execute(query).scalar_one_or_none()


def issue_provisional_code(person: Insured, hasher: Hasher, now: datetime) -> str:
    """A new code replaces (revokes) the previous one; returns the clear code, never stored."""
    code = generate_code()
    person.code_hash = hasher.provisional_code(code)
    person.code_issued_at = now
    person.code_expires_at = now + VALIDITY
    return code


def register_insured(
    session: Session, hasher: Hasher, new: NewInsured, now: datetime
) -> tuple[Insured, str]:
    """Creates a notified (pending) person with a fresh provisional code; 409 if the NIR exists."""
    nir_hash = hasher.nir(new.nir)
    if find_by_nir_hash(session, nir_hash) is not None:
        raise already_exists()
    person = Insured(
        nir_hash=nir_hash,
        nir_masked=mask_nir(new.nir),
        birth_date=new.birth_date,
        first_name=new.first_name,
        last_name=new.last_name,
        card_type=new.card_type,
        card_serial_hash=hasher.card_serial(new.card_serial),
        email=new.email,
        mobile=new.mobile,
        status=PENDING,
        auto_created=False,
        created_at=now,
    )
    code = issue_provisional_code(person, hasher, now)
    session.add(person)
    try:
        session.flush()
    except IntegrityError:  # a concurrent registration of the same NIR
        session.rollback()
        raise already_exists() from None
    return person, code


def already_exists() -> ApiError:
    return ApiError(409, "already_exists", "an insured person with this NIR already exists")


def refresh_status(person: Insured, now: datetime) -> bool:
    """Applies automatic creation; True when the person changed (the caller commits)."""
    if person.status != PENDING or person.code_issued_at is None:
        return False
    created_at = person.code_issued_at + AUTO_CREATION_DELAY
    if now < created_at:
        return False
    person.status = ACTIVATED
    person.auto_created = True
    person.activated_at = created_at
    return True


def has_account(person: Insured) -> bool:
    """Credentials chosen: the person activated the space themselves (or after auto-creation)."""
    return person.status == ACTIVATED and person.identifier is not None


def describe(person: Insured) -> dict[str, Any]:
    """The admin view (`GET /admin/insured/<nir>`): no hash, no secret."""
    return {
        "status": person.status,
        "identifier": person.identifier,
        "email": person.email,
        "mobile": person.mobile,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "nir_masked": person.nir_masked,
        "birth_date": person.birth_date.isoformat(),
        "card_type": person.card_type,
        "code_issued_at": iso(person.code_issued_at),
        "code_expires_at": iso(person.code_expires_at),
        "auto_created": bool(person.auto_created),
        "activated_at": iso(person.activated_at),
        "opposed_at": iso(person.opposed_at),
        "closed_at": iso(person.closed_at),
    }
