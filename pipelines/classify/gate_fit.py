"""Fit the gate's confidence model (``models.classifier.confidence``) on several distributions.

Per taxonomy: a logistic regression predicting "the top code is right" from the prediction's
signals, fitted on the fitting sets (each set weighing the same), then the threshold on its
estimate that accepts the most on average while the worst set keeps precision >= 0.95 (the same
rule as the (probability, margin) pair, ``calibrate.choose_gate``). Codes at lower ranks get a
``secondary_threshold`` only when one reaches the target on every set that accepts any of them.

The model is the gate wherever one is fitted; the pair stays only where none is (too few rows,
one outcome, no threshold reaching the target). ``leave_one_out`` refits model and threshold
without each set and reports that set: the figure under shift (the score weights and
temperature are not refitted for it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from models.classifier import Calibration, Classifier, Prediction
from models.classifier.confidence import SIGNAL_NAMES, GateModel
from pipelines.classify.calibrate import MIN_ACCEPTED, TARGET_PRECISION, GateCandidate, Labelled

# fewer labelled predictions than this (or one class only): no model, the pair gate stays
MIN_GATE_ROWS = 60
# L2 strength (sklearn's C) on standardised signals; 1.0 is sklearn's default
REGULARISATION_C = 1.0
MAX_ITERATIONS = 1000


@dataclass(frozen=True)
class GateSet:
    """One set's predictions in one taxonomy, as the gate sees them."""

    signals: np.ndarray  # (rows, ranks, signals)
    correct: np.ndarray  # (rows, ranks): the code at that rank is a gold code
    passable: np.ndarray  # (rows,): neither abstained nor conflicting

    def __len__(self) -> int:
        return len(self.correct)


@dataclass(frozen=True)
class GateFit:
    """What the fit found for one taxonomy (``per_set``: set -> (coverage, precision))."""

    model: GateModel | None
    coverage: float
    precision: float | None
    per_set: Mapping[str, tuple[float, float | None]]
    pair_coverage: float
    secondary_per_set: Mapping[str, tuple[float, float | None]]
    leave_one_out: Mapping[str, tuple[float, float | None]]


def gate_sets(
    sets: Mapping[str, Sequence[Labelled]],
    predictions: Mapping[str, Sequence[Mapping[str, Prediction]]],
    name: str,
) -> dict[str, GateSet]:
    """The labelled rows of each set in taxonomy ``name`` (sets without any are left out)."""
    out = {}
    for set_name, rows in sets.items():
        kept = [(row, p[name]) for row, p in zip(rows, predictions[set_name], strict=True)
                if row.codes.get(name) and p[name].signals]  # fmt: skip
        if not kept:
            continue
        ranks = min(len(p.signals) for _, p in kept)
        out[set_name] = GateSet(
            np.array([[list(s) for s in p.signals[:ranks]] for _, p in kept], np.float64),
            np.array([[c.code in row.codes[name] for c in p.codes[:ranks]] for row, p in kept]),
            np.array([not (p.abstained or p.conflicts) for _, p in kept]),
        )
    return out


def fit_model(sets: Mapping[str, GateSet]) -> tuple[tuple[float, ...], float] | None:
    """Coefficients and intercept (on raw signals) of "the top code is right", or None when
    there are too few rows or one outcome only."""
    from sklearn.linear_model import LogisticRegression

    usable = [s for s in sets.values() if s.passable.any()]
    if not usable:
        return None
    x = np.vstack([s.signals[s.passable, 0] for s in usable])
    y = np.concatenate([s.correct[s.passable, 0] for s in usable])
    weight = np.concatenate([np.full(int(s.passable.sum()), 1.0 / s.passable.sum())
                             for s in usable])  # fmt: skip
    if len(y) < MIN_GATE_ROWS or y.all() or not y.any():
        return None
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    model = LogisticRegression(C=REGULARISATION_C, max_iter=MAX_ITERATIONS)
    model.fit((x - mean) / scale, y, sample_weight=weight * len(usable))
    coef = model.coef_[0] / scale
    intercept = float(model.intercept_[0] - (coef * mean).sum())
    return tuple(float(c) for c in coef), intercept


def _per_set(
    confidence: Mapping[str, np.ndarray],
    correct: Mapping[str, np.ndarray],
    threshold: float,
) -> dict[str, tuple[float, float | None]]:
    out: dict[str, tuple[float, float | None]] = {}
    for set_name, conf in confidence.items():
        accepted = conf >= threshold
        hits = correct[set_name][accepted]
        out[set_name] = (float(accepted.mean()), float(hits.mean()) if len(hits) else None)
    return out


def choose_threshold(
    confidence: Mapping[str, np.ndarray],
    correct: Mapping[str, np.ndarray],
    target: float = TARGET_PRECISION,
    min_accepted: int = MIN_ACCEPTED,
    floor: float = 0.0,
) -> float | None:
    """The threshold (>= ``floor``) accepting the most on average while every set accepting at
    least ``min_accepted`` rows (or all its rows) keeps precision >= ``target``, and at least
    ``MIN_ACCEPTED`` rows are accepted over all sets; None when no threshold does.
    ``confidence`` holds -inf for rows the gate may not pass."""
    values = np.unique(np.concatenate([c[np.isfinite(c)] for c in confidence.values()]))
    best: tuple[float, float] | None = None
    for threshold in values[values >= floor]:
        worst, coverage, total = 1.0, [], 0
        for set_name, conf in confidence.items():
            accepted = conf >= threshold
            count = int(accepted.sum())
            total += count
            coverage.append(count / len(conf))
            if count and count >= min(min_accepted, len(conf)):
                worst = min(worst, float(correct[set_name][accepted].mean()))
        mean = float(np.mean(coverage))
        enough = total >= MIN_ACCEPTED or total == sum(len(c) for c in confidence.values())
        if worst >= target and enough and (best is None or mean > best[1]):
            best = (float(threshold), mean)
    # rounded down, so the stored threshold still accepts the row it was chosen at
    return None if best is None else float(np.floor(best[0] * 1e6) / 1e6)


def _confidences(model: GateModel, sets: Mapping[str, GateSet], rank: slice) -> dict:
    return {
        k: np.where(s.passable[:, None], model.confidence(s.signals[:, rank]), -np.inf).ravel()
        for k, s in sets.items()
    }


def fit_gate(sets: Mapping[str, GateSet], target: float = TARGET_PRECISION) -> GateModel | None:
    """A fitted model with its thresholds, or None when no threshold reaches ``target``."""
    found = fit_model(sets)
    if found is None:
        return None
    model = GateModel(SIGNAL_NAMES, found[0], found[1], threshold=1.0)
    top = _confidences(model, sets, slice(0, 1))
    threshold = choose_threshold(top, {k: s.correct[:, 0] for k, s in sets.items()}, target)
    if threshold is None:
        return None
    lower = _confidences(model, sets, slice(1, None))
    secondary = choose_threshold(
        lower, {k: s.correct[:, 1:].ravel() for k, s in sets.items()}, target, 1, threshold
    )
    return replace(model, threshold=threshold, secondary_threshold=secondary)


def figures(model: GateModel | None, sets: Mapping[str, GateSet], rank: slice = slice(0, 1)):
    """(coverage, precision) per set of ``model``'s gate on the codes at ``rank``."""
    if model is None:
        return {k: (0.0, None) for k in sets}
    confidence = _confidences(model, sets, rank)
    wanted = model.threshold if rank.start == 0 else model.secondary_threshold
    if wanted is None:
        return {k: (0.0, None) for k in sets}
    return _per_set(confidence, {k: s.correct[:, rank].ravel() for k, s in sets.items()}, wanted)


def leave_one_out(sets: Mapping[str, GateSet]) -> dict[str, tuple[float, float | None]]:
    """Each set's figures under a model and threshold fitted on all the other sets."""
    out = {}
    for held in sets:
        model = fit_gate({k: s for k, s in sets.items() if k != held})
        out[held] = figures(model, {held: sets[held]})[held]
    return out


def fit_gate_models(
    classifier: Classifier,
    sets: Mapping[str, Sequence[Labelled]],
    predictions: Mapping[str, Sequence[Mapping[str, Prediction]]],
    pairs: Mapping[str, GateCandidate],
) -> tuple[Calibration, dict[str, GateFit]]:
    """A new calibration with a confidence model in each taxonomy where one can be fitted and
    some threshold keeps every set at the target; elsewhere the pair (``choose_gate``) stays.
    The pair's coverage (``pairs``) is reported beside the model's."""
    calibration = classifier.calibration
    report: dict[str, GateFit] = {}
    for name in classifier.models:
        found = gate_sets(sets, predictions, name)
        if not found:
            continue
        model = fit_gate(found)
        per_set = figures(model, found)
        coverage = float(np.mean([c for c, _ in per_set.values()]))
        pair = pairs[name].coverage if name in pairs else 0.0
        judged = [p for c, p in per_set.values() if p is not None]
        report[name] = GateFit(
            model, coverage, min(judged, default=None), per_set, pair,
            figures(model, found, slice(1, None)), leave_one_out(found) if len(found) > 1 else {},
        )  # fmt: skip
        params = replace(calibration.for_taxonomy(name), gate_model=model)
        calibration = calibration.replace({name: params})
    return calibration, report


def gate_fit_report(fits: Mapping[str, GateFit]) -> dict[str, dict[str, object]]:
    """JSON form of the fits (rounded)."""

    def pairs(values: Mapping[str, tuple[float, float | None]]) -> dict[str, list]:
        return {k: [round(c, 4), None if p is None else round(p, 4)] for k, (c, p) in
                values.items()}  # fmt: skip

    return {
        name: {
            "used": fit.model is not None,
            "threshold": None if fit.model is None else fit.model.threshold,
            "secondary_threshold": None if fit.model is None else fit.model.secondary_threshold,
            "coverage": round(fit.coverage, 4),
            "pair_coverage": round(fit.pair_coverage, 4),
            "per_set": pairs(fit.per_set),
            "secondary_per_set": pairs(fit.secondary_per_set),
            "leave_one_out": pairs(fit.leave_one_out),
        }
        for name, fit in fits.items()
    }
