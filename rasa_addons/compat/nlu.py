"""Patches of the Rasa server's NLU and policy runs (rasa_addons/compat/__init__.py says how
patches are pinned and tested).

- `LogisticRegressionClassifier._create_X` builds and drops the per-token features of every
  message: `sentence_features_only`.
- The processor asks `Domain.is_empty()` of every parsed message, which serialises the whole
  domain and an empty one to compare them (~1 % of the Rasa server's CPU): `domain_emptiness_once`
  answers once per domain (the loaded domain is not changed while the server runs).
- `LogisticRegression.predict_proba` multiplies the message's features by `coef_.T`, a
  transposed (not C-contiguous) view that scipy copies whole (classes x 16 000 floats, ~1.3 ms)
  at every message: `contiguous_classifier_weights` stores the same weights in Fortran order
  once, so that the transpose is contiguous; the product is the same, bit for bit.
- `DaskGraphRunner` builds, orders and schedules a dask graph at each run of the prediction graph
  (~4 a turn, ~8 % of the busy CPU): `sequential_prediction_graph`, rasa_addons/graph_runner.py.
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


def domain_emptiness_once() -> None:
    """`Domain.is_empty` computed once per domain object, then remembered on it."""
    from rasa.shared.core.domain import Domain

    rasa_is_empty = Domain.is_empty

    def is_empty(self: Any) -> bool:
        known = self.__dict__.get("compat_is_empty")
        if known is None:
            known = self.__dict__["compat_is_empty"] = rasa_is_empty(self)
        return bool(known)

    Domain.is_empty = is_empty  # type: ignore[method-assign]


def sequential_prediction_graph() -> None:
    """The server loads its model with `SequentialGraphRunner`; training keeps its dask."""
    from rasa.core import processor

    from rasa_addons.graph_runner import SequentialGraphRunner

    processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]


def contiguous_classifier_weights() -> None:
    """`LogisticRegressionClassifier.process` as Rasa's, its classifier's weights first put in
    Fortran order (same values) when their transpose is not contiguous."""
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    rasa_process = LogisticRegressionClassifier.process

    def process(self: Any, messages: list[Any]) -> list[Any]:
        weights = getattr(self.clf, "coef_", None)
        if weights is not None and not weights.T.flags.c_contiguous:
            self.clf.coef_ = np.asfortranarray(weights)
        return rasa_process(self, messages)  # type: ignore[no-any-return]

    LogisticRegressionClassifier.process = process  # type: ignore[method-assign]
