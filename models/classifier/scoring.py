"""Turning prototype similarities into code scores, and the character n-gram matcher.

Embeddings carry meaning but only in the languages their models read; character n-grams
carry spelling, which is what a Finnish or Hungarian priority shares with phrases written in
its own language (inflected forms share most of their n-grams). The classifier weighs both
(fitted weights, see features.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix


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


class CharacterMatcher:
    """TF-IDF over character 3-5-grams inside word boundaries, fitted on prototype texts."""

    def __init__(self, corpus: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
        )
        self._vectorizer.fit(list(corpus) or ["empty"])

    def vectors(self, texts: Sequence[str]) -> csr_matrix:
        """Unit-length sparse n-gram vectors of ``texts``."""
        return self._vectorizer.transform(list(texts))

    @staticmethod
    def similarities(text_vectors: csr_matrix, prototype_vectors: csr_matrix) -> np.ndarray:
        """Dense (texts x prototypes) cosine similarities of two ``vectors`` results."""
        return np.asarray((text_vectors @ prototype_vectors.T).todense(), dtype=np.float32)
