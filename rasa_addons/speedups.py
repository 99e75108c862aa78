"""Speed-ups of Rasa 3.6 internals that cost CPU on every turn (found with py-spy: BENCHMARKS.md).

- `RemoteAction._validate_action_result` calls `jsonschema.validate` for every action response,
  and `jsonschema.validate` first checks the *schema* against JSON Schema's meta-schema: 28 % of
  the Rasa server's CPU under load went there. The schema is fixed, so it is checked once and
  its validator reused; responses are validated exactly as before (same errors, same message).
- Rasa's structlog is left at its default (every debug line printed, "[state N] …" per policy
  prediction) unless `configure_structlog` runs, which `rasa run` does and a custom launcher
  must do too: `quiet_logs` sets it to the level of the standard logging.
"""

from __future__ import annotations

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


def quiet_logs(level: int = logging.INFO) -> None:
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(level)


def apply() -> None:
    cached_action_result_validation()
    quiet_logs()
