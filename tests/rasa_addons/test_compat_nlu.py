"""compat.sentence_features_only and contiguous_classifier_weights: the intent classifier gets
the same matrix and the same weights (in another memory order), so the trained model
(models/mes.tar.gz, `make test` trains it first) parses people's messages exactly as with
Rasa's own code: same intent, same ranking to the last digit, same entities."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from rasa_addons import compat

MODEL = Path(__file__).resolve().parents[2] / "models" / "mes.tar.gz"

MESSAGES = [
    "bonjour",
    "je veux activer mon espace santé",
    "mon code provisoire c'est ABCD EFGH 1234 je crois",
    "1 85 05 78 006 084 36",
    "un quatre-vingt-cinq zéro cinq soixante-dix-huit",
    "je ne veux pas de mon espace santé, je m'y oppose",
    "conseiller",
    "répéter",
    "c'est jean point dupont arobase exemple point fr",
    "oui",
    "non merci",
    "j'ai pas reçu de code",
    "Soleil#Vert2026",
    "ok",
]


@pytest.fixture(scope="module")
def agent() -> Any:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: `make train` (make test trains it first)")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def parses(agent: Any) -> list[dict[str, Any]]:
    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in MESSAGES]

    return asyncio.run(parse_all())


def test_the_parse_of_every_message_is_rasas(agent: Any) -> None:
    theirs = parses(agent)
    with compat.installed(compat.sentence_features_only, compat.contiguous_classifier_weights):
        ours = parses(agent)
    assert ours == theirs
    again = parses(agent)  # Rasa's code back, the weights left in Fortran order
    assert again == theirs
    assert {parse["intent"]["name"] for parse in ours} >= {"greet", "request_advisor"}


def test_the_classifier_reads_the_features_it_is_given(agent: Any) -> None:
    """The patch is in the path: a message without sentence features gives another ranking."""
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.training_data.message import Message

    with compat.installed(compat.sentence_features_only):
        create = LogisticRegressionClassifier.__dict__["_create_X"]
        assert create is compat.current(compat.sentence_features_only)[0]
        empty = create(None, [Message(data={"text": "x"})])
    assert empty.shape == (1, 0)


def test_a_domain_is_empty_or_not_as_rasa_says_once_asked() -> None:
    from rasa.shared.core.domain import Domain

    full = Domain.from_yaml('version: "3.1"\nintents: [greet]\n')
    theirs = (Domain.empty().is_empty(), full.is_empty())
    with compat.installed(compat.domain_emptiness_once):
        empty = Domain.empty()
        ours = (empty.is_empty(), full.is_empty())
        empty.as_dict = None  # type: ignore[method-assign]  # asked again: not serialised
        assert empty.is_empty() is True
    assert ours == theirs == (True, False)
