"""``OBSERVATORY_SEARCH_INDEX_KIND=hnsw``: unfiltered queries walk an HNSW graph that is saved
with the priorities' vectors and loaded, not rebuilt, by the next process; filtered queries
stay exact; a single query is encoded the same on one OpenMP thread."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from pipelines.index import PriorityVectors
from pipelines.index.priority_vectors import GRAPH_FOLDER

TEXTS = [
    ("en", "Offshore wind energy and marine renewable power"),
    ("en", "Digital health services and telemedicine for rural areas"),
    ("en", "Sustainable agriculture, food processing and traceability"),
    ("de", "Windenergie auf See und erneuerbare Meeresenergie"),
    ("fr", "Santé numérique et télémédecine dans les zones rurales"),
    ("en", "Advanced materials and lightweight composites for aviation"),
    ("es", "Turismo sostenible y patrimonio cultural"),
    ("en", "Battery cells, hydrogen and energy storage"),
]


def _vectors(e5_embedder, folder, kind: str) -> PriorityVectors:
    vectors = PriorityVectors(e5_embedder, folder, index_kind=kind)
    passages = e5_embedder.encode([t for _, t in TEXTS], kind="passage")
    vectors.add(np.arange(1, len(TEXTS) + 1), passages, [lang for lang, _ in TEXTS])
    return vectors


def test_hnsw_serves_the_exact_neighbours_and_is_loaded_not_rebuilt(
    e5_embedder, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    flat = _vectors(e5_embedder, tmp_path / "flat", "flat")
    with caplog.at_level(logging.INFO, logger="pipelines.index"):
        hnsw = _vectors(e5_embedder, tmp_path / "hnsw", "hnsw")
    assert "built the HNSW graph of 8 priorities" in caplog.text
    assert (tmp_path / "hnsw" / GRAPH_FOLDER / "config.json").is_file()
    assert not (tmp_path / "flat" / GRAPH_FOLDER / "config.json").exists()
    for query in ("wind power at sea", "telemedicine", "hydrogen storage"):
        flat_ids, flat_sims = flat.search(query, 8, None)
        hnsw_ids, hnsw_sims = hnsw.search(query, 8, None)
        assert flat_ids.tolist() == hnsw_ids.tolist()
        assert np.allclose(flat_sims, hnsw_sims, atol=1e-3)  # both search float16 copies
    filtered, _ = hnsw.search("wind power at sea", 8, np.array([4, 6]))
    assert filtered.tolist()[:2] == [4, 6]

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pipelines.index"):
        reloaded = PriorityVectors(e5_embedder, tmp_path / "hnsw", index_kind="hnsw")
    assert "HNSW graph" not in caplog.text  # loaded from disk: neither built nor stale
    assert (
        reloaded.search("telemedicine", 3, None)[0].tolist()
        == hnsw.search("telemedicine", 3, None)[0].tolist()
    )


def test_a_graph_saved_for_other_vectors_is_rebuilt(
    e5_embedder, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    vectors = _vectors(e5_embedder, tmp_path, "hnsw")
    np.save(tmp_path / "priority_languages.npy", np.full(len(TEXTS), "en", dtype="<U8"))
    with caplog.at_level(logging.INFO, logger="pipelines.index"):
        PriorityVectors(e5_embedder, tmp_path, index_kind="hnsw")
    assert "saved HNSW graph is stale" in caplog.text
    assert "built the HNSW graph of 8 priorities" in caplog.text
    assert len(vectors.ids) == len(TEXTS)


def test_auto_walks_a_graph_only_above_the_threshold(e5_embedder) -> None:
    vectors = PriorityVectors(e5_embedder, index_kind="auto")
    assert not vectors.approximate(500_000)
    assert vectors.approximate(500_001)
    assert PriorityVectors(e5_embedder, index_kind="hnsw").approximate(1)
    assert not PriorityVectors(e5_embedder).approximate(10**7)


def test_a_single_query_on_one_thread_encodes_as_in_a_batch(e5_embedder) -> None:
    texts = ["digital health", "offshore wind"]
    batch = e5_embedder.encode(texts, kind="query")
    single = np.vstack([e5_embedder.encode([t], kind="query") for t in texts])
    assert np.allclose(batch, single, atol=1e-5)


def test_one_float16_copy_serves_hnsw_and_filtered_scans_stay_exact(e5_embedder, tmp_path) -> None:
    """With the graph, neither the exact float32 index nor a second float16 copy is kept in
    memory (1.5 GB and 0.7 GB at 10^6); filtered queries scan the graph's own float16 storage
    and answer exactly what the flat float16 copy answers. The exact index is still saved."""
    flat = _vectors(e5_embedder, tmp_path / "flat", "flat")
    hnsw = _vectors(e5_embedder, tmp_path / "hnsw", "hnsw")
    assert hnsw.index is None and hnsw._serving is None and hnsw._graph is not None
    assert flat.index is None and flat._serving is not None
    assert (tmp_path / "hnsw" / "index.faiss").is_file()
    for allowed in ([4, 6], [1, 2, 3, 8], [2, 5, 99]):  # 99: no such priority
        for query in ("wind power at sea", "telemedicine", "hydrogen storage"):
            flat_ids, flat_sims = flat.search(query, 8, np.array(allowed))
            hnsw_ids, hnsw_sims = hnsw.search(query, 8, np.array(allowed))
            assert hnsw_ids.tolist() == flat_ids.tolist()
            assert hnsw_sims.tolist() == flat_sims.tolist()
