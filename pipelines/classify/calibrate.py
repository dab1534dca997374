"""Fit the classifier's calibration on labelled texts and choose its gate thresholds.

Two sources of labels:

- reviewed labels in the store: ``observatory calibrate`` (``calibrate_from_reviews``) writes
  the user calibration into ``<data_dir>/calibration/<model>/``, which the classifier then
  prefers over the shipped one;
- the shipped default: ``python -m pipelines.classify.fit_shipped`` fits it on several
  distributions at once (the calibration gold split and the ``fit`` classes of every real-text
  set), so the gate is chosen for the worst of them.

Either way it fits, per taxonomy (NACE first: the others read its probabilities), the feature
weights and temperature (gold NLL), the abstain thresholds, and the gate pair. Nothing is
changed in place: each step returns a new ``Calibration``.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from models.classifier import TAXONOMY_ORDER, Classifier, Prediction, gate
from models.classifier.calibration import Calibration, fit_weights, probabilities
from models.classifier.provenance import fitting_record
from models.classifier.starter import StarterExample
from observatory.errors import InvalidInput

log = logging.getLogger(__name__)

# abstain when the best prototype similarity is below this share of the lowest one seen on
# real priorities (gibberish and off-topic text sit far below)
SIMILARITY_FLOOR_SHARE = 0.8
# abstain below the top-1 probability that only this share of the fitting texts falls under
ABSTAIN_QUANTILE = 3.0
TARGET_PRECISION = 0.95
# a set with fewer accepted rows than this says too little about precision to veto a gate
# (one miss among three accepted phrases is noise, not a measured precision of 0.67)
MIN_ACCEPTED = 10
PROBABILITY_GRID = tuple(round(float(p), 2) for p in np.arange(0.3, 0.99, 0.02))
MARGIN_GRID = tuple(round(float(m), 2) for m in np.arange(0.0, 0.9, 0.05))


class Labelled(Protocol):
    """A text with gold codes per taxonomy (``GoldRow``, ``LabelledText``)."""

    @property
    def text(self) -> str: ...
    @property
    def language(self) -> str | None: ...
    @property
    def codes(self) -> Mapping[str, Sequence[str]]: ...


@dataclass(frozen=True)
class FittedTaxonomy:
    """What the fit found for one taxonomy."""

    rows: int
    temperature: float
    weights: Mapping[str, float]
    min_similarity: float
    abstain_probability: float


@dataclass(frozen=True)
class GateCandidate:
    """One (probability, margin) pair and what it does on each fitting set."""

    probability: float
    margin: float
    coverage: float  # mean share accepted over the sets
    precision: float  # the worst judged set's precision (1.0 when none accepted enough)
    per_set: Mapping[str, tuple[float, float | None]]  # set -> (coverage, precision)


def gold_matrix(rows: Sequence[Labelled], name: str, codes: Sequence[str]) -> np.ndarray:
    """(rows x codes) booleans: which codes are gold for each row."""
    column = {code: i for i, code in enumerate(codes)}
    gold = np.zeros((len(rows), len(codes)), dtype=bool)
    for r, row in enumerate(rows):
        for code in row.codes.get(name, ()):
            if code in column:
                gold[r, column[code]] = True
    return gold


def fit_calibration(
    classifier: Classifier,
    rows: Sequence[Labelled],
    *,
    row_weight: np.ndarray | None = None,
    scorers: Sequence[Classifier] | None = None,
) -> tuple[Calibration, dict[str, FittedTaxonomy]]:
    """A new calibration with weights, temperatures and abstain floors fitted on ``rows``.

    ``row_weight`` (one per row) lets several sets count equally whatever their sizes;
    ``scorers`` (one per row, default ``classifier``) scores a row with another classifier of
    the same models, e.g. one whose head was fitted without the row's source.
    """
    texts = [row.text for row in rows]
    queries, languages = classifier.encode_queries(texts, [row.language for row in rows])
    calibration = classifier.calibration
    fitted: dict[str, FittedTaxonomy] = {}
    for name in [n for n in TAXONOMY_ORDER if n in classifier.models]:
        gold = gold_matrix(rows, name, classifier.models[name].codes)
        labelled = gold.any(axis=1)
        if not labelled.any():
            continue
        stacked, best_similarity = _features(
            scorers or [classifier] * len(rows), queries, languages, texts, calibration, name
        )
        weights, temperature = fit_weights(
            stacked[labelled], gold[labelled],
            row_weight=None if row_weight is None else row_weight[labelled],
        )  # fmt: skip
        top = probabilities(stacked[labelled], weights, temperature).max(axis=1)
        params = replace(
            calibration.for_taxonomy(name),
            weights=weights,
            temperature=temperature,
            min_similarity=round(
                float(best_similarity[labelled].min()) * SIMILARITY_FLOOR_SHARE, 4
            ),
            abstain_probability=round(float(np.percentile(top, ABSTAIN_QUANTILE)), 4),
        )
        calibration = calibration.replace({name: params})
        fitted[name] = FittedTaxonomy(
            int(labelled.sum()), temperature, weights.__dict__, params.min_similarity,
            params.abstain_probability,
        )  # fmt: skip
    return calibration, fitted


def _features(
    scorers: Sequence[Classifier],
    queries: np.ndarray,
    languages: Sequence[str],
    texts: Sequence[str],
    calibration: Calibration,
    name: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Stacked features and best prototype similarity of every row in taxonomy ``name``, each
    row scored by its own classifier under ``calibration``."""
    stacked = best = None
    for scorer in {id(s): s for s in scorers}.values():
        rows = np.flatnonzero([s is scorer for s in scorers])
        found = scorer.score(
            queries[rows], [languages[i] for i in rows], [texts[i] for i in rows],
            every_feature=True, calibration=calibration,
        )[name]  # fmt: skip
        part = found.features.stacked()
        if stacked is None or best is None:
            stacked = np.empty((len(texts), *part.shape[1:]), dtype=part.dtype)
            best = np.empty(len(texts), dtype=found.best_similarity.dtype)
        stacked[rows], best[rows] = part, found.best_similarity
    assert stacked is not None and best is not None
    return stacked, best


def _judge(
    sets: Mapping[str, Sequence[tuple[Prediction, bool]]], probability: float, margin: float
) -> GateCandidate:
    per_set: dict[str, tuple[float, float | None]] = {}
    for set_name, pairs in sets.items():
        accepted = [ok for prediction, ok in pairs if gate(prediction, probability, margin)]
        precision = sum(accepted) / len(accepted) if accepted else None
        per_set[set_name] = (len(accepted) / len(pairs), precision)
    judged = [
        p for (c, p), pairs in zip(per_set.values(), sets.values(), strict=True)
        if p is not None and round(c * len(pairs)) >= min(MIN_ACCEPTED, len(pairs))
    ]  # fmt: skip
    coverage = float(np.mean([c for c, _ in per_set.values()]))
    return GateCandidate(probability, margin, coverage, min(judged, default=1.0), per_set)


def classify_sets(
    classifier: Classifier, sets: Mapping[str, Sequence[Labelled]]
) -> dict[str, list[dict[str, Prediction]]]:
    """The predictions of every set's texts (in their own languages)."""
    return {
        set_name: classifier.classify([r.text for r in rows], languages=[r.language for r in rows])
        for set_name, rows in sets.items()
    }


def choose_gate(
    classifier: Classifier,
    sets: Mapping[str, Sequence[Labelled]],
    target: float = TARGET_PRECISION,
    predictions: Mapping[str, Sequence[Mapping[str, Prediction]]] | None = None,
) -> tuple[Calibration, dict[str, GateCandidate]]:
    """A new calibration whose gate, per taxonomy, is the (probability, margin) pair keeping
    every set's precision >= ``target`` (a confidence model it held is dropped: ``gate_fit``
    fits one after this).

    Among the (probability, margin) pairs whose worst set (with at least ``MIN_ACCEPTED``
    accepted rows, or all its rows) reaches ``target``, the one accepting the most on average.
    A taxonomy where no pair reaches it accepts nothing (probability 1.01); its report keeps
    the most precise pair's per-set figures, to show how far it is. ``predictions`` (of
    ``classify_sets``) saves classifying the sets again.
    """
    predictions = predictions if predictions is not None else classify_sets(classifier, sets)
    calibration = classifier.calibration
    chosen: dict[str, GateCandidate] = {}
    for name in classifier.models:
        labelled = {
            set_name: [
                (p[name], p[name].codes[0].code in row.codes[name])
                for row, p in zip(sets[set_name], found, strict=True)
                if row.codes.get(name) and p[name].codes
            ]
            for set_name, found in predictions.items()
        }
        labelled = {k: v for k, v in labelled.items() if v}
        if not labelled:
            continue
        candidates = [_judge(labelled, p, m) for p, m in itertools.product(
            PROBABILITY_GRID, MARGIN_GRID)]  # fmt: skip
        reaching = [c for c in candidates if c.precision >= target]
        best = (
            max(reaching, key=lambda c: (c.coverage, c.precision))
            if reaching
            else replace(max(candidates, key=lambda c: c.precision), probability=1.01, coverage=0.0)
        )
        params = replace(
            calibration.for_taxonomy(name), gate_probability=best.probability,
            gate_margin=best.margin, gate_model=None,
        )  # fmt: skip
        calibration = calibration.replace({name: params})
        chosen[name] = best
    return calibration, chosen


def without_starter_texts(
    rows: Sequence[Labelled], starters: Sequence[StarterExample]
) -> list[Labelled]:
    """``rows`` minus those whose text is a starter example: fitting on them would teach the
    classifier the confidence of a perfect neighbour, which new text never has."""
    known = {example.text for example in starters}
    kept = [row for row in rows if row.text not in known]
    if len(kept) < len(rows):
        log.warning("%d of %d rows are starter examples and are left out of the fit",
                    len(rows) - len(kept), len(rows))  # fmt: skip
    if not kept:
        raise InvalidInput("every row is a starter example: fit on the calibration split instead")
    return kept


def gate_report(chosen: Mapping[str, GateCandidate]) -> dict[str, dict[str, object]]:
    """JSON form of chosen gates."""
    return {
        name: {
            "min_probability": c.probability,
            "min_margin": c.margin,
            "coverage": round(c.coverage, 4),
            "precision": round(c.precision, 4),
            "per_set": {
                k: [round(v[0], 4), None if v[1] is None else round(v[1], 4)]
                for k, v in c.per_set.items()
            },
        }
        for name, c in chosen.items()
    }


def save_calibration(
    classifier: Classifier,
    calibration: Calibration,
    folder: Path,
    metadata: Mapping[str, object],
) -> None:
    """Write ``calibration`` (fitted for ``classifier``) and how it was fitted into ``folder``."""
    record = {**dict(metadata), **fitting_record(classifier)}  # provenance.RECORD_KEYS
    calibration.replace(metadata=record).save(  # type: ignore[arg-type]
        folder,
        dimension=classifier.embedder.dimension,
        taxonomy_versions={n: m.taxonomy.version for n, m in classifier.models.items()},
    )
