"""Speed-ups of Rasa 3.6 internals that cost CPU on every turn (found with py-spy: BENCHMARKS.md).

- `RemoteAction._validate_action_result` calls `jsonschema.validate` for every action response,
  and `jsonschema.validate` first checks the *schema* against JSON Schema's meta-schema: 28 % of
  the Rasa server's CPU under load went there. The schema is fixed, so it is checked once and
  its validator reused; responses are validated exactly as before (same errors, same message).
- `RedisTrackerStore._merge_trackers` is quadratic in the number of events: `linear_tracker_merge`.
- Rasa's structlog is left at its default (every debug line printed, "[state N] …" per policy
  prediction) unless `configure_structlog` runs, which `rasa run` does and a custom launcher
  must do too: `quiet_logs` sets it to the level of the standard logging.
"""

from __future__ import annotations

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

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
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
    linear_tracker_merge()
    quiet_logs()
