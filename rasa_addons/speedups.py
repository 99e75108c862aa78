"""Speed-ups of Rasa 3.6 internals that cost CPU on every turn (found with py-spy: BENCHMARKS.md).

- `RemoteAction._validate_action_result` calls `jsonschema.validate` for every action response,
  and `jsonschema.validate` first checks the *schema* against JSON Schema's meta-schema: 28 % of
  the Rasa server's CPU under load went there. The schema is fixed, so it is checked once and
  its validator reused; responses are validated exactly as before (same errors, same message).
  Each event is then checked against the schema of its own type only (`oneOf` over 23 event
  schemas, each naming its type with `const`, holds exactly when that one alternative holds).
- `RedisTrackerStore._merge_trackers` is quadratic in the number of events: `linear_tracker_merge`.
- `Event.resolve_by_type` and `Slot.resolve_by_type` walk every subclass (recursively, with
  `inspect.isabstract`) for each event read: a tracker of 200 events cost 200 walks, the
  largest cost after TensorFlow in a cProfile of the Rasa server: `cached_type_resolution`.
- `EndpointConfig.request` opens a new aiohttp session, hence a new TCP connection, for every
  action call (3-6 per turn): `pooled_endpoint_connections` makes `EndpointConfig.session`
  hand out one kept session per endpoint.
- Rasa's structlog is left at its default (every debug line printed, "[state N] …" per policy
  prediction) unless `configure_structlog` runs, which `rasa run` does and a custom launcher
  must do too: `quiet_logs` sets it to the level of the standard logging.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any


def cached_action_result_validation() -> None:
    from jsonschema import ValidationError, validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action as rasa_action
    from rasa.shared.constants import DOCS_BASE_URL

    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    is_valid = valid_by_event_type(schema, validator_class)

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if is_valid(result):
            return True
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    rasa_action.RemoteAction._validate_action_result = _validate_action_result


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


def cached_type_resolution() -> None:
    """Event and slot classes looked up in a table by type name instead of a subclass walk.

    The table is built the way Rasa searches (first subclass in `all_subclasses` order wins)
    and rebuilt when a name is missing, so a subclass imported later is still found; what
    Rasa does for a name no subclass has (`default`, "topic", a module path) is left to Rasa."""
    from rasa.shared.core.events import Event
    from rasa.shared.core.slots import Slot
    from rasa.shared.utils.common import all_subclasses

    def table_lookup(base: type, table: dict[str, type], type_name: str) -> type | None:
        found = table.get(type_name)
        if found is None:
            table.clear()
            for subclass in all_subclasses(base):
                table.setdefault(subclass.type_name, subclass)  # type: ignore[attr-defined]
            found = table.get(type_name)
        return found

    events: dict[str, type] = {}
    slots: dict[str, type] = {}
    rasa_event_resolution = Event.resolve_by_type
    rasa_slot_resolution = Slot.resolve_by_type

    def resolve_event(type_name: str, default: Any = None) -> Any:
        found = table_lookup(Event, events, type_name)
        return found if found is not None else rasa_event_resolution(type_name, default)

    def resolve_slot(type_name: str) -> Any:
        found = table_lookup(Slot, slots, type_name)
        return found if found is not None else rasa_slot_resolution(type_name)

    Event.resolve_by_type = staticmethod(resolve_event)  # type: ignore[assignment]
    Slot.resolve_by_type = staticmethod(resolve_slot)  # type: ignore[assignment]


#: aiohttp sessions kept open, one per endpoint and event loop (`pooled_endpoint_connections`)
_SESSIONS: dict[tuple[int, int], Any] = {}

#: seconds an idle connection is kept: under the action server's keep-alive (Sanic: 5 s), so
#: the client never reuses a connection the server is closing
KEEPALIVE_SECONDS = 4.0


class _KeptSession:
    """`async with` on a session that outlives the block (Rasa's callers close what they enter)."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_: Any) -> None:
        return None


def pooled_endpoint_connections() -> None:
    """`EndpointConfig.session` hands out one long-lived aiohttp session per endpoint.

    Rasa's `request` enters `async with self.session()` for every call: a new connector, a new
    TCP connection and its teardown for each action a turn runs. The session is built as Rasa
    3.6 builds it (headers, basic auth, timeout) once per endpoint and event loop, with a
    connector keeping idle connections `KEEPALIVE_SECONDS`, and entering it no longer closes
    it; `request` itself is Rasa's, unchanged."""
    import aiohttp
    from rasa.utils import endpoints
    from rasa.utils.endpoints import EndpointConfig

    def session(self: EndpointConfig) -> _KeptSession:
        key = (id(self), id(asyncio.get_running_loop()))
        kept = _SESSIONS.get(key)
        if kept is None or kept.closed:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth
                else None
            )
            kept = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
            )
            _SESSIONS[key] = kept
        return _KeptSession(kept)

    EndpointConfig.session = session  # type: ignore[method-assign]


async def close_pooled_sessions(*_: Any) -> None:
    """Closes the kept sessions of the running loop (a Sanic `after_server_stop` listener)."""
    loop_id = id(asyncio.get_running_loop())
    for key in [key for key in _SESSIONS if key[1] == loop_id]:
        await _SESSIONS.pop(key).close()


def _event_key(event: Any) -> str:
    return json.dumps(event.as_dict(), sort_keys=True, default=str)


def linear_tracker_merge() -> None:
    """`RedisTrackerStore._merge_trackers` compared every new event with every stored one
    (`as_dict` both sides: quadratic in the conversation's length, 7 % of Rasa's CPU under
    load); the same rule with a set of the stored events' `as_dict` is linear."""
    from rasa.core.tracker_store import RedisTrackerStore

    def _merge_trackers(prior_tracker: Any, tracker: Any) -> Any:
        if not prior_tracker.events:
            return tracker
        last_event_timestamp = prior_tracker.events[-1].timestamp
        past_tracker = tracker.travel_back_in_time(target_time=last_event_timestamp)
        if past_tracker.events == prior_tracker.events:
            return tracker
        merged = tracker.init_copy()
        merged.update_with_events(list(prior_tracker.events), override_timestamp=False, domain=None)
        seen = {_event_key(event) for event in merged.events}
        for new_event in tracker.events:
            key = _event_key(new_event)
            if key not in seen:
                merged.update(new_event)
                seen.add(key)
        return merged

    RedisTrackerStore._merge_trackers = staticmethod(_merge_trackers)


def quiet_logs(level: int = logging.INFO) -> None:
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(level)


def apply() -> None:
    cached_action_result_validation()
    cached_type_resolution()
    pooled_endpoint_connections()
    linear_tracker_merge()
    quiet_logs()
