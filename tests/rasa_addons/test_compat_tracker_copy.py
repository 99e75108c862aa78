"""compat.cheap_tracker_copy gives what Rasa's replaying `DialogueStateTracker.copy` gives, at
every point of conversations holding every kind of event, including after the processor
cleared a follow-up action outside any event."""

from __future__ import annotations

import random
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons import compat

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, inform]
slots:
  flow_step: {type: text, influence_conversation: true, mappings: [{type: custom}]}
  code: {type: text, mappings: [{type: custom}]}
  tries: {type: float, mappings: [{type: custom}]}
forms:
  code_form: {required_slots: [code]}
"""
)


def some_event(chooser: random.Random, at: float) -> Event:
    makers = [
        lambda: ActionExecuted("action_listen", timestamp=at),
        lambda: ActionExecuted("code_form", timestamp=at),
        lambda: UserUttered("bonjour", {"name": "greet", "confidence": 0.9}, timestamp=at),
        lambda: BotUttered("Votre code ?", timestamp=at),
        lambda: SlotSet("code", chooser.choice(["ABCD", None]), timestamp=at),
        lambda: SlotSet("tries", chooser.random(), timestamp=at),
        lambda: SlotSet("flow_step", "identity", timestamp=at),
        lambda: ActiveLoop(chooser.choice(["code_form", None]), timestamp=at),
        lambda: LoopInterrupted(chooser.random() < 0.5, timestamp=at),
        lambda: ActionExecutionRejected("code_form", timestamp=at),
        lambda: FollowupAction("code_form", timestamp=at),
        lambda: AllSlotsReset(timestamp=at),
        lambda: ConversationPaused(timestamp=at),
        lambda: ConversationResumed(timestamp=at),
        lambda: SessionStarted(timestamp=at),
        lambda: Restarted(timestamp=at),
        lambda: UserUtteranceReverted(timestamp=at),
        lambda: ActionReverted(timestamp=at),
    ]
    weights = [6, 3, 6, 4, 3, 2, 2, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1]
    return chooser.choices(makers, weights)[0]()


def described(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Everything a tracker holds, comparable."""
    fields = dict(vars(tracker))
    fields["events"] = [event.as_dict() for event in tracker.events]
    fields["slots"] = {
        name: (slot.value, slot.has_been_set, type(slot)) for name, slot in tracker.slots.items()
    }
    for name in ("latest_message", "latest_bot_utterance"):
        value = fields[name]
        fields[name] = value.as_dict() if value is not None else None
        if value is not None and value.text is None and not value.as_dict().get("data"):
            # the empty placeholder a reset puts there: the patch shares the tracker's instead
            # of making a new one; they differ by the clock time they were made at only
            fields[name].pop("timestamp")
    return fields


def both_copies(tracker: DialogueStateTracker) -> tuple[dict[str, Any], dict[str, Any]]:
    theirs = tracker.copy()
    with compat.installed(compat.cheap_tracker_copy):
        ours = tracker.copy()
    return described(theirs), described(ours)


def test_the_copy_is_rasas_at_every_point_of_random_conversations() -> None:
    chooser = random.Random(2026)
    compared = 0
    for conversation in range(60):
        tracker = DialogueStateTracker("c1", DOMAIN.slots)
        for step in range(40):
            tracker.update(some_event(chooser, conversation * 100 + step), DOMAIN)
            if chooser.random() < 0.2:
                tracker.clear_followup_action()  # what the processor does, outside events
            theirs, ours = both_copies(tracker)
            assert ours == theirs, (conversation, step)
            compared += 1
    assert compared == 2400


def test_the_copy_stands_apart_from_the_tracker() -> None:
    tracker = DialogueStateTracker("c2", DOMAIN.slots)
    for event in [
        ActionExecuted("action_listen", timestamp=1),
        UserUttered("bonjour", {"name": "greet"}, timestamp=2),
        ActiveLoop("code_form", timestamp=3),
    ]:
        tracker.update(event)
    with compat.installed(compat.cheap_tracker_copy):
        copied = tracker.copy()
    copied.update(SlotSet("code", "ABCD", timestamp=4))
    copied.update(LoopInterrupted(True, timestamp=5))
    assert tracker.get_slot("code") is None and len(tracker.events) == 3
    assert tracker.active_loop is not None and not tracker.active_loop.is_interrupted


def test_the_replay_is_kept_where_the_state_is_not_the_events_alone() -> None:
    """A revert as the last event: Rasa's replay (the patch hands it over)."""
    tracker = DialogueStateTracker("c3", DOMAIN.slots)
    for event in [
        ActionExecuted("action_listen", timestamp=1),
        UserUttered("bonjour", {"name": "greet"}, timestamp=2),
        FollowupAction("code_form", timestamp=3),
        UserUtteranceReverted(timestamp=4),
    ]:
        tracker.update(event)
    theirs, ours = both_copies(tracker)
    assert ours == theirs
