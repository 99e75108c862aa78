"""compat's cheap merge keeps exactly what Rasa's own merge keeps (the tracker store's merge
when another server wrote in between: rasa_addons/tracker_store.py)."""

from __future__ import annotations

from rasa_addons import compat


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


def merge_both_ways(make):  # type: ignore[no-untyped-def]
    """Rasa's merge and the patched one on fresh copies of the same pair of trackers."""
    prior, current = make()
    theirs = compat.merge_trackers(prior, current)
    with compat.installed(compat.cheap_tracker_merge):
        prior, current = make()
        ours = compat.merge_trackers(prior, current)
    return theirs, ours, (prior, current)


def same_tracker(theirs, ours) -> None:  # type: ignore[no-untyped-def]
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in theirs.events]
    assert ours.current_slot_values() == theirs.current_slot_values()
    assert ours.active_loop_name == theirs.active_loop_name


def test_the_cheap_merge_keeps_what_rasas_merge_keeps() -> None:
    theirs, ours, (prior, _) = merge_both_ways(trackers)
    same_tracker(theirs, ours)
    assert len(ours.events) > len(prior.events)  # the merging path ran, not the shortcut


def test_the_cheap_merge_takes_rasas_shortcut_when_what_is_stored_is_the_start() -> None:
    from rasa.shared.core.events import ActionExecuted, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    def make():  # type: ignore[no-untyped-def]
        start = [ActionExecuted("action_listen", timestamp=1), SlotSet("a", 1, timestamp=2)]
        later = [SlotSet("a", 2, timestamp=3), ActionExecuted("action_listen", timestamp=4)]
        return (
            DialogueStateTracker.from_events("c2", start),
            DialogueStateTracker.from_events("c2", [*start, *later]),
        )

    theirs, ours, (_, current) = merge_both_ways(make)
    same_tracker(theirs, ours)
    assert ours is current  # nothing to merge: the tracker itself, as Rasa returns it


def test_the_cheap_merge_agrees_with_rasa_on_interleaved_and_equal_times() -> None:
    """Two writers, events at the same times, a later event already stored, duplicates."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    def make():  # type: ignore[no-untyped-def]
        shared = [ActionExecuted("action_listen", timestamp=1), UserUttered("a", timestamp=2)]
        prior = [*shared, BotUttered("par l'autre", timestamp=5), SlotSet("s", "x", timestamp=5)]
        current = [
            *shared,
            SlotSet("s", "y", timestamp=5),  # same time as stored events, another value
            SlotSet("s", "x", timestamp=5),  # equal to a stored one: dropped
            UserUttered("b", timestamp=3),
            UserUttered("b", timestamp=3),  # twice: kept once
            BotUttered("par ce serveur", timestamp=6),
        ]
        return (
            DialogueStateTracker.from_events("c3", prior),
            DialogueStateTracker.from_events("c3", current),
        )

    theirs, ours, _ = merge_both_ways(make)
    same_tracker(theirs, ours)
    texts = [getattr(e, "text", None) for e in ours.events]
    assert texts.count("b") == 1 and "par l'autre" in texts and "par ce serveur" in texts
