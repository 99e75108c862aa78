"""SequentialGraphRunner on a small hand-made graph: each case runs through Rasa's
DaskGraphRunner too, and both must do the same (what ran, with what, the result or the error)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.runner.interface import GraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.exceptions import RasaException

from rasa_addons.graph_runner import SequentialGraphRunner

#: the nodes that ran, in order (the components append to it)
RAN: list[str] = []


class Broken(RasaException, RuntimeError):
    """A Rasa error that is also a RuntimeError: GraphNode lets it through, the runner wraps it."""


class Echo(GraphComponent):
    """Returns what it received, under its node's name; `fails` makes it raise that instead."""

    def __init__(self, name: str, fails: str | None) -> None:
        self.name, self.fails = name, fails

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Echo:
        return cls(str(execution_context.node_name), config.get("fails"))

    def run(self, **received: Any) -> dict[str, Any]:
        RAN.append(self.name)
        if self.fails == "runtime":
            raise Broken(f"{self.name} broke")
        if self.fails == "value":
            raise ValueError(f"{self.name} broke")
        return {"by": self.name, **received}


def node(needs: dict[str, str], fails: str | None = None, target: bool = False) -> SchemaNode:
    config = {"fails": fails} if fails else {}
    return SchemaNode(needs, Echo, "create", "run", config, eager=True, is_target=target)


def schema() -> GraphSchema:
    """`b` needs `a` and the input `__in__`; `c` (a target) needs `b`; `unneeded` needs `a`."""
    return GraphSchema(
        {
            "unneeded": node({"x": "a"}),
            "c": node({"only": "b"}, target=True),
            "a": node({"value": "__in__"}),
            "b": node({"right": "__in__", "left": "a"}),
            "runtime": node({"x": "a"}, fails="runtime"),
            "value": node({"x": "a"}, fails="value"),
            "missing": node({"first": "__b__", "second": "__a__"}),
        }
    )


def make(runner: type[GraphRunner], graph: GraphSchema, tmp_path: Any) -> GraphRunner:
    storage = LocalModelStorage(tmp_path / runner.__name__)
    return runner.create(graph, storage, ExecutionContext(graph, "test"))


def outcome(
    runner: type[GraphRunner], tmp_path: Any, inputs: Any, targets: Any
) -> tuple[Any, list[str]]:
    """(the result, or the error's type, message and cause's type; the nodes run, sorted)."""
    graph_runner = make(runner, schema(), tmp_path)
    RAN.clear()
    try:
        result: Any = graph_runner.run(inputs=inputs, targets=targets)
    except Exception as error:  # noqa: BLE001 - the error is the outcome compared
        result = (type(error), str(error), type(error.__cause__))
    return result, sorted(RAN)


CASES = {
    "the nodes the target needs, each once": ({"__in__": 7}, ["b"]),
    "no targets: the schema's targets": ({"__in__": 7}, None),
    "an input is given as it is": ({"__in__": ["a", ("b", "c")], "__other__": {"a": 1}}, ["b"]),
    "an input target": ({"__in__": 7}, ["__in__", "b"]),
    "a node name as an input value, outside the minimal graph": ({"__in__": "unneeded"}, ["b"]),
    "a node name as an input value": ({"__in__": "a"}, ["b"]),
    "an earlier input's name as an input value": ({"__x__": 1, "__in__": "__x__"}, ["b"]),
    "an input named like a node replaces it": ({"__in__": 7, "a": "given"}, ["b"]),
    "a missing input": ({}, ["b"]),
    "an unknown target": ({"__in__": 7}, ["nowhere"]),
    "a RuntimeError": ({"__in__": 7}, ["runtime"]),
    "another error": ({"__in__": 7}, ["value"]),
}


@pytest.mark.parametrize("case", CASES)
def test_same_outcome_as_dask(case: str, tmp_path: Any) -> None:
    inputs, targets = CASES[case]
    assert outcome(SequentialGraphRunner, tmp_path, inputs, targets) == outcome(
        DaskGraphRunner, tmp_path, inputs, targets
    )


def test_only_the_minimal_graph_runs_and_inputs_arrive_as_given(tmp_path: Any) -> None:
    given = ["a", ("b", "c")]
    result, ran = outcome(SequentialGraphRunner, tmp_path, {"__in__": given}, ["b"])
    assert ran == ["a", "b"]  # not `unneeded`, `c` nor the failing nodes
    assert result == {"b": {"by": "b", "right": given, "left": {"by": "a", "value": given}}}
    result, ran = outcome(SequentialGraphRunner, tmp_path, {"__in__": 1}, None)
    assert ran == ["a", "b", "c"] and list(result) == ["c"]


def test_an_input_named_like_a_node_replaces_it(tmp_path: Any) -> None:
    result, ran = outcome(SequentialGraphRunner, tmp_path, {"__in__": 7, "a": "given"}, ["b"])
    assert ran == ["b"]
    assert result == {"b": {"by": "b", "right": 7, "left": "given"}}


@pytest.mark.parametrize("value", ["a", "__x__"])
def test_an_input_value_clashing_with_a_name_is_refused(value: str, tmp_path: Any) -> None:
    result, ran = outcome(SequentialGraphRunner, tmp_path, {"__x__": 1, "__in__": value}, ["b"])
    assert result[0] is GraphRunError and f"'{value}' clashes with a node name" in result[1]
    assert ran == []


def test_a_runtime_error_becomes_a_graph_run_error(tmp_path: Any) -> None:
    result, _ = outcome(SequentialGraphRunner, tmp_path, {"__in__": 7}, ["runtime"])
    assert result == (GraphRunError, "Error running runner.", Broken)
    result, _ = outcome(SequentialGraphRunner, tmp_path, {"__in__": 7}, ["value"])
    assert result[0] is GraphComponentException and result[2] is ValueError


def test_needs_are_passed_in_their_order(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A need neither node nor input reaches the node as its bare name, in `needs` order
    (GraphNode warns about each in the order it receives them, then refuses to run)."""
    warned = {}
    for runner in (SequentialGraphRunner, DaskGraphRunner):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="rasa.engine.graph"):
            result, ran = outcome(runner, tmp_path, {"__in__": 7}, ["missing"])
        assert result[0] is GraphRunError and "Missing input" in result[1] and ran == []
        warned[runner] = [r.getMessage().split("'")[1] for r in caplog.records]
    assert warned[SequentialGraphRunner] == warned[DaskGraphRunner] == ["__b__", "__a__"]


def test_the_minimal_graph_is_worked_out_once_per_targets(tmp_path: Any) -> None:
    class CountingSchema(GraphSchema):
        def minimal_graph_schema(self, targets: list[str] | None = None) -> GraphSchema:
            asked.append(list(targets or []))
            return super().minimal_graph_schema(targets)

    asked: list[list[str]] = []
    graph_runner = make(SequentialGraphRunner, CountingSchema(schema().nodes), tmp_path)
    for targets in (["b"], ["c"], ["b"], ["c"], ["b"]):
        RAN.clear()
        graph_runner.run({"__in__": 1}, targets)
        assert sorted(RAN) == (["a", "b"] if targets == ["b"] else ["a", "b", "c"])
    assert asked == [["b"], ["c"]]
