"""The extraction review queue: candidate lists per strategy version, requests, the queue.

A strategy version enters the queue (``extraction_status = 'pending'``) when its extraction
confidence is below ``Settings.extraction_review_below`` or when someone asks for a review;
it leaves it when a reviewer decides its list (``observatory.extraction.decide``). Requests and
decisions are rows of the append-only ``extraction_reviews`` table and of the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observatory.errors import InvalidInput
from observatory.extraction.types import (
    CandidateItemIn,
    CandidateListIn,
    ExtractionStatus,
    QueueEntry,
    ReviewedItem,
    ReviewEvent,
    StoredCandidateList,
)
from observatory.review.types import as_utc
from observatory.store.audit import record_audit
from observatory.store.strategies import get_strategy
from observatory.store.tables import (
    ExtractionCandidateRow,
    ExtractionReviewRow,
    PriorityRow,
    StrategyRow,
)

QUEUE_ACTION = "queue"  # entered the queue by its confidence
REQUEST_ACTION = "request"  # a person asked for a review
DECIDE_ACTION = "decide"
MAX_COMMENT_CHARS = 2000


def store_candidates(
    session: Session, strategy_id: int, candidates: Sequence[CandidateListIn]
) -> int:
    """Replace the candidate lists of a strategy version; returns how many were stored."""
    for row in session.scalars(
        select(ExtractionCandidateRow).where(ExtractionCandidateRow.strategy_id == strategy_id)
    ):
        session.delete(row)
    session.flush()
    for position, candidate in enumerate(candidates):
        session.add(
            ExtractionCandidateRow(
                strategy_id=strategy_id,
                position=position,
                kind=candidate.kind,
                heading=candidate.heading,
                page=candidate.page,
                score=float(candidate.score),
                chosen=bool(candidate.chosen),
                items=[
                    {"title": i.title, "page": i.page, "description": i.description}
                    for i in candidate.items
                ],
            )
        )
    session.flush()
    return len(candidates)


def candidate_lists(session: Session, strategy_id: int) -> list[StoredCandidateList]:
    """The stored candidate lists of a strategy version, in their order."""
    rows = session.scalars(
        select(ExtractionCandidateRow)
        .where(ExtractionCandidateRow.strategy_id == strategy_id)
        .order_by(ExtractionCandidateRow.position)
    )
    return [
        StoredCandidateList(
            kind=row.kind,
            heading=row.heading,
            page=row.page,
            score=row.score,
            chosen=row.chosen,
            items=tuple(
                CandidateItemIn(str(i["title"]), i.get("page"), str(i.get("description") or ""))
                for i in row.items
            ),
            position=row.position,
        )
        for row in rows
    ]


def record_extraction(
    session: Session,
    strategy_id: int,
    *,
    confidence: float,
    candidates: Sequence[CandidateListIn],
    review_below: float,
    actor: str = "ingest",
) -> ExtractionStatus:
    """Keep an extraction's confidence and candidate lists, and queue it when unsure."""
    strategy = get_strategy(session, strategy_id)
    store_candidates(session, strategy_id, candidates)
    strategy.extraction_confidence = float(confidence)
    strategy.source_sha256 = strategy.source_sha256 or strategy.sha256
    if confidence < review_below:
        _enter_queue(
            session,
            strategy,
            actor,
            QUEUE_ACTION,
            f"extraction confidence {confidence:.2f} is below {review_below:.2f}",
        )
    else:
        strategy.extraction_status = ExtractionStatus.AUTOMATIC.value
    return ExtractionStatus(strategy.extraction_status)


def request_review(
    session: Session, strategy_id: int, actor: str, comment: str | None = None
) -> ExtractionStatus:
    """Put any current strategy in the extraction review queue (idempotent while pending)."""
    strategy = get_strategy(session, strategy_id)
    if not strategy.is_current:
        raise InvalidInput(
            f"strategy {strategy_id} is version {strategy.version}, no longer current; "
            "ask for a review of the current version"
        )
    if strategy.extraction_status != ExtractionStatus.PENDING.value:
        _enter_queue(session, strategy, actor, REQUEST_ACTION, _comment(comment))
    return ExtractionStatus.PENDING


def _comment(comment: str | None) -> str | None:
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"comment is longer than {MAX_COMMENT_CHARS} characters")
    return comment.strip() or None if comment else None


def _enter_queue(
    session: Session, strategy: StrategyRow, actor: str, action: str, comment: str | None
) -> None:
    before = strategy.extraction_status
    strategy.extraction_status = ExtractionStatus.PENDING.value
    session.add(
        ExtractionReviewRow(
            strategy_id=strategy.id,
            sha256=strategy.source_sha256 or strategy.sha256,
            action=action,
            actor=actor,
            comment=comment,
            items=[],
        )
    )
    record_audit(
        session,
        actor=actor,
        action=f"extraction.{action}",
        entity_type="strategy",
        entity_id=strategy.id,
        before={"extraction_status": before},
        after={
            "extraction_status": strategy.extraction_status,
            "confidence": strategy.extraction_confidence,
        },
        comment=comment,
    )
    session.flush()


def review_events(session: Session, strategy_ids: Sequence[int]) -> list[ReviewEvent]:
    """Requests and decisions of the given strategy versions, oldest first."""
    rows = session.scalars(
        select(ExtractionReviewRow)
        .where(ExtractionReviewRow.strategy_id.in_(list(strategy_ids)))
        .order_by(ExtractionReviewRow.created_at, ExtractionReviewRow.id)
    )
    return [
        ReviewEvent(
            row.id,
            row.action,
            row.actor,
            as_utc(row.created_at),
            row.chosen_position,
            tuple(row.items or ()),
            row.comment,
        )
        for row in rows
    ]


def reviewed_list(session: Session, sha256: str) -> list[ReviewedItem] | None:
    """The latest list a reviewer decided for the PDF with this hash, if any."""
    row = session.scalar(
        select(ExtractionReviewRow)
        .where(ExtractionReviewRow.sha256 == sha256, ExtractionReviewRow.action == DECIDE_ACTION)
        .order_by(ExtractionReviewRow.created_at.desc(), ExtractionReviewRow.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    return [ReviewedItem.from_dict(item) for item in row.items]


def list_queue(session: Session, *, limit: int = 100, offset: int = 0) -> list[QueueEntry]:
    """Strategies waiting for an extraction review, least confident first."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be >= 1 and offset >= 0")
    priorities = (
        select(func.count(PriorityRow.id))
        .where(PriorityRow.strategy_id == StrategyRow.id)
        .scalar_subquery()
    )
    lists = (
        select(func.count(ExtractionCandidateRow.id))
        .where(ExtractionCandidateRow.strategy_id == StrategyRow.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(StrategyRow, priorities, lists)
        .where(
            StrategyRow.is_current.is_(True),
            StrategyRow.extraction_status == ExtractionStatus.PENDING.value,
        )
        .order_by(StrategyRow.extraction_confidence.asc().nulls_first(), StrategyRow.id)
        .limit(limit)
        .offset(offset)
    ).all()
    entries = []
    for strategy, priority_count, list_count in rows:
        event = session.scalar(
            select(ExtractionReviewRow)
            .where(
                ExtractionReviewRow.strategy_id == strategy.id,
                ExtractionReviewRow.action.in_((QUEUE_ACTION, REQUEST_ACTION)),
            )
            .order_by(ExtractionReviewRow.id.desc())
            .limit(1)
        )
        entries.append(
            QueueEntry(
                strategy_id=strategy.id,
                title=strategy.title,
                region=strategy.region,
                nuts_code=strategy.nuts_code,
                country=strategy.country,
                confidence=strategy.extraction_confidence,
                priorities=int(priority_count or 0),
                candidate_lists=int(list_count or 0),
                reason="confidence" if event is None or event.action == QUEUE_ACTION else "request",
                since=as_utc(event.created_at if event is not None else strategy.created_at),
            )
        )
    return entries


def queue_count(session: Session) -> int:
    """How many current strategies wait for an extraction review."""
    return int(
        session.scalar(
            select(func.count(StrategyRow.id)).where(
                StrategyRow.is_current.is_(True),
                StrategyRow.extraction_status == ExtractionStatus.PENDING.value,
            )
        )
        or 0
    )


def unreviewed_strategy_ids(session: Session, strategy_ids: Sequence[int]) -> set[int]:
    """Those of the given strategies whose extraction waits for review (tags must not be
    auto-accepted for their priorities)."""
    if not strategy_ids:
        return set()
    return set(
        session.scalars(
            select(StrategyRow.id).where(
                StrategyRow.id.in_(list(set(strategy_ids))),
                StrategyRow.extraction_status == ExtractionStatus.PENDING.value,
            )
        )
    )
