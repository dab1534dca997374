"""The routing gate: which predictions may be accepted without human review.

A label is accepted automatically when its calibrated top-1 probability and the margin over the
second code both reach a threshold. Each taxonomy has its own pair, fitted with the calibration
(``pipelines.classify.calibrate.choose_gate``); settings may override both for every taxonomy.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.classifier.calibration import TaxonomyCalibration
from models.classifier.results import Prediction

# Used only when neither the settings nor the calibration give a threshold.
DEFAULT_MIN_PROBABILITY = 0.72
DEFAULT_MIN_MARGIN = 0.45


@dataclass(frozen=True)
class GateThresholds:
    """The two thresholds a top code must reach to be accepted without review."""

    min_probability: float = DEFAULT_MIN_PROBABILITY
    min_margin: float = DEFAULT_MIN_MARGIN


def gate(
    prediction: Prediction,
    min_probability: float | None = None,
    min_margin: float | None = None,
    *,
    rank: int = 1,
) -> bool:
    """Auto-accept when the top code is probable enough and clearly ahead of the second.

    ``rank`` is the position of the code in the prediction's set of codes: only the top code
    (rank 1) can pass; a further member of the set (rank > 1) always goes to review.

    Thresholds left as None fall back to the module defaults; ``Classifier.gate`` fills them
    from the taxonomy's calibration instead. An abstained prediction never passes, nor does one
    whose top code conflicts with the text's other taxonomies.
    """
    if rank != 1 or prediction.abstained or prediction.conflicts or not prediction.codes:
        return False
    chosen = gate_thresholds(None, min_probability, min_margin)
    return (
        prediction.codes[0].probability >= chosen.min_probability
        and prediction.margin >= chosen.min_margin
    )


def gate_thresholds(
    fitted: TaxonomyCalibration | None,
    min_probability: float | None = None,
    min_margin: float | None = None,
) -> GateThresholds:
    """Explicit thresholds win, then the ones fitted for the taxonomy, then the defaults."""
    fitted = fitted or TaxonomyCalibration()
    defaults = GateThresholds()
    return GateThresholds(
        _first_given(min_probability, fitted.gate_probability, defaults.min_probability),
        _first_given(min_margin, fitted.gate_margin, defaults.min_margin),
    )


def _first_given(*values: float | None) -> float:
    return next(value for value in values if value is not None)
