"""The priorities' embeddings: a matrix aligned with the catalog plus a vector index over it.

Search needs the index (nearest neighbours with id filters); partner matching needs the raw
vectors of every priority of a region. Both are kept here and synced with the store: new
priorities are embedded, vanished ones removed, and the result is saved to ``folder`` with the
index's ``config.json`` (model id, dimension, taxonomy version, build time, package version).
Saved vectors of another model are not reused.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.embedders import Embedder, l2_normalise
from models.index import VectorIndex, create_index, read_config
from models.index.faiss_index import AUTO_APPROXIMATE_ABOVE, HNSW_EF_SEARCH
from observatory import artefacts
from observatory.errors import ObservatoryError
from observatory.search.catalog import Catalog
from observatory.search.language import query_language
from observatory.settings import Settings
from pipelines.index.centring import searched_vectors
from pipelines.index.serving import filtered_scan, half_precision_index, has_faiss, hnsw_index
from taxonomies import Taxonomy

log = logging.getLogger(__name__)

FOLDER_NAME = "priorities"  # under settings.index_dir
IDS_FILE = "priority_ids.npy"
VECTORS_FILE = "priority_vectors.npy"
# the title vectors (pipelines.index.centring); saved with 0 rows when the text vectors stand
# in for them (vectors added without titles, as bench_api composes them), so none is copied
TITLE_VECTORS_FILE = "priority_title_vectors.npy"
LANGUAGES_FILE = "priority_languages.npy"
# the HNSW serving graph with its config.json (built once: minutes at 10^6 priorities)
GRAPH_FOLDER = "hnsw"
GRAPH_FILE = "index.faiss"
INDEX_KINDS = ("flat", "hnsw", "auto")
_QUERY_CACHE_SIZE = 2048


def taxonomy_versions(taxonomies: Mapping[str, Taxonomy]) -> str:
    """The versions of the served taxonomies in one string ('ecosystem:2021,nabs:2007,nace:2')."""
    return ",".join(f"{name}:{taxonomies[name].version}" for name in sorted(taxonomies))


def priority_vectors_from_settings(
    settings: Settings, taxonomies: Mapping[str, Taxonomy], embedder: Embedder | None = None
) -> PriorityVectors:
    """The priorities' vectors the app and the CLI share, saved under ``settings.index_dir``
    (``embedder`` defaults to the configured search embedder)."""
    from models.embedders import embedder_from_settings

    return PriorityVectors(
        embedder or embedder_from_settings(settings, purpose="search"),
        settings.index_dir / FOLDER_NAME,
        taxonomy_version=taxonomy_versions(taxonomies),
        index_kind=settings.search_index_kind,
    )


def priority_text(title: str, description: str, keywords: Sequence[str]) -> str:
    """What is embedded for a priority: its title, description and keywords."""
    return " ".join(part for part in (title, description, " ".join(keywords)) if part)


class PriorityVectors:
    """Embeddings of priorities by id, with a FAISS (or NumPy) index for search."""

    def __init__(
        self,
        embedder: Embedder,
        folder: Path | None = None,
        *,
        taxonomy_version: str | None = None,
        index_kind: str = "flat",
    ) -> None:
        if index_kind not in INDEX_KINDS:
            raise ValueError(f"index_kind must be one of {INDEX_KINDS}; got {index_kind!r}")
        self.embedder = embedder
        self.index_kind = index_kind
        self.folder = Path(folder) if folder is not None else None
        self.taxonomy_version = taxonomy_version
        self.ids = np.zeros(0, dtype=np.int64)
        self.vectors = np.zeros((0, embedder.dimension), dtype=np.float32)
        self.title_vectors = self.vectors
        self.languages = np.zeros(0, dtype="<U8")  # "" where unknown
        # English-only models have no other languages to align; multilingual ones are centred
        self.centred = embedder.languages is None or len(embedder.languages) > 1
        self._means: dict[str, np.ndarray] = {}
        self.index: VectorIndex | None = self._new_index()
        self._serving: Any = None
        self._graph: Any = None  # HNSW over the same vectors (index_kind), unfiltered queries
        self._queries: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        if self.folder is not None and (self.folder / IDS_FILE).is_file():
            self._load()

    def _new_index(self) -> VectorIndex:
        return create_index(
            self.embedder.dimension,
            model_id=self.embedder.model_id,
            taxonomy_version=self.taxonomy_version,
            omp_threads=1,
        )

    def _exact_index(self, searched: np.ndarray) -> VectorIndex:
        """The exact index over what is searched (``_searched``)."""
        index = self._new_index()
        if len(self.ids):
            index.add(self.ids, searched)
        return index

    def _load(self) -> None:
        assert self.folder is not None
        try:
            model_id = read_config(self.folder).get("model_id")
        except ObservatoryError:
            model_id = None
        if model_id != self.embedder.model_id:
            log.warning("saved priority vectors come from model %r; rebuilding", model_id)
            return
        ids = np.load(self.folder / IDS_FILE)
        vectors = np.load(self.folder / VECTORS_FILE)
        if vectors.shape[1:] != (self.embedder.dimension,):
            log.warning("saved priority vectors have another dimension; rebuilding")
            return
        languages_path = self.folder / LANGUAGES_FILE
        languages = np.load(languages_path) if languages_path.is_file() else None
        if languages is None or languages.shape != ids.shape:
            log.warning("saved priority vectors have no languages; rebuilding")
            return
        titles_path = self.folder / TITLE_VECTORS_FILE
        titles = np.load(titles_path) if titles_path.is_file() else None
        shared = titles is not None and titles.shape == (0, vectors.shape[1])
        if titles is None or (titles.shape != vectors.shape and not shared):
            log.warning("saved priority vectors have no title vectors; rebuilding")
            return
        self._replace(ids, vectors, languages, None if shared else titles, saved_serving=True)

    def approximate(self, count: int) -> bool:
        """Whether ``count`` priorities are served by the HNSW graph (``index_kind``)."""
        return self.index_kind == "hnsw" or (
            self.index_kind == "auto" and count > AUTO_APPROXIMATE_ABOVE
        )

    def _replace(
        self,
        ids: np.ndarray,
        vectors: np.ndarray,
        languages: np.ndarray | None = None,
        titles: np.ndarray | None = None,
        *,
        saved_serving: bool = False,
    ) -> None:
        order = np.argsort(ids)
        if np.array_equal(order, np.arange(len(ids))):  # saved sorted: no 1.5 GB copy at 10^6
            order = slice(None)
        self.ids = np.ascontiguousarray(ids[order], dtype=np.int64)
        self.vectors = np.ascontiguousarray(vectors[order], dtype=np.float32)
        self.title_vectors = (
            self.vectors
            if titles is None
            else np.ascontiguousarray(titles[order], dtype=np.float32)
        )
        if languages is None:
            languages = np.full(len(ids), "", dtype="<U8")
        self.languages = np.asarray(languages, dtype="<U8")[order]
        searched = self._searched()
        self._graph = self._serving = None
        if len(self.ids) and self.approximate(len(self.ids)) and has_faiss():
            # the graph's own float16 storage also serves the exact filtered scans: no second
            # float16 copy (0.7 GB at 10^6)
            self._graph = (self._saved_graph() if saved_serving else None) or hnsw_index(
                self.ids, searched
            )
        else:
            self._serving = half_precision_index(self.ids, searched)
        # the exact float32 index is searched only without FAISS; with FAISS it is built when
        # the vectors are saved and not kept (1.5 GB at 10^6)
        serves = self._serving is None and self._graph is None
        self.index = self._exact_index(searched) if serves else None

    def _searched(self) -> np.ndarray:
        """What the index holds (``centring.searched_vectors``); keeps the query means."""
        searched, self._means = searched_vectors(
            self.vectors, self.title_vectors, self.languages, centre=self.centred
        )
        return searched

    def _centre_query(self, query: str, vector: np.ndarray) -> np.ndarray:
        """The query vector with its language's mean removed (the corpus mean when its
        language has no priorities here or cannot be told)."""
        if not self.centred or not self._means:
            return vector
        language = query_language(query, self._means) or ""
        return l2_normalise(vector - self._means.get(language, self._means[""]))[0]

    def sync(self, catalog: Catalog, *, show_progress: bool = False) -> int:
        """Embed the catalog's priorities that have no vector, drop the others; returns how many
        were embedded. Saves to ``folder`` when anything changed."""
        with self._lock:
            known = np.isin(catalog.ids, self.ids)
            keep = np.isin(self.ids, catalog.ids)
            missing_rows = np.flatnonzero(~known)
            if len(missing_rows) == 0 and keep.all():
                return 0
            texts = [catalog.text(int(r)) for r in missing_rows]
            log.info(
                "embedding %d priorities (%d vectors dropped) with %s",
                len(missing_rows),
                int((~keep).sum()),
                self.embedder.model_id,
            )
            fresh = self.embedder.encode(texts, kind="passage", show_progress=show_progress)
            # titles are a few words each: ~a tenth of the texts' encoding time
            fresh_titles = self.embedder.encode(
                [catalog.titles[int(r)] for r in missing_rows], kind="passage"
            )
            ids = np.concatenate([self.ids[keep], catalog.ids[missing_rows]])
            vectors = np.vstack([self.vectors[keep], fresh]) if len(ids) else self.vectors[:0]
            titles = np.vstack([self.title_vectors[keep], fresh_titles]) if len(ids) else vectors
            fresh_languages = [catalog.language.value(int(r)) or "" for r in missing_rows]
            languages = np.concatenate(
                [self.languages[keep], np.array(fresh_languages, dtype="<U8")]
            )
            self._replace(ids, vectors, languages, titles)
            self._save()
            return len(missing_rows)

    def rebuild(self, catalog: Catalog, *, show_progress: bool = False) -> int:
        """Forget every vector and embed the catalog again; returns how many were embedded."""
        with self._lock:
            self._replace(np.zeros(0, np.int64), np.zeros((0, self.embedder.dimension), np.float32))
        embedded = self.sync(catalog, show_progress=show_progress)
        if not embedded:  # nothing to embed: still replace what was saved
            with self._lock:
                self._save()
        return embedded

    def add(
        self,
        ids: np.ndarray,
        vectors: np.ndarray,
        languages: Sequence[str] | None = None,
        titles: np.ndarray | None = None,
    ) -> None:
        """Add precomputed passage vectors (benchmarks, imports) with their priorities'
        languages (as the catalog has them; unknown when None) and title vectors (the text
        vectors stand in when None); existing ids are replaced."""
        with self._lock:
            keep = ~np.isin(self.ids, ids)
            if languages is None:
                fresh = np.full(len(ids), "", dtype="<U8")
            else:
                fresh = np.array([lang or "" for lang in languages], dtype="<U8")
            shared = titles is None and self.title_vectors is self.vectors
            self._replace(
                np.concatenate([self.ids[keep], ids]),
                np.vstack([self.vectors[keep], vectors]),
                np.concatenate([self.languages[keep], fresh]),
                None
                if shared
                else np.vstack([self.title_vectors[keep], vectors if titles is None else titles]),
            )
            self._save()

    def _save(self) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        np.save(self.folder / IDS_FILE, self.ids)
        np.save(self.folder / VECTORS_FILE, self.vectors)
        shared = self.title_vectors is self.vectors
        np.save(
            self.folder / TITLE_VECTORS_FILE, self.vectors[:0] if shared else self.title_vectors
        )
        np.save(self.folder / LANGUAGES_FILE, self.languages)
        # the exact index's file (and the folder's config.json), built for it when not kept
        (self.index or self._exact_index(self._searched())).save(self.folder)
        graph_folder = self.folder / GRAPH_FOLDER
        (graph_folder / artefacts.CONFIG_FILE).unlink(missing_ok=True)
        (graph_folder / GRAPH_FILE).unlink(missing_ok=True)
        if self._graph is not None:
            import faiss

            graph_folder.mkdir(exist_ok=True)
            faiss.write_index(self._graph, str(graph_folder / GRAPH_FILE))
            artefacts.write_config(
                graph_folder,
                {"structure": "hnsw", "count": len(self.ids), "content": self._fingerprint()},
            )

    def _fingerprint(self) -> str:
        """sha256 of ids, languages and vectors: a saved graph serves exactly these."""
        digest = hashlib.sha256(self.ids.tobytes())
        digest.update(self.languages.tobytes())
        # the arrays' own buffers (contiguous): tobytes() copied 1.5 GB at 10^6
        digest.update(self.vectors)
        if self.title_vectors is not self.vectors:
            digest.update(self.title_vectors)
        return digest.hexdigest()

    def _saved_graph(self) -> Any:
        """The HNSW graph saved with these very vectors, or None (then it is built)."""
        if self.folder is None or not (self.folder / GRAPH_FOLDER / GRAPH_FILE).is_file():
            return None
        try:
            config = artefacts.read_config(self.folder / GRAPH_FOLDER, kind="HNSW graph")
        except ObservatoryError:
            return None
        if config.get("count") != len(self.ids) or config.get("content") != self._fingerprint():
            log.warning("saved HNSW graph is stale; rebuilding it")
            return None
        import faiss

        graph = faiss.read_index(str(self.folder / GRAPH_FOLDER / GRAPH_FILE))
        faiss.downcast_index(graph.index).hnsw.efSearch = HNSW_EF_SEARCH
        return graph

    def embed_query(self, text: str) -> np.ndarray:
        """The vector of a query, encoded as one (e5: "query: "; recent queries are cached:
        they repeat a lot)."""
        cached = self._queries.get(text)
        if cached is None:
            cached = self.embedder.encode([text], kind="query")[0]
            if len(self._queries) >= _QUERY_CACHE_SIZE:
                # FIFO eviction; requests run in threads, so another may have evicted first
                with contextlib.suppress(StopIteration, RuntimeError, KeyError):
                    self._queries.pop(next(iter(self._queries)))
            self._queries[text] = cached
        return cached

    def search(
        self, query: str, k: int, allowed_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Dense neighbours of a query text: ``(ids, similarities)`` best first: the weighted
        mean of the cosines with a priority's text and its title (multilingual models: after
        removing each language's mean; see ``pipelines.index.centring``)."""
        vector = self._centre_query(query, self.embed_query(query))
        k = max(1, min(k, len(self.ids) or 1))
        serving = self._serving
        graph = self._graph
        if graph is not None and allowed_ids is None:
            import faiss

            # efSearch below k would return fewer than k neighbours
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
            scores, ids = graph.search(vector[None, :], k, params=params)
            return ids[0], np.where(ids[0] < 0, -np.inf, scores[0]).astype(np.float32)
        if graph is not None:  # filtered: exact, over the graph's float16 storage
            return filtered_scan(graph, self.ids, vector, k, allowed_ids)
        if serving is not None:
            import faiss

            # filtered queries stay exact: a graph walk under a narrow filter misses neighbours
            params = None
            if allowed_ids is not None:
                selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_ids, np.int64))
                params = faiss.SearchParameters(sel=selector)
            scores, ids = serving.search(vector[None, :], k, params=params)
            return ids[0], np.where(ids[0] < 0, -np.inf, scores[0]).astype(np.float32)
        assert self.index is not None  # kept whenever FAISS does not serve
        allowed = None if allowed_ids is None else set(allowed_ids.tolist())
        scores, ids = self.index.search(vector[None, :], k, allowed_ids=allowed)
        return ids[0], scores[0]

    def matrix_for(self, catalog: Catalog) -> np.ndarray:
        """Vectors aligned with the catalog's rows (zero rows where a vector is missing)."""
        positions = np.searchsorted(self.ids, catalog.ids)
        clipped = np.minimum(positions, max(len(self.ids) - 1, 0))
        present = (positions < len(self.ids)) & (self.ids[clipped] == catalog.ids)
        matrix = np.zeros((len(catalog), self.vectors.shape[1]), dtype=np.float32)
        if len(self.ids):
            matrix[present] = self.vectors[clipped[present]]
        return matrix
