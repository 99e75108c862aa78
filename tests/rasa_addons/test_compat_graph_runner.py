"""compat.sequential_prediction_graph: the trained model (models/mes.tar.gz, `make train`) run by
SequentialGraphRunner parses and predicts exactly as with Rasa's DaskGraphRunner, running the
same nodes, on real messages and the trackers of a conversation."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasa.core.processor
import rasa.model_training
from rasa.core.agent import Agent
from rasa.core.channels import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.graph import ExecutionContext, GraphNodeHook
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.runner.interface import GraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.storage import ModelMetadata
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bench.graph_runner import MESSAGES, MODEL  # what the bench measures
from rasa_addons import compat
from rasa_addons.graph_runner import SequentialGraphRunner

#: what the actions would add to the tracker, enough to walk the rules: flow_step routes to a
#: form, the form becomes active, an advisor asked for ends it
EFFECTS: dict[str, list[Event]] = {
    "action_next_step": [SlotSet("flow_step", "card")],
    "card_form": [ActiveLoop("card_form"), SlotSet("requested_slot", "card_type")],
    "action_request_advisor": [ActiveLoop(None), SlotSet("flow_step", "handoff")],
}


def ran(action: str, intent: str) -> list[Event]:
    """The events of running the action: the form's validator rejects a control word (so that
    the control rules apply, data/rules/control.yml), else the action and its EFFECTS."""
    if action == "card_form" and intent == "request_advisor":
        return [ActionExecutionRejected(action)]
    return [ActionExecuted(action), *EFFECTS.get(action, [])]


class Recorder(GraphNodeHook):
    """Notes the nodes a runner runs."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def on_before_node(
        self, node_name: str, execution_context: Any, config: Any, received_inputs: Any
    ) -> dict[str, Any]:
        self.ran.append(node_name)
        return {}

    def on_after_node(
        self,
        node_name: str,
        execution_context: Any,
        config: Any,
        output: Any,
        input_hook_data: dict[str, Any],
    ) -> None:
        return None


def require_model() -> None:
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: `make train` trains it (make test does)")


@pytest.fixture(scope="module")
def model() -> Iterator[
    tuple[ModelMetadata, dict[type[GraphRunner], tuple[GraphRunner, Recorder]]]
]:
    """Both runners on one unpacked model, each with a recorder of the nodes it runs."""
    require_model()
    with tempfile.TemporaryDirectory() as storage_path:
        storage, metadata = LocalModelStorage.from_model_archive(Path(storage_path), MODEL)
        schema = metadata.predict_schema
        runners = {}
        for runner_class in (DaskGraphRunner, SequentialGraphRunner):
            recorder = Recorder()
            context = ExecutionContext(graph_schema=schema, model_id=metadata.model_id)
            runner = runner_class.create(schema, storage, context, hooks=[recorder])
            runners[runner_class] = (runner, recorder)
        yield metadata, runners


def run_both(model: Any, inputs: Callable[[], dict[str, Any]], target: str) -> tuple[Any, Any]:
    """One run on each runner with inputs made afresh for each; both ran the same nodes."""
    _, runners = model
    results, ran = [], []
    for runner_class in (DaskGraphRunner, SequentialGraphRunner):
        runner, recorder = runners[runner_class]
        recorder.ran.clear()
        results.append(runner.run(inputs=inputs(), targets=[target]))
        ran.append(sorted(recorder.ran))
    assert ran[0] == ran[1] and ran[0], ran
    return results[0], results[1]


def tracker_of(metadata: ModelMetadata, events: list[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("differential", events, slots=metadata.domain.slots)


def nlu_inputs(metadata: ModelMetadata, number: int, text: str, events: list[Event]) -> Any:
    """The inputs of a parse as the processor gives them, made afresh for each runner."""

    def inputs() -> dict[str, Any]:
        message = UserMessage(text, sender_id="differential", message_id=f"m{number}")
        return {PLACEHOLDER_MESSAGE: [message], PLACEHOLDER_TRACKER: tracker_of(metadata, events)}

    return inputs


def test_the_same_parse_of_real_messages(model: Any) -> None:
    nlu_target = model[0].nlu_target
    intents = set()
    for number, text in enumerate(MESSAGES):
        theirs, ours = run_both(model, nlu_inputs(model[0], number, text, []), nlu_target)
        assert list(ours) == [nlu_target]
        [their_message], [our_message] = theirs[nlu_target], ours[nlu_target]
        assert our_message.as_dict() == their_message.as_dict()
        assert our_message == their_message  # the fingerprint: data and every feature
        intents.add(our_message.get("intent")["name"])
    assert len(intents) >= 4, intents  # the messages are not all read alike


def test_the_same_policy_predictions_along_a_conversation(model: Any) -> None:
    metadata = model[0]
    actions = metadata.domain.action_names_or_texts
    core_target = metadata.core_target
    events: list[Event] = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    predicted = []
    for number, text in enumerate(MESSAGES):
        parsed, _ = run_both(model, nlu_inputs(metadata, number, text, events), metadata.nlu_target)
        data = parsed[metadata.nlu_target][0].as_dict(only_output_properties=True)
        events.append(UserUttered(text, data.get("intent"), data.get("entities"), data))
        for _ in range(4):  # Rasa predicts until action_listen (at most 10 times)
            theirs, ours = run_both(
                model, lambda: {PLACEHOLDER_TRACKER: tracker_of(metadata, events)}, core_target
            )
            their_prediction, our_prediction = theirs[core_target], ours[core_target]
            assert our_prediction == their_prediction  # probabilities, policy, events...
            assert our_prediction.max_confidence == their_prediction.max_confidence
            action = actions[int(np.argmax(our_prediction.probabilities))]
            predicted.append(action)
            events.extend([*our_prediction.events, *ran(action, data["intent"]["name"])])
            if action == "action_listen":
                break
    assert len(predicted) >= 8 and len(set(predicted)) >= 4, predicted


def test_the_patch_loads_the_server_model_with_the_sequential_runner() -> None:
    require_model()
    with compat.installed(compat.sequential_prediction_graph):
        assert rasa.model_training.DaskGraphRunner is DaskGraphRunner  # training keeps dask
        agent = Agent.load(str(MODEL))
    assert rasa.core.processor.DaskGraphRunner is DaskGraphRunner  # Rasa's again after
    assert agent.processor is not None
    assert type(agent.processor.graph_runner) is SequentialGraphRunner
    parsed = asyncio.run(agent.parse_message("je veux activer mon espace santé"))
    assert parsed["intent"]["name"] == "activate"
    prediction = agent.processor.predict_next_with_tracker(
        tracker_of(agent.processor.model_metadata, [ActionExecuted("action_listen")])
    )
    assert prediction is not None and prediction["policy"] == "RulePolicy"
