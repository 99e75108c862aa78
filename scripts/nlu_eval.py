#!/usr/bin/env python
"""Evaluate the NLU data on a held-out split.

Run from the project root:  .venv/bin/python scripts/nlu_eval.py

1. `rasa data split nlu` (fixed seed, 80/20) of data/nlu into a temporary directory under var/;
2. `rasa train nlu` of an NLU-only model on the training part, with config.yml;
3. `rasa test nlu` of that model on the test part;
4. prints a short summary (intent accuracy, macro / weighted F1, how many test messages fall
   under the FallbackClassifier threshold, entity F1 for card_type and field, the most
   confused intent pairs) and writes it as JSON to
   var/nlu-eval/summary.json. Rasa's full reports stay in var/nlu-eval/results/.

The Rasa domain is not needed. Only one run at a time (a lock file under var/nlu-eval/ is held
while training), since training uses all the CPU it can get.
"""

from __future__ import annotations

import argparse
import collections
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "var" / "nlu-eval"
ENTITIES = ("card_type", "field")


def rasa_executable() -> str:
    """The `rasa` next to the running interpreter (the venv), else the one on PATH."""
    candidate = Path(sys.executable).with_name("rasa")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("rasa")
    if not found:
        sys.exit(
            "rasa not found: run with the project's venv (.venv/bin/python scripts/nlu_eval.py)"
        )
    return found


def run(cmd: list[str], log_path: Path, env: dict[str, str]) -> None:
    """Run a rasa command, its output going to log_path; on failure show the log's tail."""
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    started = time.monotonic()
    with log_path.open("a", encoding="utf-8") as log:
        log.write("\n$ " + " ".join(str(c) for c in cmd) + "\n")
        log.flush()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
    if proc.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        print("\n".join(tail), file=sys.stderr)
        sys.exit(f"command failed with exit code {proc.returncode}; full log: {log_path}")


def data_warnings(log_path: Path) -> list[str]:
    """Rasa's warnings in the log (misaligned entities, synonym clashes, duplicates...)."""
    keep = ("UserWarning", " WARNING ")
    skip = ("domain.yml",)  # the evaluation runs without a domain on purpose
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [
        line.strip()
        for line in lines
        if any(k in line for k in keep) and not any(k in line for k in skip)
    ]


def fallback_threshold(config_path: Path) -> float | None:
    """The FallbackClassifier threshold of the pipeline, if there is one."""
    import yaml  # rasa depends on it

    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return None


def load_json(path: Path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def entity_report(results: Path) -> Path | None:
    """The entity extractor's report (DIETClassifier_report.json, CRFEntityExtractor_report.json
    ...): whichever extractor the pipeline has, so that pipelines can be compared."""
    others = ("intent_report.json", "response_selection_report.json")
    for path in sorted(results.glob("*_report.json")):
        if path.name not in others and any(name in load_json(path) for name in ENTITIES):
            return path
    return None


def summarise(
    results: Path, n_train: int, n_test: int, seed: int, fraction: float, threshold: float | None
) -> dict:
    intent_report = load_json(results / "intent_report.json")
    summary: dict = {
        "command": "scripts/nlu_eval.py",
        "split": {
            "seed": seed,
            "training_fraction": fraction,
            "train_examples": n_train,
            "test_examples": n_test,
        },
        "intent": {
            "accuracy": round(intent_report["accuracy"], 4),
            "macro_f1": round(intent_report["macro avg"]["f1-score"], 4),
            "weighted_f1": round(intent_report["weighted avg"]["f1-score"], 4),
        },
    }
    per_intent = {
        name: {
            "f1": round(vals["f1-score"], 3),
            "precision": round(vals["precision"], 3),
            "recall": round(vals["recall"], 3),
            "support": vals["support"],
        }
        for name, vals in intent_report.items()
        if isinstance(vals, dict)
        and "f1-score" in vals
        and name not in ("macro avg", "weighted avg", "micro avg")
    }
    summary["intent"]["per_intent"] = dict(sorted(per_intent.items(), key=lambda kv: kv[1]["f1"]))

    # `rasa test nlu` undoes FallbackClassifier predictions before scoring, so the figures above
    # are those of DIET alone; count separately what would have become nlu_fallback.
    errors_path = results / "intent_errors.json"
    successes_path = results / "intent_successes.json"
    errors = load_json(errors_path) if errors_path.exists() else []
    successes = load_json(successes_path) if successes_path.exists() else []
    pairs = collections.Counter()
    examples = collections.defaultdict(list)
    for err in errors:
        predicted = (err.get("intent_prediction") or {}).get("name") or "None"
        pairs[(err["intent"], predicted)] += 1
        if len(examples[(err["intent"], predicted)]) < 3:
            examples[(err["intent"], predicted)].append(err["text"])
    summary["intent"]["errors"] = len(errors)
    if threshold is not None and (successes or errors):

        def low(row):
            return (row.get("intent_prediction") or {}).get("confidence", 0.0) < threshold

        low_ok = sum(1 for row in successes if low(row))
        low_err = sum(1 for row in errors if low(row))
        summary["intent"]["fallback"] = {
            "threshold": threshold,
            "below_threshold": low_ok + low_err,
            "below_threshold_rate": round((low_ok + low_err) / max(1, n_test), 4),
            "correct_but_below": low_ok,
            "wrong_and_below": low_err,
            "wrong_and_confident": len(errors) - low_err,
        }
    summary["top_confusions"] = [
        {"intent": a, "predicted": b, "count": c, "examples": examples[(a, b)]}
        for (a, b), c in pairs.most_common(10)
    ]

    entity_report_path = entity_report(results)
    entities = {}
    if entity_report_path is not None:
        summary["entity_extractor"] = entity_report_path.name.removesuffix("_report.json")
        report = load_json(entity_report_path)
        for name in ENTITIES:
            vals = report.get(name)
            if vals:
                entities[name] = {
                    "f1": round(vals["f1-score"], 4),
                    "precision": round(vals["precision"], 4),
                    "recall": round(vals["recall"], 4),
                    "support": vals["support"],
                }
            else:
                entities[name] = {"f1": None, "support": 0}
    summary["entities"] = entities
    return summary


def print_summary(summary: dict) -> None:
    intent = summary["intent"]
    split = summary["split"]
    print()
    print(
        f"NLU evaluation: {split['train_examples']} train / {split['test_examples']} test examples "
        f"(seed {split['seed']}, {split['training_fraction']:.0%} train)"
    )
    print(
        f"  intent accuracy  {intent['accuracy']:.3f}   macro F1 {intent['macro_f1']:.3f}   "
        f"weighted F1 {intent['weighted_f1']:.3f}"
    )
    fb = intent.get("fallback")
    if fb:
        print(
            f"  errors {intent['errors']}; below the fallback threshold {fb['threshold']}: "
            f"{fb['below_threshold']} ({fb['below_threshold_rate']:.1%}: {fb['correct_but_below']} "
            f"right, {fb['wrong_and_below']} wrong); wrong and confident: "
            f"{fb['wrong_and_confident']}"
        )
    else:
        print(f"  errors {intent['errors']}")
    for name, vals in summary["entities"].items():
        if vals.get("f1") is None:
            print(f"  entity {name:10} no test examples")
        else:
            print(
                f"  entity {name:10} F1 {vals['f1']:.3f}  (P {vals['precision']:.3f}, "
                f"R {vals['recall']:.3f}, support {vals['support']})"
            )
    worst = [(k, v) for k, v in intent["per_intent"].items() if v["f1"] < 1.0][:8]
    if worst:
        print("  lowest intent F1: " + ", ".join(f"{k} {v['f1']:.2f}" for k, v in worst))
    if summary["top_confusions"]:
        print("  most confused (true -> predicted):")
        for row in summary["top_confusions"]:
            sample = "; ".join(row["examples"])
            print(f"    {row['count']:3d}  {row['intent']} -> {row['predicted']}   e.g. {sample}")
    if summary.get("data_warnings"):
        print(
            f"  {len(summary['data_warnings'])} data warning(s) in the training log, see summary.json"
        )


def count_examples(path: Path) -> int:
    import yaml  # rasa depends on it

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    total = 0
    for item in data.get("nlu", []):
        if "intent" in item:
            total += sum(
                1
                for line in str(item.get("examples", "")).splitlines()
                if line.strip().startswith("- ")
            )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="data/nlu", help="NLU data folder (default: data/nlu)")
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--seed", type=int, default=2026, help="split seed (default: 2026)")
    parser.add_argument(
        "--fraction", type=float, default=0.8, help="training fraction (default 0.8)"
    )
    parser.add_argument("--plot", action="store_true", help="let rasa draw its plots (slower)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary split and model")
    args = parser.parse_args()

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    lock = (OUT_DIR / ".lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit("another nlu_eval.py run holds var/nlu-eval/.lock; one training at a time")

    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    rasa = rasa_executable()

    tmp = Path(tempfile.mkdtemp(prefix="nlu-eval-", dir=ROOT / "var"))
    results = OUT_DIR / "results"
    log_path = OUT_DIR / "rasa.log"
    log_path.write_text("", encoding="utf-8")
    try:
        split_dir = tmp / "split"
        run(
            [
                rasa,
                "data",
                "split",
                "nlu",
                "--nlu",
                args.data,
                "--training-fraction",
                str(args.fraction),
                "--random-seed",
                str(args.seed),
                "--out",
                str(split_dir),
            ],
            log_path,
            env,
        )
        train_file = split_dir / "training_data.yml"
        test_file = split_dir / "test_data.yml"
        n_train, n_test = count_examples(train_file), count_examples(test_file)

        started = time.monotonic()
        run(
            [
                rasa,
                "train",
                "nlu",
                "--nlu",
                str(train_file),
                "-c",
                args.config,
                "--out",
                str(tmp / "models"),
                "--fixed-model-name",
                "nlu-eval",
            ],
            log_path,
            env,
        )
        train_seconds = round(time.monotonic() - started)
        warnings = data_warnings(log_path)

        if results.exists():
            shutil.rmtree(results)
        test_cmd = [
            rasa,
            "test",
            "nlu",
            "--nlu",
            str(test_file),
            "-m",
            str(tmp / "models" / "nlu-eval.tar.gz"),
            "--out",
            str(results),
            "--successes",
        ]
        if not args.plot:
            test_cmd.append("--no-plot")
        run(test_cmd, log_path, env)

        summary = summarise(
            results,
            n_train,
            n_test,
            args.seed,
            args.fraction,
            fallback_threshold(ROOT / args.config),
        )
        summary["train_seconds"] = train_seconds
        summary["data_warnings"] = warnings
        summary["results_dir"] = str(results.relative_to(ROOT))
        (OUT_DIR / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print_summary(summary)
        print(
            f"\nwrote {(OUT_DIR / 'summary.json').relative_to(ROOT)}; rasa log: "
            f"{log_path.relative_to(ROOT)}"
        )
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
