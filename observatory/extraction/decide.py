"""Deciding an extraction review: the reviewer's list becomes the strategy's next version.

Strategy versions are never rewritten: the decided list is stored as a new current version of
the same strategy (same key, same PDF; the content hash moves to it so re-ingesting the file
finds it), the extracted version is kept as history. A priority the reviewer kept with the same
title and text keeps its tags in force and its open review tasks; a renamed, merged or new one
starts without tags (the classify job tags it) and the open tag reviews of the priorities it
replaces are withdrawn. Every decision is a row of ``extraction_reviews`` and of the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.domain import LabelCreate
from observatory.errors import InvalidInput
from observatory.extraction.queue import (
    DECIDE_ACTION,
    _comment,
    candidate_lists,
    store_candidates,
)
from observatory.extraction.types import DecisionOutcome, ExtractionStatus, ReviewedItem
from observatory.review.queue import PENDING_STATUSES
from observatory.review.types import TaskStatus
from observatory.store.audit import record_audit
from observatory.store.labels import add_labels, current_labels
from observatory.store.strategies import get_strategy
from observatory.store.tables import (
    ExtractionReviewRow,
    PriorityRow,
    ReviewTaskRow,
    StrategyRow,
    utcnow,
)

MAX_ITEMS = 200  # far above any strategy's selection (the largest in ../shared has 16)
MAX_TITLE_CHARS = 500
MAX_DESCRIPTION_CHARS = 20_000
COPIED_STRATEGY_FIELDS = (
    "key", "title", "region", "nuts_code", "country", "language", "period", "source_kind",
    "source_path", "pages", "warnings", "extraction_confidence", "source_sha256",
)  # fmt: skip


def clean_items(items: Sequence[ReviewedItem]) -> list[ReviewedItem]:
    """Validated items: titles normalised, non-empty and distinct, parents known."""
    if not items:
        raise InvalidInput("a reviewed list needs at least one priority")
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"a reviewed list holds at most {MAX_ITEMS} priorities")
    cleaned: list[ReviewedItem] = []
    seen: set[str] = set()
    errors = []
    for number, item in enumerate(items, start=1):
        title = " ".join(item.title.split())
        if not title:
            errors.append(f"item {number}: the title is empty")
        elif len(title) > MAX_TITLE_CHARS or len(item.description) > MAX_DESCRIPTION_CHARS:
            errors.append(f"item {number}: the title or description is too long")
        elif title.casefold() in seen:
            errors.append(f"item {number}: {title!r} appears twice; merge the two instead")
        seen.add(title.casefold())
        pages = tuple(sorted({int(p) for p in item.pages if int(p) >= 1}))
        cleaned.append(
            ReviewedItem(
                title,
                item.description.strip(),
                pages,
                item.parent,
                item.priority_id,
                tuple(item.merged_ids),
            )
        )
    for item in cleaned:
        if item.parent and item.parent.casefold() not in seen:
            errors.append(f"{item.title!r} names parent {item.parent!r}, which is not in the list")
    if errors:
        raise InvalidInput("the reviewed list is not valid", errors=errors)
    return cleaned


def decide(
    session: Session,
    strategy_id: int,
    items: Sequence[ReviewedItem],
    *,
    actor: str,
    chosen_position: int | None = None,
    comment: str | None = None,
    status: ExtractionStatus = ExtractionStatus.REVIEWED,
) -> DecisionOutcome:
    """Store the reviewer's list as the strategy's next version, in the caller's transaction.

    ``chosen_position`` is the candidate list the reviewer started from (None: the stored
    priorities). ``status`` is ``reviewed`` for a person's decision; ingest passes another
    status when it replaces an unreviewed extraction with a fresh one.
    """
    # lock the version: of two reviewers deciding at once, the second finds it superseded
    old = session.get(StrategyRow, strategy_id, with_for_update=True) or get_strategy(
        session, strategy_id
    )
    if not old.is_current:
        raise InvalidInput(
            f"strategy {strategy_id} is version {old.version}, no longer current; "
            "review the current version"
        )
    cleaned = clean_items(items)
    existing = {p.id: p for p in old.priorities}
    unknown = sorted(
        {i for item in cleaned for i in (item.priority_id, *item.merged_ids) if i} - set(existing)
    )
    if unknown:
        raise InvalidInput(f"priorities {unknown} are not priorities of strategy {strategy_id}")
    lists = candidate_lists(session, old.id)
    if chosen_position is not None and chosen_position not in {c.position for c in lists}:
        raise InvalidInput(f"strategy {strategy_id} has no candidate list {chosen_position}")
    new = _next_version(session, old, status)
    outcome = _carry_priorities(session, old, new, cleaned, existing, actor)
    store_candidates(session, new.id, lists)
    comment = _comment(comment)
    session.add(
        ExtractionReviewRow(
            strategy_id=new.id,
            sha256=new.source_sha256,
            action=DECIDE_ACTION if status is ExtractionStatus.REVIEWED else "replace",
            actor=actor,
            chosen_position=chosen_position,
            items=[item.to_dict() for item in cleaned],
            comment=comment,
        )
    )
    record_audit(
        session,
        actor=actor,
        action="extraction.review" if status is ExtractionStatus.REVIEWED else "extraction.replace",
        entity_type="strategy",
        entity_id=new.id,
        before={
            "strategy_id": old.id,
            "version": old.version,
            "extraction_status": old.extraction_status,
            "priorities": [{"id": p.id, "title": p.title} for p in old.priorities],
        },
        after={"version": new.version, "chosen_position": chosen_position, **outcome.to_dict()},
        comment=comment,
    )
    session.flush()
    return outcome


def _next_version(session: Session, old: StrategyRow, status: ExtractionStatus) -> StrategyRow:
    sha256 = old.sha256
    old.is_current = False
    old.superseded_at = utcnow()
    old.sha256 = None  # unique: it moves to the version that now stands for the file
    session.flush()
    new = StrategyRow(
        version=old.version + 1,
        is_current=True,
        sha256=sha256,
        extraction_status=status.value,
        **{name: getattr(old, name) for name in COPIED_STRATEGY_FIELDS},
    )
    new.source_sha256 = new.source_sha256 or sha256
    session.add(new)
    session.flush()
    return new


def _carry_priorities(
    session: Session,
    old: StrategyRow,
    new: StrategyRow,
    items: list[ReviewedItem],
    existing: dict[int, PriorityRow],
    actor: str,
) -> DecisionOutcome:
    by_title = {p.title.casefold(): p for p in existing.values()}
    used: set[int] = set()
    kept, renamed, added, merged = [], [], [], []
    created: dict[str, PriorityRow] = {}
    for rank, item in enumerate(items, start=1):
        source = existing.get(item.priority_id) if item.priority_id else None
        if source is None and not item.merged_ids:
            match = by_title.get(item.title.casefold())  # a candidate item already stored
            source = match if match is not None and match.id not in used else None
        row = PriorityRow(
            strategy_id=new.id,
            rank=rank,
            title=item.title,
            description=item.description,
            pages=list(item.pages) or (list(source.pages or []) if source else []),
            keywords=list(source.keywords or []) if source else [],
            confidence=source.confidence if source else None,
            language=(source.language if source else None) or new.language,
        )
        session.add(row)
        session.flush()
        created[item.title.casefold()] = row
        for merged_id in item.merged_ids:
            used.add(merged_id)
            merged.append((existing[merged_id].title, item.title))
        if source is None:
            if not item.merged_ids:
                added.append(item.title)
            continue
        used.add(source.id)
        unchanged = source.title == item.title and (source.description or "") == item.description
        if unchanged and not item.merged_ids:
            _carry_tags(session, source, row)
            kept.append(source.id)
        elif source.title != item.title:
            renamed.append((source.title, item.title))
    for item in items:
        if item.parent:
            created[item.title.casefold()].parent_id = created[item.parent.casefold()].id
    removed = [p.title for pid, p in existing.items() if pid not in used]
    _withdraw_tasks(session, [pid for pid in existing if pid not in kept], actor)
    return DecisionOutcome(
        strategy_id=new.id,
        previous_id=old.id,
        kept=tuple(kept),
        renamed=tuple(renamed),
        added=tuple(added),
        removed=tuple(removed),
        merged=tuple(merged),
        priority_ids=tuple(row.id for row in created.values()),
    )


def _carry_tags(session: Session, source: PriorityRow, target: PriorityRow) -> None:
    """Copy the tags in force and move the open review tasks to the continuing priority."""
    labels = [
        LabelCreate(
            taxonomy=label.taxonomy,
            code=label.code,
            status=label.status,
            probability=label.probability,
            score=label.score,
            rank=label.rank,
            source_kind=label.source_kind,
            model_id=label.model_id,
            model_version=label.model_version,
            taxonomy_version=label.taxonomy_version,
            reviewer=label.reviewer,
            rationale=list(label.rationale or []),
        )
        for label in current_labels(session, source.id)
    ]
    if labels:
        add_labels(session, target.id, labels)
    for task in _pending_tasks(session, [source.id]):
        task.priority_id = target.id
        task.version += 1


def _pending_tasks(session: Session, priority_ids: list[int]) -> list[ReviewTaskRow]:
    if not priority_ids:
        return []
    return list(
        session.scalars(
            select(ReviewTaskRow).where(
                ReviewTaskRow.priority_id.in_(priority_ids),
                ReviewTaskRow.status.in_(PENDING_STATUSES),
            )
        )
    )


def _withdraw_tasks(session: Session, priority_ids: list[int], actor: str) -> None:
    """Close the open tag reviews of priorities that the reviewed list replaced."""
    now = utcnow()
    for task in _pending_tasks(session, priority_ids):
        task.status = TaskStatus.CLOSED.value
        task.closed_at = now
        task.claimed_by = None
        task.lease_expires_at = None
        task.version += 1
        record_audit(
            session,
            actor=actor,
            action="review.withdraw",
            entity_type="review_task",
            entity_id=task.id,
            after={"priority_id": task.priority_id, "taxonomy": task.taxonomy},
            comment="the extraction review replaced this priority",
        )
