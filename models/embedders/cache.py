"""On-disk embedding cache keyed by (model id, sha256 of what the model reads): nothing is
embedded twice. What the model reads is the text behind its kind's prefix (e5: "query: ..."),
so the query and passage vectors of one text are two entries, and a model without prefixes
keeps the plain text's key.

One SQLite file per model under ``cache_dir/<model slug>/`` (safe for several processes), next to
a ``config.json`` (``observatory.artefacts``) holding model id, dimension, build time and package
version.

A read-only seed ships in the package (``SEED_DIR/<model slug>.npz``: the vectors of the built-in
sample's texts, as ``observatory demo load`` encodes them, written by ``python -m
pipelines.index.seed_cache``), so a new installation loads the sample without encoding it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.embedders.base import Embedder, TextKind, check_languages, text_list
from observatory import artefacts

log = logging.getLogger(__name__)

_SQLITE_MAX_PARAMS = 900
SEED_DIR = Path(__file__).parent / "data" / "seed"
CACHE_KIND = "embedding cache"
CACHE_REMEDY = "delete the folder to rebuild it"


def text_key(text: str) -> str:
    """The cache key of one text: sha256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CacheStats:
    """Counters for tests and benchmarks."""

    hits: int = 0
    misses: int = 0


class EmbeddingCache:
    """Vectors of one model, stored by text hash in SQLite."""

    def __init__(
        self, cache_dir: Path, model_id: str, dimension: int, *, seed_dir: Path = SEED_DIR
    ) -> None:
        self.folder = Path(cache_dir) / artefacts.slug(model_id)
        self.seed_file = Path(seed_dir) / f"{artefacts.slug(model_id)}.npz"
        self._seed: dict[str, np.ndarray] | None = None  # read at the first miss
        self.folder.mkdir(parents=True, exist_ok=True)
        self.model_id = model_id
        self.dimension = dimension
        self.stats = CacheStats()
        self._check_config()
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.folder / "embeddings.sqlite", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A commit need not reach the disk before the caller goes on: in WAL mode NORMAL stays
        # consistent and loses at most the last entries on power loss, which a cache re-embeds.
        # FULL fsynced every commit, i.e. every new search query: 4 ms per query, and up to
        # seconds on a disk shared with other jobs (benchmarks/bench_api.py).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embedding (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
        )
        self._db.commit()

    def _check_config(self) -> None:
        identity = {"model_id": self.model_id, "dimension": self.dimension}
        if artefacts.has_config(self.folder):
            config = artefacts.read_config(self.folder, kind=CACHE_KIND)
            artefacts.check_compatible(
                config, identity, folder=self.folder, kind=CACHE_KIND, remedy=CACHE_REMEDY
            )
            return
        artefacts.write_config(
            self.folder, {**identity, "key": "sha256(utf-8 text)", "dtype": "float32"}
        )

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors found for ``keys`` (missing keys are simply absent)."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(unique), _SQLITE_MAX_PARAMS):
                chunk = unique[start : start + _SQLITE_MAX_PARAMS]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vector FROM embedding WHERE key IN ({marks})", chunk
                )
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = [key for key in unique if key not in found]
        if missing:
            seed = self._seeded()
            found.update((key, seed[key]) for key in missing if key in seed)
        return found

    def _seeded(self) -> dict[str, np.ndarray]:
        """The shipped seed vectors of this model (empty when none ship or it does not fit)."""
        if self._seed is None:
            self._seed = read_seed(self.seed_file, self.dimension)
        return self._seed

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors (existing keys are kept: a text always embeds the same)."""
        rows = [(key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items]
        with self._lock:
            self._db.executemany("INSERT OR IGNORE INTO embedding VALUES (?, ?)", rows)
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM embedding").fetchone()[0])

    def close(self) -> None:
        """Close the SQLite connection."""
        with self._lock:
            self._db.close()


def read_seed(path: Path, dimension: int) -> dict[str, np.ndarray]:
    """Key -> vector of a seed file; empty (with a warning) when it is missing or unreadable."""
    if not path.is_file():
        return {}
    try:
        with np.load(path) as data:
            keys, vectors = data["keys"], data["vectors"].astype(np.float32)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("ignoring the embedding seed %s: %s", path, exc)
        return {}
    if vectors.shape != (len(keys), dimension):
        log.warning("ignoring the embedding seed %s: shape %s", path, vectors.shape)
        return {}
    return {str(key): vector for key, vector in zip(keys, vectors, strict=True)}


def write_seed(path: Path, items: dict[str, np.ndarray]) -> None:
    """Write a seed file of key -> vector (sorted by key, so equal content, equal bytes)."""
    keys = sorted(items)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        keys=np.array(keys),
        vectors=np.stack([items[k] for k in keys]).astype(np.float32),
    )


class CachedEmbedder(Embedder):
    """Wrap an embedder so each distinct text is encoded once, ever (per model)."""

    def __init__(self, inner: Embedder, cache_dir: Path, *, seed_dir: Path = SEED_DIR) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.languages = inner.languages
        self.device = inner.device
        self.batch_size = inner.batch_size
        self.prefixes = inner.prefixes
        self.symmetric_kind = inner.symmetric_kind
        self.weighs_languages = inner.weighs_languages
        self.cache = EmbeddingCache(cache_dir, inner.model_id, inner.dimension, seed_dir=seed_dir)

    @property
    def stats(self) -> CacheStats:
        """Hit and miss counters of the underlying cache."""
        return self.cache.stats

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: TextKind = "passage",
        languages: Sequence[str | None] | None = None,
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embed ``texts``, reading known texts from the cache and storing the new ones
        (one model reads every language alike, so ``languages`` changes nothing here)."""
        items = text_list(texts)
        check_languages(languages, len(items))
        prefix = self.inner.prefix(kind)
        keys = [text_key(prefix + t) for t in items]
        found = self.cache.get_many(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        self.cache.stats.hits += len(items) - sum(1 for k in keys if k not in found)
        self.cache.stats.misses += len(missing)
        if missing:
            first_text = {}
            for key, text in zip(keys, items, strict=True):
                first_text.setdefault(key, text)
            fresh = self.inner.encode(
                [first_text[k] for k in missing],
                kind=kind,
                batch_size=batch_size,
                show_progress=show_progress,
            )
            self.cache.put_many(zip(missing, fresh, strict=True))
            found.update(zip(missing, fresh, strict=True))
        out = np.empty((len(items), self.dimension), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return out

    def _encode(
        self, texts: list[str], *, kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        return self.inner.encode(
            texts, kind=kind, batch_size=batch_size, show_progress=show_progress
        )  # type: ignore[arg-type]

    def fit(self, corpus: Sequence[str]) -> None:
        """Forward to the wrapped embedder."""
        self.inner.fit(corpus)
