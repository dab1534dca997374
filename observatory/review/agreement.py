"""Inter-reviewer agreement: Cohen's kappa (two reviewers) and Krippendorff's alpha (nominal,
any number of reviewers, missing values allowed), implemented with NumPy.

A reviewer's *value* for a task is the set of codes they settled on (written "10;62"; an empty
set for a rejection without replacement), compared as a nominal category.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from observatory.review.queue import active_decisions
from observatory.store.tables import ReviewDecisionRow, ReviewTaskRow


def cohen_kappa(first: Sequence[Any], second: Sequence[Any]) -> float:
    """Cohen's kappa of two raters over the same items: (p_o - p_e) / (1 - p_e).

    Returns 1.0 when both raters use one and the same category throughout (p_e = 1).
    """
    if len(first) != len(second) or not first:
        raise ValueError("cohen_kappa needs two equally long, non-empty rating lists")
    categories = sorted(set(first) | set(second), key=str)
    index = {category: i for i, category in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    total = table.sum()
    observed = np.trace(table) / total
    expected = float(table.sum(axis=1) @ table.sum(axis=0)) / total**2
    if expected >= 1.0:
        return 1.0
    return float((observed - expected) / (1.0 - expected))


def krippendorff_alpha_nominal(units: Sequence[Sequence[Any]]) -> float:
    """Krippendorff's alpha for nominal data: 1 - D_o / D_e over a coincidence matrix.

    ``units`` holds, per item, the values the raters gave (missing ratings simply absent);
    items with fewer than two values are not pairable and are ignored.
    """
    pairable = [list(values) for values in units if len(values) >= 2]
    if not pairable:
        raise ValueError("krippendorff_alpha_nominal needs at least one item with two ratings")
    categories = sorted({v for values in pairable for v in values}, key=str)
    index = {category: i for i, category in enumerate(categories)}
    coincidences = np.zeros((len(categories), len(categories)))
    for values in pairable:
        counts = np.zeros(len(categories))
        for value in values:
            counts[index[value]] += 1
        # each ordered pair of different raters within the unit, weighted 1 / (m - 1)
        coincidences += (np.outer(counts, counts) - np.diag(counts)) / (len(values) - 1)
    marginals = coincidences.sum(axis=1)
    n = marginals.sum()
    disagreement_observed = coincidences.sum() - np.trace(coincidences)
    disagreement_expected = (n * n - float(marginals @ marginals)) / (n - 1)
    if disagreement_expected == 0.0:
        return 1.0
    return float(1.0 - disagreement_observed / disagreement_expected)


@dataclass(frozen=True)
class Agreement:
    """Agreement of reviewers on one taxonomy."""

    taxonomy: str
    method: str  # "cohen_kappa", "krippendorff_alpha" or "none"
    value: float | None
    items: int
    reviewers: int
    percent_agreement: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def reviewer_values(session: Session) -> dict[str, dict[int, dict[str, str]]]:
    """taxonomy -> task -> reviewer -> value, from the decisions that count."""
    query = active_decisions().add_columns(ReviewTaskRow.taxonomy)
    query = query.join(ReviewTaskRow, ReviewTaskRow.id == ReviewDecisionRow.task_id)
    values: dict[str, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for decision, taxonomy in session.execute(query):
        values[taxonomy][decision.task_id][decision.reviewer] = ";".join(sorted(decision.codes))
    return values


def agreement(session: Session) -> dict[str, Agreement]:
    """Per taxonomy: Cohen's kappa when exactly two reviewers rated the multiply reviewed
    items, Krippendorff's alpha (nominal) when more did."""
    results: dict[str, Agreement] = {}
    for taxonomy, tasks in sorted(reviewer_values(session).items()):
        results[taxonomy] = agreement_of(taxonomy, tasks)
    return results


def agreement_of(taxonomy: str, tasks: Mapping[int, Mapping[str, str]]) -> Agreement:
    """Agreement over tasks given as task -> reviewer -> value."""
    shared = {task: ratings for task, ratings in tasks.items() if len(ratings) >= 2}
    reviewers = sorted({name for ratings in shared.values() for name in ratings})
    if not shared:
        return Agreement(taxonomy, "none", None, 0, len(reviewers), None)
    agreeing = sum(len(set(ratings.values())) == 1 for ratings in shared.values())
    percent = agreeing / len(shared)
    if len(reviewers) == 2:
        first, second = reviewers
        value = cohen_kappa(
            [ratings[first] for ratings in shared.values()],
            [ratings[second] for ratings in shared.values()],
        )
        return Agreement(taxonomy, "cohen_kappa", value, len(shared), 2, percent)
    value = krippendorff_alpha_nominal([list(r.values()) for r in shared.values()])
    return Agreement(taxonomy, "krippendorff_alpha", value, len(shared), len(reviewers), percent)
