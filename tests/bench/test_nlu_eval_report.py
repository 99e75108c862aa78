"""scripts/nlu_eval.py scores entities with whichever extractor the pipeline has, so that
pipelines (DIET, CRF...) can be compared on the same split (docs/BENCHMARKS.md)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("nlu_eval", ROOT / "scripts" / "nlu_eval.py")
nlu_eval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nlu_eval)  # type: ignore[union-attr]


def write(path: Path, body: dict) -> None:
    path.write_text(json.dumps(body))


def scores(f1: float) -> dict:
    return {"f1-score": f1, "precision": 1.0, "recall": f1, "support": 4}


def test_the_entity_report_of_a_crf_pipeline_is_found(tmp_path: Path) -> None:
    write(tmp_path / "intent_report.json", {"card_type": scores(0.1)})  # not an extractor's
    write(tmp_path / "response_selection_report.json", {"field": scores(0.2)})
    assert nlu_eval.entity_report(tmp_path) is None
    write(tmp_path / "CRFEntityExtractor_report.json", {"card_type": scores(0.9)})
    assert nlu_eval.entity_report(tmp_path) == tmp_path / "CRFEntityExtractor_report.json"


def test_an_extractor_without_our_entities_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "EntitySynonymMapper_report.json", {"micro avg": scores(0.0)})
    write(tmp_path / "DIETClassifier_report.json", {"field": scores(0.7)})
    assert nlu_eval.entity_report(tmp_path) == tmp_path / "DIETClassifier_report.json"
