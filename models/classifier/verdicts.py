"""From scores to predictions: abstain verdicts, ranked codes with evidence, roll-ups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from models.classifier.calibration import Calibration, TaxonomyCalibration
from models.classifier.confidence import gate_signals
from models.classifier.explain import ranked_codes, rolled_up
from models.classifier.results import Prediction
from models.classifier.score import TaxonomyScore
from models.classifier.taxonomy_model import TaxonomyModel


@dataclass(frozen=True)
class PredictionContext:
    """What every prediction of one call shares."""

    model_id: str
    top_k: int
    min_example_similarity: float


def doubts(name: str, params: TaxonomyCalibration, scored: TaxonomyScore) -> list[str | None]:
    """Why each text cannot be classified in ``name`` (None where it can)."""
    unlike = (scored.best_similarity < params.min_similarity).tolist()
    generic = (scored.probability.max(axis=1) < params.abstain_probability).tolist()
    return [
        f"text resembles no {name} code"
        if no_match
        else f"text too generic for {name}: no code is clearly more likely"
        if vague
        else None
        for no_match, vague in zip(unlike, generic, strict=True)
    ]


def unclassifiable(
    calibration: Calibration, scored: Mapping[str, TaxonomyScore], short: list[bool]
) -> list[str | None]:
    """Text-level verdicts: too short, or vague for NACE (the most detailed taxonomy)."""
    nace = (
        doubts("nace", calibration.for_taxonomy("nace"), scored["nace"])
        if "nace" in scored
        else [None] * len(short)
    )
    return [
        "text too short to classify" if too_short else why
        for too_short, why in zip(short, nace, strict=True)
    ]


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
    signals = gate_signals(model, scored, order, words).tolist()
    ranked = ranked_codes(model, scored, order, context.min_example_similarity)
    own = doubts(model.name, params, scored)
    out = []
    for row in range(len(probability)):
        notes = list(warnings[row])
        why = vague[row] or own[row]
        if why:
            notes.append(f"not classifiable: {why}")
        out.append(
            Prediction(
                taxonomy=model.name,
                codes=ranked[row],
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


def _rounded(signals: list[list[float]]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(round(v, 6) for v in ranked) for ranked in signals)
