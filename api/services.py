"""Heavy services of the API, built lazily once per app through ``AppState.service``.

Wiring happens here because only the api layer may join the core (search, matching) with the
models (embedder, vector index) and the pipelines (the priorities' vector index).
"""

from __future__ import annotations

import functools
import logging

import numpy as np

from api.state import AppState
from observatory.errors import ObservatoryError
from observatory.matching import MatchingService
from observatory.search import Catalog, CatalogCache, SearchService, served_taxonomies
from taxonomies import Taxonomy

log = logging.getLogger(__name__)


def taxonomies(state: AppState) -> dict[str, Taxonomy]:
    """The served taxonomies by name (a taxonomy that cannot load is left out, with a log)."""

    return state.service("taxonomies", lambda: served_taxonomies(state.settings))


def catalogs(state: AppState) -> CatalogCache:
    """The catalog cache over the store, following it in the background (requests never wait
    for the store's stamp or a label refresh)."""
    served = taxonomies(state)  # built first: AppState's lock is not re-entrant

    def build() -> CatalogCache:
        cache = CatalogCache(
            state.store, served, check_seconds=state.settings.store_poll_seconds, follow=True
        )
        state.on_close(cache.close)
        return cache

    return state.service("catalogs", build)


def embedder(state: AppState):
    """The configured search embedder of the priorities' vector index (None when it cannot be
    built: search falls back to BM25)."""

    def build():
        from models.embedders import embedder_from_settings

        try:
            return embedder_from_settings(state.settings, purpose="search")
        except (ImportError, OSError, ObservatoryError) as exc:
            log.warning("no embedder, dense search disabled: %s", exc)
            return None

    return state.service("embedder", build)


def priority_vectors(state: AppState):
    """The priorities' embeddings and vector index (None without an embedder)."""
    served = taxonomies(state)

    def build():
        from pipelines.index import priority_vectors_from_settings

        model = embedder(state)
        if model is None:
            return None
        return priority_vectors_from_settings(state.settings, served, model)

    return state.service("priority_vectors", build)


@functools.cache
def single_threaded_blas() -> None:
    """Serve each request on one BLAS thread (set once per process: OpenBLAS' setting is
    global, and each call scanned the loaded libraries, 1-5 ms on every request).

    Requests multiply small matrices (a region's priorities against a shortlist); OpenBLAS'
    thread pool spinning next to torch's and uvicorn's threads made them ~100x slower on two
    cores (measured with benchmarks/bench_api.py). Concurrency comes from requests instead.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # comes with scikit-learn; without it the default pool stays
        return
    threadpool_limits(1, user_api="blas")


def search_service(state: AppState) -> SearchService:
    """Hybrid search: BM25 from the catalog fused with the dense index."""
    single_threaded_blas()

    vectors = priority_vectors(state)  # built first: AppState's lock is not re-entrant
    cache = catalogs(state)

    def build() -> SearchService:
        if vectors is None:
            return SearchService(cache)
        return SearchService(cache, vectors.search, on_refresh=vectors.sync)

    return state.service("search", build)


def matching_service(state: AppState) -> MatchingService:
    """Partner matching over the search service's catalog (vectors kept in sync)."""

    search = search_service(state)  # built first: AppState's lock is not re-entrant
    served = taxonomies(state)
    vectors = priority_vectors(state)

    def build() -> MatchingService:
        def vectors_for(catalog: Catalog) -> np.ndarray | None:
            if vectors is None:
                return None
            vectors.sync(catalog)
            return vectors.matrix_for(catalog)

        return MatchingService(search.catalog, served, vectors_for)

    return state.service("matching", build)


def live_examples(state: AppState):
    """The configured classifier with every reviewed label as an example, following the store."""

    def build():
        from api.live_examples import LiveExamples
        from pipelines.classify.factory import classifier_from_settings

        built = LiveExamples(
            state.store,
            classifier_from_settings(state.settings),
            check_seconds=state.settings.store_poll_seconds,
        )
        built.refresh(force=True)
        return built

    return state.service("classifier", build)


def classifier(state: AppState):
    """The running classifier, taught every reviewed decision the store holds by now: made in
    this process, another worker or host, or ``observatory review`` (read at most once per
    ``OBSERVATORY_STORE_POLL_SECONDS``)."""
    live = live_examples(state)
    live.refresh()
    return live.classifier


def review_service(state: AppState):
    """The review operations; confirmed labels reach a running classifier at once."""
    from observatory.review import ReviewService

    def teach_classifier(*_decided: object) -> None:
        # only a classifier this app already built learns live; a new one seeds from the store
        if state.has_service("classifier"):
            live_examples(state).refresh(force=True)

    return ReviewService(state.store, on_confirmed=[teach_classifier], on_undone=[teach_classifier])
