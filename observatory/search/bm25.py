"""BM25 over an in-memory inverted index (a SciPy CSC matrix of precomputed term weights).

The weight of every (document, term) pair is computed once at build time, so a query is the sum
of a few sparse columns: microseconds per term, independent of the database backend.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from observatory.search.text import tokens

K1 = 1.2
B = 0.75


class BM25Index:
    """Okapi BM25 (k1=1.2, b=0.75) over a fixed list of documents addressed by position."""

    def __init__(self, documents: Sequence[str]) -> None:
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        lengths = np.zeros(len(documents), dtype=np.float32)
        for row, text in enumerate(documents):
            terms = tokens(text)
            lengths[row] = len(terms)
            for term in terms:
                rows.append(row)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
        self.vocabulary = vocabulary
        self.size = len(documents)
        shape = (len(documents), max(len(vocabulary), 1))
        counts = sparse.csc_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape
        )
        counts.sum_duplicates()
        counts.sort_indices()
        document_frequency = np.diff(counts.indptr).astype(np.float32)
        n = max(len(documents), 1)
        self.idf = np.log(1.0 + (n - document_frequency + 0.5) / (document_frequency + 0.5))
        average = float(lengths.mean()) if len(documents) else 1.0
        norm = K1 * (1.0 - B + B * lengths / max(average, 1e-9))
        tf = counts.data
        doc_rows = counts.indices
        term_of_entry = np.repeat(np.arange(shape[1]), np.diff(counts.indptr))
        counts.data = (self.idf[term_of_entry] * tf * (K1 + 1.0) / (tf + norm[doc_rows])).astype(
            np.float32
        )
        self._weights = counts

    def term_ids(self, terms: Sequence[str]) -> list[int]:
        """Column ids of the terms the index knows (unknown terms cannot match)."""
        return [self.vocabulary[t] for t in terms if t in self.vocabulary]

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (0 where nothing matched)."""
        result = np.zeros(self.size, dtype=np.float32)
        weights = self._weights
        for column in self.term_ids(terms):
            start, end = weights.indptr[column], weights.indptr[column + 1]
            # a column holds each document at most once, so fancy-index addition is safe
            result[weights.indices[start:end]] += weights.data[start:end]
        return result

    def matched_terms(self, row: int, terms: Sequence[str]) -> list[str]:
        """Which of the query terms occur in one document."""
        weights = self._weights
        found = []
        for term in terms:
            column = self.vocabulary.get(term)
            if column is None:
                continue
            start, end = weights.indptr[column], weights.indptr[column + 1]
            position = np.searchsorted(weights.indices[start:end], row)
            if position < end - start and weights.indices[start + position] == row:
                found.append(term)
        return found
