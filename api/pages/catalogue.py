"""Read models for the search page: filtered priorities with their tags, and facet counts.

Text matching here is a plain case-insensitive word match in SQL; filters and facets are
computed over the matching priorities in Python (a few thousand rows at most for ~190
strategies), so every facet count is "how many results would this filter keep".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from api.pages.tags import EXPORT_STATUS, facet_keys, is_assigned, review_status
from observatory.review.queue import PENDING_STATUSES
from observatory.store.tables import LabelRow, PriorityRow, ReviewTaskRow, StrategyRow

FACET_NAMES = (
    "country",
    "region",
    "nace_section",
    "nace_division",
    "nabs",
    "ecosystem",
    "status",
    "language",
)
PAGE_SIZE = 20
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class PageFilters:
    """What the search form asks for; every list is OR within a facet, AND across facets."""

    q: str = ""
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    nace_section: tuple[str, ...] = ()
    nace_division: tuple[str, ...] = ()
    nabs: tuple[str, ...] = ()
    ecosystem: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    language: tuple[str, ...] = ()

    def facet_values(self, name: str) -> tuple[str, ...]:
        """Selected values of one facet."""
        return getattr(self, name)

    def as_params(self) -> dict[str, Any]:
        """The filters as query parameters (for links and the export URL)."""
        params: dict[str, Any] = {"q": self.q}
        params.update({name: list(self.facet_values(name)) for name in FACET_NAMES})
        return params

    def export_params(self) -> dict[str, Any]:
        """The same filters in the JSON API's vocabulary (``/api/export``, ``/api/priorities``)."""
        return {
            "q": self.q,
            "country": list(self.country),
            "nuts": list(self.region),
            "nace": [*self.nace_section, *self.nace_division],
            "nabs": list(self.nabs),
            "ecosystem": list(self.ecosystem),
            "status": [EXPORT_STATUS.get(value, value) for value in self.status],
            "language": list(self.language),
        }


@dataclass
class PriorityHit:
    """One result: a priority, its strategy and its assigned tags."""

    id: int
    title: str
    description: str
    strategy_title: str
    region: str | None
    nuts_code: str | None
    country: str | None
    language: str | None
    status: str
    tags: dict[str, list[LabelRow]] = field(default_factory=dict)


@dataclass
class SearchPage:
    """A page of results with the total and the facet counts."""

    hits: list[PriorityHit]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    offset: int
    limit: int


def _text_conditions(q: str) -> list[Any]:
    words = [word for word in q.lower().split() if word][:10]
    conditions = []
    for word in words:
        pattern = f"%{word}%"
        conditions.append(
            or_(
                func.lower(PriorityRow.title).like(pattern),
                func.lower(PriorityRow.description).like(pattern),
                func.lower(StrategyRow.title).like(pattern),
                func.lower(func.coalesce(StrategyRow.region, "")).like(pattern),
            )
        )
    return conditions


def labels_by_priority(session: Session, ids: list[int]) -> dict[int, list[LabelRow]]:
    """Current labels of many priorities, best rank first."""
    found: dict[int, list[LabelRow]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = session.scalars(
            select(LabelRow)
            .where(LabelRow.priority_id.in_(chunk), LabelRow.is_current.is_(True))
            .order_by(LabelRow.taxonomy, LabelRow.rank.is_(None), LabelRow.rank, LabelRow.id)
        )
        for row in rows:
            found[row.priority_id].append(row)
    return found


def pending_priorities(session: Session, ids: list[int]) -> set[int]:
    """Priorities with a review task still open or in adjudication."""
    pending: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        pending.update(
            session.scalars(
                select(ReviewTaskRow.priority_id).where(
                    and_(
                        ReviewTaskRow.priority_id.in_(chunk),
                        ReviewTaskRow.status.in_(PENDING_STATUSES),
                    )
                )
            )
        )
    return pending


def _facet_values(hit: PriorityHit) -> dict[str, set[str]]:
    values: dict[str, set[str]] = defaultdict(set)
    for name, value in (
        ("country", hit.country),
        ("region", hit.nuts_code),
        ("language", hit.language),
        ("status", hit.status),
    ):
        if value:
            values[name].add(value)
    for labels in hit.tags.values():
        for label in labels:
            for name, value in facet_keys(label):
                values[name].add(value)
    return values


def search_priorities(
    session: Session, filters: PageFilters, *, offset: int = 0, limit: int = PAGE_SIZE
) -> SearchPage:
    """Priorities of current strategies matching the filters, with facet counts."""
    query = (
        select(PriorityRow, StrategyRow)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
        .where(StrategyRow.is_current.is_(True), *_text_conditions(filters.q))
        .order_by(StrategyRow.country, StrategyRow.nuts_code, PriorityRow.strategy_id)
        .order_by(PriorityRow.rank, PriorityRow.id)
    )
    rows = list(session.execute(query))
    ids = [priority.id for priority, _strategy in rows]
    labels = labels_by_priority(session, ids)
    pending = pending_priorities(session, ids)
    hits: list[PriorityHit] = []
    for priority, strategy in rows:
        own = labels.get(priority.id, [])
        tags: dict[str, list[LabelRow]] = defaultdict(list)
        for label in own:
            if is_assigned(label):
                tags[label.taxonomy].append(label)
        hits.append(
            PriorityHit(
                id=priority.id,
                title=priority.title,
                description=priority.description,
                strategy_title=strategy.title,
                region=strategy.region,
                nuts_code=strategy.nuts_code,
                country=strategy.country,
                language=priority.language or strategy.language,
                status=review_status(own, priority.id in pending),
                tags=dict(tags),
            )
        )
    values = [_facet_values(hit) for hit in hits]
    selected = {name: set(filters.facet_values(name)) for name in FACET_NAMES}
    kept = [
        (hit, vals)
        for hit, vals in zip(hits, values, strict=True)
        if all(not chosen or chosen & vals.get(name, set()) for name, chosen in selected.items())
    ]
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_NAMES}
    for _hit, vals in kept:
        for name in FACET_NAMES:
            counts[name].update(vals.get(name, ()))
    facets = {
        name: sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        for name, counter in counts.items()
    }
    # a selected value stays listed (with 0) so it can be unticked
    for name, chosen in selected.items():
        listed = {value for value, _count in facets[name]}
        facets[name].extend((value, 0) for value in sorted(chosen - listed))
    return SearchPage(
        hits=[hit for hit, _vals in kept][offset : offset + limit],
        total=len(kept),
        facets=facets,
        offset=offset,
        limit=limit,
    )
