"""Exact NumPy index: the fallback when FAISS is not installed, and the reference in tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.index.base import VectorIndex, as_ids, as_matrix, checked_batch


class NumpyIndex(VectorIndex):
    """Brute-force inner product over an in-memory matrix."""

    backend = "numpy"

    def __init__(self, dimension: int, **kwargs: Any) -> None:
        kwargs["kind"] = "flat"
        super().__init__(dimension, **kwargs)
        self._ids = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, self.dimension), dtype=np.float32)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Insert (or replace) one vector per id."""
        new_ids, matrix = checked_batch(ids, vectors, self.dimension)
        self.remove(new_ids)
        self._ids = np.concatenate([self._ids, new_ids])
        self._vectors = np.vstack([self._vectors, matrix])

    def remove(self, ids: Iterable[int]) -> int:
        """Remove ids; returns how many were present."""
        drop = np.isin(self._ids, as_ids(ids))
        removed = int(drop.sum())
        if removed:
            self._ids = self._ids[~drop]
            self._vectors = self._vectors[~drop]
        return removed

    def search(
        self, vectors: np.ndarray, k: int, *, allowed_ids: set[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-``k`` by inner product, optionally among ``allowed_ids`` only."""
        self._check_k(k)
        queries = as_matrix(vectors, self.dimension)
        candidates = self._ids
        matrix = self._vectors
        if allowed_ids is not None:
            keep = np.isin(self._ids, as_ids(allowed_ids))
            candidates, matrix = self._ids[keep], self._vectors[keep]
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        found = np.full((len(queries), k), -1, dtype=np.int64)
        if len(candidates) == 0:
            return scores, found
        sims = queries @ matrix.T
        take = min(k, len(candidates))
        top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
        top_scores = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        scores[:, :take] = np.take_along_axis(sims, top, axis=1)
        found[:, :take] = candidates[top]
        return scores, found

    def ids(self) -> np.ndarray:
        """All ids currently indexed."""
        return self._ids.copy()

    def __len__(self) -> int:
        return len(self._ids)

    def _save_data(self, folder: Path) -> None:
        np.save(folder / "ids.npy", self._ids)
        np.save(folder / "vectors.npy", self._vectors)

    def _load_data(self, folder: Path, config: dict[str, Any]) -> None:
        self._ids = np.load(folder / "ids.npy")
        self._vectors = np.load(folder / "vectors.npy")
