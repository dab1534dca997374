"""A page of BM25 matches orders only what it shows: the partial order must equal the full
sort (best score first, ties by row), ties at the cut included."""

from __future__ import annotations

import numpy as np
import pytest

from observatory.search.score_order import by_score, split_best


@pytest.mark.parametrize("count", [0, 1, 7, 50, 999, 1000, 5000])
def test_split_best_equals_the_full_sort(count: int) -> None:
    rng = np.random.default_rng(count)
    scores = np.zeros(3000, dtype=np.float32)
    rows = np.sort(rng.choice(3000, 2000, replace=False))
    # few distinct scores: many ties, also across the cut
    scores[rows] = rng.integers(1, 12, len(rows)).astype(np.float32) / 4
    full = rows[np.lexsort((rows, -scores[rows]))]
    head, rest = split_best(rows, scores, count)
    assert head.tolist() == full[:count].tolist()
    assert sorted(rest.tolist()) == sorted(full[count:].tolist())
    assert by_score(rest, scores).tolist() == full[count:].tolist()
