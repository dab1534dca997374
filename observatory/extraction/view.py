"""What a reviewer sees of one strategy's extraction: its priorities, candidate lists, history.

Shared by the review page, ``/api/extraction-reviews/{id}`` and ``observatory extraction show``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.documents import pdf_url, source_page_url
from observatory.extraction.queue import candidate_lists, review_events
from observatory.extraction.types import ExtractionStatus, ReviewEvent, StoredCandidateList
from observatory.store.strategies import get_strategy
from observatory.store.tables import StrategyRow


@dataclass(frozen=True)
class StoredPriority:
    """A priority of the strategy version under review."""

    id: int
    title: str
    description: str
    pages: tuple[int, ...]
    parent: str | None
    source_url: str | None


@dataclass(frozen=True)
class ExtractionView:
    """One strategy version with everything its extraction review needs."""

    strategy_id: int
    title: str
    region: str | None
    nuts_code: str | None
    country: str | None
    version: int
    is_current: bool
    status: ExtractionStatus
    confidence: float | None
    page_count: int | None
    sha256: str | None
    pdf_url: str | None
    priorities: tuple[StoredPriority, ...]
    candidate_lists: tuple[StoredCandidateList, ...]
    events: tuple[ReviewEvent, ...]
    earlier_versions: tuple[int, ...]

    @property
    def chosen_position(self) -> int | None:
        """Position of the list the extraction took, if stored."""
        return next((c.position for c in self.candidate_lists if c.chosen), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["status"] = self.status.value
        data["events"] = [event.to_dict() for event in self.events]
        data["candidate_lists"] = [
            {**c.to_dict(), "page_image_url": page_image_url(self.strategy_id, c.page)}
            for c in self.candidate_lists
        ]
        return data


def page_image_url(strategy_id: int, page: int | None) -> str | None:
    """Where the API serves one page of a strategy's PDF as PNG."""
    return f"/strategies/{strategy_id}/pages/{page}.png" if page else None


def extraction_view(session: Session, strategy_id: int) -> ExtractionView:
    """The review view of one strategy version (``NotFound`` if there is none)."""
    strategy = get_strategy(session, strategy_id)
    titles = {p.id: p.title for p in strategy.priorities}
    has_pdf = strategy.source_kind == "pdf" and bool(strategy.source_sha256 or strategy.sha256)
    priorities = tuple(
        StoredPriority(
            id=p.id,
            title=p.title,
            description=p.description or "",
            pages=tuple(int(n) for n in p.pages or ()),
            parent=titles.get(p.parent_id) if p.parent_id else None,
            source_url=source_page_url(strategy.id, p.pages or []) if has_pdf else None,
        )
        for p in strategy.priorities
    )
    earlier = tuple(
        session.scalars(
            select(StrategyRow.id)
            .where(StrategyRow.key == strategy.key, StrategyRow.version < strategy.version)
            .order_by(StrategyRow.version)
        )
    )
    return ExtractionView(
        strategy_id=strategy.id,
        title=strategy.title,
        region=strategy.region,
        nuts_code=strategy.nuts_code,
        country=strategy.country,
        version=strategy.version,
        is_current=strategy.is_current,
        status=ExtractionStatus(strategy.extraction_status),
        confidence=strategy.extraction_confidence,
        page_count=strategy.pages,
        sha256=strategy.source_sha256 or strategy.sha256,
        pdf_url=pdf_url(strategy.id) if has_pdf else None,
        priorities=priorities,
        candidate_lists=tuple(candidate_lists(session, strategy.id)),
        events=tuple(review_events(session, [*earlier, strategy.id])),
        earlier_versions=earlier,
    )
