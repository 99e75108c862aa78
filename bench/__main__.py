"""`python -m bench` (`make bench`): see bench/__init__.py and docs/BENCHMARKS.md."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.conversation import Target
from bench.load import run_level
from bench.report import summarise, write
from bench.resources import MemorySampler, cpu_seconds, redis_used_memory

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def attached_target() -> Target:
    """The stack `make run` started (settings from the environment and `.env`)."""
    from bot.settings import load_settings, resolved_environment

    settings = load_settings()
    env = resolved_environment()
    return Target(
        webhook_url=env["WEBHOOK_URL"].rstrip("/"),
        public_base_url=settings.public_base_url,
        auth_token=settings.twilio_auth_token,
        backend_url=settings.backend_url,
        admin_token=settings.backend_admin_token,
        redis_url=settings.redis_url,
        ports={
            "webhook": [settings.webhook_port],
            "rasa": [settings.rasa_port],
            "actions": [settings.action_port],
            "backend": [settings.backend_port],
            "redis": [settings.redis_port],
        },
    )


def started_target(var_dir: Path, scaled: bool = False, root: Path = ROOT):  # type: ignore[no-untyped-def]
    """A private stack on free ports, as `make run` starts it (tests/support/stack.py), or
    scaled out (scripts/scale_stack.py: 2 Rasa servers, 2 action servers, gunicorn, HAProxy).

    `root` is the tree whose services run (another commit's worktree for --compare): its own
    tests/support/stack.py starts its own scripts and model with the running interpreter.
    """
    sys.path.insert(0, str(root))
    from tests.support.scaled_stack import make_scaled_stack
    from tests.support.stack import make_stack

    var_dir.mkdir(parents=True, exist_ok=True)
    stack = make_scaled_stack(var_dir.resolve()) if scaled else make_stack(var_dir.resolve())
    print(f"Starting a stack in {var_dir} (log: {stack.log_path}) ...", flush=True)
    stack.start()
    target = Target(
        webhook_url=stack.webhook_url,
        public_base_url=stack.public_base_url,
        auth_token=stack.env["TWILIO_AUTH_TOKEN"],
        backend_url=stack.backend_url,
        admin_token=stack.env["BACKEND_ADMIN_TOKEN"],
        redis_url=stack.redis_url,
        ports={
            "webhook": [stack.ports["WEBHOOK_PORT"]],
            "rasa": replica_ports(stack.env, "RASA") or [stack.ports["RASA_PORT"]],
            "actions": replica_ports(stack.env, "ACTION") or [stack.ports["ACTION_PORT"]],
            "backend": [stack.ports["BACKEND_PORT"]],
            "redis": [stack.ports["REDIS_PORT"]],
        },
    )
    if scaled:
        target.ports["router"] = [stack.ports["RASA_PORT"], stack.ports["ACTION_PORT"]]
    return stack, target


def replica_ports(env: dict[str, str], name: str) -> list[int]:
    return [int(p) for p in env.get(f"{name}_REPLICA_PORTS", "").split(",") if p]


def per_turn(after: dict[str, float], before: dict[str, float], summary: dict) -> dict:
    """CPU milliseconds each service spent per turn during a level (capacity planning)."""
    turns = summary["turns"] or 1
    spent = {name: (after[name] - before.get(name, 0.0)) * 1000 / turns for name in after}
    spent["total"] = sum(spent.values())
    return {name: round(value, 1) for name, value in spent.items()}


def training_time(train: bool, root: Path = ROOT) -> dict[str, Any]:
    """Times a training run into a scratch directory (--train), or reads the last recorded one.

    The shared model (models/mes.tar.gz) is never touched.
    """
    if train:
        scratch = root / "var" / "bench"
        scratch.mkdir(parents=True, exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix="train-", dir=scratch))
        env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="2")
        rasa = str(Path(sys.executable).parent / "rasa")
        command = [rasa, "train", "-c", "config.yml", "-d", "bot/domain", "--data", "data"]
        command += ["--out", str(out), "--fixed-model-name", "bench", "--force"]
        started = time.monotonic()
        subprocess.run(command, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
        return {"seconds": round(time.monotonic() - started, 1), "source": "timed by --train"}
    record = root / "models" / "mes.train.json"
    if record.exists():
        recorded = json.loads(record.read_text())
        return {**recorded, "source": str(record.relative_to(root))}
    return {"seconds": None, "source": "not recorded: run `make bench BENCH_ARGS=--train`"}


def measured_level(  # type: ignore[no-untyped-def]
    target: Target,
    memory: MemorySampler,
    level: int,
    count: int,
    args: argparse.Namespace,
    think: float | None = None,
) -> dict[str, Any]:
    """`count` activations, `level` at once: latencies, turns/s, CPU per turn by service, Redis
    growth per activation."""
    think = args.think if think is None else think
    cpu_before = cpu_seconds(memory.pids)
    redis_before = redis_used_memory(target.redis_url)
    summary = summarise(run_level(target, level, count, think, args.channel))
    summary["think_seconds"] = think
    summary["cpu_ms_per_turn"] = per_turn(cpu_seconds(memory.pids), cpu_before, summary)
    redis_after = redis_used_memory(target.redis_url)
    if redis_before is not None and redis_after is not None and summary["completed"]:
        grown = (redis_after - redis_before) / summary["completed"]
        summary["redis_kib_per_activation"] = round(grown / 1024, 1)
    print("  " + json.dumps(summary, ensure_ascii=False), flush=True)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark complete activations (SMS or voice).")
    parser.add_argument("--levels", default="1,10,25,50", help="conversations at once, per level")
    parser.add_argument(
        "--conversations", type=int, default=0, help="activations per level (default: the level)"
    )
    parser.add_argument("--channel", choices=["sms", "voice"], default="sms")
    parser.add_argument("--attach", action="store_true", help="use the stack `make run` started")
    parser.add_argument("--train", action="store_true", help="also time a training run")
    parser.add_argument(
        "--scaled", action="store_true", help="start the scaled-out stack (docs/SCALING.md)"
    )
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"))
    parser.add_argument(
        "--think",
        type=float,
        default=10.0,
        help="mean seconds a person takes to read a reply and type the next SMS (uniform, "
        "0.5x-1.5x); 0 sends at once and measures saturation",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the started stack running; its target goes to OUT/target.json",
    )
    parser.add_argument("--target", help="attach to the stack described by this target.json")
    parser.add_argument(
        "--saturation",
        type=int,
        default=20,
        metavar="N",
        help="after the levels, N activations at once with no think time: the turns/s one "
        "stack gives when it never waits for people (0: skip)",
    )
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="A/B: the same benchmark on commit REF (a worktree under var/bench/) then on the "
        "working tree, and the ratio of every figure (bench/compare.py)",
    )
    parser.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        return compare_main(args)
    root = Path(args.root).resolve()
    levels = [int(level) for level in args.levels.split(",") if level.strip()]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")

    stack = None
    if args.target:
        saved = json.loads(Path(args.target).read_text())
        target = Target(**{k: v for k, v in saved.items() if k != "pid"})
    elif args.attach:
        target = attached_target()
    else:
        stack, target = started_target(out_dir / f"stack-{stamp}", args.scaled, root)
        if args.keep:
            saved = out_dir / "target.json"
            saved.write_text(json.dumps({**vars(target), "pid": stack.process.pid}))
            saved.chmod(0o600)
    try:
        load_before = os.getloadavg()
        run_level(
            target, 1, 1, 0.0, args.channel
        )  # warm-up: first turns load lazily built parts of Rasa
        summaries = []
        saturation = None
        with MemorySampler(target.ports) as memory:
            for level in levels:
                count = max(args.conversations, level)
                print(f"level {level}: {count} activations, {level} at once ...", flush=True)
                summaries.append(measured_level(target, memory, level, count, args))
            if args.saturation:
                n = args.saturation
                print(f"saturation: {n} activations at once, no think time ...", flush=True)
                saturation = measured_level(target, memory, n, n, args, think=0.0)
        load_after = os.getloadavg()
    finally:
        if stack is not None and not args.keep:
            stack.stop()

    result = {
        "channel": args.channel,
        "stack": "scaled out (2 Rasa, 2 actions, 2 webhook workers, HAProxy)"
        if args.scaled
        else "one of each service, as `make run`",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "make bench BENCH_ARGS='" + " ".join(sys.argv[1:]) + "'",
        "machine": {
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in load_after],
            "note": "2 shared cores: the load generator runs on the same machine",
        },
        "levels": summaries,
        "saturation": saturation,
        "memory_peak_mib": {k: round(v / MIB) for k, v in memory.peak.items()},
        "memory_peak_total_mib": round(memory.peak_total / MIB),
        "training": training_time(args.train, root),
    }
    json_path, png_path = write(result, out_dir, stamp)
    print(json.dumps({k: result[k] for k in ("memory_peak_mib", "memory_peak_total_mib")}))
    print(f"Wrote {json_path} and {png_path}")
    worst = summaries[-1] if summaries else None
    if worst:
        print(
            f"At {worst['concurrency']} at once: p95 {worst['latency_ms']['p95']} ms, "
            f"{worst['turns_per_second']} turns/s, {worst['errors']} errors; "
            f"stack peak {result['memory_peak_total_mib']} MiB."
        )
    return 0


def compare_main(args: argparse.Namespace) -> int:
    """--compare REF: both stacks up, each phase on one then the other (bench/interleave.py),
    then the ratio table."""
    from bench import compare, interleave

    base = Path(args.out)
    folder = base / f"compare-{time.strftime('%Y%m%d-%H%M%S')}"
    tree = compare.prepare_reference(args.compare, base)
    head = compare.git("rev-parse", "--short", "HEAD")
    dirty = compare.git("status", "--porcelain", "--untracked-files=no")
    label = head + (" + uncommitted changes" if dirty else "")
    ref_side = interleave.Side(args.compare, tree, folder / "ref")
    new_side = interleave.Side(label, ROOT, folder / "new")
    levels = [int(level) for level in args.levels.split(",") if level.strip()]
    plan = interleave.phases(levels, args.conversations, args.think, args.saturation)
    common = ["--channel", args.channel] + ["--scaled"] * args.scaled
    ref, new = interleave.run(ref_side, new_side, plan, common, args.train)
    ref["commit"], new["commit"] = args.compare, label
    table = compare.render(compare.compare(ref, new), ref, new)
    (folder / "compare.md").write_text(table)
    (folder / "compare.json").write_text(
        json.dumps({"ref": ref, "new": new}, indent=2, ensure_ascii=False) + "\n"
    )
    print(table)
    print(f"Wrote {folder / 'compare.md'} and {folder / 'compare.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
