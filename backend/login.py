"""Login: identifier + password, then a 6-digit one-time code sent by SMS or e-mail.

The code comes from `secrets`, is stored as an HMAC bound to its challenge, lives 15 minutes,
allows 5 wrong tries and works once. Passwords are checked with Argon2id; an unknown identifier
is checked against a dummy hash so timing does not tell which identifiers exist.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select, update

from backend import schemas
from backend.context import backend, db
from backend.delivery import send_email, send_sms
from backend.errors import ApiError
from backend.hashing import new_one_time_code, new_token, same_hash
from backend.logs import get_logger
from backend.models import AccessSession, Insured, LoginChallenge
from backend.openapi import operation
from backend.payload import read_body
from backend.people import ACTIVATED, CLOSED, find_by_identifier
from backend.texts import LOGIN_CODE_EMAIL_SUBJECT, login_code_email, login_code_sms
from backend.throttle import LOGINS
from backend.timeutil import iso
from bot.masking import mask_email, mask_mobile

log = get_logger(__name__)

blueprint = Blueprint("login", __name__, url_prefix="/v1")

CHALLENGE_VALIDITY = timedelta(minutes=15)
CHALLENGE_MAX_FAILURES = 5
SESSION_VALIDITY = timedelta(minutes=30)


@blueprint.post("/sessions")
@operation(
    "Login step 1: identifier + password; a one-time code is sent",
    tag="login",
    ok={200: (schemas.Challenge, "code sent")},
    errors={
        401: "bad_credentials (details.attempts_left)",
        409: "channel_unavailable (details.channel)",
        423: LOGINS.lock_description() + " (per identifier)",
        502: "delivery_failed",
    },
    body=schemas.LoginStart,
)
def start_login() -> ResponseReturnValue:
    app, session = backend(), db()
    now = app.now()
    body = read_body(schemas.LoginStart)
    # Identifiers are lower-case only, so "Jean.Dupont" can only mean "jean.dupont".
    identifier, password, channel = body.identifier.lower(), body.password, body.channel

    key = app.hasher.identifier(identifier)
    LOGINS.ensure_open(session, key, now)
    person = find_by_identifier(session, identifier)
    usable = person is not None and person.status == ACTIVATED
    stored = person.password_hash if usable else None
    if not app.passwords.verify(stored, password):
        raise LOGINS.refuse(session, key, now)
    LOGINS.reset(session, key)
    if app.passwords.needs_rehash(stored):
        person.password_hash = app.passwords.hash(password)

    destination = person.mobile if channel == "sms" else person.email
    if not destination:
        session.commit()
        raise ApiError(
            409, "channel_unavailable", f"no {channel} contact on file", {"channel": channel}
        )
    token, code = new_token(), new_one_time_code()
    challenge = LoginChallenge(
        token_hash=app.hasher.token(token),
        insured_id=person.id,
        channel=channel,
        code_hash=app.hasher.one_time_code(token, code),
        created_at=now,
        expires_at=now + CHALLENGE_VALIDITY,
        failures=0,
    )
    session.add(challenge)
    try:
        if channel == "sms":
            send_sms(destination, login_code_sms(code))
        else:
            send_email(destination, LOGIN_CODE_EMAIL_SUBJECT, login_code_email(code))
    except ApiError:
        session.rollback()
        raise
    session.commit()
    sent_to = mask_mobile(destination) if channel == "sms" else mask_email(destination)
    return jsonify(challenge_id=token, sent_to=sent_to, expires_at=iso(challenge.expires_at))


@blueprint.post("/sessions/<challenge_id>/verify")
@operation(
    "Login step 2: the 6-digit code (15 minutes, 5 tries, single use)",
    tag="login",
    ok={200: (schemas.AccessToken, "logged in")},
    errors={
        401: "bad_code (details.attempts_left)",
        404: "challenge_not_found",
        410: "code_expired (also once used)",
        423: "challenge_locked",
    },
    body=schemas.LoginVerify,
    parameters={"challenge_id": "returned by POST /v1/sessions"},
)
def verify_login(challenge_id: str) -> ResponseReturnValue:
    app, session = backend(), db()
    now = app.now()
    code = "".join(read_body(schemas.LoginVerify).code.split())
    query = select(LoginChallenge).where(
        LoginChallenge.token_hash == app.hasher.token(challenge_id)
    )
    challenge = session.execute(query).scalar_one_or_none()
    if challenge is None:
        raise ApiError(404, "challenge_not_found", "unknown challenge id")
    if challenge.used_at is not None or challenge.expires_at <= now:
        raise ApiError(410, "code_expired", "the code has expired or was already used")
    if challenge.failures >= CHALLENGE_MAX_FAILURES:
        raise ApiError(423, "challenge_locked", "too many wrong codes; log in again")
    if not same_hash(challenge.code_hash, app.hasher.one_time_code(challenge_id, code)):
        challenge.failures += 1
        session.commit()
        attempts_left = CHALLENGE_MAX_FAILURES - challenge.failures
        raise ApiError(401, "bad_code", "wrong code", {"attempts_left": attempts_left})

    challenge.used_at = now
    token = new_token()
    access = AccessSession(
        token_hash=app.hasher.token(token),
        insured_id=challenge.insured_id,
        created_at=now,
        expires_at=now + SESSION_VALIDITY,
    )
    session.add(access)
    session.commit()
    return jsonify(access_token=token, expires_at=iso(access.expires_at))


def current_person() -> tuple[AccessSession, Insured]:
    """The session and person of the `Authorization: Bearer <access_token>` header, or 401."""
    app, session = backend(), db()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    access = None
    if scheme.lower() == "bearer" and token:
        query = select(AccessSession).where(AccessSession.token_hash == app.hasher.token(token))
        access = session.execute(query).scalar_one_or_none()
    if access is None or access.revoked_at is not None or access.expires_at <= app.now():
        raise ApiError(
            401,
            "unauthorized",
            "missing, expired or unknown access token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    person = session.get(Insured, access.insured_id)
    if person.status != ACTIVATED:
        raise ApiError(401, "unauthorized", "the space is not active")
    return access, person


@blueprint.get("/me")
@operation(
    "The logged-in person",
    tag="login",
    ok={200: (schemas.Me, "who is logged in")},
    security="accessToken",
)
def who_am_i() -> ResponseReturnValue:
    _, person = current_person()
    return jsonify(
        status=person.status,
        identifier=person.identifier,
        first_name=person.first_name,
        email_masked=mask_email(person.email) if person.email else None,
        mobile_masked=mask_mobile(person.mobile) if person.mobile else None,
    )


@blueprint.post("/me/close")
@operation(
    "Close the space for good (the real service deletes it); every session is revoked",
    tag="login",
    ok={200: (schemas.Closed, "closed")},
    errors={400: "invalid_json"},
    security="accessToken",
)
def close_space() -> ResponseReturnValue:
    _, person = current_person()
    app, session = backend(), db()
    now = app.now()
    person.status = CLOSED
    person.closed_at = now
    person.password_hash = None
    session.execute(
        update(AccessSession)
        .where(AccessSession.insured_id == person.id, AccessSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.commit()
    log.info("space.closed", nir_masked=person.nir_masked)
    return jsonify(status=person.status)
