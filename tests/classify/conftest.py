"""A classifier on the real MiniLM model and built-in taxonomies, built once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def classifier(embedder):
    """Classifier(MiniLM) with its shipped calibration; tests must remove examples they add."""
    from models.classifier import Classifier

    return Classifier(embedder)
