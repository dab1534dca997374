"""Derived vectors on disk: prototype and starter-example embeddings, built once.

Prototypes come from the taxonomy files and the keyword files; starter examples from their
CSV. Their vectors depend on nothing else but the embedder, so they are stored as one ``.npy``
per batch under ``<folder>/<model slug>/<fingerprint>.npy``, where the fingerprint is the
sha256 of the embedder id and every text of the batch in order: a changed taxonomy, keyword
file or starter set (or another model) is another fingerprint, so a stale file is never read.
``python -m pipelines.classify.prepare`` builds them ahead of the first request.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def fingerprint(model_id: str, texts: Sequence[str]) -> str:
    """sha256 over the model id and the texts (each ended by a NUL), 24 hex digits."""
    digest = hashlib.sha256(model_id.encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()[:24]


class DerivedVectors:
    """Read-through store of batch vectors keyed by fingerprint."""

    def __init__(self, folder: Path, model_id: str, slug: str, dimension: int) -> None:
        self.folder = Path(folder) / slug
        self.model_id = model_id
        self.dimension = dimension
        self.built = 0  # batches encoded (not read back) in this process

    def path(self, texts: Sequence[str]) -> Path:
        """Where the vectors of ``texts`` are stored."""
        return self.folder / f"{fingerprint(self.model_id, texts)}.npy"

    def get(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """The stored vectors of ``texts``, or ``encode(texts)`` saved for next time."""
        path = self.path(texts)
        if path.is_file():
            try:
                vectors = np.load(path)
                if vectors.shape == (len(texts), self.dimension):
                    return vectors
                log.warning("ignoring %s: shape %s", path, vectors.shape)
            except (OSError, ValueError) as exc:
                log.warning("ignoring unreadable %s: %s", path, exc)
        vectors = encode(list(texts))
        self.built += 1
        self._write(path, vectors)
        return vectors

    def _write(self, path: Path, vectors: np.ndarray) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # written beside and renamed, so a reader never sees half a file
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                np.save(out, vectors.astype(np.float32))
            os.replace(temporary, path)
        except OSError as exc:
            log.warning("cannot store derived vectors in %s: %s", self.folder, exc)
