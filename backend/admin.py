"""Admin API (Bearer BACKEND_ADMIN_TOKEN): register people, read them, re-issue codes.

An empty configured token refuses everything: the admin API is off until a token is set.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from backend import schemas
from backend.auth import require_admin_token
from backend.context import backend, db
from backend.errors import ApiError
from backend.logs import get_logger
from backend.models import Insured
from backend.openapi import operation
from backend.payload import read_body
from backend.people import (
    CLOSED,
    describe,
    find_by_nir_hash,
    issue_provisional_code,
    parse_new_insured,
    parse_nir,
    refresh_status,
    register_insured,
)
from backend.timeutil import iso

log = get_logger(__name__)

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
blueprint.before_request(require_admin_token)


def load_person(nir_text: str) -> Insured:
    """The person for a NIR in the path (spaces allowed), with automatic creation applied."""
    app = backend()
    person = find_by_nir_hash(db(), app.hasher.nir(parse_nir(nir_text)))
    if person is None:
        raise ApiError(404, "not_found", "no insured person with this NIR")
    if refresh_status(person, app.now()):
        db().commit()
    return person


NIR_PARAMETER = {"nir": "the NIR (spaces allowed, URL-encoded)"}
NIR_ERRORS = {404: "not_found", 422: "invalid_request (details.field, details.reason)"}


@blueprint.post("/insured")
@operation(
    "Register a notified person and issue their provisional code",
    tag="admin",
    ok={201: (schemas.ProvisionalCode, "registered")},
    errors={409: "already_exists"},
    body=schemas.NewInsured,
    security="adminToken",
)
def create_insured() -> ResponseReturnValue:
    app = backend()
    now = app.now()
    new = parse_new_insured(read_body(schemas.NewInsured), now.date())
    person, code = register_insured(db(), app.hasher, new, now)
    db().commit()
    log.info("insured.registered", nir_masked=person.nir_masked)
    return jsonify(provisional_code=code, code_expires_at=iso(person.code_expires_at)), 201


@blueprint.get("/insured/<nir>")
@operation(
    "Read a person (automatic creation applied)",
    tag="admin",
    ok={200: (schemas.Insured, "the person")},
    errors=NIR_ERRORS,
    security="adminToken",
    parameters=NIR_PARAMETER,
)
def read_insured(nir: str) -> ResponseReturnValue:
    return jsonify(describe(load_person(nir)))


@blueprint.post("/insured/<nir>/provisional-code")
@operation(
    "Re-issue a provisional code (the previous one is revoked)",
    tag="admin",
    ok={201: (schemas.ProvisionalCode, "new code")},
    errors={400: "invalid_json", **NIR_ERRORS, 409: "space_closed"},
    security="adminToken",
    parameters=NIR_PARAMETER,
)
def reissue_code(nir: str) -> ResponseReturnValue:
    person = load_person(nir)
    if person.status == CLOSED:
        raise ApiError(409, "space_closed", "the space is closed")
    code = issue_provisional_code(person, backend().hasher, backend().now())
    db().commit()
    log.info("provisional_code.reissued", nir_masked=person.nir_masked)
    return jsonify(provisional_code=code, code_expires_at=iso(person.code_expires_at)), 201
