"""The embedding seed: a new installation loads the built-in sample without encoding it."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from cli import main
from models.embedders.cache import CachedEmbedder, text_key, write_seed

STALE = "the embedding seed is stale: run python -m pipelines.index.seed_cache"


def _rows(database) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COUNT(*) FROM embedding").fetchone()[0]


def test_demo_load_on_a_new_installation_encodes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", f"sqlite:///{tmp_path / 'o.db'}")
    for name in ("OBSERVATORY_EMBEDDING_BACKEND", "OBSERVATORY_SEARCH_EMBEDDING_BACKEND"):
        monkeypatch.delenv(name, raising=False)  # the defaults a new user gets

    with pytest.raises(SystemExit) as done:
        main(["demo", "load"])

    assert done.value.code in (0, None)
    caches = sorted((tmp_path / "cache").glob("*/embeddings.sqlite"))
    assert caches, "demo load used no embedding cache"
    assert {db.parent.name: _rows(db) for db in caches} == {db.parent.name: 0 for db in caches}, (
        STALE
    )
    assert (tmp_path / "index" / "priorities").is_dir()


def test_seeded_texts_are_read_and_the_rest_encoded_once(tmp_path, embedder):
    seeded, fresh = ["Offshore wind energy", "Smart grids"], "Marine biotechnology"
    vectors = embedder.encode(seeded, kind="passage")
    seed_dir = tmp_path / "seed"
    write_seed(
        seed_dir / "all-MiniLM-L6-v2.npz",
        {text_key(t): v for t, v in zip(seeded, vectors, strict=True)},
    )
    cached = CachedEmbedder(embedder, tmp_path / "cache", seed_dir=seed_dir)

    got = cached.encode([*seeded, fresh], kind="passage")

    assert cached.stats.misses == 1  # only the text the seed does not hold
    assert _rows(tmp_path / "cache" / "all-MiniLM-L6-v2" / "embeddings.sqlite") == 1
    np.testing.assert_allclose(got, embedder.encode([*seeded, fresh], kind="passage"), atol=1e-5)


def test_a_seed_of_the_wrong_width_is_ignored(tmp_path, embedder):
    seed_dir = tmp_path / "seed"
    write_seed(seed_dir / "all-MiniLM-L6-v2.npz", {text_key("Smart grids"): np.zeros(7)})
    cached = CachedEmbedder(embedder, tmp_path / "cache", seed_dir=seed_dir)

    got = cached.encode(["Smart grids"], kind="passage")

    assert cached.stats.misses == 1 and abs(float(np.linalg.norm(got[0])) - 1.0) < 1e-4
