"""Patches of the Rasa server's NLU and policy runs (rasa_addons/compat/__init__.py says how
patches are pinned and tested).

- `LogisticRegressionClassifier._create_X` builds and drops the per-token features of every
  message: `sentence_features_only`.
"""

from __future__ import annotations

from typing import Any


def sentence_features_only() -> None:
    """`LogisticRegressionClassifier._create_X` asks a message for its sparse features, which
    combines (a deep copy, then one `hstack` per featurizer) the per-token *sequence* features
    too, and keeps only the sentence ones: ~9 % of the Rasa server's CPU. The same matrix is
    built from the sentence features alone, stacked in the same order."""
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
    from scipy.sparse import csr_matrix, hstack, vstack

    def _create_X(self: Any, messages: list[Any]) -> Any:
        rows = []
        for message in messages:
            sentence = [
                feature.features
                for feature in message.features
                if feature.attribute == TEXT
                and feature.is_sparse()
                and feature.type == FEATURE_TYPE_SENTENCE
            ]
            dense = message.get_dense_features(attribute=TEXT)[1]
            combined = hstack(sentence) if sentence else []
            rows.append(hstack([csr_matrix(combined), csr_matrix(dense.features if dense else [])]))
        return vstack(rows)

    LogisticRegressionClassifier._create_X = _create_X  # type: ignore[method-assign]
