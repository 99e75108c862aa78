"""`python -m bench.graph_runner [--rounds N] [--turns N]`: what a turn's prediction-graph runs
cost with Rasa's DaskGraphRunner and with rasa_addons/graph_runner.py's SequentialGraphRunner.

A turn here is what the Rasa server runs of the graph for one message: one parse (the NLU target)
and three policy predictions (the core target), on the trained model (models/mes.tar.gz) with
the patches of rasa_addons/compat/ and without debug logging, as in the server. Both runners
are built from one unpacked model in one process and measured in blocks of `--turns` turns, one
runner then the other, the order swapped every round (ABBA: a drift of the shared machine hits
both). A one-off measurement, not a test: its figures go to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "mes.tar.gz"
#: the messages of the turns, in turn, in a conversation's order (a greeting, the request, a form's
#: answer, an identifier, the advisor); tests/rasa_addons/test_compat_graph_runner.py uses them
MESSAGES = [
    "bonjour",
    "je veux activer mon espace santé",
    "ma carte vitale est sans photo",
    "mon code est ABCD123456",
    "conseiller",
]
PREDICTIONS_PER_TURN = 3


def conversation_events() -> list[Any]:
    """A tracker in the card form after a few turns (RulePolicy reads the whole of it)."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    events: list[Any] = [ActionExecuted("action_session_start"), SessionStarted()]
    for text, intent in [("bonjour", "greet"), ("je veux activer mon espace santé", "activate")]:
        events += [
            ActionExecuted("action_listen"),
            UserUttered(text, {"name": intent, "confidence": 1.0}),
            ActionExecuted("action_next_step"),
            SlotSet("flow_step", "card"),
            ActionExecuted("card_form"),
            ActiveLoop("card_form"),
            SlotSet("requested_slot", "card_type"),
        ]
    return [*events, ActionExecuted("action_listen")]


def turn_function(runner: Any, metadata: Any) -> Callable[[int], None]:
    """One turn of graph runs on this runner, as the processor makes them."""
    from rasa.core.channels import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events(
        "bench", conversation_events(), slots=metadata.domain.slots
    )
    nlu, core = [metadata.nlu_target], [metadata.core_target]

    def turn(number: int) -> None:
        message = UserMessage(MESSAGES[number % len(MESSAGES)], sender_id="bench")
        runner.run(
            inputs={PLACEHOLDER_MESSAGE: [message], PLACEHOLDER_TRACKER: tracker}, targets=nlu
        )
        for _ in range(PREDICTIONS_PER_TURN):
            runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=core)

    return turn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="ABBA rounds (default 40)")
    parser.add_argument("--turns", type=int, default=25, help="turns per block (default 25)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    from rasa.engine.graph import ExecutionContext
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.utils.log_utils import configure_structlog

    from rasa_addons import compat
    from rasa_addons.graph_runner import SequentialGraphRunner

    compat.apply()
    configure_structlog(logging.INFO)  # as scripts/serve_rasa.py: no debug lines
    turns: dict[str, Callable[[int], None]] = {}
    with tempfile.TemporaryDirectory() as storage_path:
        storage, metadata = LocalModelStorage.from_model_archive(Path(storage_path), MODEL)
        for runner_class in (DaskGraphRunner, SequentialGraphRunner):
            context = ExecutionContext(
                graph_schema=metadata.predict_schema, model_id=metadata.model_id
            )
            runner = runner_class.create(metadata.predict_schema, storage, context)
            turns[runner_class.__name__] = turn_function(runner, metadata)
    names = list(turns)
    for turn in turns.values():  # warm up: first runs, caches
        for number in range(len(MESSAGES)):
            turn(number)
    per_turn: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(args.rounds):
        for name in names if round_number % 2 == 0 else reversed(names):
            started = time.process_time()
            for number in range(args.turns):
                turns[name](number)
            per_turn[name].append((time.process_time() - started) / args.turns)
    report(per_turn, args.rounds, args.turns)


def report(per_turn: dict[str, list[float]], rounds: int, turns: int) -> None:
    """Per runner the median CPU time per turn; the ratio of the medians and the median of
    each round's ratio (its two blocks ran side by side); the CPU saved per graph run."""
    dask, ours = per_turn.values()
    runs = 1 + PREDICTIONS_PER_TURN
    print(f"{rounds} rounds x {turns} turns, a turn = {runs} graph runs (CPU time)")
    for name, seconds in per_turn.items():
        print(
            f"  {name:22} {statistics.median(seconds) * 1000:7.3f} ms/turn"
            f" (rounds {min(seconds) * 1000:.3f}-{max(seconds) * 1000:.3f})"
        )
    paired = statistics.median([o / d for d, o in zip(dask, ours, strict=True)])
    saved = (statistics.median(dask) - statistics.median(ours)) * 1e6 / runs
    print(
        f"  ratio Sequential/Dask {statistics.median(ours) / statistics.median(dask):.3f},"
        f" median of the rounds' ratios {paired:.3f};"
        f" {saved:.0f} µs CPU saved per graph run"
    )


if __name__ == "__main__":
    main()
