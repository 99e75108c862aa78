"""Every refusal is a 4xx JSON body `{"error", "message", "details"}` (ARCHITECTURE.md)."""

from __future__ import annotations

import traceback
from typing import Any

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from backend.logs import get_logger

log = get_logger(__name__)


class ApiError(Exception):
    """A refusal: status, stable machine code, English message for logs, structured details."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def invalid_request(field: str, reason: str) -> ApiError:
    """422 for a missing or malformed field; `reason` is a short machine word."""
    return ApiError(
        422,
        "invalid_request",
        f"field '{field}' is {reason.replace('_', ' ')}",
        {"field": field, "reason": reason},
    )


def database_unavailable() -> ApiError:
    return ApiError(503, "database_unavailable", "the database does not answer; try again later")


def error_body(error: str, message: str, details: dict[str, Any] | None = None) -> dict:
    return {"error": error, "message": message, "details": details or {}}


def register_error_handlers(app: Flask) -> None:
    """JSON for our refusals, Werkzeug's HTTP errors (404, 405, 413…) and unexpected bugs."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> ResponseReturnValue:
        return jsonify(error_body(exc.error, exc.message, exc.details)), exc.status, exc.headers

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> ResponseReturnValue:
        code = (exc.name or "error").lower().replace(" ", "_").replace("'", "")
        status = exc.code or 500
        headers = {}
        valid_methods = getattr(exc, "valid_methods", None)
        if valid_methods:
            headers["Allow"] = ", ".join(valid_methods)
        return jsonify(error_body(code, exc.description or exc.name)), status, headers

    @app.errorhandler(OperationalError)
    def _database_down(exc: OperationalError) -> ResponseReturnValue:
        # Connection refused or lost, SQLite file unreadable: the database is at fault, not the
        # request, so say "try again later" (the actions treat any 5xx as BackendUnavailable).
        log.warning("database.unavailable", error=type(exc.orig).__name__)
        error = database_unavailable()
        return jsonify(error_body(error.error, error.message)), error.status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        log.error("unexpected_error", error=type(exc).__name__, where=where(exc))
        return jsonify(error_body("internal_error", "unexpected server error")), 500


def where(exc: BaseException) -> str:
    """The traceback's frames without the exception's text: a message can quote what it failed
    on (a request value, an SQL parameter, a token in a URL), the frames only name code."""
    return "".join(traceback.format_tb(exc.__traceback__)).rstrip()
