"""Accuracy, calibration error and gate figures of predictions against labelled texts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from models.classifier.results import Prediction

# equal-width probability bins of the expected calibration error (the usual choice, Guo 2017)
ECE_BINS = 10
# a wrong top code at or above this probability is printed as "1.000" (issue 14: never)
OVERCONFIDENT = 0.999


@dataclass(frozen=True)
class TaxonomyFigures:
    """What predictions of one taxonomy did on a list of labelled texts."""

    n: int
    top1: float
    top3: float
    ece: float  # expected calibration error of the top-1 probability
    coverage: float  # share the gate accepted
    precision: float | None  # share of accepted top codes that are right (None: none accepted)
    section_top1: float | None = None  # NACE only: the rolled-up section
    overconfident: int = 0  # wrong top codes with probability >= OVERCONFIDENT


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray) -> float:
    """Mean |accuracy - confidence| over equal-width bins, weighted by bin size."""
    if not len(confidence):
        return 0.0
    bins = np.minimum((confidence * ECE_BINS).astype(int), ECE_BINS - 1)
    total = 0.0
    for b in range(ECE_BINS):
        members = bins == b
        if members.any():
            gap = abs(correct[members].mean() - confidence[members].mean())
            total += gap * members.sum() / len(confidence)
    return float(total)


def taxonomy_figures(
    gold: Sequence[Sequence[str]],
    predictions: Sequence[Prediction],
    accepts: Callable[[Prediction], bool],
    section_of: Callable[[str], str] | None = None,
) -> TaxonomyFigures | None:
    """Figures over the rows that have gold codes (None when no row has)."""
    rows = [(set(g), p) for g, p in zip(gold, predictions, strict=True) if g]
    if not rows:
        return None
    top1 = np.array([bool(p.codes) and p.codes[0].code in g for g, p in rows])
    top3 = np.array([any(c.code in g for c in p.codes[:3]) for g, p in rows])
    confidence = np.array([p.codes[0].probability if p.codes else 0.0 for _, p in rows])
    accepted = np.array([accepts(p) for _, p in rows])
    section = None
    if section_of is not None:
        hits = [
            bool(p.rolled_up) and p.rolled_up[0].code in {section_of(c) for c in g} for g, p in rows
        ]
        section = float(np.mean(hits))
    return TaxonomyFigures(
        n=len(rows),
        top1=float(top1.mean()),
        top3=float(top3.mean()),
        ece=expected_calibration_error(confidence, top1),
        coverage=float(accepted.mean()),
        precision=float(top1[accepted].mean()) if accepted.any() else None,
        section_top1=section,
        overconfident=int(((confidence >= OVERCONFIDENT) & ~top1).sum()),
    )


def figures_by_taxonomy(
    codes: Sequence[Mapping[str, Sequence[str]]],
    predictions: Sequence[Mapping[str, Prediction]],
    accepts: Callable[[Prediction], bool],
    section_of: Callable[[str], str] | None = None,
) -> dict[str, TaxonomyFigures]:
    """``taxonomy_figures`` for every taxonomy the predictions hold."""
    out: dict[str, TaxonomyFigures] = {}
    names = list(predictions[0]) if predictions else []
    for name in names:
        found = taxonomy_figures(
            [c.get(name, ()) for c in codes],
            [p[name] for p in predictions],
            accepts,
            section_of if name == "nace" else None,
        )
        if found is not None:
            out[name] = found
    return out
