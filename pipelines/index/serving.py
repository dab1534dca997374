"""The FAISS structures that serve the priorities' vectors to single queries.

Up to ``OBSERVATORY_SEARCH_INDEX_KIND``'s threshold an exact float16 copy answers every query;
above it an HNSW graph over float16 vectors answers the unfiltered ones, and its own float16
storage answers the filtered ones exactly, so memory holds one float16 copy, not two.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import numpy as np

from models.index.faiss_index import HNSW_EF_SEARCH, HNSW_NEIGHBOURS

log = logging.getLogger(__name__)


def has_faiss() -> bool:
    """Whether FAISS can be imported (without it the exact NumPy index serves)."""
    try:
        import faiss  # noqa: F401
    except ImportError:
        return False
    return True


def hnsw_index(ids: np.ndarray, vectors: np.ndarray) -> Any:
    """An HNSW graph over float16 vectors for unfiltered queries (``index_kind``): a walk of
    ~k nodes instead of a scan of all, for corpora where the scan is too slow (10^6). Built on
    every core (serving then runs on one thread)."""
    import faiss

    started = time.perf_counter()
    dimension = vectors.shape[1]
    inner = faiss.IndexHNSWSQ(
        dimension, faiss.ScalarQuantizer.QT_fp16, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT
    )
    inner.hnsw.efSearch = HNSW_EF_SEARCH
    graph = faiss.IndexIDMap(inner)
    matrix = np.ascontiguousarray(vectors, np.float32)
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    try:
        inner.train(matrix[: min(len(matrix), 10_000)])
        graph.add_with_ids(matrix, ids)
    finally:
        faiss.omp_set_num_threads(1)
    log.info(
        "built the HNSW graph of %d priorities in %.1f s", len(ids), time.perf_counter() - started
    )
    return graph


def half_precision_index(ids: np.ndarray, vectors: np.ndarray) -> Any:
    """A float16 FAISS copy for serving queries: half the memory traffic of the exact float32
    index, ~3x faster single-threaded at 10^5 vectors, cosine error ~1e-3. None without FAISS."""
    try:
        import faiss
    except ImportError:
        return None
    faiss.omp_set_num_threads(1)  # single-query serving: threads cost more than they give
    dimension = vectors.shape[1]
    inner = faiss.IndexScalarQuantizer(
        dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    index = faiss.IndexIDMap(inner)
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, np.float32), ids)
    return index


def filtered_scan(
    graph: Any, ids: np.ndarray, vector: np.ndarray, k: int, allowed_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """An exact scan of the allowed priorities over the HNSW graph's float16 storage (a walk
    under a narrow filter misses neighbours): ``(ids, similarities)`` best first. The storage
    holds the vectors in the order of ``ids`` (sorted), so positions stand for ids."""
    import faiss

    positions = np.searchsorted(ids, allowed_ids)
    clipped = np.minimum(positions, len(ids) - 1)
    positions = positions[ids[clipped] == allowed_ids]
    storage = faiss.downcast_index(faiss.downcast_index(graph.index).storage)
    selector = faiss.IDSelectorBatch(np.ascontiguousarray(positions, np.int64))
    scores, found = storage.search(vector[None, :], k, params=faiss.SearchParameters(sel=selector))
    hits = np.where(found[0] < 0, -1, ids[np.maximum(found[0], 0)])
    return hits, np.where(found[0] < 0, -np.inf, scores[0]).astype(np.float32)
