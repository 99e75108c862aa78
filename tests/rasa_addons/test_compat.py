"""Each patch of rasa_addons/compat.py gives the results of the Rasa code it replaces."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

from rasa_addons import compat
from rasa_addons.tracker_store import EncryptedRedisTrackerStore

VALID = {
    "events": [{"event": "slot", "name": "flow_step", "value": "card"}],
    "responses": [{"text": "Bonjour"}],
}
INVALID = {"events": [{"name": "flow_step"}], "responses": "not a list"}


@pytest.fixture()
def patched():  # type: ignore[no-untyped-def]
    with compat.installed(compat.cached_action_result_validation):
        yield compat.validate_action_result


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


def test_every_event_type_carries_its_timestamp_in_as_dict() -> None:
    """The cheap merge's premise: events of different timestamps never have equal `as_dict`."""
    from rasa.shared.core import events as e
    from rasa.shared.core.events import Event

    events = [Event.from_parameters(event) for event in event_corpus()[:21]]
    events += [
        e.ReminderScheduled("intent", datetime.datetime(2026, 12, 2), timestamp=7),
        e.LegacyForm("card_form", timestamp=8),
        e.LegacyFormValidation(True, timestamp=9),
    ]
    event_schema = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]
    every_type = {alt["properties"]["event"]["const"] for alt in event_schema["oneOf"]}
    assert every_type <= {e.type_name for e in events}, every_type - {e.type_name for e in events}
    for event in events:
        assert event.as_dict()["timestamp"] == event.timestamp


def test_compat_refuses_any_rasa_but_the_pinned_one() -> None:
    from importlib import metadata

    assert metadata.version("rasa") == compat.PINNED_RASA  # the venv's Rasa is the pinned one
    compat.check_rasa_version()
    for other in ("3.6.20", "3.6.22", "3.7.0", "3.10.0"):
        with pytest.raises(compat.UnsupportedRasaVersion, match=other):
            compat.check_rasa_version(other)


def test_apply_refuses_to_patch_another_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    patches = [
        compat.cached_action_result_validation,
        compat.cached_type_resolution,
        compat.pooled_endpoint_connections,
        compat.cheap_tracker_merge,
    ]
    before = [compat.current(patch) for patch in patches]
    monkeypatch.setattr(metadata, "version", lambda name: "3.7.0" if name == "rasa" else "0")
    with pytest.raises(compat.UnsupportedRasaVersion):
        compat.apply()
    assert [compat.current(patch) for patch in patches] == before  # nothing patched


def event_corpus() -> list[object]:
    """One serialised event of every type Rasa knows, plus broken ones."""
    from rasa.shared.core import events as e

    valid = [
        e.UserUttered(
            "bonjour", {"name": "greet", "confidence": 0.9}, [{"entity": "x", "value": 1}]
        ),
        e.ActionExecuted("action_next_step", policy="RulePolicy", confidence=1.0),
        e.SlotSet("flow_step", "card"),
        e.EntitiesAdded([{"entity": "card_type", "value": "with_photo"}]),
        e.DefinePrevUserUtteredFeaturization(True),
        e.ReminderCancelled(name="r"),
        e.ActionExecutionRejected("identity_form"),
        e.LoopInterrupted(True),
        e.ActiveLoop("card_form"),
        e.ActiveLoop(None),
        e.AllSlotsReset(),
        e.ConversationResumed(),
        e.ConversationPaused(),
        e.FollowupAction("action_next_step"),
        e.StoryExported(),
        e.Restarted(),
        e.ActionReverted(),
        e.UserUtteranceReverted(),
        e.BotUttered("Bonjour", {"elements": None}),
        e.SessionStarted(),
        e.AgentUttered("hello"),
    ]
    corpus: list[object] = [event.as_dict() for event in valid]
    corpus += [
        {"event": "unknown_type"},
        {"name": "flow_step"},
        {"event": 3},
        {"event": "slot", "name": 3},
        {"event": "action", "policy": 1},
        {"event": "user", "parse_data": {"intent": {"name": 3}}},
        {"event": "bot", "timestamp": "yesterday"},
        {"event": "slot", "name": "x", "metadata": "not an object"},
        "not an object",
        None,
    ]
    return corpus


def test_the_per_type_check_gives_the_whole_schemas_verdict() -> None:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    whole = validator_class(schema)
    fast = compat.valid_by_event_type(schema, validator_class)
    corpus = event_corpus()
    responses = [{"events": [event], "responses": []} for event in corpus]
    responses += [
        {"events": corpus[:5]},
        {"events": corpus},
        {"events": "not a list"},
        {"responses": [{"text": "x"}]},
        {"events": [], "responses": ["not an object"]},
        {},
        [],
    ]
    verdicts = [(whole.is_valid(r), fast(r)) for r in responses]
    assert [w for w, _ in verdicts] == [f for _, f in verdicts]
    assert any(w for w, _ in verdicts) and not all(w for w, _ in verdicts)


def test_every_event_type_of_the_schema_is_checked_against_its_own_alternative() -> None:
    event_schema = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]
    names = [alt["properties"]["event"]["const"] for alt in event_schema["oneOf"]]
    assert len(names) == len(set(names))  # the shortcut's premise: one alternative per type


def test_type_lookups_find_what_rasas_subclass_walk_finds() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.core.slots import Slot
    from rasa.shared.utils.common import all_subclasses

    rasa_event, rasa_slot = Event.resolve_by_type, Slot.resolve_by_type
    expected = {c.type_name: rasa_event(c.type_name) for c in all_subclasses(Event)}
    expected_slots = {c.type_name: rasa_slot(c.type_name) for c in all_subclasses(Slot)}
    with compat.installed(compat.cached_type_resolution):
        assert {name: Event.resolve_by_type(name) for name in expected} == expected
        assert {name: Slot.resolve_by_type(name) for name in expected_slots} == expected_slots
        assert Event.resolve_by_type("topic") is None
        assert Event.resolve_by_type("nothing", default=Event) is Event
        with pytest.raises(ValueError):
            Event.resolve_by_type("nothing")
        assert Slot.resolve_by_type("rasa.shared.core.slots.TextSlot").__name__ == "TextSlot"

        from rasa.shared.core.events import ActionReverted

        class LateEvent(ActionReverted):  # imported after the table was built: still found
            type_name = "late_event_for_the_test"

        assert Event.resolve_by_type("late_event_for_the_test") is LateEvent


def test_endpoint_requests_reuse_one_connection_and_keep_rasas_errors() -> None:
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    peers: list[object] = []

    async def answer(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        if request.path == "/broken":
            return web.Response(status=500, text="boom")
        return web.json_response({"events": [], "echo": await request.json()})

    async def scenario() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", token="t0k")
        try:
            for n in range(3):
                result = await endpoint.request(json={"n": n}, method="post")
                assert result == {"events": [], "echo": {"n": n}}
            with pytest.raises(ClientResponseError) as error:
                await endpoint.request(subpath="../broken", method="post", json={})
            assert error.value.status == 500
        finally:
            await compat.close_pooled_sessions()
            await runner.cleanup()

    with compat.installed(compat.pooled_endpoint_connections):
        asyncio.run(scenario())
    assert len(peers) == 4 and len(set(peers)) == 1  # one TCP connection for every call


class CountingStore(EncryptedRedisTrackerStore):
    """The project's tracker store, counting how often a stored tracker is rebuilt."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads: list[str] = []

    def deserialise_tracker(self, sender_id: str, serialised_tracker: str | bytes) -> Any:
        self.reads.append(sender_id)
        return super().deserialise_tracker(sender_id, serialised_tracker)


@pytest.fixture
def store(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CountingStore:
    monkeypatch.setenv("DOTENV_PATH", str(tmp_path / "no.env"))
    monkeypatch.setenv("VAULT_KEY", "a key for the test")
    where = urlparse(redis_url)
    return CountingStore(
        domain=Domain.empty(), host=where.hostname, port=where.port, key_prefix="tracker:"
    )


def a_turn_after_a_split_session(store: CountingStore, sender: str) -> tuple[list[str], list]:  # type: ignore[type-arg]
    """Rasa sets the metadata slot before `action_session_start`: two "sessions" for its
    split; a turn reads the last one, adds to it and saves it twice."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

    first = store.init_tracker(sender)
    for event in [
        SlotSet("session_started_metadata", {"channel": "sms"}, timestamp=1),
        ActionExecuted("action_session_start", timestamp=2),
        SessionStarted(timestamp=3),
        ActionExecuted("action_listen", timestamp=4),
        UserUttered("bonjour", {"name": "greet"}, timestamp=5),
        ActionExecuted("action_listen", timestamp=6),
    ]:
        first.update(event)
    asyncio.run(store.save(first))
    store.reads.clear()

    async def turn() -> None:
        tracker = await store.retrieve(sender)
        assert tracker.events[0].timestamp == 2  # the last session only, as Rasa reads it
        tracker.update(UserUttered("deuxième", {"name": "inform"}, timestamp=7))
        await store.save(tracker)
        tracker.update(SlotSet("flow_step", "card", timestamp=8))
        await store.save(tracker)

    asyncio.run(turn())
    reads = list(store.reads)
    stored = asyncio.run(store.retrieve_full_tracker(sender))
    return reads, [event.as_dict() for event in stored.events]


def test_single_read_save_stores_what_rasas_save_stores_with_one_read(store) -> None:  # type: ignore[no-untyped-def]
    rasas_reads, rasas_events = a_turn_after_a_split_session(store, "c401")
    with compat.installed(compat.single_read_save):
        reads, events = a_turn_after_a_split_session(store, "c400")
    assert events == rasas_events
    assert [e["timestamp"] for e in events] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert len(rasas_reads) == 3 and reads == ["c400"]  # the turn's own read only


def test_single_read_save_merges_a_write_by_another_server_in_between(store) -> None:  # type: ignore[no-untyped-def]
    from rasa.shared.core.events import UserUttered

    def scenario(sender: str) -> tuple[list[str], list]:  # type: ignore[type-arg]
        first = store.init_tracker(sender)
        first.update(UserUttered("bonjour", timestamp=1.0))
        asyncio.run(store.save(first))

        async def interleaved() -> list[str]:
            mine = await store.retrieve(sender)
            other = await store.retrieve(sender)  # as another Rasa server would
            other.update(UserUttered("écrit par l'autre serveur", timestamp=2.0))
            await store.save(other)
            mine.update(UserUttered("écrit par ce serveur", timestamp=3.0))
            store.reads.clear()
            await store.save(mine)
            return list(store.reads)

        reads = asyncio.run(interleaved())
        stored = asyncio.run(store.retrieve_full_tracker(sender))
        return reads, [event.as_dict() for event in stored.events]

    _, rasas_events = scenario("c501")
    with compat.installed(compat.single_read_save):
        reads, events = scenario("c500")
    assert reads == ["c500"]  # what is stored changed: read again and merged, as Rasa does
    assert events == rasas_events
    texts = [event.get("text") for event in events]
    assert texts == ["bonjour", "écrit par l'autre serveur", "écrit par ce serveur"]


def prediction_state_sequence() -> list[Any]:
    """What RulePolicy's featurizer gives for a conversation, turn after turn: twice per
    prediction (text, then intent), as RulePolicy asks, and again after each new event."""
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))
    featurizer = MaxHistoryTrackerFeaturizer(None, max_history=None)
    tracker = DialogueStateTracker("c600", domain.slots)
    events = [
        ActionExecuted("action_listen"),
        UserUttered("bonjour", {"name": "greet", "confidence": 0.9}),
        ActionExecuted("action_next_step"),
        SlotSet("flow_step", "identity"),
        ActionExecuted("identity_form"),
        ActiveLoop("identity_form"),
        ActionExecuted("action_listen"),
        UserUttered(
            "avec photo",
            {"name": "inform", "confidence": 0.8},
            [{"entity": "card_type", "value": "with_photo", "start": 0, "end": 10}],
        ),
        ActionExecuted("identity_form"),
        ActiveLoop(None),
    ]
    seen = []
    for event in events:
        tracker.update(event, domain)
        for use_text in (True, False, True):
            seen.append(featurizer.prediction_states([tracker], domain, use_text)[0])
        seen.append(featurizer.prediction_states([tracker], domain, ignore_rule_only_turns=True)[0])
    return seen


def test_reused_prediction_states_are_rasas_states() -> None:
    rasas = prediction_state_sequence()
    with compat.installed(compat.reused_prediction_states):
        ours = prediction_state_sequence()
    assert ours == rasas
    assert any(len(states) > 3 for states in rasas)
    texts = {("text" in s.get("user", {})) for states in rasas for s in states}
    assert texts == {True, False}  # both readings of the last message were compared
