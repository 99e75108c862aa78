"""`POST /v1/identity-checks`: NIR + provisional code open an activation (path A, step 2).

Unknown NIR and wrong code get the same 401 body after the same work (one HMAC, one
constant-time comparison, one failure recorded), and both count towards the per-NIR lockout.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from backend import schemas
from backend.auth import require_service_token
from backend.context import backend, db
from backend.errors import ApiError, invalid_request
from backend.hashing import Hasher, new_token, same_hash
from backend.logs import get_logger
from backend.models import Activation, Insured
from backend.openapi import operation
from backend.payload import read_body
from backend.people import CLOSED, find_by_nir_hash, has_account, parse_nir, refresh_status
from backend.throttle import IDENTITY_CHECKS
from backend.timeutil import iso
from bot.provisional_code import check_code

log = get_logger(__name__)

blueprint = Blueprint("identity", __name__, url_prefix="/v1")
blueprint.before_request(require_service_token)  # backend/auth.py

ACTIVATION_VALIDITY = timedelta(minutes=30)
# Compared against when the NIR is unknown, so that path does the same work as a wrong code.
_NO_CODE_HASH = "0" * 64


def open_activation(
    session: Session, hasher: Hasher, person: Insured, now: datetime
) -> tuple[Activation, str]:
    """A new activation; returns (activation, clear token). Only the token's hash is stored."""
    token = new_token()
    activation = Activation(
        token_hash=hasher.token(token),
        insured_id=person.id,
        created_at=now,
        expires_at=now + ACTIVATION_VALIDITY,
        card_verified=False,
    )
    session.add(activation)
    return activation, token


@blueprint.post("/identity-checks")
@operation(
    "Path A step 2: NIR + provisional code open an activation",
    tag="activation",
    ok={201: (schemas.Activation, "activation opened")},
    errors={
        401: "identity_mismatch (unknown NIR or wrong code; details.attempts_left)",
        409: "already_activated, space_closed",
        410: "code_expired",
        423: IDENTITY_CHECKS.lock_description() + " (per NIR)",
    },
    body=schemas.IdentityCheck,
    security="serviceToken",
)
def identity_check() -> ResponseReturnValue:
    app, session = backend(), db()
    now = app.now()
    body = read_body(schemas.IdentityCheck)
    nir = parse_nir(body.nir)
    code = check_code(body.provisional_code).value
    if not code:
        raise invalid_request("provisional_code", "invalid_code")

    nir_hash = app.hasher.nir(nir)
    IDENTITY_CHECKS.ensure_open(session, nir_hash, now)

    person = find_by_nir_hash(session, nir_hash)
    expected = person.code_hash if person is not None else _NO_CODE_HASH
    matched = same_hash(expected, app.hasher.provisional_code(code)) and person is not None
    if not matched:
        raise IDENTITY_CHECKS.refuse(session, nir_hash, now)

    IDENTITY_CHECKS.reset(session, nir_hash)
    refresh_status(person, now)
    if person.code_expires_at is None or person.code_expires_at <= now:
        session.commit()
        raise ApiError(410, "code_expired", "the provisional code has expired")
    if person.status == CLOSED:
        session.commit()
        raise ApiError(409, "space_closed", "the space is closed")
    if has_account(person):
        session.commit()
        raise ApiError(409, "already_activated", "the space is already activated")

    activation, token = open_activation(session, app.hasher, person, now)
    session.commit()
    log.info("identity_check.passed", nir_masked=person.nir_masked)
    return jsonify(
        activation_id=token,
        first_name=person.first_name,
        status=person.status,
        auto_created=bool(person.auto_created),
        card_type_hint=None,
        expires_at=iso(activation.expires_at),
    ), 201
