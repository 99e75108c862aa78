"""Interleaved A/B runs for `--compare`: both stacks up at once, each phase measured on one and
then on the other, the order swapped every phase (ABBA).

Why: on these shared machines the speed drifts within minutes. On 2026-12-03 a reference run of
10 minutes followed by the working tree's gave the stand-in backend, whose code had not changed
in a way that matters, twice the CPU per turn in the second run: the whole machine had slowed
down, and every ratio said so instead of saying what the change did. Measured phase by phase,
side by side, both runs see the same machine within a minute or two, and a drift that is still
there hits both sides in turn.

Each side's stack is started once (`python -m bench --keep` of this bench code with the side's
own interpreter and tree), then each phase is one `python -m bench --target` run against it: a
level of the benchmark, or the saturation phase. `merged` puts one side's phase results back
into the shape of a single run (bench/__main__.py), which `compare.figures` reads.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its label in the report, its tree, where its runs go."""

    label: str
    root: Path
    out: Path

    @property
    def target(self) -> Path:
        return self.out / "start" / "target.json"


@dataclass(frozen=True)
class Phase:
    """One measured run: `conversations` activations, `at_once` at a time, `think` seconds."""

    at_once: int
    conversations: int
    think: float
    saturation: bool = False

    def argv(self) -> list[str]:
        if self.saturation:
            return ["--levels", "", "--saturation", str(self.at_once)]
        return [
            "--levels",
            str(self.at_once),
            "--conversations",
            str(self.conversations),
            "--think",
            str(self.think),
            "--saturation",
            "0",
        ]


def phases(levels: list[int], conversations: int, think: float, saturation: int) -> list[Phase]:
    """The levels with people's think time, then the saturation phase (none when 0)."""
    found = [Phase(level, max(conversations, level), think) for level in levels]
    if saturation:
        found.append(Phase(saturation, saturation, 0.0, saturation=True))
    return found


def order(index: int, ref: Side, new: Side) -> tuple[Side, Side]:
    """ABBA: the reference first in even phases, the working tree first in odd ones."""
    return (ref, new) if index % 2 == 0 else (new, ref)


def merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's phase results as a single run: its levels in order, the saturation phase,
    each service's highest memory peak, the first run's date, training time and load before,
    the last run's load after."""
    first, last = runs[0], runs[-1]
    out = {k: first[k] for k in ("channel", "stack", "when", "command", "training") if k in first}
    out["machine"] = {
        **first.get("machine", {}),
        "load_after": last.get("machine", {}).get("load_after"),
    }
    out["levels"] = [level for run in runs for level in run.get("levels", [])]
    out["saturation"] = next((run["saturation"] for run in runs if run.get("saturation")), None)
    peaks: dict[str, int] = {}
    for run in runs:
        for service, mib in (run.get("memory_peak_mib") or {}).items():
            peaks[service] = max(peaks.get(service, 0), mib)
    out["memory_peak_mib"] = peaks
    out["memory_peak_total_mib"] = max(run.get("memory_peak_total_mib") or 0 for run in runs)
    return out


def bench(side: Side, argv: list[str], out: Path) -> dict[str, Any]:
    """`python -m bench` (this tree's bench code) for `side`, with the side's interpreter."""
    python = side.root / ".venv" / "bin" / "python"
    out.mkdir(parents=True, exist_ok=True)
    command = [str(python), "-m", "bench", "--root", str(side.root), "--out", str(out), *argv]
    print(f"--- {side.label}: {' '.join(command)}", flush=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return json.loads((out / "latest.json").read_text())  # type: ignore[no-any-return]


def start(side: Side, common: list[str], train: bool) -> dict[str, Any]:
    """Starts the side's stack and leaves it running (its target in `side.target`)."""
    argv = ["--keep", "--levels", "", "--saturation", "0", *common] + ["--train"] * train
    return bench(side, argv, side.target.parent)


def stop(side: Side) -> None:
    """Stops a stack `start` left running (SIGINT to its process group, SIGKILL after 30 s)."""
    if not side.target.exists():
        return
    pid = json.loads(side.target.read_text())["pid"]
    for sig, wait in ((signal.SIGINT, 30.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


def run(ref: Side, new: Side, plan: list[Phase], common: list[str], train: bool) -> list[dict]:
    """Both stacks up, every phase on both sides (ABBA); the two merged runs, ref first."""
    results: dict[str, list[dict[str, Any]]] = {ref.label: [], new.label: []}
    try:
        for side in (ref, new):
            results[side.label].append(start(side, common, train))
        for index, phase in enumerate(plan):
            for side in order(index, ref, new):
                out = side.out / f"phase-{index}"
                argv = ["--target", str(side.target), *common, *phase.argv()]
                results[side.label].append(bench(side, argv, out))
    finally:
        for side in (ref, new):
            stop(side)
    return [merged(results[ref.label]), merged(results[new.label])]
