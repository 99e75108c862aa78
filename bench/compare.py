"""A/B benchmarks (`make bench BENCH_ARGS="--compare REF"`): the same load on a reference commit
and on the working tree, phase by phase on the same machine (bench/interleave.py), and the ratio
of each figure.

The machines' speed varies about 2x from day to day, so an absolute figure quoted from another
day means little; a ratio measured back to back does. The reference is a git worktree under
var/bench/ref-<commit>/ with its own model (trained there by its own scripts/train_if_changed.py,
whose content-hash stamp skips the training when the model is already there) and, when its
requirements are those of the working tree, the working tree's virtual environment.

The arithmetic (`figures`, `compare`, `render`) is pure and tested on a recorded pair of runs
(tests/bench/); `prepare_reference` drives git, bench/interleave.py the two stacks.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: The assistant's own services; the stand-in backend (its Argon2 cost belongs to the national
#: service in a real deployment) is reported apart. "router" is HAProxy in the scaled-out stack.
ASSISTANT = ("webhook", "rasa", "actions", "redis", "router")
BACKEND = ("backend",)


@dataclass(frozen=True)
class Row:
    """One figure of the comparison: the reference's value, the working tree's, their ratio."""

    group: str
    name: str
    unit: str
    ref: float | None
    new: float | None
    #: True when a larger value is better (turns/s); False for costs (CPU, latency, memory...)
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        """new / ref (None when either is missing or the reference is 0)."""
        if self.ref is None or self.new is None or self.ref == 0:
            return None
        return self.new / self.ref

    @property
    def better(self) -> bool | None:
        if self.ratio is None or self.ratio == 1:
            return None
        return (self.ratio > 1) == self.higher_is_better


def _sum(values: dict[str, float], names: tuple[str, ...]) -> float | None:
    present = [values[name] for name in names if values.get(name) is not None]
    return round(sum(present), 1) if present else None


def figures(result: dict[str, Any]) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    """Flattens one run's JSON (bench/__main__.py) into {(group, name, unit): (value, higher
    is better)}: per level CPU per turn by service and in groups, turns/s, p50/p95, errors,
    segments; for the run, saturation, peak memory and training time."""
    out: dict[tuple[str, str, str], tuple[float | None, bool]] = {}
    levels = result.get("levels", [])
    for level in levels:
        at = f"{level['concurrency']} at once"
        cpu = {k: v for k, v in level.get("cpu_ms_per_turn", {}).items() if k != "total"}
        for service, value in sorted(cpu.items()):
            out[("CPU per turn", f"{service} @{at}", "ms")] = (value, False)
        out[("CPU per turn", f"assistant (webhook+rasa+actions+redis) @{at}", "ms")] = (
            _sum(cpu, ASSISTANT),
            False,
        )
        out[("CPU per turn", f"stand-in backend @{at}", "ms")] = (_sum(cpu, BACKEND), False)
        out[("CPU per turn", f"all @{at}", "ms")] = (_sum(cpu, tuple(cpu)), False)
        out[("throughput", f"turns/s @{at}", "1/s")] = (level.get("turns_per_second"), True)
        latency = level.get("latency_ms", {})
        for key in ("p50", "p95"):
            out[("latency", f"{key} @{at}", "ms")] = (latency.get(key), False)
        out[("errors", f"errors @{at}", "")] = (level.get("errors"), False)
        out[("SMS", f"segments per activation @{at}", "")] = (
            level.get("sms_segments_per_activation"),
            False,
        )
    rates = [level["turns_per_second"] for level in levels if level.get("turns_per_second")]
    out[("throughput", "saturation (best turns/s of the levels)", "1/s")] = (
        max(rates) if rates else None,
        True,
    )
    saturation = result.get("saturation")
    if saturation:  # --saturation N: no think time, the stack's own limit
        at = f"{saturation['concurrency']} at once, think 0"
        cpu = {k: v for k, v in saturation.get("cpu_ms_per_turn", {}).items() if k != "total"}
        out[("saturation", f"turns/s @{at}", "1/s")] = (saturation.get("turns_per_second"), True)
        out[("saturation", f"assistant CPU per turn @{at}", "ms")] = (_sum(cpu, ASSISTANT), False)
        out[("saturation", f"p95 @{at}", "ms")] = (
            saturation.get("latency_ms", {}).get("p95"),
            False,
        )
        out[("saturation", f"errors @{at}", "")] = (saturation.get("errors"), False)
    memory = result.get("memory_peak_mib", {})
    for service, value in sorted(memory.items()):
        out[("peak memory", service, "MiB")] = (value, False)
    out[("peak memory", "assistant (sum of peaks)", "MiB")] = (_sum(memory, ASSISTANT), False)
    out[("peak memory", "whole stack", "MiB")] = (result.get("memory_peak_total_mib"), False)
    out[("training", "model training time", "s")] = (
        (result.get("training") or {}).get("seconds"),
        False,
    )
    return out


def compare(ref: dict[str, Any], new: dict[str, Any]) -> list[Row]:
    """Every figure of either run, in the reference's order then the new ones."""
    a, b = figures(ref), figures(new)
    keys = list(a) + [k for k in b if k not in a]
    rows = []
    for key in keys:
        ref_value, higher = a.get(key, (None, b.get(key, (None, False))[1]))
        new_value = b.get(key, (None, higher))[0]
        rows.append(Row(key[0], key[1], key[2], ref_value, new_value, higher))
    return rows


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, int) else f"{value:.1f}"


def render(rows: list[Row], ref: dict[str, Any], new: dict[str, Any]) -> str:
    """The ratio table (Markdown, for docs/BENCHMARKS.md) with each run's date and load."""
    lines = []
    for label, run in (("reference", ref), ("working tree", new)):
        machine = run.get("machine", {})
        lines.append(
            f"- {label}: {run.get('commit', '?')} at {run.get('when', '?')}, "
            f"load {machine.get('load_before', ['?'])[0]} -> {machine.get('load_after', ['?'])[0]}"
            f", {machine.get('cpus', '?')} CPUs"
        )
    lines += ["", "| group | figure | unit | reference | working tree | ratio new/ref |"]
    lines.append("|---|---|---|---|---|---|")
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
        if row.better is not None:
            ratio += " (better)" if row.better else " (worse)"
        lines.append(
            f"| {row.group} | {row.name} | {row.unit} | {_fmt(row.ref)} | {_fmt(row.new)} "
            f"| {ratio} |"
        )
    return "\n".join(lines) + "\n"


# --- orchestration: a worktree for the reference, one benchmark run per side ---------------


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def pins(constraints: str) -> dict[str, str]:
    """{normalised name: version} of the `name==version` lines of a constraints file."""
    out = {}
    for line in constraints.splitlines():
        line = line.split("#", 1)[0].split(";", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            out[name.strip().lower().replace("_", "-")] = version.strip()
    return out


def unmet_pins(constraints: str, installed: dict[str, str]) -> list[str]:
    """The reference's pins that the working tree's venv does not have at that version.

    None means the venv can be shared: extra packages (a test plugin added since) do not change
    what the services run; a different version of any pinned package would.
    """
    have = {k.lower().replace("_", "-"): v for k, v in installed.items()}
    return sorted(f"{n}=={v}" for n, v in pins(constraints).items() if have.get(n) != v)


def installed_versions() -> dict[str, str]:
    """Every distribution of the running interpreter (the working tree's venv)."""
    from importlib.metadata import distributions

    return {d.metadata["Name"]: d.version for d in distributions() if d.metadata["Name"]}


def prepare_reference(ref: str, base: Path) -> Path:
    """A detached git worktree of `ref` under `base` (reused when there), its venv and model."""
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    tree = base / f"ref-{commit[:12]}"
    if not (tree / ".git").exists():
        base.mkdir(parents=True, exist_ok=True)
        git("worktree", "prune")
        git("worktree", "add", "--detach", str(tree), commit)
    venv = tree / ".venv"
    if not venv.exists():
        unmet = unmet_pins((tree / "constraints.txt").read_text(), installed_versions())
        if not unmet:
            venv.symlink_to((ROOT / ".venv").resolve())
        else:
            print(f"{ref}: other pins ({', '.join(unmet[:5])}...), its own venv ...", flush=True)
            subprocess.run(["make", "venv"], cwd=tree, check=True)
    seed_model(tree)
    print(f"{ref}: training its model if its inputs changed ...", flush=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "scripts/train_if_changed.py"], cwd=tree, check=True
    )
    return tree


def seed_model(tree: Path) -> None:
    """Copies the working tree's model into the reference when both have the same training
    inputs (same content hash as scripts/train_if_changed.py computes): no needless training."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from train_if_changed import content_hash
    finally:
        sys.path.pop(0)
    stamp = ROOT / "models" / "mes.sha256"
    target = tree / "models"
    if (target / "mes.sha256").exists() or not stamp.exists():
        return
    if stamp.read_text().strip() == content_hash(tree):
        shutil.copytree(ROOT / "models", target, dirs_exist_ok=True)
