"""Static checks of the NLU training data (data/nlu): no model is trained here.

The model's quality is measured by `scripts/nlu_eval.py` (make nlu-eval).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml
from stdnum.fr import nir as stdnum_nir

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
DOMAIN_CORE = ROOT / "bot" / "domain" / "core.yml"

INTENTS = {
    "greet", "goodbye", "thanks", "affirm", "deny",
    "activate", "oppose", "no_code", "inform",
    "ask_help", "ask_what_is_mes", "ask_mandatory", "ask_where_nir", "ask_where_serial",
    "ask_where_code", "ask_children", "ask_close_space", "ask_hours", "ask_cgu",
    "ask_reversible", "ask_bot",
    "repeat", "correct", "start_over", "request_advisor", "stop", "wait", "continue",
    "out_of_scope",
}  # fmt: skip
CARD_TYPES = {"with_photo", "without_photo"}
FIELDS = {
    "provisional_code", "nir", "card_type", "card_serial", "identifier", "password", "email",
    "mobile",
}  # fmt: skip
MIN_EXAMPLES = 30
REF_FULL = re.compile(r"secret(nir|code|pwd|otp|tok)[0-9a-f]{16}")
NIR_LIKE = re.compile(
    r"\b[12][ .-]?\d{2}[ .-]?\d{2}[ .-]?(?:\d{2}|2a|2b)[ .-]?\d{3}[ .-]?\d{3}[ .-]?\d{2}\b", re.I
)


@pytest.fixture(scope="module")
def training_data():
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(NLU_DIR))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w@.+-]+", " ", text).split())


def test_intents_are_the_expected_ones(training_data):
    assert set(training_data.intents) == INTENTS


def test_intents_match_the_domain():
    if not DOMAIN_CORE.exists():
        pytest.skip("bot/domain/core.yml is not there")
    domain = yaml.safe_load(DOMAIN_CORE.read_text(encoding="utf-8"))
    declared = {i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents", [])}
    assert INTENTS - declared == set(), "intents trained but not in the domain"
    assert declared - INTENTS - {"nlu_fallback"} == set(), "domain intents without examples"
    assert set(domain.get("entities", [])) >= {"card_type", "field"}


def test_every_intent_has_enough_examples(training_data):
    counts = Counter(example.get("intent") for example in training_data.intent_examples)
    thin = {intent: n for intent, n in counts.items() if n < MIN_EXAMPLES}
    assert not thin, f"intents with fewer than {MIN_EXAMPLES} examples: {thin}"


def test_no_example_in_two_intents(training_data):
    """Identical texts (ignoring case, accents and punctuation) under two intents confuse DIET."""
    owners = defaultdict(set)
    for example in training_data.intent_examples:
        key = _normalise(example.get("text"))
        if key:  # "?" and "..." normalise to nothing
            owners[key].add(example.get("intent"))
    clashes = {text: sorted(intents) for text, intents in owners.items() if len(intents) > 1}
    assert not clashes


def test_entities_and_their_values(training_data):
    for example in training_data.training_examples:
        for entity in example.get("entities") or []:
            assert entity["entity"] in {"card_type", "field"}, example.get("text")
            allowed = CARD_TYPES if entity["entity"] == "card_type" else FIELDS
            value = training_data.entity_synonyms.get(entity["value"], entity["value"])
            assert value in allowed, (example.get("text"), entity)


def test_field_is_annotated_only_in_correct(training_data):
    for example in training_data.intent_examples:
        if any(e["entity"] == "field" for e in example.get("entities") or []):
            assert example.get("intent") == "correct", example.get("text")


def test_synonyms_map_to_known_values(training_data):
    assert set(training_data.entity_synonyms.values()) <= CARD_TYPES | FIELDS


def test_vault_refs_are_well_formed(training_data):
    refs = [
        token
        for example in training_data.intent_examples
        for token in re.findall(r"\bsecret\w*", example.get("text"))
    ]
    assert len(refs) >= 40
    bad = [ref for ref in refs if not REF_FULL.fullmatch(ref)]
    assert not bad
    kinds = Counter(REF_FULL.fullmatch(ref).group(1) for ref in refs)
    assert {"nir", "code", "pwd", "otp"} <= set(kinds)


def test_vault_refs_are_inform_only(training_data):
    for example in training_data.intent_examples:
        if "secret" in example.get("text"):
            assert example.get("intent") == "inform", example.get("text")


def test_written_nirs_have_a_valid_key(training_data):
    """Sample NIRs are random but well formed: a bad key would teach nothing useful."""
    checked = 0
    for example in training_data.intent_examples:
        for match in NIR_LIKE.finditer(example.get("text")):
            compact = re.sub(r"[ .-]", "", match.group(0)).upper()
            assert stdnum_nir.is_valid(compact), (example.get("text"), compact)
            checked += 1
    assert checked >= 20


def test_regexes_compile_and_match_their_samples(training_data):
    patterns = {
        item["name"]: re.compile(item["pattern"], re.I) for item in training_data.regex_features
    }
    assert {"vault_ref", "digit_group"} <= set(patterns)
    assert patterns["vault_ref"].fullmatch("secretnir0a1b2c3d4e5f6789")
    assert not patterns["vault_ref"].search("secretnir0a1b2c3d4e5f678")
    assert patterns["digit_group"].search("le 34 22")
    assert patterns["provisional_code"].search("code ABCD EFGH JK23")
    assert patterns["nir_like"].search("1 85 05 75 112 345 18")
    assert patterns["mobile_number"].search("+33 6 12 34 56 78")
    # bare keypad answers: the count vectors see every number as __NUMBER__
    assert patterns["keypad_one"].search(" 1.") and not patterns["keypad_one"].search("12")
    assert patterns["keypad_two"].search("2") and not patterns["keypad_two"].search("le 2")
