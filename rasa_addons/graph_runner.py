"""A graph runner for the Rasa server's prediction graph without dask.

Rasa runs its predict graph with `DaskGraphRunner` (once per message for NLU, about three times
per turn for the policies): each run recomputes the targets' minimal schema, builds a dask graph,
orders it and schedules it through `dask.get`, ~8 % of the Rasa server's busy CPU (py-spy,
2026-12-03) for graphs of about fifteen nodes. `SequentialGraphRunner` gives the same results:
the minimal schema's nodes in a topological order computed once per targets, each node called as
dask calls it. `rasa_addons/compat/nlu.py` (`sequential_prediction_graph`) makes the server use it;
training keeps dask.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import ExecutionContext, GraphNode, GraphNodeHook, GraphSchema
from rasa.engine.runner.interface import GraphRunner
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)

#: a node to run, its name, and the names of what it needs (in `SchemaNode.needs` order)
Step = tuple[str, GraphNode, tuple[str, ...]]


class SequentialGraphRunner(GraphRunner):
    """`DaskGraphRunner`'s results (same nodes run, same arguments, same errors, same result)
    without dask: the work of a run is calling the nodes.

    What dask does, and this runner too: each input goes into the graph as the data
    `(input_name, input_value)`, which is what a node receives for it (`GraphNode.__call__`
    reads `(name, output)` pairs); an input named like a node replaces that node (it does not
    run); a need that is neither a node nor an input is passed as its bare name (`GraphNode`
    warns, then raises its own `GraphRunError`); every node of the minimal schema runs, once;
    a `RuntimeError` becomes a `GraphRunError`. Only the order of independent nodes may differ
    from dask's (a scheduling choice, no node reads another's output but through its needs).
    """

    def __init__(
        self,
        graph_schema: GraphSchema,
        model_storage: ModelStorage,
        execution_context: ExecutionContext,
        hooks: list[GraphNodeHook] | None = None,
    ) -> None:
        """Instantiates every node of the schema, as `DaskGraphRunner` does (eager ones load)."""
        self._graph_schema = graph_schema
        self._execution_context = execution_context
        self._nodes = {
            name: GraphNode.from_schema_node(
                name, schema_node, model_storage, execution_context, hooks
            )
            for name, schema_node in graph_schema.nodes.items()
        }
        #: targets -> (names of the minimal schema's nodes, its steps in a topological order)
        self._plans: dict[tuple[str, ...], tuple[frozenset[str], tuple[Step, ...]]] = {}

    @classmethod
    def create(
        cls,
        graph_schema: GraphSchema,
        model_storage: ModelStorage,
        execution_context: ExecutionContext,
        hooks: list[GraphNodeHook] | None = None,
    ) -> SequentialGraphRunner:
        """Creates the runner (`GraphRunner.create`)."""
        return cls(graph_schema, model_storage, execution_context, hooks)

    def run(
        self,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        """Runs the nodes the targets need; returns each target's output (`GraphRunner.run`)."""
        run_targets = targets if targets else self._graph_schema.target_names
        names, steps = self._plan(run_targets)
        values: dict[str, Any] = {}  # what dask's cache holds: name -> (name, output)
        for input_name, input_value in (inputs or {}).items():
            if isinstance(input_value, str) and (input_value in names or input_value in values):
                raise GraphRunError(
                    f"Input value '{input_value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are the "
                    f"same as node names in the graph schema."
                )
            values[input_name] = (input_name, input_value)
        logger.debug(
            "Running graph with inputs: %s, targets: %s and %s.",
            inputs,
            targets,
            self._execution_context,
        )
        try:
            for name, node, needs in steps:
                if name not in values:  # else an input of that name stands for the node
                    values[name] = node(*[values.get(need, need) for need in needs])
            return dict(values[target] for target in run_targets)
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    def _plan(self, targets: list[str]) -> tuple[frozenset[str], tuple[Step, ...]]:
        """The minimal schema of these targets in run order, computed on their first run (the
        schema never changes; Rasa asks for two target lists, NLU's and the policies')."""
        key = tuple(targets)
        plan = self._plans.get(key)
        if plan is None:
            schema = self._graph_schema.minimal_graph_schema(targets)
            plan = self._plans[key] = (frozenset(schema.nodes), _run_order(schema, self._nodes))
        return plan


def _run_order(schema: GraphSchema, nodes: dict[str, GraphNode]) -> tuple[Step, ...]:
    """Every node of the schema after the nodes it needs (depth first, in schema order). A
    cycle never gets here: `minimal_graph_schema` already recurses without end on it (Rasa
    validates its schemas against cycles)."""
    ordered: list[Step] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name not in schema.nodes:  # an input or a placeholder: no step
            return
        done.add(name)
        needs = tuple(schema.nodes[name].needs.values())
        for need in needs:
            visit(need)
        ordered.append((name, nodes[name], needs))

    for name in schema.nodes:
        visit(name)
    return tuple(ordered)
