"""The catalog a process serves, kept current with the store without rebuilding it.

A review decision changes the labels of one priority: only those rows of the catalog are read
again (their tags, status bits and code postings), and the snapshot keeps its texts, orders and
``content_stamp``, so the BM25 index and the vectors built for it stay valid. Anything else
(new or retired priorities, a new strategy version) rebuilds the catalog.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from sqlalchemy import func, select, union

from observatory.search.catalog import (
    LABEL_ID_PART,
    Catalog,
    LabelInfo,
    bits,
    build_catalog,
    content_of,
    current_label_rows,
    sets_by_priority,
    store_stamp,
    tags_by_priority,
    with_ancestors,
)
from observatory.store import Store
from observatory.store.tables import LabelRow
from taxonomies import Taxonomy

log = logging.getLogger(__name__)


class CatalogCache:
    """Serves the current ``Catalog``: labels refreshed in place when only they changed, a
    rebuild when priorities or strategies did.

    The stamp is checked at most every ``check_seconds`` so that a burst of requests costs one
    check; 0 checks on every call (tests). With ``follow``, a background thread does the
    checking (and any refresh or rebuild) every ``check_seconds`` once the first catalog is
    built, so no request waits for the store: a decision made anywhere is served within
    ``check_seconds`` without slowing the next search (``benchmarks/bench_api.py``).
    ``rebuilds`` and ``label_refreshes`` count what happened (for tests and benchmarks).
    """

    def __init__(
        self,
        store: Store,
        taxonomies: Mapping[str, Taxonomy],
        *,
        check_seconds: float = 1.0,
        follow: bool = False,
    ) -> None:
        self.store = store
        self.taxonomies = dict(taxonomies)
        self.check_seconds = check_seconds
        self.follow = follow and check_seconds > 0
        self.rebuilds = 0
        self.label_refreshes = 0
        self._catalog: Catalog | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._follower: threading.Thread | None = None

    def current(self) -> Catalog:
        """The snapshot matching the store (as of the last check)."""
        catalog = self._catalog
        if catalog is not None and (
            self._follower is not None or time.monotonic() - self._checked < self.check_seconds
        ):
            return catalog
        catalog = self.check()
        if self.follow and self._follower is None and not self._stopped.is_set():
            with self._lock:
                if self._follower is None:
                    self._follower = threading.Thread(
                        target=_follow,
                        args=(weakref.ref(self), self._wake, self._stopped, self.check_seconds),
                        name="catalog-follower",
                        daemon=True,
                    )
                    self._follower.start()
        return catalog

    def check(self) -> Catalog:
        """Read the store's stamp now and refresh or rebuild the snapshot when it moved."""
        with self._lock:
            stamp = store_stamp(self.store)
            self._checked = time.monotonic()
            if self._catalog is not None and self._catalog.stamp == stamp:
                return self._catalog
            old = self._catalog
            started = time.perf_counter()
            if old is not None and content_of(stamp) == old.content_stamp:
                self._catalog = refresh_labels(self.store, old, stamp, self.taxonomies)
                self.label_refreshes += 1
                what = "refreshed the labels of"
            else:
                self._catalog = build_catalog(self.store, self.taxonomies)
                self.rebuilds += 1
                what = "built"
            log.info(
                "catalog: %s %d priorities in %.3f s (%d builds, %d label refreshes)",
                what,
                len(self._catalog),
                time.perf_counter() - started,
                self.rebuilds,
                self.label_refreshes,
            )
            return self._catalog

    def close(self) -> None:
        """Stop the background thread (the store is about to close)."""
        self._stopped.set()
        self._wake.set()
        if self._follower is not None:
            self._follower.join(timeout=10)


def _follow(
    cache_ref: weakref.ref[CatalogCache],
    wake: threading.Event,
    stopped: threading.Event,
    interval: float,
) -> None:
    """Check the store every ``interval`` seconds until stopped (woken early to stop); holds
    the cache weakly, so a dropped cache ends the thread too."""
    while not stopped.is_set():
        wake.wait(interval)
        wake.clear()
        cache = cache_ref()
        if cache is None or stopped.is_set():
            return
        try:
            cache.check()
        except Exception:  # the store is unreachable: keep serving the last snapshot
            log.warning(
                "catalog: could not check the store; serving the last snapshot", exc_info=True
            )
        del cache


def refresh_labels(
    store: Store, catalog: Catalog, stamp: tuple[Any, ...], taxonomies: Mapping[str, Taxonomy]
) -> Catalog:
    """A new snapshot of ``catalog`` whose changed priorities (labels added or retired since
    it was read) carry their labels in force; every other column is shared."""
    with store.transaction() as session:
        retired_at = session.scalar(select(func.max(LabelRow.retired_at)))
        # two index look-ups in a UNION: as one OR with DISTINCT, SQLite scanned every label
        added = select(LabelRow.priority_id).where(
            LabelRow.id > (catalog.stamp[LABEL_ID_PART] or 0)
        )
        retired = select(LabelRow.priority_id).where(
            LabelRow.retired_at >= catalog.labels_retired_at
            if catalog.labels_retired_at is not None
            else LabelRow.retired_at.is_not(None)
        )
        ids = sorted({int(i) for i in session.scalars(union(added, retired))})
        rows = [r for r in (catalog.row_of(i) for i in ids) if r is not None]
        label_rows = current_label_rows(session, [int(catalog.ids[r]) for r in rows])
    fresh = tags_by_priority(label_rows)
    fresh_sets = sets_by_priority(label_rows)
    labels = list(catalog.labels)
    code_sets = list(catalog.code_sets)
    status_bits = catalog.status_bits.copy()
    for row in rows:
        labels[row] = fresh.get(int(catalog.ids[row]), ())
        code_sets[row] = fresh_sets.get(int(catalog.ids[row]), ())
        status_bits[row] = bits(labels[row])
    code_rows = _repost(catalog, rows, labels, taxonomies)
    return dataclasses.replace(
        catalog,
        stamp=stamp,
        labels=labels,
        code_sets=code_sets,
        status_bits=status_bits,
        code_rows=code_rows,
        labels_retired_at=retired_at,
        _orders=dict(catalog._orders),  # orders depend on texts and strategies only
        _lock=threading.Lock(),
    )


def _repost(
    catalog: Catalog,
    rows: Iterable[int],
    labels: list[tuple[LabelInfo, ...]],
    taxonomies: Mapping[str, Taxonomy],
) -> dict[str, dict[str, np.ndarray]]:
    """``catalog.code_rows`` with ``rows`` taken out of their old codes and put under their
    new ones (only the touched postings are copied)."""
    code_rows = {name: dict(codes) for name, codes in catalog.code_rows.items()}
    for row in rows:
        old = _postings(catalog.labels[row], taxonomies)
        new = _postings(labels[row], taxonomies)
        for name, code in old - new:
            kept = code_rows[name][code][code_rows[name][code] != row]
            if len(kept):
                code_rows[name][code] = kept
            else:
                del code_rows[name][code]  # as a build would: no empty postings
        for name, code in new - old:
            current = code_rows.setdefault(name, {}).get(code, np.zeros(0, dtype=np.int64))
            at = int(np.searchsorted(current, row))  # postings are sorted: insert, not re-sort
            if at == len(current) or current[at] != row:
                current = np.insert(current, at, row)
            code_rows[name][code] = current.astype(np.int64, copy=False)
    return code_rows


def _postings(items: tuple[LabelInfo, ...], taxonomies: Mapping[str, Taxonomy]) -> set:
    return {
        (item.taxonomy, code)
        for item in items
        for code in with_ancestors(item.code, taxonomies.get(item.taxonomy))
    }
