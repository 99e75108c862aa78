"""The A/B compare mode's arithmetic and report (bench/compare.py), on a recorded pair of runs.

tests/bench/runs/ holds two real `make bench --think 0` results of 2026-11-24 (one stack, then
the scaled-out stack), trimmed of their per-turn details: the reference has levels 10 and 50,
the other only 50 and a "router" service, so missing figures are covered too. Pure: no stack.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.compare import Row, compare, figures, render, unmet_pins

RUNS = Path(__file__).parent / "runs"


@pytest.fixture(scope="module")
def pair() -> tuple[dict, dict]:
    return (
        json.loads((RUNS / "ref.json").read_text()),
        json.loads((RUNS / "new.json").read_text()),
    )


def row(rows: list[Row], group: str, name: str) -> Row:
    (found,) = [r for r in rows if r.group == group and r.name == name]
    return found


def test_ratio_is_new_over_reference_and_says_which_way_is_better() -> None:
    cost = Row("CPU per turn", "rasa", "ms", ref=40.0, new=10.0)
    assert cost.ratio == pytest.approx(0.25)
    assert cost.better is True
    rate = Row("throughput", "turns/s", "1/s", ref=10.0, new=5.0, higher_is_better=True)
    assert rate.ratio == pytest.approx(0.5)
    assert rate.better is False
    assert Row("x", "y", "", ref=0.0, new=3.0).ratio is None  # no division by zero
    assert Row("x", "y", "", ref=None, new=3.0).ratio is None
    assert Row("x", "y", "", ref=2.0, new=2.0).better is None


def test_assistant_and_backend_are_summed_apart(pair: tuple[dict, dict]) -> None:
    ref, new = pair
    level = ref["levels"][1]  # 50 at once
    cpu = level["cpu_ms_per_turn"]
    values = figures(ref)
    assistant = values[
        ("CPU per turn", "assistant (webhook+rasa+actions+redis) @50 at once", "ms")
    ][0]
    assert assistant == pytest.approx(cpu["webhook"] + cpu["rasa"] + cpu["actions"] + cpu["redis"])
    assert values[("CPU per turn", "stand-in backend @50 at once", "ms")][0] == cpu["backend"]
    assert values[("CPU per turn", "all @50 at once", "ms")][0] == pytest.approx(cpu["total"])
    # The scaled-out stack's HAProxy is the assistant's too, not the backend's.
    new_cpu = new["levels"][0]["cpu_ms_per_turn"]
    new_assistant = figures(new)[
        ("CPU per turn", "assistant (webhook+rasa+actions+redis) @50 at once", "ms")
    ][0]
    others = [v for k, v in new_cpu.items() if k not in ("backend", "total")]
    assert "router" in new_cpu and new_assistant == pytest.approx(sum(others))


def test_compare_gives_each_figure_and_its_ratio(pair: tuple[dict, dict]) -> None:
    ref, new = pair
    rows = compare(ref, new)
    saturation = row(rows, "throughput", "saturation (best turns/s of the levels)")
    best_ref = max(level["turns_per_second"] for level in ref["levels"])
    assert saturation.ref == best_ref
    assert saturation.new == new["levels"][0]["turns_per_second"]
    assert saturation.ratio == pytest.approx(saturation.new / best_ref)
    assert saturation.better is (saturation.new > best_ref)

    p95 = row(rows, "latency", "p95 @50 at once")
    assert p95.ratio == pytest.approx(
        new["levels"][0]["latency_ms"]["p95"] / ref["levels"][1]["latency_ms"]["p95"]
    )
    memory = row(rows, "peak memory", "whole stack")
    assert memory.ratio == pytest.approx(
        new["memory_peak_total_mib"] / ref["memory_peak_total_mib"]
    )
    training = row(rows, "training", "model training time")
    assert training.ratio == pytest.approx(new["training"]["seconds"] / ref["training"]["seconds"])
    segments = row(rows, "SMS", "segments per activation @50 at once")
    assert segments.ref == ref["levels"][1]["sms_segments_per_activation"]
    # A level only the reference ran has no ratio; a service only the new run has, neither.
    only_ref = row(rows, "throughput", "turns/s @10 at once")
    assert only_ref.new is None and only_ref.ratio is None
    router = row(rows, "peak memory", "router")
    assert router.ref is None and router.new == new["memory_peak_mib"]["router"]


def test_report_is_a_table_with_dates_loads_and_ratios(pair: tuple[dict, dict]) -> None:
    ref, new = pair
    rows = compare(ref, new)
    report = render(rows, ref, new)
    lines = report.splitlines()
    assert lines[0].startswith(f"- reference: {ref['commit']} at {ref['when']}")
    assert (
        f"load {ref['machine']['load_before'][0]} -> {ref['machine']['load_after'][0]}"
        in (lines[0])
    )
    assert lines[1].startswith(f"- working tree: {new['commit']} at {new['when']}")
    table = [line for line in lines if line.startswith("| ") and "---" not in line][1:]
    assert len(table) == len(rows)
    saturation = row(rows, "throughput", "saturation (best turns/s of the levels)")
    expected = (
        f"| throughput | saturation (best turns/s of the levels) | 1/s | {saturation.ref:.1f} "
        f"| {saturation.new:.1f} | {saturation.ratio:.2f} (better) |"
    )
    assert expected in table
    assert "| errors | errors @50 at once |  | 0 | 0 | - |" in table


def test_the_venv_is_shared_only_when_every_pin_of_the_reference_is_installed() -> None:
    constraints = (
        "# header\nnumpy==1.23.5\nSQLAlchemy==1.4.54 ; python_version >= '3'\nrasa==3.6.21\n"
    )
    installed = {"numpy": "1.23.5", "sqlalchemy": "1.4.54", "rasa": "3.6.21", "pytest-xdist": "3.8"}
    assert unmet_pins(constraints, installed) == []  # an extra package is no reason to rebuild
    assert unmet_pins(constraints, {**installed, "numpy": "1.24.0"}) == ["numpy==1.23.5"]
    missing = dict(installed)
    del missing["rasa"]
    assert unmet_pins(constraints, missing) == ["rasa==3.6.21"]


def test_the_saturation_phase_has_its_own_rows(pair: tuple[dict, dict]) -> None:
    """`--saturation N`: a last phase with no think time, reported apart from the levels (whose
    best turns/s only says what the offered load was); a run without it has no such rows."""
    ref, new = pair
    ref = {**ref, "saturation": {**ref["levels"][-1], "concurrency": 20, "think_seconds": 0.0}}
    new = {**new, "saturation": {**new["levels"][-1], "concurrency": 20, "think_seconds": 0.0}}
    rows = compare(ref, new)
    turns = row(rows, "saturation", "turns/s @20 at once, think 0")
    assert turns.ref == ref["saturation"]["turns_per_second"]
    assert turns.ratio == pytest.approx(
        new["saturation"]["turns_per_second"] / ref["saturation"]["turns_per_second"]
    )
    assert turns.higher_is_better is True
    cpu = row(rows, "saturation", "assistant CPU per turn @20 at once, think 0")
    ref_cpu = ref["saturation"]["cpu_ms_per_turn"]
    assert cpu.ref == pytest.approx(
        sum(ref_cpu.get(k, 0) for k in ("webhook", "rasa", "actions", "redis", "router")), abs=0.1
    )
    assert cpu.higher_is_better is False
    assert not [r for r in compare(*pair) if r.group == "saturation"]
