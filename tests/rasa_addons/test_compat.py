"""Each patch of rasa_addons/compat/ gives the results of the Rasa code it replaces."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

from rasa_addons import compat
from rasa_addons.action_schema import valid_by_event_type
from rasa_addons.kept_sessions import close_pooled_sessions

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
    fast = valid_by_event_type(schema, validator_class)
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
            await close_pooled_sessions()
            await runner.cleanup()

    with compat.installed(compat.pooled_endpoint_connections):
        asyncio.run(scenario())
    assert len(peers) == 4 and len(set(peers)) == 1  # one TCP connection for every call


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
