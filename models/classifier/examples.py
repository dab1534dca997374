"""Human-validated examples per taxonomy, searched by kNN: usable the moment they are added."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class ExampleMemory:
    """Vectors of labelled examples and their codes (multi-hot over the taxonomy's codes)."""

    def __init__(self, codes: Sequence[str], dimension: int) -> None:
        self.code_index = {code: i for i, code in enumerate(codes)}
        self.dimension = dimension
        self.ids = np.zeros(0, dtype=np.int64)
        self.vectors = np.zeros((0, dimension), dtype=np.float32)
        self.labels = np.zeros((0, len(codes)), dtype=np.float32)
        self.texts: list[str] = []
        self._next_id = 1

    def __len__(self) -> int:
        return len(self.ids)

    def add(
        self,
        vectors: np.ndarray,
        codes: Sequence[Sequence[str]],
        texts: Sequence[str],
        ids: Sequence[int] | None = None,
    ) -> list[int]:
        """Store examples (codes already normalised to this taxonomy's level)."""
        labels = np.zeros((len(codes), len(self.code_index)), dtype=np.float32)
        for row, example_codes in enumerate(codes):
            for code in example_codes:
                labels[row, self.code_index[code]] = 1.0
        if ids is None:
            new_ids = list(range(self._next_id, self._next_id + len(codes)))
        else:
            new_ids = [int(i) for i in ids]
            self.remove(new_ids)
        self._next_id = max([self._next_id - 1, *new_ids]) + 1
        self.ids = np.concatenate([self.ids, np.asarray(new_ids, dtype=np.int64)])
        self.vectors = np.vstack([self.vectors, vectors.astype(np.float32)])
        self.labels = np.vstack([self.labels, labels])
        self.texts.extend(texts)
        return new_ids

    def remove(self, ids: Iterable[int]) -> int:
        """Forget examples by id; returns how many were present."""
        drop = np.isin(self.ids, np.asarray(list(ids), dtype=np.int64))
        if drop.any():
            keep = ~drop
            self.ids, self.vectors = self.ids[keep], self.vectors[keep]
            self.labels = self.labels[keep]
            self.texts = [t for t, k in zip(self.texts, keep, strict=True) if k]
        return int(drop.sum())

    def votes(
        self, queries: np.ndarray, k: int, min_similarity: float, prototype_similarity: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """kNN evidence per code: votes in [0, 1], best example similarity, neighbour rows, sims.

        A neighbour votes ``(sim - min_similarity) / (1 - min_similarity)`` for each of its codes,
        so several agreeing examples add up. A neighbour at ``prototype_similarity`` or above (a
        near-duplicate text) also acts as an extra prototype of its codes through the best
        similarity, so a reviewer's correction decides the same text's next prediction.
        """
        n = len(queries)
        if len(self) == 0:
            empty = np.zeros((n, 0), dtype=np.int64)
            none = np.zeros((n, len(self.code_index)), np.float32)
            return none, np.full_like(none, -np.inf), empty, empty.astype(np.float32)
        sims = queries @ self.vectors.T
        take = min(k, len(self))
        top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
        top_sims = np.take_along_axis(sims, top, axis=1)
        weights = np.clip((top_sims - min_similarity) / (1.0 - min_similarity), 0.0, 1.0)
        labels = self.labels[top]  # (n, k, codes)
        votes = np.einsum("nk,nkc->nc", weights, labels)
        relevant = (labels > 0) & (top_sims[:, :, None] >= prototype_similarity)
        best = np.where(relevant, top_sims[:, :, None], -np.inf).max(axis=1)
        return np.minimum(votes, 1.0), best, top, top_sims
