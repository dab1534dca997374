"""How the shipped heads and weights are fitted: balanced codes, rows scored by their own head."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifier import Classifier
from pipelines.classify.calibrate import _features
from pipelines.classify.fit_shipped import balanced_weights

TEXTS = [
    "Manufacture of dairy products and cheese",
    "Offshore wind farms and their grid connection",
    "Hospitals and digital health services",
    "Software publishing and cloud computing",
]


def test_every_code_weighs_the_same_in_the_head_training() -> None:
    labels = ["10", "10", "10", "35", "35", "86"]
    weight = balanced_weights(labels, [1.0, 1.0, 1.0, 0.5, 1.0, 0.5])
    totals = {code: weight[[i for i, c in enumerate(labels) if c == code]].sum() for code in labels}
    assert np.allclose(list(totals.values()), totals["10"])
    assert weight.mean() == pytest.approx(1.0)
    # within a code the rows keep their own proportions (a split multi-label row counts half)
    assert weight[3] == pytest.approx(weight[4] / 2)


def test_each_row_is_scored_by_its_own_classifier(classifier: Classifier) -> None:
    assert "nace" in classifier.heads
    headless = classifier.with_calibration(classifier.calibration)
    headless.heads = {}
    queries, languages = classifier.encode_queries(TEXTS, ["en"] * len(TEXTS))
    scorers = [headless, classifier, headless, classifier]
    stacked, best = _features(scorers, queries, languages, TEXTS, classifier.calibration, "nace")
    alone = classifier.score(queries, languages, TEXTS, every_feature=True)["nace"]
    head = stacked[:, :, -1]
    assert not head[[0, 2]].any() and head[[1, 3]].all()
    np.testing.assert_allclose(stacked[[1, 3]], alone.features.stacked()[[1, 3]], atol=1e-6)
    np.testing.assert_allclose(best, alone.best_similarity, atol=1e-6)
