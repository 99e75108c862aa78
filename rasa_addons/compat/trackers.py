"""Patches of how the Rasa server handles trackers (rasa_addons/compat/__init__.py says how
patches are pinned and tested).

- `Event.resolve_by_type` and `Slot.resolve_by_type` walk every subclass (recursively, with
  `inspect.isabstract`) for each event read: a tracker of 200 events cost 200 walks, the
  largest cost after TensorFlow in a cProfile of the Rasa server: `cached_type_resolution`.
- `RedisTrackerStore._merge_trackers` replays the whole tracker to compare it with what is
  stored, then compares every new event with every stored one: `cheap_tracker_merge` (the
  tracker store's merge when another server wrote in between: rasa_addons/tracker_store.py).
- RulePolicy featurises the whole tracker twice per prediction with the same arguments:
  `reused_prediction_states` computes it once.
- `DialogueStateTracker.copy` replays every event, and the processor copies the tracker for
  every action it runs: `cheap_tracker_copy` copies the state instead.
"""

from __future__ import annotations

import itertools
from typing import Any


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


def cheap_tracker_merge() -> None:
    """`RedisTrackerStore._merge_trackers` with Rasa's rule and result, without its two costs.

    Rasa replays the tracker up to the last stored event's time (`travel_back_in_time`) to see
    whether what is stored is the start of it: the replayed tracker's events are exactly the
    leading events whose timestamp is at most that time, so they are compared without a replay.
    When what is stored is not a prefix (every turn of a conversation whose first "session" is
    the metadata slot Rasa sets before `action_session_start`), Rasa compares every new event
    with every stored one by `as_dict` (quadratic); `as_dict` carries the event's timestamp, so
    only events of the same timestamp can be equal, and only those are compared (by `as_dict`,
    as Rasa does)."""
    from rasa.core.tracker_store import RedisTrackerStore

    def _merge_trackers(prior_tracker: Any, tracker: Any) -> Any:
        if not prior_tracker.events:
            return tracker
        last_event_timestamp = prior_tracker.events[-1].timestamp
        past_events = list(
            itertools.takewhile(
                lambda event: event.timestamp <= last_event_timestamp, tracker.events
            )
        )
        if past_events == list(prior_tracker.events):
            return tracker
        merged = tracker.init_copy()
        merged.update_with_events(list(prior_tracker.events), override_timestamp=False, domain=None)
        by_time: dict[Any, list[Any]] = {}
        for event in merged.events:
            by_time.setdefault(event.timestamp, []).append(event)
        for new_event in tracker.events:
            same_time = by_time.setdefault(new_event.timestamp, [])
            as_dict = new_event.as_dict()
            if all(as_dict != existing.as_dict() for existing in same_time):
                merged.update(new_event)
                same_time.append(new_event)
        return merged

    RedisTrackerStore._merge_trackers = staticmethod(_merge_trackers)


def reused_prediction_states() -> None:
    """`TrackerFeaturizer._create_states` replays the whole tracker into one state per turn,
    and RulePolicy asks for them twice per prediction (reading the last message as text, then
    as intent) with the same tracker and arguments: the states of the last call are kept and
    a copy handed out when the same tracker, unchanged (same number of events, same last
    event), is asked again with the same arguments. The copy goes two levels deep: the callers
    delete keys of a state's sub-states (`_choose_last_user_input`), nothing deeper."""
    from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer

    rasa_create_states = TrackerFeaturizer._create_states
    last: list[Any] = [None, None]  # [(tracker, key), states]

    def _create_states(
        tracker: Any,
        domain: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[Any]:
        events = tracker.events
        key = (
            len(events),
            id(events[-1]) if events else None,
            id(domain),
            omit_unset_slots,
            ignore_rule_only_turns,
            id(rule_only_data),
        )
        kept = last[0]
        if (
            kept is None
            or kept[0] is not tracker
            or kept[1] != key
            or kept[2] is not rule_only_data
        ):
            states = rasa_create_states(
                tracker,
                domain,
                omit_unset_slots=omit_unset_slots,
                ignore_rule_only_turns=ignore_rule_only_turns,
                rule_only_data=rule_only_data,
            )
            last[0], last[1] = (tracker, key, rule_only_data), states
        return [{name: dict(sub) for name, sub in state.items()} for state in last[1]]

    TrackerFeaturizer._create_states = staticmethod(_create_states)


#: events whose `apply_to` leaves `followup_action` alone (the others are looked at in
#: `cheap_tracker_copy`, and any event type not named here makes it fall back to Rasa's copy)
_FOLLOWUP_NEUTRAL_EVENTS = (
    "SlotSet BotUttered ActiveLoop LoopInterrupted ActionExecutionRejected AllSlotsReset "
    "ReminderScheduled ReminderCancelled ConversationPaused ConversationResumed EntitiesAdded "
    "DefinePrevUserUtteredFeaturization"
).split()


def cheap_tracker_copy() -> None:
    """`DialogueStateTracker.copy` replays every event of the conversation into a new tracker;
    the processor makes one for every action it runs (`_run_action`), ~5 % of the Rasa server's
    CPU. A tracker's state is made by its events alone (Rasa's own comment in its `__init__`)
    but for one field the processor sets directly: `followup_action`, cleared when a follow-up
    is predicted. So the copy takes the state as it is (slots copied like `init_copy` does,
    the same event objects, the active loop and latest action copied) and recomputes
    `followup_action` from the last events that set it, as the replay would; a revert, a
    restart within the copy's reach or an unknown event type falls back to Rasa's replay."""
    import copy as copying

    from rasa.shared.constants import DEFAULT_SENDER_ID
    from rasa.shared.core import events as rasa_events
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_copy = DialogueStateTracker.copy
    neutral = {getattr(rasa_events, name) for name in _FOLLOWUP_NEUTRAL_EVENTS}
    clearing = {rasa_events.UserUttered, rasa_events.ActionExecuted}
    reset_to = {
        rasa_events.SessionStarted: ACTION_LISTEN_NAME,
        rasa_events.Restarted: ACTION_SESSION_START_NAME,
    }
    unknown = object()

    def replayed_followup(events: Any) -> Any:
        for event in reversed(events):
            kind = type(event)
            if kind in neutral:
                continue
            if kind in clearing:
                return None
            if kind is rasa_events.FollowupAction:
                return event.action_name
            return reset_to.get(kind, unknown)
        return ACTION_LISTEN_NAME

    def copy(self: Any) -> Any:
        followup = replayed_followup(self.events)
        if followup is unknown or type(self.slots) is not dict:
            return rasa_copy(self)
        new = DialogueStateTracker(
            self.sender_id or DEFAULT_SENDER_ID,
            None,
            self._max_event_history,
            is_rule_tracker=self.is_rule_tracker,
        )
        new.slots = {name: copying.copy(slot) for name, slot in self.slots.items()}
        new.events = new._create_events(list(self.events))
        new._paused = self._paused
        new.followup_action = followup
        new.latest_action = None if self.latest_action is None else dict(self.latest_action)
        new.latest_message = self.latest_message
        new.latest_bot_utterance = self.latest_bot_utterance
        new.active_loop = None if self.active_loop is None else copying.copy(self.active_loop)
        return new

    DialogueStateTracker.copy = copy  # type: ignore[method-assign]
