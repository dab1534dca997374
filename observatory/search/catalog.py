"""An in-memory, column-oriented snapshot of the searchable priorities, rebuilt when the store
changes.

Filtering 10^5 priorities with NumPy masks takes about a millisecond on any backend (SQLite or
PostgreSQL), and it gives search the candidate set it ranks within, so a filtered query for N
hits returns N when N exist.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import func, select

from observatory.documents import source_page_url
from observatory.domain import TAXONOMY_NAMES
from observatory.errors import ObservatoryError
from observatory.filter_fields import LABEL_STATUSES
from observatory.settings import Settings
from observatory.store import Store
from observatory.store.tables import AuditRow, LabelRow, PriorityRow, StoreChangesRow, StrategyRow
from observatory.taxonomy_service import load_taxonomy
from taxonomies import Taxonomy, TaxonomyError

log = logging.getLogger(__name__)

ILLUSTRATIVE_SOURCE_KIND = "sample"  # source_kind of what `observatory demo load` imports
STATUSES = LABEL_STATUSES
STATUS_BITS = {name: 1 << i for i, name in enumerate(STATUSES)}
REVIEWED_BITS = STATUS_BITS["accepted"] | STATUS_BITS["corrected"]


@dataclass(frozen=True)
class LabelInfo:
    """A label in force that tags its priority (see ``is_tag``)."""

    taxonomy: str
    code: str
    status: str
    probability: float | None
    source_kind: str
    model_version: str | None
    reviewer: str | None
    rank: int | None = None
    in_set: bool = True  # a member of the (priority, taxonomy) code set


@dataclass(frozen=True)
class StrategyInfo:
    """What lists show about the strategy of a priority."""

    id: int
    title: str
    region: str | None
    nuts_code: str | None
    country: str | None
    period: str | None
    extraction_status: str = "none"  # observatory.extraction.ExtractionStatus
    source_kind: str = "pdf"  # 'pdf', 'import', or 'sample' (the illustrative sample)

    @property
    def illustrative(self) -> bool:
        """Whether the strategy belongs to the invented sample corpus, not a real strategy."""
        return self.source_kind == ILLUSTRATIVE_SOURCE_KIND

    def source_url(self, pages: Sequence[int]) -> str | None:
        """The stored PDF opened at the first of ``pages``; None when no PDF is stored (typed or
        imported priorities) or no page is known."""
        if self.extraction_status == "none":
            return None
        return source_page_url(self.id, list(pages))


class Categorical:
    """A column of repeated strings stored as small integer codes (fast equality filters)."""

    def __init__(self, values: list[str | None]) -> None:
        self.levels: list[str | None] = sorted(set(values), key=lambda v: (v is None, v or ""))
        lookup = {value: i for i, value in enumerate(self.levels)}
        self.codes = np.fromiter((lookup[v] for v in values), dtype=np.int32, count=len(values))

    def value(self, row: int) -> str | None:
        """The string of one row."""
        return self.levels[self.codes[row]]

    def mask(self, predicate: Any) -> np.ndarray:
        """Rows whose value satisfies ``predicate`` (evaluated once per distinct value)."""
        hits = np.fromiter((bool(predicate(v)) for v in self.levels), dtype=bool)
        return hits[self.codes] if len(self.levels) else np.zeros(len(self.codes), dtype=bool)


@dataclass
class Catalog:
    """The current priorities (of current strategy versions) as columns addressed by row."""

    stamp: tuple[Any, ...]
    ids: np.ndarray
    titles: list[str]
    descriptions: list[str]
    keywords: list[list[str]]
    pages: list[list[int]]
    sources: list[str | None]
    ranks: np.ndarray
    confidence: np.ndarray
    strategy_ids: np.ndarray
    strategies: dict[int, StrategyInfo]
    country: Categorical
    nuts: Categorical
    language: Categorical
    period: Categorical
    labels: list[tuple[LabelInfo, ...]]
    status_bits: np.ndarray
    # taxonomy -> code (and every ancestor of it) -> sorted row positions
    code_rows: dict[str, dict[str, np.ndarray]]
    # the latest retirement of a label when this snapshot was read (labels_changed_since)
    labels_retired_at: Any = None
    # the members of each priority's code sets, reviewed or not, best first per taxonomy
    code_sets: list[tuple[LabelInfo, ...]] = field(default_factory=list)
    _orders: dict[str, np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def content_stamp(self) -> tuple[Any, ...]:
        """The part of ``stamp`` that changes with priorities and strategies, not with labels:
        what is indexed (BM25, vectors) stays valid while only this stays the same."""
        return content_of(self.stamp)

    def row_of(self, priority_id: int) -> int | None:
        """Row position of a priority id (ids are sorted), or None."""
        position = int(np.searchsorted(self.ids, priority_id))
        if position < len(self.ids) and self.ids[position] == priority_id:
            return position
        return None

    def rows_of(self, priority_ids: np.ndarray) -> np.ndarray:
        """Row positions of ids known to be present."""
        return np.searchsorted(self.ids, priority_ids)

    def text(self, row: int) -> str:
        """What is indexed and embedded for a priority: title, description and keywords."""
        return " ".join([self.titles[row], self.descriptions[row], " ".join(self.keywords[row])])

    def order(self, key: str) -> np.ndarray:
        """Row positions sorted by ``key`` (computed once per snapshot)."""
        with self._lock:
            if key not in self._orders:
                self._orders[key] = self._sorted_rows(key)
            return self._orders[key]

    def _sorted_rows(self, key: str) -> np.ndarray:
        rows = np.arange(len(self.ids))
        if key == "title":
            sort_keys = [t.casefold() for t in self.titles]
            return np.array(sorted(rows, key=lambda r: (sort_keys[r], self.ids[r])), dtype=np.int64)
        if key == "confidence":
            conf = np.nan_to_num(self.confidence, nan=-1.0)
            return np.lexsort((self.ids, -conf))
        if key == "strategy":
            nuts = [self.nuts.value(r) or "" for r in rows]
            return np.array(
                sorted(rows, key=lambda r: (nuts[r], self.strategy_ids[r], self.ranks[r])),
                dtype=np.int64,
            )
        return rows


def served_taxonomies(settings: Settings) -> dict[str, Taxonomy]:
    """The taxonomies catalogs roll codes up with, by name (one that cannot load is left out,
    with a log line: search and pages still work, with bare codes)."""
    loaded = {}
    for name in TAXONOMY_NAMES:
        try:
            loaded[name] = load_taxonomy(name, settings)
        except ObservatoryError as exc:
            log.warning("taxonomy %s unavailable: %s", name, exc.message)
    return loaded


# Positions in ``store_stamp``: the content change counter (priorities and strategies), labels
# (max id), audit (max id). Labels and audit change with every review decision.
CONTENT_STAMP_PARTS = (0,)
LABEL_ID_PART = 1


def content_of(stamp: tuple[Any, ...]) -> tuple[Any, ...]:
    """The priorities-and-strategies part of a ``store_stamp``."""
    return tuple(stamp[i] for i in CONTENT_STAMP_PARTS)


def store_stamp(store: Store) -> tuple[Any, ...]:
    """A cheap fingerprint of the searchable content: it changes whenever priorities or labels
    are added, retired or decided (decisions and retirements are audited).

    One statement reading one row and two primary-key maxima: the database counts writes to
    priorities and strategies itself (``store_changes``, migration 0008), where counting the
    priorities cost ~12 ms per poll at 10^5 (``benchmarks/bench_api.py``)."""
    statement = select(
        select(StoreChangesRow.content).where(StoreChangesRow.id == 1).scalar_subquery(),
        select(func.max(LabelRow.id)).scalar_subquery(),
        select(func.max(AuditRow.id)).scalar_subquery(),
    )
    with store.transaction() as session:
        return tuple(session.execute(statement).one())


def build_catalog(store: Store, taxonomies: Mapping[str, Taxonomy]) -> Catalog:
    """Read the current priorities with their labels in force into a ``Catalog``."""
    stamp = store_stamp(store)
    with store.transaction() as session:
        retired_at = session.scalar(select(func.max(LabelRow.retired_at)))
        strategy_rows = session.execute(
            select(
                StrategyRow.id,
                StrategyRow.title,
                StrategyRow.region,
                StrategyRow.nuts_code,
                StrategyRow.country,
                StrategyRow.period,
                StrategyRow.extraction_status,
                StrategyRow.source_kind,
            ).where(StrategyRow.is_current.is_(True))
        ).all()
        priority_rows = session.execute(
            select(
                PriorityRow.id,
                PriorityRow.strategy_id,
                PriorityRow.title,
                PriorityRow.description,
                PriorityRow.keywords,
                PriorityRow.pages,
                PriorityRow.rank,
                PriorityRow.confidence,
                PriorityRow.language,
                PriorityRow.source,
            )
            .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
            .where(StrategyRow.is_current.is_(True))
            .order_by(PriorityRow.id)
        ).all()
        label_rows = current_label_rows(session)
    strategies = {row.id: StrategyInfo(*row) for row in strategy_rows}
    ids = np.fromiter((r.id for r in priority_rows), dtype=np.int64, count=len(priority_rows))
    strategy_ids = np.fromiter(
        (r.strategy_id for r in priority_rows), dtype=np.int64, count=len(priority_rows)
    )
    labels_by_id = tags_by_priority(label_rows)
    labels = [labels_by_id.get(int(i), ()) for i in ids]
    sets_by_id = sets_by_priority(label_rows)
    status_bits = np.fromiter((bits(items) for items in labels), dtype=np.uint8, count=len(labels))
    return Catalog(
        stamp=stamp,
        ids=ids,
        titles=[r.title for r in priority_rows],
        descriptions=[r.description or "" for r in priority_rows],
        keywords=[list(r.keywords or []) for r in priority_rows],
        pages=[list(r.pages or []) for r in priority_rows],
        sources=[r.source for r in priority_rows],
        ranks=np.array([r.rank or 0 for r in priority_rows], dtype=np.int64),
        confidence=np.array(
            [np.nan if r.confidence is None else r.confidence for r in priority_rows],
            dtype=np.float64,
        ),
        strategy_ids=strategy_ids,
        strategies=strategies,
        country=Categorical([strategies[int(s)].country for s in strategy_ids]),
        nuts=Categorical([strategies[int(s)].nuts_code for s in strategy_ids]),
        language=Categorical([r.language for r in priority_rows]),
        period=Categorical([strategies[int(s)].period for s in strategy_ids]),
        labels=labels,
        status_bits=status_bits,
        code_rows=_code_rows(labels, taxonomies),
        labels_retired_at=retired_at,
        code_sets=[sets_by_id.get(int(i), ()) for i in ids],
    )


def current_label_rows(session: Any, priority_ids: Sequence[int] | None = None) -> list[Any]:
    """The labels in force of current priorities (of ``priority_ids`` only, when given), in
    tag order."""
    query = (
        select(
            LabelRow.priority_id,
            LabelRow.taxonomy,
            LabelRow.code,
            LabelRow.status,
            LabelRow.probability,
            LabelRow.source_kind,
            LabelRow.model_version,
            LabelRow.reviewer,
            LabelRow.rank,
            LabelRow.in_set,
        )
        .join(PriorityRow, PriorityRow.id == LabelRow.priority_id)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
        .where(LabelRow.is_current.is_(True), StrategyRow.is_current.is_(True))
        .order_by(LabelRow.priority_id, LabelRow.taxonomy, LabelRow.rank, LabelRow.id)
    )
    if priority_ids is not None:
        query = query.where(LabelRow.priority_id.in_(list(priority_ids)))
    return list(session.execute(query).all())


def tags_by_priority(label_rows: Sequence[Any]) -> dict[int, tuple[LabelInfo, ...]]:
    """Priority id -> the labels that tag it (``is_tag``), from ``current_label_rows``."""
    found: dict[int, list[LabelInfo]] = {}
    for row in label_rows:
        if is_tag(row.status, row.rank, row.probability, bool(row.in_set)):
            found.setdefault(row.priority_id, []).append(LabelInfo(*row[1:]))
    return {priority_id: tuple(items) for priority_id, items in found.items()}


def sets_by_priority(label_rows: Sequence[Any]) -> dict[int, tuple[LabelInfo, ...]]:
    """Priority id -> the members of its code sets (every taxonomy), from
    ``current_label_rows``: what lists and exports show, each member with its status."""
    found: dict[int, list[LabelInfo]] = {}
    for row in label_rows:
        if row.in_set and row.status != "rejected":
            found.setdefault(row.priority_id, []).append(LabelInfo(*row[1:]))
    return {priority_id: tuple(items) for priority_id, items in found.items()}


# A model's lower-ranked suggestion only tags a priority when the model itself finds it this
# likely; otherwise every priority would carry five codes per taxonomy and all regions would
# look alike (the suggestions stay visible on the priority itself and in the review queue).
SECONDARY_TAG_PROBABILITY = 0.3
CONFIRMED_STATUSES = frozenset({"auto_accepted", "accepted", "corrected"})


def is_tag(status: str, rank: int | None, probability: float | None, in_set: bool = True) -> bool:
    """Whether a label in force tags its priority for search, facets, profiles and matching:
    every confirmed label (automatically or by a reviewer) at any rank of the code set, the
    model's top suggestion, and a lower member of the set with probability >=
    ``SECONDARY_TAG_PROBABILITY``. A suggestion outside the code set never tags; a rejected
    code is not in force."""
    if status in CONFIRMED_STATUSES:
        return True
    if status != "suggested" or not in_set:
        return False
    return rank in (None, 1) or (probability or 0.0) >= SECONDARY_TAG_PROBABILITY


def bits(items: tuple[LabelInfo, ...]) -> int:
    """The status bits of a priority's tags (``STATUS_BITS``)."""
    value = 0
    for item in items:
        value |= STATUS_BITS.get(item.status, 0)
    return value


def _code_rows(
    labels: list[tuple[LabelInfo, ...]], taxonomies: Mapping[str, Taxonomy]
) -> dict[str, dict[str, np.ndarray]]:
    """Index every label under its code and all its ancestors, so a section or chapter filter
    is one look-up (and labels finer than the served taxonomy still roll up)."""
    expansions: dict[tuple[str, str], tuple[str, ...]] = {}
    found: dict[str, dict[str, list[int]]] = {}
    for row, items in enumerate(labels):
        for item in items:
            key = (item.taxonomy, item.code)
            if key not in expansions:
                expansions[key] = with_ancestors(item.code, taxonomies.get(item.taxonomy))
            per_code = found.setdefault(item.taxonomy, {})
            for code in expansions[key]:
                rows = per_code.setdefault(code, [])
                if not rows or rows[-1] != row:
                    rows.append(row)
    return {
        name: {code: np.array(rows, dtype=np.int64) for code, rows in codes.items()}
        for name, codes in found.items()
    }


def with_ancestors(code: str, taxonomy: Taxonomy | None) -> tuple[str, ...]:
    """``code`` and every code above it in ``taxonomy`` (finer codes roll up)."""
    if taxonomy is None:
        return (code,)
    try:
        canonical = taxonomy.normalize(code)
        return (canonical, *(a.code for a in taxonomy.ancestors(canonical)))
    except TaxonomyError:
        pass
    # finer than the served taxonomy (a NACE class under division-level data): roll up
    for level in reversed(taxonomy.levels):
        try:
            parent = taxonomy.roll_up(code, level)
        except TaxonomyError:
            continue
        return (code, parent, *(a.code for a in taxonomy.ancestors(parent)))
    return (code,)
