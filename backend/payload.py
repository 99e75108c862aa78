"""Reading request bodies: malformed JSON is a 400, a bad field a 422, unknown fields ignored."""

from __future__ import annotations

import json
from typing import Any

from flask import request

from backend.errors import ApiError, invalid_request

# NIRs, codes and serials may come as the bot heard them ("un, quatre-vingt-cinq, zéro cinq…",
# "A comme Anatole…"): the rules in bot/ read those forms, so allow their length.
SPOKEN_MAX_LENGTH = 400


def json_object() -> dict[str, Any]:
    """The body as a JSON object; an empty body counts as `{}` (e.g. POST …/send)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        raise ApiError(400, "invalid_json", "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "request body must be a JSON object")
    return body


def text_field(
    body: dict[str, Any], name: str, *, required: bool = True, max_length: int = 200
) -> str | None:
    """A string field, stripped; None when absent, null or blank and not required."""
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise invalid_request(name, "missing")
        return None
    if not isinstance(value, str):
        raise invalid_request(name, "not_a_string")
    value = value.strip()
    if len(value) > max_length:
        raise invalid_request(name, "too_long")
    return value


def raw_text_field(body: dict[str, Any], name: str, *, max_length: int = 200) -> str:
    """A required string kept exactly as typed (passwords: spaces are characters too)."""
    value = body.get(name)
    if value is None or value == "":
        raise invalid_request(name, "missing")
    if not isinstance(value, str):
        raise invalid_request(name, "not_a_string")
    if len(value) > max_length:
        raise invalid_request(name, "too_long")
    return value


def choice_field(body: dict[str, Any], name: str, choices: tuple[str, ...]) -> str:
    """A required string among `choices`."""
    value = text_field(body, name)
    if value not in choices:
        raise invalid_request(name, "not_allowed")
    return value


def flag(body: dict[str, Any], name: str) -> bool:
    """True only for JSON `true`: consent must be explicit, never inferred from "yes" or 1."""
    return body.get(name) is True
