"""Turning prototype similarities into code scores, and the character n-gram matcher.

Embeddings carry meaning but only in the languages their models read; character n-grams
carry spelling, which is what a Finnish or Hungarian priority shares with phrases written in
its own language (inflected forms share most of their n-grams). The classifier weighs both
(fitted weights, see features.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np
from scipy.sparse import csr_matrix

NGRAM_SIZES = (3, 4, 5)  # character n-grams: long enough for stems, short for inflections
_WHITE_SPACE = re.compile(r"\s\s+")


def char_wb_ngrams(text: str) -> Iterator[str]:
    """Character n-grams of each word padded with one space, as sklearn's ``char_wb``.

    A word shorter than an n-gram size counts once, whole, for that size.
    """
    for word in _WHITE_SPACE.sub(" ", text.lower()).split():
        padded = f" {word} "
        for size in NGRAM_SIZES:
            if len(padded) <= size:
                yield padded
                break
            for start in range(len(padded) - size + 1):
                yield padded[start : start + size]


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
    """TF-IDF over character 3-5-grams inside word boundaries, fitted on prototype texts.

    The same numbers as scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(3,
    5), sublinear_tf=True)`` (tests/classify/test_character_matcher.py compares the two on the
    prototypes), written out because importing scikit-learn took 1.5-5 s of every cold start,
    more than encoding the text. Unknown n-grams are ignored, like sklearn's transform.
    """

    def __init__(self, corpus: Sequence[str]) -> None:
        texts = list(corpus) or ["empty"]
        grams = [set(char_wb_ngrams(text)) for text in texts]
        vocabulary = sorted(set().union(*grams))
        self._index = {gram: i for i, gram in enumerate(vocabulary)}
        document_frequency = np.zeros(len(vocabulary), dtype=np.float64)
        for found in grams:
            document_frequency[[self._index[g] for g in found]] += 1
        # sklearn's smoothed idf: ln((1 + n) / (1 + df)) + 1
        self._idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0

    def vectors(self, texts: Sequence[str]) -> csr_matrix:
        """Unit-length sparse n-gram vectors of ``texts``."""
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            counted = Counter(g for g in char_wb_ngrams(text) if g in self._index)
            rows += [row] * len(counted)
            columns += [self._index[g] for g in counted]
            counts += list(counted.values())
        weights = (np.log(np.asarray(counts, dtype=np.float64)) + 1.0) * self._idf[columns]
        matrix = csr_matrix(
            (weights, (rows, columns)), shape=(len(texts), len(self._index)), dtype=np.float64
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return csr_matrix(matrix.multiply(1.0 / norms[:, None]), dtype=np.float32)

    @staticmethod
    def similarities(text_vectors: csr_matrix, prototype_vectors: csr_matrix) -> np.ndarray:
        """Dense (texts x prototypes) cosine similarities of two ``vectors`` results."""
        return np.asarray((text_vectors @ prototype_vectors.T).todense(), dtype=np.float32)
