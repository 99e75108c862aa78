"""The model is retrained only when config.yml, the domain (bot/**/*.yml) or data/ change."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "train_if_changed", ROOT / "scripts" / "train_if_changed.py"
)
train_if_changed = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train_if_changed)  # type: ignore[union-attr]


def project(tmp_path: Path) -> Path:
    (tmp_path / "bot" / "domain").mkdir(parents=True)
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "config.yml").write_text("language: fr\n")
    (tmp_path / "bot" / "domain" / "core.yml").write_text("intents: [greet]\n")
    (tmp_path / "bot" / "rules.py").write_text("X = 1\n")
    (tmp_path / "data" / "nlu" / "basics.yml").write_text("nlu: []\n")
    return tmp_path


def test_hash_is_stable_and_follows_every_training_input(tmp_path: Path) -> None:
    root = project(tmp_path)
    first = train_if_changed.content_hash(root)
    assert train_if_changed.content_hash(root) == first
    (root / "bot" / "rules.py").write_text("X = 2\n")  # Python code does not shape the model
    assert train_if_changed.content_hash(root) == first
    for changed in ("config.yml", "bot/domain/core.yml", "data/nlu/basics.yml"):
        before = train_if_changed.content_hash(root)
        (root / changed).write_text((root / changed).read_text() + "# changed\n")
        assert train_if_changed.content_hash(root) != before, changed
    (root / "data" / "nlu" / "new.yml").write_text("nlu: []\n")
    assert train_if_changed.content_hash(root) != before
