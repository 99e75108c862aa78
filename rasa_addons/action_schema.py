"""Checking an action server's response against Rasa's schema, one event type at a time
(used by `compat.cached_action_result_validation`; tested against the whole schema's verdict in
tests/rasa_addons/test_compat.py)."""

from __future__ import annotations

from typing import Any


def valid_by_event_type(schema: dict[str, Any], validator_class: Any) -> Any:
    """A verdict equal to the whole schema's, checking each event against its own type only.

    The events schema is `{...common, "required": ["event"], "oneOf": [one per type]}` and every
    alternative fixes `event` with `const`: an event of type X can only match alternative X, so
    "exactly one alternative holds" is "alternative X holds". The common part is kept; an
    unknown type matches none, as in the whole schema. Invalid responses are then explained by
    the whole schema (the same error as before)."""
    events_schema = schema["properties"]["events"]
    event_schema = events_schema["items"]
    common = {key: value for key, value in event_schema.items() if key != "oneOf"}
    by_type: dict[str, Any] = {}
    for alternative in event_schema["oneOf"]:
        type_name = alternative["properties"]["event"]["const"]
        if type_name in by_type:  # two alternatives for one type: no shortcut is exact
            whole = validator_class(schema)
            return whole.is_valid
        by_type[type_name] = validator_class({**common, "allOf": [alternative]})
    envelope = validator_class(
        {**schema, "properties": {**schema["properties"], "events": {"type": "array"}}}
    )

    def is_valid(result: Any) -> bool:
        if not envelope.is_valid(result):
            return False
        for event in result.get("events") or []:
            checker = by_type.get(event.get("event")) if isinstance(event, dict) else None
            if checker is None or not checker.is_valid(event):
                return False
        return True

    return is_valid
