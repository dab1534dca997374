"""A review decision refreshes one priority's labels in the served catalog without a rebuild.

The seeded store (real SQLite, and PostgreSQL when configured) holds six priorities with the
model's suggestions; real review decisions change their labels. After each one the served
catalog must equal a catalog built from scratch, the BM25 index must be the same object, and
the cache must report a label refresh rather than a rebuild.
"""

from __future__ import annotations

import time

import numpy as np
from sqlalchemy import delete, select

import taxonomies
from observatory.domain import PriorityCreate, Role, StrategyCreate
from observatory.review import claim_next, decide, enqueue
from observatory.search.catalog import Catalog, build_catalog, store_stamp
from observatory.search.catalog_cache import CatalogCache
from observatory.search.filters import make_filters
from observatory.search.service import SearchRequest, SearchService
from observatory.store.strategies import save_strategy
from observatory.store.tables import LabelRow, PriorityRow, StrategyRow
from observatory.users import Actor

ALICE = Actor("alice", Role.REVIEWER)
SERVED = {"nace": taxonomies.load("nace")}


def _same_labels(served: Catalog, built: Catalog) -> None:
    assert served.labels == built.labels
    np.testing.assert_array_equal(served.status_bits, built.status_bits)
    assert served.code_rows.keys() == built.code_rows.keys()
    for name, codes in built.code_rows.items():
        assert served.code_rows[name].keys() == codes.keys(), name
        for code, rows in codes.items():
            np.testing.assert_array_equal(served.code_rows[name][code], rows)


def _enqueue_all(store) -> None:
    with store.transaction(write=True) as session:
        for priority_id in session.scalars(select(PriorityRow.id).order_by(PriorityRow.id)):
            enqueue(session, priority_id, "nace", doubt=0.5, model_version="v1")


def test_review_decisions_refresh_labels_in_place(seeded_store) -> None:
    _enqueue_all(seeded_store)
    cache = CatalogCache(seeded_store, SERVED, check_seconds=0)
    service = SearchService(cache)
    before = service.catalog()
    bm25 = service.bm25(before)
    assert cache.rebuilds == 1

    def count(code: str) -> int:
        return service.search(SearchRequest(q="", filters=make_filters(nace=[code]))).count

    for action, codes in [("correct", ["01"]), ("reject", None), ("accept", None)]:
        task = claim_next(seeded_store, ALICE)
        assert task is not None
        decide(seeded_store, task.task_id, ALICE, action, codes)
        served = service.catalog()
        _same_labels(served, build_catalog(seeded_store, SERVED))
        assert served.stamp != before.stamp and served.content_stamp == before.content_stamp
        assert service.bm25(served) is bm25  # the postings of the texts were not rebuilt
    assert cache.rebuilds == 1 and cache.label_refreshes == 3
    # the corrected code now finds its priority (section A holds division 01), by filter
    assert count("01") == count("A") >= 1


def test_a_new_strategy_still_rebuilds(seeded_store) -> None:
    cache = CatalogCache(seeded_store, SERVED, check_seconds=0)
    first = cache.current()
    with seeded_store.transaction(write=True) as session:
        save_strategy(
            session,
            StrategyCreate(title="S3 Malta", nuts_code="MT", country="MT"),
            [PriorityCreate(title="Blue economy and maritime services")],
        )
    second = cache.current()
    assert len(second) == len(first) + 1
    assert cache.rebuilds == 2 and cache.label_refreshes == 0


def test_the_stamp_follows_every_write_to_priorities_and_strategies(seeded_store) -> None:
    """The stamp reads the store's change counter (migration 0008) instead of counting the
    priorities: a priority deleted or edited outside the app, or a strategy superseded, still
    changes the searchable content (the old count missed edits)."""
    cache = CatalogCache(seeded_store, SERVED, check_seconds=0)
    first = cache.current()
    with seeded_store.transaction(write=True) as session:
        target = session.scalars(select(PriorityRow).order_by(PriorityRow.id)).first()
        target.title = "Blue economy and maritime services"
    edited = cache.current()
    assert edited.content_stamp != first.content_stamp and cache.rebuilds == 2
    assert "Blue economy and maritime services" in edited.titles
    with seeded_store.transaction(write=True) as session:
        session.execute(delete(LabelRow).where(LabelRow.priority_id == target.id))
        session.execute(delete(PriorityRow).where(PriorityRow.id == target.id))
    removed = cache.current()
    assert len(removed) == len(first) - 1 and cache.rebuilds == 3
    with seeded_store.transaction(write=True) as session:
        strategy = session.scalars(select(StrategyRow).order_by(StrategyRow.id)).first()
        strategy.is_current = False
    superseded = cache.current()
    assert len(superseded) < len(removed) and cache.rebuilds == 4
    assert cache.current() is superseded  # nothing written since: no rebuild


def test_a_following_cache_picks_decisions_up_in_the_background(seeded_store) -> None:
    """With ``follow`` (the API's cache) a thread checks the store every interval, so a
    decision reaches the served snapshot without any request checking the stamp."""
    _enqueue_all(seeded_store)
    task = claim_next(seeded_store, ALICE)  # before the first build: only the decision follows
    assert task is not None
    cache = CatalogCache(seeded_store, SERVED, check_seconds=0.05, follow=True)
    first = cache.current()
    try:
        decide(seeded_store, task.task_id, ALICE, "correct", ["01"])
        decided = store_stamp(seeded_store)
        deadline = time.monotonic() + 10
        while cache.current().stamp != decided and time.monotonic() < deadline:
            time.sleep(0.02)
        served = cache.current()
        assert served.stamp == decided
        assert cache.label_refreshes == 1 and cache.rebuilds == 1
        assert served is not first and served.content_stamp == first.content_stamp
        _same_labels(served, build_catalog(seeded_store, SERVED))
    finally:
        cache.close()
    assert cache._follower is not None and not cache._follower.is_alive()
