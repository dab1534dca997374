"""Embedders on the real shipped models: shapes, normalisation, cache and registry."""

from __future__ import annotations

import numpy as np
import pytest

from models.embedders import (
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    create_embedder,
    default_batch_size,
)
from models.embedders.ensemble import EnsembleEmbedder, LanguageWeights
from models.embedders.lexical import LexicalEmbedder
from observatory.errors import ConfigurationError, InvalidInput

TEXTS = [
    "Manufacture of dairy products and cheese",
    "Hospitals, e-health and medical devices",
    "Offshore wind energy and green hydrogen",
]


def test_minilm_encodes_unit_vectors(embedder: Embedder) -> None:
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.model_id == "all-MiniLM-L6-v2"
    assert embedder.encode([]).shape == (0, 384)


def test_minilm_similarity_is_meaningful(embedder: Embedder) -> None:
    dairy, health, wind = embedder.encode(TEXTS)
    cheese = embedder.encode(["cheese and milk processing"])[0]
    assert cheese @ dairy > cheese @ health
    assert cheese @ dairy > cheese @ wind


def test_encode_rejects_a_bare_string(embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.encode("one text")  # type: ignore[arg-type]


def test_use_is_multilingual(use_embedder: Embedder) -> None:
    vectors = use_embedder.encode(
        ["renewable energy", "énergies renouvelables", "Gesundheitswesen und Krankenhäuser"]
    )
    assert vectors.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


class CountingEmbedder(Embedder):
    """A real (deterministic, hash-based) embedder that counts what it is asked to encode."""

    model_id = "counting-test"
    dimension = 8

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def _encode(
        self, texts: list[str], *, kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        self.encoded.extend(texts)
        seeds = [abs(hash(t)) % (2**32) for t in texts]
        return np.stack([np.random.default_rng(s).normal(size=8) for s in seeds])


def test_cache_avoids_re_encoding(tmp_path) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path)
    first = cached.encode(["a", "b", "a"])
    assert inner.encoded == ["a", "b"]  # duplicates within a call are encoded once
    second = cached.encode(["b", "c"])
    assert inner.encoded == ["a", "b", "c"]
    np.testing.assert_array_equal(first[1], second[0])
    assert cached.stats.hits == 1 and cached.stats.misses == 3  # "b" came from the cache
    # a new process (new wrapper) reads the vectors from disk
    again = CachedEmbedder(CountingEmbedder(), tmp_path)
    np.testing.assert_array_equal(again.encode(["a"])[0], first[0])
    assert again.inner.encoded == []  # type: ignore[attr-defined]
    config = (tmp_path / "counting-test" / "config.json").read_text()
    assert '"dimension": 8' in config and "package_version" in config


def test_cache_hits_with_the_real_model(embedder: Embedder, tmp_path) -> None:
    cached = CachedEmbedder(embedder, tmp_path)
    fresh = cached.encode(TEXTS[:2])
    again = cached.encode(TEXTS[:2])
    np.testing.assert_array_equal(fresh, again)
    assert cached.stats.hits == 2 and cached.stats.misses == 2


def test_cache_refuses_another_model_in_its_folder(tmp_path) -> None:
    EmbeddingCache(tmp_path, "counting-test", 8)
    with pytest.raises(ConfigurationError, match="counting-test"):
        EmbeddingCache(tmp_path, "counting-test", 16)


def test_ensemble_scores_are_language_weighted_cosines(
    embedder: Embedder, use_embedder: Embedder
) -> None:
    weights = LanguageWeights(english=0.5, read=0.3, unread=0.9)
    ensemble = EnsembleEmbedder([embedder, use_embedder], weights)
    stored = ensemble.encode(TEXTS[:2])
    assert stored.shape == (2, 896)
    np.testing.assert_allclose(np.linalg.norm(stored, axis=1), 1.0, atol=1e-5)
    a, b = embedder.encode(TEXTS[:2]), use_embedder.encode(TEXTS[:2])
    cos_a, cos_b = a[0] @ a[1], b[0] @ b[1]
    assert stored[0] @ stored[1] == pytest.approx(0.5 * cos_a + 0.5 * cos_b, abs=1e-4)
    # scored side: each text leans on the member that reads its language
    scored = ensemble.encode(TEXTS[:1] * 3, languages=["en", "fr", "sv"])
    share = {"en": 0.5, "fr": 0.3, "sv": 0.9}  # USE reads French, not Swedish
    for row, lang in enumerate(("en", "fr", "sv")):
        expected = share[lang] * cos_a + (1 - share[lang]) * cos_b
        assert scored[row] @ stored[1] == pytest.approx(expected, abs=1e-4)
    with pytest.raises(ValueError, match="2 languages for 3 texts"):
        ensemble.encode(TEXTS, languages=["en", "fr"])


def test_kinds_resolve_and_unknown_kind_is_refused(embedder: Embedder) -> None:
    assert embedder.side("symmetric") == "query" and embedder.prefix("query") == ""
    # a model without prefixes reads every kind alike
    np.testing.assert_allclose(
        embedder.encode(TEXTS[:1], kind="query"), embedder.encode(TEXTS[:1]), atol=1e-6
    )
    with pytest.raises(ValueError, match="kind must be one of"):
        embedder.encode(TEXTS, kind="document")  # type: ignore[arg-type]


def test_lexical_baseline_matches_shared_words() -> None:
    lexical = LexicalEmbedder()
    lexical.fit(TEXTS)
    vectors = lexical.encode(["dairy cheese", "wind hydrogen"])
    corpus = lexical.encode(TEXTS)
    assert int(np.argmax(corpus @ vectors[0])) == 0
    assert int(np.argmax(corpus @ vectors[1])) == 2


def test_registry_and_device_defaults() -> None:
    with pytest.raises(InvalidInput, match="unknown embedding backend"):
        create_embedder("word2vec")
    assert default_batch_size("cpu") < default_batch_size("cuda")
