"""Trains the Rasa model only when what it is made of changed (content hash stamp).

The model depends on config.yml, the domain (bot/**/*.yml) and the training data (data/); the
hash of their contents is stored beside the model. Seeds are fixed in config.yml and
PYTHONHASHSEED is set, so the same inputs give the same model.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "mes.tar.gz"
STAMP = ROOT / "models" / "mes.sha256"
TRAIN_RECORD = ROOT / "models" / "mes.train.json"


def training_inputs(root: Path = ROOT) -> list[Path]:
    files = [root / "config.yml"]
    files += sorted((root / "bot").rglob("*.yml"))
    files += sorted(p for p in (root / "data").rglob("*") if p.is_file())
    return files


def content_hash(root: Path = ROOT) -> str:
    """SHA-256 over the names and contents of every training input."""
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def main() -> int:
    wanted = content_hash()
    if MODEL.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        print(f"Model up to date ({MODEL.relative_to(ROOT)}).")
        return 0
    print("Training the Rasa model (config.yml, bot/ or data/ changed)...", flush=True)
    env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="2", TF_DETERMINISTIC_OPS="1")
    rasa = str(Path(sys.executable).parent / "rasa")
    started = time.monotonic()
    result = subprocess.run(
        [
            rasa,
            "train",
            "-c",
            "config.yml",
            "-d",
            "bot/domain",
            "--data",
            "data",
            "--out",
            "models",
            "--fixed-model-name",
            "mes",
            "--force",
        ],
        cwd=ROOT,
        env=env,
    )
    if result.returncode != 0:
        return result.returncode
    STAMP.write_text(wanted + "\n")
    seconds = time.monotonic() - started
    # `make bench` reports it (bench/__main__.py): how long a retrain keeps a fix from people.
    TRAIN_RECORD.write_text(
        json.dumps({"seconds": round(seconds, 1), "cpus": os.cpu_count(), "hash": wanted}) + "\n"
    )
    print(f"Model trained in {seconds:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
