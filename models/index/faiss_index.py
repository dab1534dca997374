"""FAISS backend: exact ``IndexIDMap2(IndexFlatIP)`` by default, HNSW on request.

``kind="auto"`` stays exact until ``AUTO_APPROXIMATE_ABOVE`` vectors and then rebuilds as HNSW:
exact search over ~10^5 vectors is fast enough with batched queries and gives true neighbours.
When FAISS sees a GPU, searches run on a GPU copy of the index (the CPU index stays the source
of truth, so saving and removing never touch GPU state).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.index.base import VectorIndex, as_ids, as_matrix, checked_batch
from observatory.errors import DependencyMissing, InvalidInput

log = logging.getLogger(__name__)

KINDS = ("flat", "hnsw", "auto")
AUTO_APPROXIMATE_ABOVE = 500_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 128
# Batches of at least this many queries use BLAS matrix products. Recent FAISS wheels default
# to 128,000, which leaves batches of 20-500 queries on a scalar path ~7x slower (measured with
# benchmarks/bench_index.py: 176 -> ~2,400 q/s at batch 256 over 100,000 vectors on 2 cores).
BLAS_THRESHOLD = 20


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:
        raise DependencyMissing("the FAISS vector index", "faiss-cpu") from exc
    faiss.cvar.distance_compute_blas_threshold = BLAS_THRESHOLD
    return faiss


def set_threads(threads: int) -> None:
    """Set FAISS' OpenMP threads (1 suits single-query serving; batch jobs use all cores)."""
    _faiss().omp_set_num_threads(int(threads))


class FaissIndex(VectorIndex):
    """FAISS inner-product index over int64 ids."""

    backend = "faiss"

    def __init__(
        self,
        dimension: int,
        *,
        kind: str = "flat",
        omp_threads: int | None = None,
        use_gpu: bool | None = None,
        **kwargs: Any,
    ) -> None:
        if kind not in KINDS:
            raise InvalidInput(f"unknown index kind {kind!r}; choose one of: {', '.join(KINDS)}")
        super().__init__(dimension, kind=kind, **kwargs)
        self._faiss = _faiss()
        if omp_threads is not None:
            set_threads(omp_threads)
        gpus = self._faiss.get_num_gpus() if hasattr(self._faiss, "get_num_gpus") else 0
        self._use_gpu = gpus > 0 if use_gpu is None else use_gpu and gpus > 0
        self._gpu_index: Any = None
        self._structure = "flat" if kind in ("flat", "auto") else kind
        self._index = self._empty(self._structure)

    # ----- construction -----
    def _empty(self, structure: str) -> Any:
        faiss = self._faiss
        if structure == "hnsw":
            inner = faiss.IndexHNSWFlat(self.dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efSearch = HNSW_EF_SEARCH
            return faiss.IndexIDMap2(inner)
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))

    def _all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        ids = self.ids()
        if len(ids) == 0:
            return ids, np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.vstack([self._index.reconstruct(int(i)) for i in ids]).astype(np.float32)
        return ids, vectors

    def _rebuild(self, structure: str, ids: np.ndarray, vectors: np.ndarray) -> None:
        self._structure = structure
        self._index = self._empty(structure)
        if len(ids):
            self._index.add_with_ids(vectors, ids)
        self._gpu_index = None

    # ----- VectorIndex -----
    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Insert (or replace) one vector per id."""
        new_ids, matrix = checked_batch(ids, vectors, self.dimension)
        self.remove(new_ids)
        grows_past = self.kind == "auto" and len(self) + len(new_ids) > AUTO_APPROXIMATE_ABOVE
        if grows_past and self._structure == "flat":
            old_ids, old_vectors = self._all_vectors()
            self._rebuild(
                "hnsw",
                np.concatenate([old_ids, new_ids]),
                np.vstack([old_vectors, matrix]),
            )
            return
        self._index.add_with_ids(matrix, new_ids)
        self._gpu_index = None

    def remove(self, ids: Iterable[int]) -> int:
        """Remove ids; returns how many were present."""
        wanted = as_ids(ids)
        if len(wanted) == 0 or len(self) == 0:
            return 0
        if self._structure == "hnsw":
            # HNSW graphs cannot delete: rebuild without the removed vectors
            all_ids, vectors = self._all_vectors()
            keep = ~np.isin(all_ids, wanted)
            removed = int((~keep).sum())
            if removed:
                self._rebuild("hnsw", all_ids[keep], vectors[keep])
            return removed
        removed = int(self._index.remove_ids(self._faiss.IDSelectorBatch(wanted)))
        if removed:
            self._gpu_index = None
        return removed

    def _search_params(self, allowed_ids: set[int] | None) -> Any:
        faiss = self._faiss
        selector = None
        if allowed_ids is not None:
            selector = faiss.IDSelectorBatch(as_ids(allowed_ids))
        if self._structure == "hnsw":
            return faiss.SearchParametersHNSW(sel=selector, efSearch=HNSW_EF_SEARCH)
        return faiss.SearchParameters(sel=selector) if selector is not None else None

    def _searcher(self, filtered: bool) -> Any:
        # FAISS GPU indexes do not take ID selectors: filtered searches stay on the CPU
        if not self._use_gpu or filtered or self._structure != "flat":
            return self._index
        if self._gpu_index is None:
            try:
                self._gpu_index = self._faiss.index_cpu_to_all_gpus(self._index)
            except (AttributeError, RuntimeError) as exc:
                log.warning("FAISS GPU search unavailable, using the CPU: %s", exc)
                self._use_gpu = False
                return self._index
        return self._gpu_index

    def search(
        self, vectors: np.ndarray, k: int, *, allowed_ids: set[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` by inner product; ``allowed_ids`` filters inside FAISS (IDSelectorBatch)."""
        self._check_k(k)
        queries = as_matrix(vectors, self.dimension)
        if len(self) == 0 or (allowed_ids is not None and not allowed_ids):
            return (
                np.full((len(queries), k), -np.inf, dtype=np.float32),
                np.full((len(queries), k), -1, dtype=np.int64),
            )
        if allowed_ids is not None and self._structure != "flat":
            # graph/cluster search with a narrow filter misses neighbours: score exactly
            return self._exact_among(queries, k, allowed_ids)
        params = self._search_params(allowed_ids)
        searcher = self._searcher(allowed_ids is not None)
        if params is None:
            scores, ids = searcher.search(queries, k)
        else:
            scores, ids = searcher.search(queries, k, params=params)
        scores = np.where(ids < 0, -np.inf, scores).astype(np.float32)
        return scores, ids.astype(np.int64)

    def _exact_among(
        self, queries: np.ndarray, k: int, allowed_ids: set[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        present = set(self.ids().tolist())
        candidates = as_ids(sorted(i for i in allowed_ids if i in present))
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        found = np.full((len(queries), k), -1, dtype=np.int64)
        if len(candidates) == 0:
            return scores, found
        matrix = np.vstack([self._index.reconstruct(int(i)) for i in candidates])
        sims = queries @ matrix.T
        order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        take = order.shape[1]
        scores[:, :take] = np.take_along_axis(sims, order, axis=1)
        found[:, :take] = candidates[order]
        return scores, found

    def ids(self) -> np.ndarray:
        """All ids currently indexed."""
        return self._faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def config(self) -> dict[str, Any]:
        """Metadata including the structure actually built (``auto`` may have switched)."""
        return {**super().config(), "structure": self._structure}

    def _save_data(self, folder: Path) -> None:
        self._faiss.write_index(self._index, str(folder / "index.faiss"))

    def _load_data(self, folder: Path, config: dict[str, Any]) -> None:
        self._index = self._faiss.read_index(str(folder / "index.faiss"))
        self._structure = config.get("structure", "flat")
        self._gpu_index = None
