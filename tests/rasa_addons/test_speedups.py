"""The cached validation of action responses accepts and refuses exactly what Rasa's own did."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_addons import speedups

VALID = {
    "events": [{"event": "slot", "name": "flow_step", "value": "card"}],
    "responses": [{"text": "Bonjour"}],
}
INVALID = {"events": [{"name": "flow_step"}], "responses": "not a list"}


@pytest.fixture()
def patched():
    original = RemoteAction._validate_action_result
    speedups.cached_action_result_validation()
    yield RemoteAction._validate_action_result
    RemoteAction._validate_action_result = original


def test_same_verdicts_as_rasa(patched) -> None:  # type: ignore[no-untyped-def]
    action = RemoteAction("action_next_step", None)
    assert patched(action, VALID) is True
    with pytest.raises(jsonschema.ValidationError) as ours:
        patched(action, INVALID)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate(INVALID, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(theirs.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_the_schema_is_checked_once_not_per_response(patched, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    validator_class = jsonschema.validators.validator_for(
        RemoteAction.action_response_format_spec()
    )
    monkeypatch.setattr(
        validator_class, "check_schema", classmethod(lambda cls, s: calls.append(s))
    )
    action = RemoteAction("action_next_step", None)
    for _ in range(3):
        patched(action, VALID)
    assert calls == []


def trackers():  # type: ignore[no-untyped-def]
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    prior = DialogueStateTracker.from_events(
        "c1",
        [
            ActionExecuted("action_session_start", timestamp=1),
            SessionStarted(timestamp=2),
            UserUttered("bonjour", {"name": "greet"}, timestamp=3),
            SlotSet("flow_step", "identity", timestamp=4),
        ],
    )
    current = DialogueStateTracker.from_events(
        "c1",
        [
            ActionExecuted("action_session_start", timestamp=10),
            SessionStarted(timestamp=11),
            SlotSet("flow_step", "identity", timestamp=4),  # also in the prior session
            UserUttered("secretcode0123456789abcdef", {"name": "inform"}, timestamp=12),
            SlotSet("flow_step", "card", timestamp=13),
            SlotSet("flow_step", "card", timestamp=13),  # twice: kept once, as Rasa does
        ],
    )
    return prior, current


def test_the_linear_merge_keeps_what_rasas_merge_keeps() -> None:
    from rasa.core.tracker_store import RedisTrackerStore

    original = RedisTrackerStore._merge_trackers
    prior, current = trackers()
    expected = [e.as_dict() for e in original(prior, current).events]
    try:
        speedups.linear_tracker_merge()
        prior, current = trackers()
        merged = RedisTrackerStore._merge_trackers(prior, current)
    finally:
        RedisTrackerStore._merge_trackers = staticmethod(original)
    assert [e.as_dict() for e in merged.events] == expected
    assert len(expected) > len(prior.events)  # the merging path ran, not the shortcut
