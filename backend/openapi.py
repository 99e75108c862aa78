"""The OpenAPI 3 document of the backend, served at `GET /openapi.json`.

Written by hand next to the routes (tests check that every route is described) rather than
generated, so it can carry the error codes the assistant turns into French.
"""

from __future__ import annotations

from typing import Any

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _string(description: str = "", **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def _object(
    properties: dict[str, Any], required: list[str] | None = None, description: str = ""
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if description:
        schema["description"] = description
    return schema


_DATE_TIME = _string("ISO 8601 UTC", format="date-time")
_NULLABLE_STRING = {"type": "string", "nullable": True}

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": _string("stable machine code, e.g. identity_mismatch"),
            "message": _string("English text for logs"),
            "details": {"type": "object", "additionalProperties": True},
        },
        ["error", "message", "details"],
        "Every refusal (4xx) and server failure has this body.",
    ),
    "NewInsured": _object(
        {
            "nir": _string("15 characters, spaces and dots allowed; Corsica 2A/2B accepted"),
            "birth_date": _string(format="date"),
            "first_name": _string(maxLength=100),
            "last_name": _string(maxLength=100),
            "card_type": _string(enum=["with_photo", "without_photo"]),
            "card_serial": _string("with photo: 10 digits + 1 key digit; without: 8 to 13"),
            "email": {**_NULLABLE_STRING, "format": "email"},
            "mobile": {**_NULLABLE_STRING, "description": "French or E.164, stored as E.164"},
        },
        ["nir", "birth_date", "first_name", "last_name", "card_type", "card_serial"],
    ),
    "ProvisionalCode": _object(
        {
            "provisional_code": _string("12 characters; shown once, stored hashed"),
            "code_expires_at": _DATE_TIME,
        },
        ["provisional_code", "code_expires_at"],
    ),
    "Insured": _object(
        {
            "status": _string(enum=["pending", "activated", "opposed", "closed"]),
            "identifier": _NULLABLE_STRING,
            "email": _NULLABLE_STRING,
            "mobile": _NULLABLE_STRING,
            "first_name": _string(),
            "last_name": _string(),
            "nir_masked": _string(),
            "birth_date": _string(format="date"),
            "card_type": _string(enum=["with_photo", "without_photo"]),
            "code_issued_at": {**_DATE_TIME, "nullable": True},
            "code_expires_at": {**_DATE_TIME, "nullable": True},
            "auto_created": {"type": "boolean"},
            "activated_at": {**_DATE_TIME, "nullable": True},
            "opposed_at": {**_DATE_TIME, "nullable": True},
            "closed_at": {**_DATE_TIME, "nullable": True},
        },
        ["status", "identifier", "email", "mobile", "auto_created", "code_expires_at"],
    ),
    "IdentityCheck": _object(
        {"nir": _string(), "provisional_code": _string("case, spaces and dashes ignored")},
        ["nir", "provisional_code"],
    ),
    "Activation": _object(
        {
            "activation_id": _string("opaque token, valid 30 minutes"),
            "first_name": _string(),
            "status": _string(enum=["pending", "activated", "opposed"]),
            "auto_created": {"type": "boolean"},
            "card_type_hint": {"nullable": True, "type": "string"},
            "expires_at": _DATE_TIME,
        },
        ["activation_id", "first_name", "status", "card_type_hint"],
    ),
    "Card": _object(
        {
            "card_type": _string(enum=["with_photo", "without_photo"]),
            "card_serial": _string(),
        },
        ["card_type", "card_serial"],
    ),
    "Decision": _object(
        {
            "decision": _string(enum=["activate", "oppose"]),
            "accept_cgu": {"type": "boolean", "description": "must be true to activate"},
            "accept_privacy": {"type": "boolean", "description": "must be true to activate"},
        },
        ["decision"],
    ),
    "DecisionResult": _object(
        {
            "status": _string(enum=["pending", "activated", "opposed"]),
            "decision": _string(enum=["activate", "oppose"]),
        },
        ["status", "decision"],
    ),
    "Contact": _object(
        {
            "email_masked": _NULLABLE_STRING,
            "mobile_masked": _NULLABLE_STRING,
            "email_present": {"type": "boolean"},
            "mobile_present": {"type": "boolean"},
        },
        ["email_masked", "mobile_masked", "email_present", "mobile_present"],
    ),
    "ContactUpdate": _object(
        {
            "email": {**_NULLABLE_STRING, "description": "absent or null: unchanged"},
            "mobile": {**_NULLABLE_STRING, "description": "06…, +33 6…, 0033 6… or E.164"},
        }
    ),
    "IdentifierCheck": _object({"identifier": _string()}, ["identifier"]),
    "Credentials": _object(
        {"identifier": _string(), "password": _string(format="password")},
        ["identifier", "password"],
    ),
    "CodeRequest": _object(
        {
            "nir": _string(),
            "birth_date": _string(format="date"),
            "card_type": _string(enum=["with_photo", "without_photo"]),
            "card_serial": _string(),
        },
        ["nir", "birth_date", "card_type", "card_serial"],
    ),
    "LoginStart": _object(
        {
            "identifier": _string(),
            "password": _string(format="password"),
            "channel": _string(enum=["sms", "email"]),
        },
        ["identifier", "password", "channel"],
    ),
    "LoginVerify": _object({"code": _string("6 digits")}, ["code"]),
}


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": _ref(schema)}}}


def _ok(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = {JSON: {"schema": schema}}
    return response


def _errors(**by_status: str) -> dict[str, Any]:
    """`_errors(e401="identity_mismatch", …)` → error responses naming their codes."""
    return {
        key[1:]: {"description": f"error: {codes}", "content": {JSON: {"schema": _ref("Error")}}}
        for key, codes in by_status.items()
    }


_MALFORMED = {"e400": "invalid_json", "e422": "invalid_request (details.field, details.reason)"}


def _op(
    summary: str,
    tag: str,
    responses: dict[str, Any],
    body: str | None = None,
    security: str | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses}
    if body:
        operation["requestBody"] = _body(body)
    if security:
        operation["security"] = [{security: []}]
    return operation


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


_ACTIVATION_ERRORS = {
    "e404": "activation_not_found",
    "e410": "activation_expired",
}
_ACTIVATION_STATE = "space_closed, already_activated"


def _activation_path(operations: dict[str, Any]) -> dict[str, Any]:
    return {
        "parameters": [_path_param("activation_id", "returned by POST /v1/identity-checks")],
        **operations,
    }


PATHS: dict[str, Any] = {
    "/healthz": {
        "get": _op(
            "Ready when the database answers",
            "health",
            {
                "200": _ok("ready", _object({"status": _string(enum=["ok"])})),
                "503": _ok("database unavailable", _object({"status": _string()})),
            },
        )
    },
    "/openapi.json": {
        "get": _op("This document", "health", {"200": _ok("OpenAPI 3 document", {})})
    },
    "/admin/insured": {
        "post": _op(
            "Register a notified person and issue their provisional code",
            "admin",
            {
                "201": _ok("registered", _ref("ProvisionalCode")),
                **_errors(e401="unauthorized", e409="already_exists", **_MALFORMED),
            },
            body="NewInsured",
            security="adminToken",
        )
    },
    "/admin/insured/{nir}": {
        "parameters": [_path_param("nir", "the NIR (spaces allowed, URL-encoded)")],
        "get": _op(
            "Read a person (automatic creation applied)",
            "admin",
            {
                "200": _ok("the person", _ref("Insured")),
                **_errors(e401="unauthorized", e404="not_found", e422="invalid_request"),
            },
            security="adminToken",
        ),
    },
    "/admin/insured/{nir}/provisional-code": {
        "parameters": [_path_param("nir", "the NIR (spaces allowed, URL-encoded)")],
        "post": _op(
            "Re-issue a provisional code (the previous one is revoked)",
            "admin",
            {
                "201": _ok("new code", _ref("ProvisionalCode")),
                **_errors(
                    e401="unauthorized",
                    e404="not_found",
                    e409="space_closed",
                    e422="invalid_request",
                ),
            },
            security="adminToken",
        ),
    },
    "/v1/identity-checks": {
        "post": _op(
            "Path A step 2: NIR + provisional code open an activation",
            "activation",
            {
                "201": _ok("activation opened", _ref("Activation")),
                **_errors(
                    e401="identity_mismatch (unknown NIR or wrong code; details.attempts_left)",
                    e409="already_activated, space_closed",
                    e410="code_expired",
                    e423="identity_locked (details.retry_after_seconds) after 5 failures per "
                    "NIR within 30 minutes, for 30 minutes",
                    **_MALFORMED,
                ),
            },
            body="IdentityCheck",
        )
    },
    "/v1/activations/{activation_id}/card": _activation_path(
        {
            "post": _op(
                "Step 3: carte Vitale type and serial number",
                "activation",
                {
                    "200": _ok("verified", _object({"card_verified": {"type": "boolean"}})),
                    **_errors(
                        e409=_ACTIVATION_STATE,
                        e422="card_mismatch (details.attempts_left), invalid_request",
                        e423="card_locked (details.retry_after_seconds) after 5 mismatches",
                        e400="invalid_json",
                        **_ACTIVATION_ERRORS,
                    ),
                },
                body="Card",
            )
        }
    ),
    "/v1/activations/{activation_id}/decision": _activation_path(
        {
            "post": _op(
                "Step 4: activate (both consents) or oppose (at once, reversible)",
                "activation",
                {
                    "200": _ok("decision recorded", _ref("DecisionResult")),
                    **_errors(
                        e409=f"card_not_verified, {_ACTIVATION_STATE}",
                        e422="consent_required (details.missing), invalid_request",
                        e400="invalid_json",
                        **_ACTIVATION_ERRORS,
                    ),
                },
                body="Decision",
            )
        }
    ),
    "/v1/activations/{activation_id}/contact": _activation_path(
        {
            "get": _op(
                "Step 5: contact details on file, masked",
                "activation",
                {
                    "200": _ok("masked contact", _ref("Contact")),
                    **_errors(e409=f"card_not_verified, {_ACTIVATION_STATE}", **_ACTIVATION_ERRORS),
                },
            ),
            "put": _op(
                "Step 5: change the e-mail and/or mobile",
                "activation",
                {
                    "200": _ok("updated, masked", _ref("Contact")),
                    **_errors(
                        e409=f"card_not_verified, {_ACTIVATION_STATE}",
                        e422="invalid_email, invalid_mobile, invalid_request",
                        e400="invalid_json",
                        **_ACTIVATION_ERRORS,
                    ),
                },
                body="ContactUpdate",
            ),
        }
    ),
    "/v1/activations/{activation_id}/identifier-check": _activation_path(
        {
            "post": _op(
                "Step 6: is this identifier valid and free?",
                "activation",
                {
                    "200": _ok("available", _object({"available": {"type": "boolean"}})),
                    **_errors(
                        e409=f"identifier_taken, card_not_verified, {_ACTIVATION_STATE}",
                        e422="identifier_invalid (details.rules, details.suggestion), "
                        "invalid_request",
                        e400="invalid_json",
                        **_ACTIVATION_ERRORS,
                    ),
                },
                body="IdentifierCheck",
            )
        }
    ),
    "/v1/activations/{activation_id}/credentials": _activation_path(
        {
            "post": _op(
                "Step 6: choose identifier and password; the space is activated",
                "activation",
                {
                    "201": _ok(
                        "activated",
                        _object({"status": _string(enum=["activated"]), "identifier": _string()}),
                    ),
                    **_errors(
                        e409="identifier_taken, decision_missing, card_not_verified, "
                        f"{_ACTIVATION_STATE}",
                        e422="identifier_invalid (details.rules), password_weak (details.rules), "
                        "invalid_request",
                        e400="invalid_json",
                        **_ACTIVATION_ERRORS,
                    ),
                },
                body="Credentials",
            )
        }
    ),
    "/v1/code-requests": {
        "post": _op(
            "Path B: NIR + birth date + card prove identity for a new provisional code",
            "new code",
            {
                "201": _ok(
                    "verified",
                    _object(
                        {
                            "request_id": _string("opaque token, valid 30 minutes"),
                            "mobile_masked": _string(),
                            "mobile": _string(
                                "E.164 mobile on file, for the caller's one-time code"
                            ),
                            "expires_at": _DATE_TIME,
                        }
                    ),
                ),
                **_errors(
                    e404="person_not_found (same for every mismatch; details.attempts_left)",
                    e409="no_mobile, already_activated, space_closed",
                    e423="request_locked (details.retry_after_seconds) after 5 failures per NIR",
                    **_MALFORMED,
                ),
            },
            body="CodeRequest",
        )
    },
    "/v1/code-requests/{request_id}/send": {
        "parameters": [_path_param("request_id", "returned by POST /v1/code-requests")],
        "post": _op(
            "Path B: issue a new provisional code (old one revoked) and send it by SMS",
            "new code",
            {
                "202": _ok(
                    "sent",
                    _object({"sent_to": _string("masked mobile"), "code_expires_at": _DATE_TIME}),
                ),
                **_errors(
                    e400="invalid_json",
                    e404="request_not_found",
                    e409="no_mobile, already_activated, space_closed",
                    e410="request_expired",
                    e429="too_many_sends (5 per request)",
                    e502="delivery_failed (nothing changed)",
                ),
            },
        ),
    },
    "/v1/code-requests/{request_id}/activation": {
        "parameters": [_path_param("request_id", "returned by POST /v1/code-requests")],
        "post": _op(
            "Path B, after the caller checked a one-time code sent to the mobile on file: a new "
            "provisional code (texted as a keepsake) and an activation with the card verified",
            "new code",
            {
                "201": _ok(
                    "activation opened",
                    _object(
                        {
                            "activation_id": _string("opaque token, valid 30 minutes"),
                            "first_name": _string(),
                            "status": _string(),
                            "code_sent_to": _string("masked mobile, null if the SMS failed"),
                            "code_expires_at": _DATE_TIME,
                            "expires_at": _DATE_TIME,
                        }
                    ),
                ),
                **_errors(
                    e400="invalid_json",
                    e404="request_not_found",
                    e409="no_mobile, already_activated, space_closed",
                    e410="request_expired (also once used)",
                ),
            },
        ),
    },
    "/v1/sessions": {
        "post": _op(
            "Login step 1: identifier + password; a one-time code is sent",
            "login",
            {
                "200": _ok(
                    "code sent",
                    _object(
                        {
                            "challenge_id": _string(),
                            "sent_to": _string("masked mobile or e-mail"),
                            "expires_at": _DATE_TIME,
                        }
                    ),
                ),
                **_errors(
                    e401="bad_credentials (details.attempts_left)",
                    e409="channel_unavailable (details.channel)",
                    e423="login_locked (details.retry_after_seconds) after 5 failures",
                    e502="delivery_failed",
                    **_MALFORMED,
                ),
            },
            body="LoginStart",
        )
    },
    "/v1/sessions/{challenge_id}/verify": {
        "parameters": [_path_param("challenge_id", "returned by POST /v1/sessions")],
        "post": _op(
            "Login step 2: the 6-digit code (15 minutes, 5 tries, single use)",
            "login",
            {
                "200": _ok(
                    "logged in",
                    _object({"access_token": _string(), "expires_at": _DATE_TIME}),
                ),
                **_errors(
                    e401="bad_code (details.attempts_left)",
                    e404="challenge_not_found",
                    e410="code_expired (also once used)",
                    e423="challenge_locked",
                    **_MALFORMED,
                ),
            },
            body="LoginVerify",
        ),
    },
    "/v1/me": {
        "get": _op(
            "The logged-in person",
            "login",
            {
                "200": _ok(
                    "who is logged in",
                    _object(
                        {
                            "status": _string(),
                            "identifier": _string(),
                            "first_name": _string(),
                            "email_masked": _NULLABLE_STRING,
                            "mobile_masked": _NULLABLE_STRING,
                        }
                    ),
                ),
                **_errors(e401="unauthorized"),
            },
            security="accessToken",
        )
    },
    "/v1/me/close": {
        "post": _op(
            "Close the space for good; every session is revoked",
            "login",
            {
                "200": _ok("closed", _object({"status": _string(enum=["closed"])})),
                **_errors(e401="unauthorized"),
            },
            security="accessToken",
        )
    },
}


#: the routes only the assistant's actions call (backend/auth.py)
SERVICE_ROUTES = ("/v1/identity-checks", "/v1/code-requests", "/v1/activations")


def _with_service_token(paths: dict[str, Any]) -> dict[str, Any]:
    """`paths` with the service token and its 401 on every operation of `SERVICE_ROUTES`."""
    guarded: dict[str, Any] = {}
    for path, item in paths.items():
        if path.startswith(SERVICE_ROUTES):
            item = {
                key: value
                if key == "parameters"
                else {
                    **value,
                    "security": [{"serviceToken": []}],
                    "responses": {**value["responses"], **_errors(e401="unauthorized")},
                }
                for key, value in item.items()
            }
        guarded[path] = item
    return guarded


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Mon espace santé activation backend (stand-in)",
            "version": "1.0.0",
            "description": (
                "Stand-in for the national service: activation (path A), new provisional code "
                "(path B), opposition, login. Times are ISO 8601 UTC. Every refusal is a 4xx "
                'with {"error", "message", "details"}; unknown body fields are ignored. '
                "Any route may also answer 503 database_unavailable while the database is down."
            ),
        },
        "paths": _with_service_token(PATHS),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "BACKEND_ADMIN_TOKEN",
                },
                "serviceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "BACKEND_SERVICE_TOKEN (the assistant's action server)",
                },
                "accessToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "access_token from POST /v1/sessions/{challenge_id}/verify",
                },
            },
        },
    }
