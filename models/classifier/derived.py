"""Derived data on disk: prototype and starter-example embeddings and the fitted n-gram
matcher, built once.

Prototypes come from the taxonomy files and the keyword files; starter examples from their
CSV. Their vectors depend on nothing else but the embedder, so they are stored as one ``.npy``
per batch under ``<folder>/<model slug>/<fingerprint>.npy``, where the fingerprint is the
sha256 of the embedder id and every text of the batch in order: a changed taxonomy, keyword
file or starter set (or another model) is another fingerprint, so a stale file is never read.

The vectors of the built-in taxonomies and the starter set ship in the package for the default
embedder (``SHIPPED_DIR``, written by ``python -m pipelines.classify.prepare --ship``), so a new
installation never encodes them; an imported taxonomy's are built by ``observatory taxonomy
import`` (or ``python -m pipelines.classify.prepare``) into the data dir, never at a request.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from models.classifier.ngrams import CharacterMatcher
from models.classifier.ngrams import fingerprint as corpus_fingerprint

log = logging.getLogger(__name__)

# Read-only vectors shipped in the package, one folder per model slug.
SHIPPED_DIR = Path(__file__).parent / "data" / "derived"
# The folder of fitted n-gram matchers, beside the model slugs' (no model id is this name).
NGRAM_FOLDER = "ngrams"


def fingerprint(model_id: str, texts: Sequence[str]) -> str:
    """sha256 over the model id and the texts (each ended by a NUL), 24 hex digits."""
    digest = hashlib.sha256(model_id.encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()[:24]


class DerivedVectors:
    """Read-through store of batch vectors keyed by fingerprint.

    Looks in the shipped folder, then in ``folder`` (the data dir's, None for none); a batch
    found in neither is encoded and written to ``folder``.
    """

    def __init__(
        self,
        folder: Path | None,
        model_id: str,
        slug: str,
        dimension: int,
        *,
        shipped: Path = SHIPPED_DIR,
    ) -> None:
        self.folder = Path(folder) / slug if folder is not None else None
        self.shipped = Path(shipped) / slug
        self.model_id = model_id
        self.dimension = dimension
        self.built = 0  # batches encoded (not read back) in this process
        self.written: list[Path] = []  # files this process wrote (prepare copies them)
        self.used: list[str] = []  # file names of every batch asked for, found or built

    def name(self, texts: Sequence[str]) -> str:
        """File name of the vectors of ``texts``."""
        return f"{fingerprint(self.model_id, texts)}.npy"

    def path(self, texts: Sequence[str]) -> Path | None:
        """Where the vectors of ``texts`` are written (None without a data folder)."""
        return self.folder / self.name(texts) if self.folder is not None else None

    def get(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """The stored vectors of ``texts``, or ``encode(texts)`` saved for next time."""
        self.used.append(self.name(texts))
        for folder in (self.shipped, self.folder):
            found = self._read(folder / self.name(texts), len(texts)) if folder else None
            if found is not None:
                return found
        vectors = encode(list(texts))
        self.built += 1
        path = self.path(texts)
        if path is not None:
            self._write(path, vectors)
        return vectors

    def _read(self, path: Path, rows: int) -> np.ndarray | None:
        if not path.is_file():
            return None
        try:
            vectors = np.load(path)
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable %s: %s", path, exc)
            return None
        if vectors.shape != (rows, self.dimension):
            log.warning("ignoring %s: shape %s", path, vectors.shape)
            return None
        return vectors.astype(np.float32, copy=False)

    def _write(self, path: Path, vectors: np.ndarray) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # written beside and renamed, so a reader never sees half a file
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                np.save(out, vectors.astype(np.float32))
            os.chmod(temporary, 0o644)  # mkstemp makes it private; shipped copies are read by all
            os.replace(temporary, path)
            self.written.append(path)
        except OSError as exc:
            log.warning("cannot store derived vectors in %s: %s", self.folder, exc)


class DerivedMatchers:
    """Read-through store of fitted n-gram matchers keyed by their corpus' fingerprint.

    Looks in the shipped folder, then in ``folder`` (the data dir's, None for none); a corpus
    found in neither is fitted (~0.1-0.2 s for the built-in prototypes) and written to
    ``folder``. A file of another format or corpus is refused (``CharacterMatcher.load``).
    """

    def __init__(self, folder: Path | None, *, shipped: Path = SHIPPED_DIR) -> None:
        self.folder = Path(folder) / NGRAM_FOLDER if folder is not None else None
        self.shipped = Path(shipped) / NGRAM_FOLDER
        self.built = 0  # matchers fitted (not read back) in this process
        self.written: list[Path] = []
        self.used: list[str] = []

    def name(self, corpus: Sequence[str]) -> str:
        """File name of the matcher fitted on ``corpus``."""
        return f"{corpus_fingerprint(list(corpus) or ['empty'])}.npz"

    def get(self, corpus: Sequence[str]) -> CharacterMatcher:
        """The stored matcher of ``corpus``, or one fitted now and saved for next time."""
        name = self.name(corpus)
        self.used.append(name)
        for folder in (self.shipped, self.folder):
            found = CharacterMatcher.load(folder / name, corpus) if folder else None
            if found is not None:
                return found
        matcher = CharacterMatcher.fit(corpus)
        self.built += 1
        if self.folder is not None:
            try:
                matcher.save(self.folder / name)
                self.written.append(self.folder / name)
            except OSError as exc:
                log.warning("cannot store the n-gram matcher in %s: %s", self.folder, exc)
        return matcher
