"""Turning prototype similarities into code scores (embedding or character n-gram ones,
``models.classifier.ngrams``)."""

from __future__ import annotations

import numpy as np


def code_scores(
    sims: np.ndarray, pad: np.ndarray, support_weight: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-code scores from (texts x prototypes) similarities laid out by ``pad``.

    Returns (score, best prototype column per code, best similarity per code). The score
    mixes the best similarity with the mean of the three best: a code whose several
    prototypes agree beats one lucky phrase match.
    """
    padded = sims[:, pad]
    best_column = padded.argmax(axis=2)
    best = np.take_along_axis(padded, best_column[:, :, None], axis=2)[:, :, 0]
    score = best
    if support_weight and padded.shape[2] > 2:
        top3 = -np.partition(-np.where(np.isfinite(padded), padded, -1.0), 2, axis=2)
        score = (1 - support_weight) * best + support_weight * top3[:, :, :3].mean(axis=2)
    return score, best_column, best
