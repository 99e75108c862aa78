"""compat.recent_events_to_actions: an action call carries what Rasa's carries, with the
events cut to the tail from the third last user message on; and the action server, which gets
no domain any more (endpoints.yml `enable_selective_domain`), reads the same forms and slots
from bot/domain."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.domain_files import domain as local_domain
from bot.settings import ROOT
from rasa_addons import compat

DOMAIN = Domain.load(str(ROOT / "bot" / "domain"))


def conversation(user_messages: int):  # type: ignore[no-untyped-def]
    """A tracker of `user_messages` turns: each a message, a slot, a form and a question."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    events: list[Any] = [
        SlotSet("session_started_metadata", {"channel": "sms"}, timestamp=1),
        ActionExecuted("action_session_start", timestamp=2),
        SessionStarted(timestamp=3),
        ActionExecuted("action_listen", timestamp=4),
    ]
    for turn in range(user_messages):
        t = 10 + 10 * turn
        events += [
            UserUttered(
                f"message {turn}",
                {"name": "inform", "confidence": 0.9},
                metadata={"caller": f"caller-{turn}"},
                timestamp=t,
            ),
            ActionExecuted("identity_form", timestamp=t + 1),
            ActiveLoop("identity_form", timestamp=t + 2),
            SlotSet("failed_attempts", turn, timestamp=t + 3),
            BotUttered(
                f"question {turn}", metadata={"utter_action": "utter_ask_nir"}, timestamp=t + 4
            ),
            ActionExecuted("action_listen", timestamp=t + 5),
        ]
    return DialogueStateTracker.from_events("c-actions", events, slots=DOMAIN.slots)


def both_ways(tracker, endpoint=None):  # type: ignore[no-untyped-def]
    action = RemoteAction("validate_identity_form", endpoint)
    theirs = compat.action_call_format(action, tracker, DOMAIN)
    with compat.installed(compat.recent_events_to_actions):
        ours = compat.action_call_format(action, tracker, DOMAIN)
    return theirs, ours


@pytest.mark.parametrize("user_messages", [0, 1, 2])
def test_a_short_conversation_goes_whole_as_rasa_sends_it(user_messages: int) -> None:
    theirs, ours = both_ways(conversation(user_messages))
    assert ours == theirs


def test_a_long_conversation_sends_the_tail_from_the_third_last_message() -> None:
    theirs, ours = both_ways(conversation(12))
    events = ours["tracker"].pop("events")
    all_events = theirs["tracker"].pop("events")
    assert ours == theirs  # slots, latest message, active loop, domain: unchanged
    assert events == all_events[-len(events) :]
    users = [e for e in events if e["event"] == "user"]
    assert [u["text"] for u in users] == ["message 9", "message 10", "message 11"]
    assert events[0]["event"] == "user"
    assert len(events) < len(all_events) / 3


def test_what_the_actions_read_is_in_the_tail() -> None:
    """The latest message's caller, the question it answers, the line said before it."""
    from rasa_sdk import Tracker

    _, ours = both_ways(conversation(12))
    tracker = Tracker.from_dict(ours["tracker"])
    from actions.confirm_reading import pending_question
    from actions.identity_guard import caller_of

    assert caller_of(tracker.events) == "caller-11"
    assert pending_question(tracker, {"utter_ask_nir"}) == {"utter_action": "utter_ask_nir"}


def test_no_domain_is_sent_when_selective_domain_is_on_as_in_endpoints_yml() -> None:
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True
    endpoint = EndpointConfig("http://actions.invalid/webhook", enable_selective_domain=True)
    theirs, ours = both_ways(conversation(1), endpoint)
    assert "domain" not in theirs and "domain" not in ours
    # Rasa would send it to every `validate_*` action unless the domain says `send_domain: false`
    assert DOMAIN.user_actions and not [
        name
        for name in DOMAIN.user_actions
        if DOMAIN.does_custom_action_explicitly_need_domain(name)
    ]


def test_the_action_servers_domain_has_rasas_forms_and_slots() -> None:
    """What rasa_sdk's FormValidationAction reads: the forms' required slots, the slot names."""
    rasa_view = DOMAIN.as_dict()
    ours = local_domain()
    assert {name: form.get("required_slots") for name, form in ours["forms"].items()} == {
        name: form.get("required_slots") for name, form in rasa_view["forms"].items()
    }
    assert set(ours["slots"]) <= set(rasa_view["slots"])
    assert set(rasa_view["slots"]) - set(ours["slots"]) <= {
        "session_started_metadata",
        "requested_slot",
    }
