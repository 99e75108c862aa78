"""`/v1/activations/<activation_id>/…`: card, decision, contact, identifier and credentials.

Path A steps 3 to 6, in order: the card must be verified before anything else is shown or
changed, and credentials need an "activate" decision.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend import schemas
from backend.auth import require_service_token
from backend.contact import ContactError, normalize_email, normalize_mobile
from backend.context import backend, db
from backend.errors import ApiError
from backend.hashing import same_hash
from backend.logs import get_logger
from backend.models import Activation, Insured
from backend.openapi import operation
from backend.payload import read_body
from backend.people import (
    ACTIVATED,
    CLOSED,
    OPPOSED,
    find_by_identifier,
    has_account,
    parse_card_serial,
    parse_card_type,
    refresh_status,
)
from backend.throttle import CARD_CHECKS
from bot.credentials import identifier_problems, password_problems, suggest_identifier
from bot.masking import mask_email, mask_mobile

log = get_logger(__name__)

blueprint = Blueprint("activation", __name__, url_prefix="/v1/activations/<activation_id>")
blueprint.before_request(require_service_token)  # backend/auth.py

CONSENTS = ("accept_cgu", "accept_privacy")


ACTIVATION_PARAMETER = {"activation_id": "returned by POST /v1/identity-checks"}
ACTIVATION_STATE = "space_closed, already_activated"
CARD_FIRST = f"card_not_verified, {ACTIVATION_STATE}"


def activation_operation(
    summary: str,
    ok: dict[int, tuple[Any, str]],
    errors: dict[int, str],
    body: type[schemas.RequestBody] | None = None,
) -> Any:
    """`operation` with what every activation route shares: its id, token and lookup errors."""
    return operation(
        summary,
        tag="activation",
        ok=ok,
        errors={404: "activation_not_found", 410: "activation_expired", **errors},
        body=body,
        security="serviceToken",
        parameters=ACTIVATION_PARAMETER,
    )


def load_activation(token: str) -> tuple[Activation, Insured]:
    """The live activation and its person; 404/410 for unknown/expired, 409 when moot."""
    app, session = backend(), db()
    now = app.now()
    query = select(Activation).where(Activation.token_hash == app.hasher.token(token))
    activation = session.execute(query).scalar_one_or_none()
    if activation is None:
        raise ApiError(404, "activation_not_found", "unknown activation id")
    if activation.completed_at is not None or activation.expires_at <= now:
        raise ApiError(410, "activation_expired", "the activation has expired or is finished")
    person = session.get(Insured, activation.insured_id)
    if refresh_status(person, now):
        session.commit()
    if person.status == CLOSED:
        raise ApiError(409, "space_closed", "the space is closed")
    if has_account(person):
        raise ApiError(409, "already_activated", "the space is already activated")
    return activation, person


def require_card(activation: Activation) -> None:
    if not activation.card_verified:
        raise ApiError(409, "card_not_verified", "the carte Vitale has not been verified yet")


@blueprint.post("/card")
@activation_operation(
    "Step 3: carte Vitale type and serial number",
    ok={200: (schemas.CardVerified, "verified")},
    errors={
        409: ACTIVATION_STATE,
        422: "card_mismatch (details.attempts_left)",
        423: CARD_CHECKS.lock_description(),
    },
    body=schemas.Card,
)
def verify_card(activation_id: str) -> ResponseReturnValue:
    activation, person = load_activation(activation_id)
    app, session = backend(), db()
    now = app.now()
    body = read_body(schemas.Card)
    card_type = parse_card_type(body.card_type)
    serial = parse_card_serial(body.card_serial, card_type)

    CARD_CHECKS.ensure_open(session, person.nir_hash, now)
    type_ok = hmac.compare_digest(card_type.encode(), person.card_type.encode())
    serial_ok = same_hash(person.card_serial_hash, app.hasher.card_serial(serial))
    if not (type_ok and serial_ok):
        raise CARD_CHECKS.refuse(session, person.nir_hash, now)
    CARD_CHECKS.reset(session, person.nir_hash)
    activation.card_verified = True
    session.commit()
    return jsonify(card_verified=True)


@blueprint.post("/decision")
@activation_operation(
    "Step 4: activate (both consents) or oppose (at once, reversible)",
    ok={200: (schemas.DecisionResult, "decision recorded")},
    errors={409: CARD_FIRST, 422: "consent_required (details.missing)"},
    body=schemas.Decision,
)
def decide(activation_id: str) -> ResponseReturnValue:
    """Activate (needs both consents; the account exists once credentials are chosen) or oppose.

    Opposing takes effect at once and stays reversible: the provisional code remains valid, so a
    later identity check followed by "activate" and credentials activates the space.
    """
    activation, person = load_activation(activation_id)
    require_card(activation)
    body = read_body(schemas.Decision)
    decision = body.decision
    if decision == "activate":
        missing = [name for name in CONSENTS if getattr(body, name) is not True]
        if missing:
            raise ApiError(
                422,
                "consent_required",
                "activating needs both the CGU and the privacy policy accepted",
                {"missing": missing},
            )
    else:
        person.status = OPPOSED
        person.opposed_at = backend().now()
        person.auto_created = False
        person.activated_at = None
        log.info("opposition.recorded", nir_masked=person.nir_masked)
    activation.decision = decision
    db().commit()
    return jsonify(status=person.status, decision=decision)


def masked_contact(person: Insured) -> dict[str, Any]:
    return {
        "email_masked": mask_email(person.email) if person.email else None,
        "mobile_masked": mask_mobile(person.mobile) if person.mobile else None,
        "email_present": person.email is not None,
        "mobile_present": person.mobile is not None,
    }


@blueprint.get("/contact")
@activation_operation(
    "Step 5: contact details on file, masked",
    ok={200: (schemas.Contact, "masked contact")},
    errors={409: CARD_FIRST},
)
def read_contact(activation_id: str) -> ResponseReturnValue:
    activation, person = load_activation(activation_id)
    require_card(activation)
    return jsonify(masked_contact(person))


@blueprint.put("/contact")
@activation_operation(
    "Step 5: change the e-mail and/or mobile (absent or null fields stay as they are)",
    ok={200: (schemas.Contact, "updated, masked")},
    errors={409: CARD_FIRST, 422: "invalid_email, invalid_mobile"},
    body=schemas.ContactUpdate,
)
def update_contact(activation_id: str) -> ResponseReturnValue:
    activation, person = load_activation(activation_id)
    require_card(activation)
    body = read_body(schemas.ContactUpdate)
    email, mobile = body.email, body.mobile
    try:
        new_email = normalize_email(email) if email is not None else person.email
    except ContactError:
        raise ApiError(
            422, "invalid_email", "not a valid e-mail address", {"field": "email"}
        ) from None
    try:
        new_mobile = normalize_mobile(mobile) if mobile is not None else person.mobile
    except ContactError:
        raise ApiError(
            422, "invalid_mobile", "not a valid mobile number", {"field": "mobile"}
        ) from None
    person.email, person.mobile = new_email, new_mobile
    db().commit()
    return jsonify(masked_contact(person))


def check_identifier(identifier: str, person: Insured) -> None:
    """422 when the identifier breaks a rule, 409 when someone else has it."""
    problems = identifier_problems(identifier)
    if problems:
        raise ApiError(
            422,
            "identifier_invalid",
            "the identifier breaks the rules",
            {"rules": problems, "suggestion": suggest_identifier(identifier)},
        )
    owner = find_by_identifier(db(), identifier)
    if owner is not None and owner.id != person.id:
        raise identifier_taken()


def identifier_taken() -> ApiError:
    return ApiError(409, "identifier_taken", "this identifier is already used")


@blueprint.post("/identifier-check")
@activation_operation(
    "Step 6: is this identifier valid and free?",
    ok={200: (schemas.Available, "available")},
    errors={
        409: f"identifier_taken, {CARD_FIRST}",
        422: "identifier_invalid (details.rules, details.suggestion)",
    },
    body=schemas.IdentifierCheck,
)
def identifier_check(activation_id: str) -> ResponseReturnValue:
    activation, person = load_activation(activation_id)
    require_card(activation)
    identifier = read_body(schemas.IdentifierCheck).identifier
    check_identifier(identifier, person)
    return jsonify(available=True)


@blueprint.post("/credentials")
@activation_operation(
    "Step 6: choose identifier and password; the space is activated",
    ok={201: (schemas.Activated, "activated")},
    errors={
        409: f"identifier_taken, decision_missing, {CARD_FIRST}",
        422: "identifier_invalid (details.rules), password_weak (details.rules)",
    },
    body=schemas.Credentials,
)
def set_credentials(activation_id: str) -> ResponseReturnValue:
    activation, person = load_activation(activation_id)
    require_card(activation)
    if activation.decision != "activate":
        raise ApiError(409, "decision_missing", "the person has not chosen to activate")
    body = read_body(schemas.Credentials)
    identifier, password = body.identifier, body.password
    check_identifier(identifier, person)
    problems = password_problems(password, identifier)
    if problems:
        raise ApiError(422, "password_weak", "the password breaks the rules", {"rules": problems})

    app, session = backend(), db()
    now = app.now()
    person.identifier = identifier
    person.password_hash = app.passwords.hash(password)
    person.status = ACTIVATED
    person.activated_at = person.activated_at or now
    activation.completed_at = now
    try:
        session.commit()
    except IntegrityError:  # the same identifier chosen concurrently
        session.rollback()
        raise identifier_taken() from None
    log.info("space.activated", nir_masked=person.nir_masked)
    return jsonify(status=person.status, identifier=person.identifier), 201
