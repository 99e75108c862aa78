"""bench/interleave.py's plan and merge: each phase on both sides in ABBA order, and one side's
phase results put back into the shape of one run that bench/compare.py reads. Pure: no stack
(the runs are tests/bench/runs/, real results of 2026-11-24)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bench.compare import compare, figures
from bench.interleave import Phase, Side, merged, order, phases

RUNS = Path(__file__).parent / "runs"


@pytest.fixture()
def ref_run() -> dict:
    return json.loads((RUNS / "ref.json").read_text())  # levels 10 and 50


def split(run: dict) -> list[dict]:
    """The run as the interleaved mode records it: a start without levels, one run per level,
    each with its own memory peaks and load."""
    start = {**copy.deepcopy(run), "levels": [], "memory_peak_mib": {"rasa": 100}}
    start["memory_peak_total_mib"] = 100
    parts = [start]
    for n, level in enumerate(run["levels"]):
        part = {**copy.deepcopy(run), "levels": [level], "training": {"seconds": None}}
        part["machine"] = {**run["machine"], "load_after": [float(n + 7), 0.0, 0.0]}
        parts.append(part)
    return parts


def test_the_plan_is_the_levels_then_the_saturation_phase() -> None:
    plan = phases([1, 10, 25], conversations=0, think=10.0, saturation=20)
    assert plan == [
        Phase(1, 1, 10.0),
        Phase(10, 10, 10.0),
        Phase(25, 25, 10.0),
        Phase(20, 20, 0.0, saturation=True),
    ]
    assert phases([10], conversations=30, think=0.0, saturation=0) == [Phase(10, 30, 0.0)]
    assert plan[-1].argv() == ["--levels", "", "--saturation", "20"]
    assert plan[1].argv()[:4] == ["--levels", "10", "--conversations", "10"]
    assert plan[1].argv()[-2:] == ["--saturation", "0"]  # a level phase never saturates


def test_the_order_alternates_abba() -> None:
    a, b = Side("ref", Path("/a"), Path("/o/a")), Side("new", Path("/b"), Path("/o/b"))
    firsts = [order(i, a, b)[0].label for i in range(4)]
    assert firsts == ["ref", "new", "ref", "new"]
    assert a.target == Path("/o/a/start/target.json")


def test_merged_phases_read_as_the_single_run(ref_run: dict) -> None:
    parts = split(ref_run)
    whole = merged(parts)
    assert whole["levels"] == ref_run["levels"]
    assert whole["training"] == ref_run["training"]  # the start's, not a phase's
    assert whole["machine"]["load_before"] == ref_run["machine"]["load_before"]
    assert whole["machine"]["load_after"] == [float(len(ref_run["levels"]) + 6), 0.0, 0.0]
    assert whole["saturation"] is None
    # every service's highest peak over the phases
    assert whole["memory_peak_mib"]["rasa"] == max(100, ref_run["memory_peak_mib"]["rasa"])
    assert whole["memory_peak_total_mib"] == max(100, ref_run["memory_peak_total_mib"])
    assert figures(whole) == figures({**ref_run, "memory_peak_mib": whole["memory_peak_mib"]})


def test_the_saturation_phase_lands_in_its_own_place(ref_run: dict) -> None:
    parts = split(ref_run)
    last = {**copy.deepcopy(ref_run), "levels": []}
    last["saturation"] = {**ref_run["levels"][-1], "concurrency": 20, "think_seconds": 0.0}
    whole = merged([*parts, last])
    assert whole["levels"] == ref_run["levels"]
    assert whole["saturation"]["concurrency"] == 20
    rows = compare(whole, whole)
    assert [r.ratio for r in rows if r.group == "saturation" and r.ratio is not None] == [
        pytest.approx(1.0)
    ] * 3  # turns/s, CPU, p95 (errors: 0 over 0 has no ratio)
