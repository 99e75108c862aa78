"""Path B, "I have no provisional code": prove who you are, then get a new code by SMS.

`POST /v1/code-requests` checks NIR + birth date + card type + card serial; every mismatch
(unknown NIR included) gets the same 404 after the same work and counts towards a per-NIR
lockout. The answer carries the mobile on file, so that the caller (the assistant's actions,
an internal client) can prove the person holds it with a one-time code.

Then either `…/send` issues a new provisional code (revoking the old one) and texts it to the
mobile on file (if the SMS cannot be sent, nothing changes), or, once the assistant has checked
the person's one-time code, `…/activation` issues the new code, texts it as a keepsake and opens
an activation whose card is already verified: the conversation goes straight on to the decision
without the person typing the new code back. A request opens at most one activation. Because
`…/activation` trusts its caller to have checked that code, every route here needs the service
token of the assistant's actions (backend/auth.py).
"""

from __future__ import annotations

import hmac
from datetime import date, datetime, timedelta

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend import schemas
from backend.auth import require_service_token
from backend.context import backend, db
from backend.delivery import send_sms
from backend.errors import ApiError
from backend.hashing import new_token, same_hash
from backend.identity import open_activation
from backend.logs import get_logger
from backend.models import CodeRequest, Insured
from backend.openapi import operation
from backend.payload import read_body
from backend.people import (
    CLOSED,
    find_by_nir_hash,
    has_account,
    issue_provisional_code,
    parse_birth_date,
    parse_card_serial,
    parse_card_type,
    parse_nir,
    refresh_status,
)
from backend.texts import new_provisional_code_sms
from backend.throttle import CODE_REQUESTS
from backend.timeutil import iso
from bot.masking import mask_mobile

log = get_logger(__name__)

blueprint = Blueprint("codes", __name__, url_prefix="/v1/code-requests")
blueprint.before_request(require_service_token)  # backend/auth.py

REQUEST_VALIDITY = timedelta(minutes=30)
MAX_SENDS = 5
_NO_SERIAL_HASH = "0" * 64
_NO_BIRTH_DATE = date(1, 1, 1)


def check_person_state(person: Insured) -> None:
    """Only people who can still use a provisional code get one, and only on a mobile."""
    if person.status == CLOSED:
        raise ApiError(409, "space_closed", "the space is closed")
    if has_account(person):
        raise ApiError(409, "already_activated", "the space is already activated")
    if not person.mobile:
        raise ApiError(409, "no_mobile", "no mobile number on file")


REQUEST_PARAMETER = {"request_id": "returned by POST /v1/code-requests"}
PERSON_STATE = "no_mobile, already_activated, space_closed"


@blueprint.post("")
@operation(
    "Path B: NIR + birth date + card prove identity for a new provisional code",
    tag="new code",
    ok={201: (schemas.CodeRequestOpened, "verified")},
    errors={
        404: "person_not_found (same for every mismatch; details.attempts_left)",
        409: PERSON_STATE,
        423: CODE_REQUESTS.lock_description() + " (per NIR)",
    },
    body=schemas.CodeRequest,
    security="serviceToken",
)
def create_request() -> ResponseReturnValue:
    app, session = backend(), db()
    now = app.now()
    body = read_body(schemas.CodeRequest)
    nir = parse_nir(body.nir)
    birth_date = parse_birth_date(body.birth_date, now.date())
    card_type = parse_card_type(body.card_type)
    serial = parse_card_serial(body.card_serial, card_type)

    nir_hash = app.hasher.nir(nir)
    CODE_REQUESTS.ensure_open(session, nir_hash, now)

    person = find_by_nir_hash(session, nir_hash)
    expected_serial = person.card_serial_hash if person else _NO_SERIAL_HASH
    expected_type = person.card_type if person else ""
    expected_birth = person.birth_date if person else _NO_BIRTH_DATE
    serial_ok = same_hash(expected_serial, app.hasher.card_serial(serial))
    type_ok = hmac.compare_digest(expected_type.encode(), card_type.encode())
    birth_ok = expected_birth == birth_date
    if person is None or not (serial_ok and type_ok and birth_ok):
        raise CODE_REQUESTS.refuse(session, nir_hash, now)

    CODE_REQUESTS.reset(session, nir_hash)
    refresh_status(person, now)
    session.commit()
    check_person_state(person)
    token = new_token()
    request_row = CodeRequest(
        token_hash=app.hasher.token(token),
        insured_id=person.id,
        created_at=now,
        expires_at=now + REQUEST_VALIDITY,
        sends=0,
    )
    session.add(request_row)
    session.commit()
    log.info("code_request.opened", nir_masked=person.nir_masked)
    return jsonify(
        request_id=token,
        mobile_masked=mask_mobile(person.mobile),
        mobile=person.mobile,
        expires_at=iso(request_row.expires_at),
    ), 201


def load_request(request_id: str, now: datetime) -> tuple[CodeRequest, Insured]:
    """The live request and its person; 404 unknown, 410 expired or used, 409 when moot."""
    app, session = backend(), db()
    query = select(CodeRequest).where(CodeRequest.token_hash == app.hasher.token(request_id))
    request_row = session.execute(query).scalar_one_or_none()
    if request_row is None:
        raise ApiError(404, "request_not_found", "unknown code request id")
    if request_row.expires_at <= now:
        raise ApiError(410, "request_expired", "the code request has expired")
    person = session.get(Insured, request_row.insured_id)
    if refresh_status(person, now):
        session.commit()
    check_person_state(person)
    return request_row, person


@blueprint.post("/<request_id>/send")
@operation(
    "Path B: issue a new provisional code (old one revoked) and send it by SMS",
    tag="new code",
    ok={202: (schemas.CodeSent, "sent")},
    errors={
        400: "invalid_json",
        404: "request_not_found",
        409: PERSON_STATE,
        410: "request_expired",
        429: "too_many_sends (5 per request)",
        502: "delivery_failed (nothing changed)",
    },
    security="serviceToken",
    parameters=REQUEST_PARAMETER,
)
def send_code(request_id: str) -> ResponseReturnValue:
    """A body is optional, but a malformed one is still refused (`operation` checks it)."""
    app, session = backend(), db()
    now = app.now()
    request_row, person = load_request(request_id, now)
    if request_row.sends >= MAX_SENDS:
        raise ApiError(429, "too_many_sends", f"at most {MAX_SENDS} codes per request")

    code = issue_provisional_code(person, app.hasher, now)
    request_row.sends += 1
    request_row.last_sent_at = now
    try:
        send_sms(person.mobile, new_provisional_code_sms(code))
    except ApiError:
        session.rollback()  # the old code stays valid when the new one could not be sent
        raise
    session.commit()
    log.info("provisional_code.sent", nir_masked=person.nir_masked)
    return jsonify(
        sent_to=mask_mobile(person.mobile), code_expires_at=iso(person.code_expires_at)
    ), 202


@blueprint.post("/<request_id>/activation")
@operation(
    "Path B, after the caller checked a one-time code sent to the mobile on file: a new "
    "provisional code (texted as a keepsake) and an activation with the card verified",
    tag="new code",
    ok={201: (schemas.PathBActivation, "activation opened")},
    errors={
        400: "invalid_json",
        404: "request_not_found",
        409: PERSON_STATE,
        410: "request_expired (also once used)",
    },
    security="serviceToken",
    parameters=REQUEST_PARAMETER,
)
def open_activation_after_check(request_id: str) -> ResponseReturnValue:
    """The person proved they hold the mobile on file: new code, and straight on to step 4."""
    app, session = backend(), db()
    now = app.now()
    request_row, person = load_request(request_id, now)
    code = issue_provisional_code(person, app.hasher, now)
    activation, token = open_activation(session, app.hasher, person, now)
    activation.card_verified = True  # checked with the request
    request_row.expires_at = now  # one request, one activation
    session.commit()
    code_sent = True
    try:
        send_sms(person.mobile, new_provisional_code_sms(code))
    except ApiError:
        code_sent = False  # the person goes on without typing it; an advisor can resend one
    log.info("path_b_activation.opened", nir_masked=person.nir_masked)
    return jsonify(
        activation_id=token,
        first_name=person.first_name,
        status=person.status,
        code_sent_to=mask_mobile(person.mobile) if code_sent else None,
        code_expires_at=iso(person.code_expires_at),
        expires_at=iso(activation.expires_at),
    ), 201
