"""Vector indexes on real FAISS and the NumPy fallback."""

from __future__ import annotations

import numpy as np
import pytest

from models.embedders import l2_normalise
from models.index import create_index, load_index
from observatory.errors import ConfigurationError, InvalidInput, NotFound


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return l2_normalise(np.random.default_rng(7).normal(size=(500, 24)))


@pytest.mark.parametrize("backend", ["faiss", "numpy"])
def test_add_search_remove_round_trip(backend: str, vectors: np.ndarray, tmp_path) -> None:
    index = create_index(24, backend=backend, model_id="test-model", taxonomy_version="t1")
    ids = np.arange(1000, 1500)
    index.add(ids, vectors)
    assert len(index) == 500
    scores, found = index.search(vectors[:4], 3)
    assert found[:, 0].tolist() == [1000, 1001, 1002, 1003]
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-6).all()  # best first

    assert index.remove([1000, 1001, 99]) == 2
    assert len(index) == 498
    _, found = index.search(vectors[:1], 1)
    assert found[0, 0] != 1000

    index.add([1002], vectors[10:11])  # replacing keeps one vector per id
    assert len(index) == 498
    _, found = index.search(vectors[10:11], 2)
    assert set(found[0].tolist()) == {1002, 1010}

    index.save(tmp_path / "ix")
    loaded = load_index(tmp_path / "ix", model_id="test-model", dimension=24)
    assert len(loaded) == 498 and loaded.taxonomy_version == "t1"
    np.testing.assert_array_equal(loaded.search(vectors[:5], 4)[1], index.search(vectors[:5], 4)[1])


@pytest.mark.parametrize("backend", ["faiss", "numpy"])
def test_allowed_ids_filter(backend: str, vectors: np.ndarray) -> None:
    index = create_index(24, backend=backend)
    index.add(range(500), vectors)
    allowed = {3, 30, 300}
    scores, found = index.search(vectors[:2], 5, allowed_ids=allowed)
    assert set(found[0, :3].tolist()) == allowed
    assert found[0, 3:].tolist() == [-1, -1]
    assert np.isneginf(scores[0, 3:]).all()
    assert (found[:, :1] == 3).all() or found[1, 0] in allowed
    _, none = index.search(vectors[:1], 2, allowed_ids=set())
    assert none.tolist() == [[-1, -1]]


def test_faiss_and_numpy_agree(vectors: np.ndarray) -> None:
    queries = l2_normalise(np.random.default_rng(8).normal(size=(20, 24)))
    results = []
    for backend in ("faiss", "numpy"):
        index = create_index(24, backend=backend)
        index.add(range(500), vectors)
        results.append(index.search(queries, 10))
        results.append(index.search(queries, 4, allowed_ids=set(range(0, 500, 7))))
    np.testing.assert_array_equal(results[0][1], results[2][1])
    np.testing.assert_allclose(results[0][0], results[2][0], atol=1e-5)
    np.testing.assert_array_equal(results[1][1], results[3][1])


def test_hnsw_finds_exact_neighbours_and_filters(vectors: np.ndarray, tmp_path) -> None:
    index = create_index(24, backend="faiss", kind="hnsw", model_id="m")
    index.add(range(500), vectors)
    _, found = index.search(vectors[:20], 1)
    assert found[:, 0].tolist() == list(range(20))
    _, found = index.search(vectors[:1], 3, allowed_ids={5, 6, 7})
    assert set(found[0].tolist()) == {5, 6, 7}
    assert index.remove([0]) == 1 and len(index) == 499
    index.save(tmp_path / "h")
    assert load_index(tmp_path / "h").config()["structure"] == "hnsw"


def test_load_refuses_other_model_or_dimension(vectors: np.ndarray, tmp_path) -> None:
    index = create_index(24, backend="faiss", model_id="all-MiniLM-L6-v2")
    index.add(range(10), vectors[:10])
    index.save(tmp_path)
    with pytest.raises(ConfigurationError, match="all-MiniLM-L6-v2"):
        load_index(tmp_path, model_id="use-multilingual-v3")
    with pytest.raises(ConfigurationError, match="dimension 24"):
        load_index(tmp_path, dimension=512)
    with pytest.raises(NotFound):
        load_index(tmp_path / "missing")


def test_bad_input_is_refused(vectors: np.ndarray) -> None:
    index = create_index(24, backend="faiss")
    with pytest.raises(InvalidInput, match="shape"):
        index.add([1], np.ones((1, 12), dtype=np.float32))
    with pytest.raises(InvalidInput):
        index.add([1, 2], vectors[:1])
    with pytest.raises(InvalidInput):
        index.search(vectors[:1], 0)
    with pytest.raises(InvalidInput):
        create_index(24, backend="annoy")
