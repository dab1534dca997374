"""The routing gate: which predictions may be accepted without human review."""

from __future__ import annotations

from models.classifier.results import Prediction

# Chosen on the dev gold set (see models/README.md): auto_precision >= 0.95 at coverage >= 0.5.
DEFAULT_MIN_PROBABILITY = 0.72
DEFAULT_MIN_MARGIN = 0.45


def gate(
    prediction: Prediction,
    min_probability: float | None = None,
    min_margin: float | None = None,
) -> bool:
    """Auto-accept when the top code is probable enough and clearly ahead of the second.

    Defaults come from settings (``auto_accept_probability``, ``auto_accept_margin``) when the
    caller passes them, else from the module defaults. An abstained prediction never passes,
    nor does one whose top code conflicts with the text's other taxonomies.
    """
    if prediction.abstained or prediction.conflicts or not prediction.codes:
        return False
    probability = DEFAULT_MIN_PROBABILITY if min_probability is None else min_probability
    margin = DEFAULT_MIN_MARGIN if min_margin is None else min_margin
    return prediction.codes[0].probability >= probability and prediction.margin >= margin
