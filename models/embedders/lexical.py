"""Lexical baseline: TF-IDF vectors (hashed word uni- and bigrams) behind the Embedder API.

It lets the evaluation show what sentence embeddings add over plain word overlap; ``fit`` learns
the IDF weights from the prototype texts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.embedders.base import Embedder
from observatory.errors import DependencyMissing

LEXICAL_MODEL_ID = "lexical-tfidf"


class LexicalEmbedder(Embedder):
    """TF-IDF over hashed word n-grams, densified (fine for prototype-sized corpora)."""

    languages = ("en",)

    def __init__(
        self,
        model: str = LEXICAL_MODEL_ID,
        *,
        device: str = "cpu",
        batch_size: int | None = None,
        n_features: int = 2**13,
    ) -> None:
        try:
            from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
        except ImportError as exc:
            raise DependencyMissing("the lexical baseline", "scikit-learn") from exc
        self.model_id = LEXICAL_MODEL_ID
        self.dimension = n_features
        self.device = "cpu"
        self.batch_size = batch_size or 1024
        self._hasher = HashingVectorizer(
            n_features=n_features,
            ngram_range=(1, 2),
            strip_accents="unicode",
            stop_words="english",
            alternate_sign=False,
            norm=None,
        )
        self._tfidf = TfidfTransformer(sublinear_tf=True)
        self._fitted = False

    def fit(self, corpus: Sequence[str]) -> None:
        """Learn IDF weights from ``corpus`` (the prototype texts)."""
        self._tfidf.fit(self._hasher.transform(list(corpus)))
        self._fitted = True

    def _encode(
        self, texts: list[str], *, kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        counts = self._hasher.transform(texts)
        weighted = self._tfidf.transform(counts) if self._fitted else counts
        return weighted.toarray().astype(np.float32)
