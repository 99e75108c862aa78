"""Figures from the raw turns (percentiles, rates, segments) and the JSON + PNG under var/bench/."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.load import LevelResult

TARGET_P95_MS = 300.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: a reported p99 is a latency someone saw)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(level: LevelResult) -> dict[str, Any]:
    latencies = [t.latency * 1000 for t in level.turns]
    completed = [c for c in level.conversations if c.completed]
    errors: dict[str, int] = {}
    details = []
    for conversation in level.conversations:
        if conversation.error:
            errors[conversation.error] = errors.get(conversation.error, 0) + 1
            details.append(conversation.detail or conversation.error)
    return {
        "concurrency": level.concurrency,
        "conversations": len(level.conversations),
        "completed": len(completed),
        "turns": len(latencies),
        "seconds": round(level.seconds, 2),
        "turns_per_second": round(len(latencies) / level.seconds, 2) if level.seconds else 0,
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies), 1) if latencies else None,
            "mean": round(sum(latencies) / len(latencies), 1) if latencies else None,
        },
        "latency_ms_by_turn": by_turn(level),
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "error_details": details[:10],
        "sms_segments_per_activation": None
        if level.channel != "sms"
        else round(sum(c.segments for c in completed) / len(completed), 2)
        if completed
        else None,
    }


def by_turn(level: LevelResult) -> list[dict[str, float]]:
    """p50/p95 of each turn of the script (which step of an activation is slow)."""
    rows = []
    longest = max((len(c.turns) for c in level.conversations), default=0)
    for index in range(longest):
        values = [
            c.turns[index].latency * 1000 for c in level.conversations if len(c.turns) > index
        ]
        rows.append(
            {
                "turn": index + 1,
                "p50": round(percentile(values, 50), 1),
                "p95": round(percentile(values, 95), 1),
            }
        )
    return rows


def write(result: dict[str, Any], out_dir: Path, stamp: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"bench-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    (out_dir / "latest.json").write_text(json_path.read_text())
    png_path = out_dir / f"bench-{stamp}.png"
    chart(result, png_path)
    (out_dir / "latest.png").write_bytes(png_path.read_bytes())
    return json_path, png_path


def chart(result: dict[str, Any], path: Path) -> None:
    """Latency percentiles and throughput against the number of conversations at once."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = result["levels"]
    x = [level["concurrency"] for level in levels]
    fig, left = plt.subplots(figsize=(8, 5), dpi=110)
    for key, style in (("p50", "o-"), ("p95", "s-"), ("p99", "^-")):
        left.plot(x, [level["latency_ms"][key] for level in levels], style, label=f"{key} latency")
    left.axhline(TARGET_P95_MS, color="red", linestyle="--", linewidth=1, label="p95 target 300 ms")
    left.set_xlabel("conversations at once")
    left.set_ylabel(f"{result['channel']} turn latency at the webhook (ms)")
    left.set_xticks(x)
    left.grid(alpha=0.3)
    right = left.twinx()
    right.plot(
        x, [level["turns_per_second"] for level in levels], "d:", color="gray", label="turns/s"
    )
    right.set_ylabel("turns per second")
    lines = left.get_legend_handles_labels()
    extra = right.get_legend_handles_labels()
    left.legend(lines[0] + extra[0], lines[1] + extra[1], loc="upper left", fontsize=8)
    machine = result["machine"]
    fig.suptitle(
        f"make bench: {result['channel'].upper()} activations, {machine['cpus']} CPUs, "
        f"load {machine['load_before'][0]:.1f} before"
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
