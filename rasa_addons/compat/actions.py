"""Patches of the Rasa server's calls to the action server (rasa_addons/compat/__init__.py says
how patches are pinned and tested).

- `RemoteAction._validate_action_result` calls `jsonschema.validate` for every action response,
  and `jsonschema.validate` first checks the *schema* against JSON Schema's meta-schema: 28 % of
  the Rasa server's CPU under load went there. The schema is fixed, so it is checked once and
  its validator reused; responses are validated exactly as before (same errors, same message).
  Each event is then checked against the schema of its own type only (`oneOf` over 23 event
  schemas, each naming its type with `const`, holds exactly when that one alternative holds).
- `EndpointConfig.request` opens a new aiohttp session, hence a new TCP connection, for every
  action call (3-6 per turn): `pooled_endpoint_connections` makes `EndpointConfig.session`
  hand out one kept session per endpoint.
- `RemoteAction._action_call_format` sends every event of the conversation with each action
  call (~44 KB of JSON at the end of an activation, 3-6 calls a turn): `recent_events_to_actions`
  sends the events from the person's ACTION_CALL_USER_MESSAGES-th last message on.
"""

from __future__ import annotations

from typing import Any

from rasa_addons.action_schema import valid_by_event_type
from rasa_addons.kept_sessions import kept_session


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


def pooled_endpoint_connections() -> None:
    """`EndpointConfig.session` hands out one kept aiohttp session per endpoint instead of a new
    one (a new TCP connection) per action call (rasa_addons/kept_sessions.py); `request` itself
    is Rasa's, unchanged."""
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.session = kept_session  # type: ignore[method-assign,assignment]


#: The person's last messages whose events an action call carries. What the actions read in
#: the events: the latest message's metadata (the caller), the question it answers (sent since
#: the message before) and, for "répéter", the last line said before it (actions/).
ACTION_CALL_USER_MESSAGES = 3


def recent_events_to_actions() -> None:
    """`RemoteAction._action_call_format` as Rasa's, with the tracker's events cut to the tail
    starting at the ACTION_CALL_USER_MESSAGES-th last user message (all of them when there are
    fewer). Slots, the latest message and the active loop travel apart from the events."""
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import EventVerbosity

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        events = list(tracker.events)
        users = [i for i, event in enumerate(events) if isinstance(event, UserUttered)]
        start = users[-ACTION_CALL_USER_MESSAGES] if len(users) >= ACTION_CALL_USER_MESSAGES else 0
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in events[start:]]
        result = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or (
            domain.does_custom_action_explicitly_need_domain(self.name())
        ):
            result["domain"] = domain.as_dict()
        return result

    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
