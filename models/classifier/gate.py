"""The routing gate: which predictions may be accepted without human review.

A taxonomy whose calibration carries a fitted confidence model (``confidence.GateModel``,
fitted by ``pipelines.classify.gate_fit``) accepts a code whose estimated chance of being right
reaches the model's threshold. Otherwise, or when settings give thresholds
(``OBSERVATORY_AUTO_ACCEPT_PROBABILITY`` / ``_MARGIN``), a code is accepted when its probability
and its margin over the next code both reach a threshold: explicit ones, else the taxonomy's
fitted pair (``pipelines.classify.calibrate.choose_gate``), else the module defaults. An
abstained prediction or a conflicting one never passes.

``rank`` asks about the code at that rank on its own (several codes per priority). A lower
rank passes only on its own evidence: the confidence model's ``secondary_threshold``, fitted
only when the fitting sets showed one reaching the target precision; explicit thresholds speak
of the first code and never pass a lower one.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.classifier.calibration import TaxonomyCalibration
from models.classifier.confidence import SIGNAL_NAMES
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

    ``rank`` is the position of the code in the prediction's set of codes: thresholds judge the
    top code only, so a further member (rank > 1) always goes to review here
    (``calibrated_gate`` may pass one on a fitted confidence model). Thresholds left as None
    fall back to the module defaults; ``Classifier.gate`` fills them from the taxonomy's
    calibration instead. An abstained prediction never passes, nor does one whose top code
    conflicts with the text's other taxonomies.
    """
    if rank != 1 or not _may_pass(prediction, rank):
        return False
    chosen = gate_thresholds(None, min_probability, min_margin)
    return (
        prediction.codes[0].probability >= chosen.min_probability
        and prediction.margin >= chosen.min_margin
    )


def calibrated_gate(
    prediction: Prediction,
    fitted: TaxonomyCalibration,
    min_probability: float | None = None,
    min_margin: float | None = None,
    *,
    rank: int = 1,
) -> bool:
    """The gate of a calibrated taxonomy: explicit thresholds, else its confidence model, else
    its fitted pair. A lower rank passes only on the model's ``secondary_threshold``: with
    explicit thresholds or without a model it has no evidence behind it and never passes."""
    if not _may_pass(prediction, rank):
        return False
    explicit = min_probability is not None or min_margin is not None
    model = fitted.gate_model
    if not explicit and model is not None and model.signals == SIGNAL_NAMES:
        if len(prediction.signals) < rank:
            return False
        return model.accepts(prediction.signals[rank - 1], rank)
    chosen = gate_thresholds(fitted, min_probability, min_margin)
    return gate(prediction, chosen.min_probability, chosen.min_margin, rank=rank)


def _may_pass(prediction: Prediction, rank: int) -> bool:
    if rank < 1:
        raise ValueError(f"rank starts at 1, got {rank}")
    return not (prediction.abstained or prediction.conflicts or len(prediction.codes) < rank)


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
