"""Every place this project reaches into Rasa's internals, locked to the Rasa version they were
written against: `apply()` refuses to run on any Rasa but `PINNED_RASA` (a newer Rasa may move or
extend what a patch replaces, and the patch would then silently skip it). Nothing else in the
project patches Rasa or uses a private Rasa name (`scripts/check_house.py` checks it); each patch
has a differential test in tests/rasa_addons/test_compat*.py (same results as Rasa's own code).
rasa_sdk is not patched here: the Rasa server does not import it.

Why each patch (all found by profiling the Rasa server under `make bench`: docs/BENCHMARKS.md):
- `RemoteAction._validate_action_result` calls `jsonschema.validate` for every action response,
  and `jsonschema.validate` first checks the *schema* against JSON Schema's meta-schema: 28 % of
  the Rasa server's CPU under load went there. The schema is fixed, so it is checked once and
  its validator reused; responses are validated exactly as before (same errors, same message).
  Each event is then checked against the schema of its own type only (`oneOf` over 23 event
  schemas, each naming its type with `const`, holds exactly when that one alternative holds).
- `RedisTrackerStore._merge_trackers` replays the whole tracker to compare it with what is
  stored, then compares every new event with every stored one: `cheap_tracker_merge`.
- `Event.resolve_by_type` and `Slot.resolve_by_type` walk every subclass (recursively, with
  `inspect.isabstract`) for each event read: a tracker of 200 events cost 200 walks, the
  largest cost after TensorFlow in a cProfile of the Rasa server: `cached_type_resolution`.
- `EndpointConfig.request` opens a new aiohttp session, hence a new TCP connection, for every
  action call (3-6 per turn): `pooled_endpoint_connections` makes `EndpointConfig.session`
  hand out one kept session per endpoint.
- `RedisTrackerStore.save` reads and rebuilds the stored tracker the turn has just read, to
  merge with it: `single_read_save` merges with the events read at the start of the turn
  when nobody wrote in between.
- RulePolicy featurises the whole tracker twice per prediction with the same arguments:
  `reused_prediction_states` computes it once.
- `RemoteAction._action_call_format` sends every event of the conversation with each action
  call (~44 KB of JSON at the end of an activation, 3-6 calls a turn): `recent_events_to_actions`
  sends the events from the person's ACTION_CALL_USER_MESSAGES-th last message on.
- `DaskGraphRunner` builds, orders and schedules a dask graph at each run of the prediction graph
  (~4 a turn, ~8 % of the busy CPU): `sequential_prediction_graph`, rasa_addons/graph_runner.py.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import weakref
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

from rasa_addons.action_schema import valid_by_event_type
from rasa_addons.kept_sessions import kept_session

#: the only Rasa version whose internals these patches were written against and tested on
PINNED_RASA = "3.6.21"


class UnsupportedRasaVersion(RuntimeError):
    """Raised at start-up when the installed Rasa is not the one the patches were written for."""


def check_rasa_version(installed: str | None = None) -> None:
    """Refuses any Rasa but `PINNED_RASA`: re-read each patch against the new Rasa's code (and
    re-run tests/rasa_addons/test_compat.py) before moving the pin."""
    version = installed if installed is not None else metadata.version("rasa")
    if version != PINNED_RASA:
        raise UnsupportedRasaVersion(
            f"rasa {version} is installed, but rasa_addons/compat.py patches the internals of "
            f"rasa {PINNED_RASA} only: check each patch against the new version's code first"
        )


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


def pooled_endpoint_connections() -> None:
    """`EndpointConfig.session` hands out one kept aiohttp session per endpoint instead of a new
    one (a new TCP connection) per action call (rasa_addons/kept_sessions.py); `request` itself
    is Rasa's, unchanged."""
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.session = kept_session  # type: ignore[method-assign,assignment]


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


def single_read_save() -> None:
    """`RedisTrackerStore.save` reads the stored tracker again to merge with it (decryption,
    JSON, every event rebuilt and replayed) although the turn read that very value when it
    began: with `_retrieve`, one read per turn instead of two.

    `_retrieve` notes, for each tracker it hands out, the stored value it was built from and
    that value's events; `save` merges with those events when the stored value is still the
    same (nobody wrote in between), else it reads and rebuilds it as Rasa does. The merge only
    uses the stored tracker's events. Both bodies are Rasa 3.6.21's otherwise."""
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.trackers import get_trackers_for_conversation_sessions

    async def _retrieve(self: Any, sender_id: str, fetch_all_sessions: bool) -> Any:
        stored = self.red.get(self.key_prefix + sender_id)
        if stored is None:
            return None
        whole = self.deserialise_tracker(sender_id, stored)
        if whole is None:
            return None
        tracker = whole
        if not fetch_all_sessions:
            sessions = get_trackers_for_conversation_sessions(whole)
            if len(sessions) > 1:  # e.g. the metadata slot Rasa sets before a session starts
                tracker = sessions[-1]
        _note_origin(self, tracker, stored, whole.events)
        return tracker

    async def save(self: Any, tracker: Any, timeout: float | None = None) -> None:
        await self.stream_events(tracker)
        if not timeout and self.record_exp:
            timeout = self.record_exp
        stored = self.red.get(self.key_prefix + tracker.sender_id)
        saved = tracker
        if stored is not None:
            origin = _origins(self).get(id(tracker))
            if origin is not None and origin[0] == stored:
                prior: Any = _StoredEvents(origin[1])
            else:
                prior = self.deserialise_tracker(tracker.sender_id, stored)
            saved = self._merge_trackers(prior, tracker)
        serialised = self.serialise_tracker(saved)
        self.red.set(self.key_prefix + tracker.sender_id, serialised, ex=timeout)
        _note_origin(self, tracker, serialised, saved.events)

    RedisTrackerStore._retrieve = _retrieve
    RedisTrackerStore.save = save


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


def sequential_prediction_graph() -> None:
    """The server loads its model with `SequentialGraphRunner`; training keeps its dask."""
    from rasa.core import processor

    from rasa_addons.graph_runner import SequentialGraphRunner

    processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]


def _origins(store: Any) -> dict[int, tuple[Any, tuple[Any, ...]]]:
    """id of a live tracker the store handed out -> (the stored value it was read from or
    written as, that value's events). Trackers are unhashable (they define __eq__): ids,
    dropped when the tracker is collected."""
    return store.__dict__.setdefault("compat_origins", {})


def _note_origin(store: Any, tracker: Any, stored: Any, events: Any) -> None:
    origins = _origins(store)
    key = id(tracker)
    if key not in origins:
        weakref.finalize(tracker, origins.pop, key, None)
    origins[key] = (stored, tuple(events))


class _StoredEvents:
    """The stored tracker as `_merge_trackers` uses it: its events, nothing else."""

    def __init__(self, events: tuple[Any, ...]) -> None:
        self.events = collections.deque(events)  # a deque like a tracker's: compared with ==


def apply() -> None:
    """Checks the Rasa version, then installs every patch (once, before the server starts)."""
    check_rasa_version()
    cached_action_result_validation()
    cached_type_resolution()
    pooled_endpoint_connections()
    cheap_tracker_merge()
    single_read_save()
    reused_prediction_states()
    recent_events_to_actions()
    sequential_prediction_graph()


def _replaced(patch: Callable[[], None]) -> list[tuple[Any, str]]:
    """The (owner, attribute) pairs of Rasa's that a patch replaces."""
    from rasa.core import processor
    from rasa.core.actions.action import RemoteAction
    from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.events import Event
    from rasa.shared.core.slots import Slot
    from rasa.utils.endpoints import EndpointConfig

    return {
        cached_action_result_validation: [(RemoteAction, "_validate_action_result")],
        cached_type_resolution: [(Event, "resolve_by_type"), (Slot, "resolve_by_type")],
        pooled_endpoint_connections: [(EndpointConfig, "session")],
        cheap_tracker_merge: [(RedisTrackerStore, "_merge_trackers")],
        reused_prediction_states: [(TrackerFeaturizer, "_create_states")],
        single_read_save: [(RedisTrackerStore, "_retrieve"), (RedisTrackerStore, "save")],
        recent_events_to_actions: [(RemoteAction, "_action_call_format")],
        sequential_prediction_graph: [(processor, "DaskGraphRunner")],
    }[patch]


def current(patch: Callable[[], None]) -> list[Any]:
    """What Rasa's attributes a patch replaces hold now (Rasa's own or the patch's)."""
    return [owner.__dict__[name] for owner, name in _replaced(patch)]


@contextlib.contextmanager
def installed(*patches: Callable[[], None]) -> Iterator[None]:
    """These patches for the length of the block, then Rasa's own code back (for the
    differential tests, which run Rasa's code and the patch's on the same inputs)."""
    saved = [(owner, name, owner.__dict__[name]) for p in patches for owner, name in _replaced(p)]
    try:
        for patch in patches:
            patch()
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def merge_trackers(prior_tracker: Any, tracker: Any) -> Any:
    """`RedisTrackerStore._merge_trackers` as installed (Rasa's, or `cheap_tracker_merge`)."""
    from rasa.core.tracker_store import RedisTrackerStore

    return RedisTrackerStore._merge_trackers(prior_tracker, tracker)


def validate_action_result(action: Any, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` as installed."""
    return action._validate_action_result(result)


def action_call_format(action: Any, tracker: Any, domain: Any) -> dict[str, Any]:
    """`RemoteAction._action_call_format` as installed."""
    return action._action_call_format(tracker, domain)
