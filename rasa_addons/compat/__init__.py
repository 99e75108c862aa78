"""Every place this project reaches into Rasa's internals, locked to the Rasa version they were
written against: `apply()` refuses to run on any Rasa but `PINNED_RASA` (a newer Rasa may move or
extend what a patch replaces, and the patch would then silently skip it). Nothing outside this
package patches Rasa or uses a private Rasa name (`scripts/check_house.py` checks it); each patch
has a differential test in tests/rasa_addons/test_compat*.py (same results as Rasa's own code).
rasa_sdk is not patched here: the Rasa server does not import it.

The patches, each found by profiling the Rasa server under `make bench` (docs/BENCHMARKS.md),
are grouped by what they touch, each module saying why: `actions` (calls to the action
server), `trackers` (events, trackers, their store and featurisation), `nlu` (the NLU and
policy graph runs).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

from rasa_addons.compat.actions import (
    ACTION_CALL_USER_MESSAGES,
    cached_action_result_validation,
    pooled_endpoint_connections,
    recent_events_to_actions,
)
from rasa_addons.compat.nlu import (
    contiguous_classifier_weights,
    domain_emptiness_once,
    sentence_features_only,
    sequential_prediction_graph,
)
from rasa_addons.compat.trackers import (
    cached_type_resolution,
    cheap_tracker_copy,
    cheap_tracker_merge,
    reused_prediction_states,
)

__all__ = [
    "ACTION_CALL_USER_MESSAGES",
    "apply",
    "cached_action_result_validation",
    "cached_type_resolution",
    "cheap_tracker_copy",
    "cheap_tracker_merge",
    "contiguous_classifier_weights",
    "domain_emptiness_once",
    "pooled_endpoint_connections",
    "recent_events_to_actions",
    "reused_prediction_states",
    "sentence_features_only",
    "sequential_prediction_graph",
]


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


def apply() -> None:
    """Checks the Rasa version, then installs every patch (once, before the server starts)."""
    check_rasa_version()
    cached_action_result_validation()
    cached_type_resolution()
    pooled_endpoint_connections()
    cheap_tracker_merge()
    reused_prediction_states()
    recent_events_to_actions()
    cheap_tracker_copy()
    sentence_features_only()
    contiguous_classifier_weights()
    domain_emptiness_once()
    sequential_prediction_graph()


def _replaced(patch: Callable[[], None]) -> list[tuple[Any, str]]:
    """The (owner, attribute) pairs of Rasa's that a patch replaces."""
    from rasa.core import processor
    from rasa.core.actions.action import RemoteAction
    from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.slots import Slot
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    return {
        cached_action_result_validation: [(RemoteAction, "_validate_action_result")],
        cached_type_resolution: [(Event, "resolve_by_type"), (Slot, "resolve_by_type")],
        pooled_endpoint_connections: [(EndpointConfig, "session")],
        cheap_tracker_merge: [(RedisTrackerStore, "_merge_trackers")],
        reused_prediction_states: [(TrackerFeaturizer, "_create_states")],
        recent_events_to_actions: [(RemoteAction, "_action_call_format")],
        cheap_tracker_copy: [(DialogueStateTracker, "copy")],
        sentence_features_only: [(LogisticRegressionClassifier, "_create_X")],
        contiguous_classifier_weights: [(LogisticRegressionClassifier, "process")],
        domain_emptiness_once: [(Domain, "is_empty")],
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
