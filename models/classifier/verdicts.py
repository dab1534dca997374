"""From scores to predictions: abstain verdicts, ranked codes with evidence, roll-ups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from models.classifier.calibration import Calibration, TaxonomyCalibration
from models.classifier.confidence import gate_signals
from models.classifier.explain import rolled_up, scored_code
from models.classifier.results import Prediction
from models.classifier.score import TaxonomyScore
from models.classifier.taxonomy_model import TaxonomyModel


@dataclass(frozen=True)
class PredictionContext:
    """What every prediction of one call shares."""

    model_id: str
    top_k: int
    min_example_similarity: float


def doubt(name: str, params: TaxonomyCalibration, scored: TaxonomyScore, row: int) -> str | None:
    """Why text ``row`` cannot be classified in ``name`` (None when it can)."""
    if scored.best_similarity[row] < params.min_similarity:
        return f"text resembles no {name} code"
    if scored.probability[row].max() < params.abstain_probability:
        return f"text too generic for {name}: no code is clearly more likely"
    return None


def unclassifiable(
    calibration: Calibration, scored: Mapping[str, TaxonomyScore], short: list[bool]
) -> list[str | None]:
    """Text-level verdicts: too short, or vague for NACE (the most detailed taxonomy)."""
    verdicts: list[str | None] = []
    for row, too_short in enumerate(short):
        if too_short:
            verdicts.append("text too short to classify")
        elif "nace" in scored:
            verdicts.append(doubt("nace", calibration.for_taxonomy("nace"), scored["nace"], row))
        else:
            verdicts.append(None)
    return verdicts


def predictions(
    model: TaxonomyModel,
    params: TaxonomyCalibration,
    scored: TaxonomyScore,
    context: PredictionContext,
    vague: list[str | None],
    warnings: list[list[str]],
    conflicts: list[list[str]],
    words: list[int],
) -> list[Prediction]:
    """One prediction per text of ``scored``: the top-k codes, evidence, verdicts and the
    gate's signals (``confidence.gate_signals``); ``words`` counts each text's words."""
    probability = scored.probability
    k = min(context.top_k, len(model.codes))
    order = np.argsort(-probability, axis=1)[:, :k]
    signals = gate_signals(model, scored, order, words)
    out = []
    for row in range(len(probability)):
        notes = list(warnings[row])
        why = vague[row] or doubt(model.name, params, scored, row)
        if why:
            notes.append(f"not classifiable: {why}")
        codes = [
            scored_code(model, scored, row, int(col), rank, context.min_example_similarity)
            for rank, col in enumerate(order[row], start=1)
        ]
        out.append(
            Prediction(
                taxonomy=model.name,
                codes=codes,
                abstained=why is not None,
                model_id=context.model_id,
                taxonomy_version=model.taxonomy.version,
                warnings=notes,
                level=model.level,
                rolled_up=rolled_up(model, probability[row]),
                conflicts=list(conflicts[row]) if conflicts else [],
                signals=_rounded(signals[row]),
            )
        )
    return out


def _rounded(signals: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(round(float(v), 6) for v in ranked) for ranked in signals)
