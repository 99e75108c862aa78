"""Reading request bodies: malformed JSON is a 400, a bad field a 422, unknown fields ignored.

A body is a pydantic (v1, Rasa's pin) model of backend/schemas.py, built from the field types
below. The same model is declared on the route (backend/openapi.py documents it) and read here:
`read_body(Model)` refuses a model the route did not declare. Field types never coerce (`1` is
not the string "1", "yes" is not `true`), and each failure is one of our machine words, so the
422 body stays `{"field", "reason"}` with `reason` in: missing, not_a_string, too_long,
not_allowed. Rules that need the clock or the bot's parsers (a NIR's key, a date in the
future) stay with the routes, which check them after the shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

from flask import g, request
from pydantic import BaseModel, Extra, PydanticTypeError, PydanticValueError, ValidationError

from backend.errors import ApiError, invalid_request

# NIRs, codes and serials may come as the bot heard them ("un, quatre-vingt-cinq, zéro cinq…",
# "A comme Anatole…"): the rules in bot/ read those forms, so allow their length.
SPOKEN_MAX_LENGTH = 400

Body = TypeVar("Body", bound="RequestBody")


class Missing(PydanticValueError):
    code = "missing"
    msg_template = "missing"


class NotAString(PydanticTypeError):
    code = "not_a_string"
    msg_template = "not a string"


class TooLong(PydanticValueError):
    code = "too_long"
    msg_template = "too long"


class NotAllowed(PydanticValueError):
    code = "not_allowed"
    msg_template = "not allowed"


class RequestBody(BaseModel):
    # A JSON object body: unknown fields ignored, fields checked in declaration order. (No
    # docstring: pydantic would give it to every body's schema as its description.)

    class Config:
        extra = Extra.ignore
        anystr_strip_whitespace = False


class Text(str):
    """A string field type; `trimmed()`, `verbatim()` and `one_of()` make its variants."""

    max_length: ClassVar[int] = 200
    strip: ClassVar[bool] = True
    choices: ClassVar[tuple[str, ...]] = ()
    schema_extra: ClassVar[dict[str, Any]] = {}

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[..., Any]]:
        yield cls.check

    @classmethod
    def check(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise NotAString()
        value = value.strip() if cls.strip else value
        if value == "":
            raise Missing()
        if len(value) > cls.max_length:
            raise TooLong()
        if cls.choices and value not in cls.choices:
            raise NotAllowed()
        return value

    @classmethod
    def __modify_schema__(cls, field_schema: dict[str, Any]) -> None:
        field_schema.update(type="string", **cls.schema_extra)
        if cls.choices:
            field_schema["enum"] = list(cls.choices)
        else:
            field_schema["maxLength"] = cls.max_length


def trimmed(max_length: int = 200, **schema: Any) -> type[Text]:
    """Stripped text; `null`, "" and blanks are missing (or None where the field is optional)."""
    return type("Text", (Text,), {"max_length": max_length, "schema_extra": schema})


def verbatim(max_length: int = 200, **schema: Any) -> type[Text]:
    """Kept exactly as typed (passwords: spaces are characters too); only "" is missing."""
    attributes = {"max_length": max_length, "strip": False, "schema_extra": schema}
    return type("RawText", (Text,), attributes)


def one_of(*choices: str) -> type[Text]:
    """One of `choices` (after stripping)."""
    return type("Choice", (Text,), {"max_length": max(map(len, choices)), "choices": choices})


class Flag:
    """True only for JSON `true`: consent must be explicit, never inferred from "yes" or 1."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[..., Any]]:
        yield cls.check

    @classmethod
    def check(cls, value: Any) -> bool:
        return value is True

    @classmethod
    def __modify_schema__(cls, field_schema: dict[str, Any]) -> None:
        field_schema.update(type="boolean")


def blank_is_none(value: Any) -> Any:
    """For optional text fields: "" and blanks mean "not given", as `null` does."""
    return None if isinstance(value, str) and not value.strip() else value


# pydantic's own error types, in our words: a required field absent or null is "missing".
_REASONS = {"value_error.missing": "missing", "type_error.none.not_allowed": "missing"}


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


def declare_body(model: type[RequestBody] | None) -> None:
    """Called by the route's decorator (backend/openapi.py) before the view runs."""
    g.declared_body = model


def read_body(model: type[Body]) -> Body:
    """The body as `model`, which must be the one the route declares; else 400 or 422."""
    if g.get("declared_body") is not model:
        raise RuntimeError(f"{model.__name__} is not the body this route declares")
    try:
        return model.parse_obj(json_object())
    except ValidationError as error:
        first = error.errors()[0]
        reason = _REASONS.get(first["type"], first["type"].rsplit(".", 1)[-1])
        raise invalid_request(str(first["loc"][0]), reason) from None
