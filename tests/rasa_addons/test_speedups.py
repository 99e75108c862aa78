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
    fast = speedups.valid_by_event_type(schema, validator_class)
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
    try:
        speedups.cached_type_resolution()
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
    finally:
        Event.resolve_by_type = staticmethod(rasa_event)
        Slot.resolve_by_type = staticmethod(rasa_slot)


def test_endpoint_requests_reuse_one_connection_and_keep_rasas_errors() -> None:
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    original = EndpointConfig.session
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
            await speedups.close_pooled_sessions()
            await runner.cleanup()

    try:
        speedups.pooled_endpoint_connections()
        asyncio.run(scenario())
    finally:
        EndpointConfig.session = original
    assert len(peers) == 4 and len(set(peers)) == 1  # one TCP connection for every call
