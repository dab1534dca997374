"""The review queue: tasks built from labels below the auto-accept gate and from flags.

The queue is ordered by *doubt*, highest first::

    doubt = 0.5 * (1 - top_probability) + 0.3 * (1 - margin) + 0.2 * disagreement

``top_probability`` is the calibrated probability of the first suggestion, ``margin`` the gap
between the first and second, ``disagreement`` the share of reviewers who disagreed with the
majority (0 before any review). Every term is clipped to [0, 1], so doubt is in [0, 1]:
1 means "nobody, model or person, knows"; flagged items enter with doubt 1.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from observatory.domain import TAXONOMY_NAMES, LabelStatus
from observatory.errors import InvalidInput
from observatory.review.types import Action, QueueFilters, QueueItem, Suggestion, TaskStatus
from observatory.settings import load_settings
from observatory.store.audit import record_audit
from observatory.store.strategies import get_priority
from observatory.store.tables import (
    LabelRow,
    PriorityRow,
    ReviewDecisionRow,
    ReviewTaskRow,
    StrategyRow,
)

DOUBT_WEIGHTS = (0.5, 0.3, 0.2)
DECISIVE_ACTIONS = (
    Action.ACCEPT.value,
    Action.REJECT.value,
    Action.CORRECT.value,
    Action.SET.value,
)
PENDING_STATUSES = (TaskStatus.OPEN.value, TaskStatus.ADJUDICATION.value)


def doubt_score(
    top_probability: float | None, margin: float | None, disagreement: float = 0.0
) -> float:
    """Doubt of a task in [0, 1] (formula in the module docstring); missing values count as
    complete ignorance (probability 0, margin 0)."""

    def clip(value: float | None) -> float:
        return min(1.0, max(0.0, float(value or 0.0)))

    w_probability, w_margin, w_disagreement = DOUBT_WEIGHTS
    return round(
        w_probability * (1.0 - clip(top_probability))
        + w_margin * (1.0 - clip(margin))
        + w_disagreement * clip(disagreement),
        6,
    )


def check_taxonomy(taxonomy: str) -> str:
    """The taxonomy name, or ``InvalidInput``."""
    if taxonomy not in TAXONOMY_NAMES:
        raise InvalidInput(f"unknown taxonomy {taxonomy!r}; expected one of {TAXONOMY_NAMES}")
    return taxonomy


def pending_task(session: Session, priority_id: int, taxonomy: str) -> ReviewTaskRow | None:
    """The open (or adjudication) task of a (priority, taxonomy), if any."""
    return session.scalar(
        select(ReviewTaskRow)
        .where(
            ReviewTaskRow.priority_id == priority_id,
            ReviewTaskRow.taxonomy == taxonomy,
            ReviewTaskRow.status.in_(PENDING_STATUSES),
        )
        .order_by(ReviewTaskRow.id)
        .limit(1)
    )


def enqueue(
    session: Session,
    priority_id: int,
    taxonomy: str,
    *,
    doubt: float,
    reason: str = "gate",
    model_version: str | None = None,
    required_reviews: int | None = None,
    actor: str = "system",
) -> ReviewTaskRow:
    """Put a (priority, taxonomy) in the queue, in the caller's transaction.

    Idempotent: while a task is pending for the pair, it is returned (its doubt raised to the
    larger value and its model version updated) instead of creating a second one.
    """
    check_taxonomy(taxonomy)
    get_priority(session, priority_id)
    task = pending_task(session, priority_id, taxonomy)
    if task is not None:
        if doubt > task.doubt or (model_version and model_version != task.model_version):
            task.doubt = max(task.doubt, doubt)
            task.model_version = model_version or task.model_version
            task.version += 1
        return task
    reviews = required_reviews or load_settings().reviewers_per_item
    task = ReviewTaskRow(
        priority_id=priority_id,
        taxonomy=taxonomy,
        status=TaskStatus.OPEN.value,
        reason=reason,
        doubt=float(doubt),
        required_reviews=reviews,
        model_version=model_version,
        version=0,
    )
    session.add(task)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="review.enqueue",
        entity_type="review_task",
        entity_id=task.id,
        after={
            "priority_id": priority_id,
            "taxonomy": taxonomy,
            "reason": reason,
            "doubt": task.doubt,
            "required_reviews": reviews,
            "model_version": model_version,
            "suggestions": [s.code for s in suggestions(session, priority_id, taxonomy)],
        },
    )
    return task


def flag(
    session: Session, priority_id: int, taxonomy: str, actor: str, comment: str | None = None
) -> ReviewTaskRow:
    """Anyone may flag a priority's tags as doubtful: the pair enters the queue at the top."""
    task = enqueue(session, priority_id, taxonomy, doubt=1.0, reason="flag", actor=actor)
    record_audit(
        session,
        actor=actor,
        action="review.flag",
        entity_type="review_task",
        entity_id=task.id,
        after={"priority_id": priority_id, "taxonomy": taxonomy},
        comment=comment,
    )
    return task


def suggestions(session: Session, priority_id: int, taxonomy: str) -> list[Suggestion]:
    """The labels in force for the pair, best first: the model's top suggestions until a
    review settles them, the reviewed labels afterwards."""
    rows = session.scalars(
        select(LabelRow)
        .where(
            LabelRow.priority_id == priority_id,
            LabelRow.taxonomy == taxonomy,
            LabelRow.is_current.is_(True),
            LabelRow.status != LabelStatus.REJECTED.value,
        )
        .order_by(LabelRow.rank.is_(None), LabelRow.rank, LabelRow.id)
    )
    return [
        Suggestion(r.code, r.rank, r.probability, r.model_version, r.status, bool(r.in_set))
        for r in rows
    ]


def active_decisions() -> Select[Any]:
    """Decisions that count: accept/reject/correct rows that no later undo row cancels."""
    undo = aliased(ReviewDecisionRow)
    return select(ReviewDecisionRow).where(
        ReviewDecisionRow.action.in_(DECISIVE_ACTIONS),
        ~exists().where(undo.undoes_id == ReviewDecisionRow.id),
    )


def decided_by(reviewer: str) -> ColumnElement[bool]:
    """True for tasks that ``reviewer`` has an active decision on."""
    undo = aliased(ReviewDecisionRow)
    decision = aliased(ReviewDecisionRow)
    return exists().where(
        decision.task_id == ReviewTaskRow.id,
        decision.reviewer == reviewer,
        decision.action.in_(DECISIVE_ACTIONS),
        ~exists().where(undo.undoes_id == decision.id),
    )


def filter_conditions(filters: QueueFilters | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a query over review_tasks joined with priorities and strategies."""
    if filters is None:
        return []
    conditions: list[ColumnElement[bool]] = []
    if filters.taxonomy:
        conditions.append(ReviewTaskRow.taxonomy == check_taxonomy(filters.taxonomy))
    if filters.country:
        conditions.append(StrategyRow.country == filters.country.upper())
    if filters.nuts_prefix:
        conditions.append(StrategyRow.nuts_code.startswith(filters.nuts_prefix.upper()))
    if filters.strategy_id is not None:
        conditions.append(PriorityRow.strategy_id == filters.strategy_id)
    if filters.code:
        conditions.append(
            exists().where(
                and_(
                    LabelRow.priority_id == ReviewTaskRow.priority_id,
                    LabelRow.taxonomy == ReviewTaskRow.taxonomy,
                    LabelRow.is_current.is_(True),
                    LabelRow.code == filters.code,
                )
            )
        )
    return conditions


def joined_tasks(*columns: Any) -> Select[Any]:
    """``SELECT columns FROM review_tasks JOIN priorities JOIN strategies``."""
    return (
        select(*columns)
        .select_from(ReviewTaskRow)
        .join(PriorityRow, PriorityRow.id == ReviewTaskRow.priority_id)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
    )


def queue_size(
    session: Session,
    filters: QueueFilters | None = None,
    statuses: tuple[str, ...] = PENDING_STATUSES,
) -> int:
    """How many tasks wait (open or in adjudication by default)."""
    query = joined_tasks(func.count(ReviewTaskRow.id)).where(
        ReviewTaskRow.status.in_(statuses), *filter_conditions(filters)
    )
    return int(session.scalar(query) or 0)


def list_queue(
    session: Session,
    filters: QueueFilters | None = None,
    limit: int = 50,
    offset: int = 0,
    statuses: tuple[str, ...] = PENDING_STATUSES,
) -> list[QueueItem]:
    """Pending tasks, most doubtful first."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be >= 1 and offset >= 0")
    counted = active_decisions().subquery()
    decision_count = (
        select(func.count(counted.c.id))
        .where(counted.c.task_id == ReviewTaskRow.id)
        .scalar_subquery()
    )
    query = (
        joined_tasks(ReviewTaskRow, PriorityRow, StrategyRow, decision_count)
        .where(ReviewTaskRow.status.in_(statuses), *filter_conditions(filters))
        .order_by(ReviewTaskRow.doubt.desc(), ReviewTaskRow.id)
        .limit(limit)
        .offset(offset)
    )
    return [
        QueueItem(
            task_id=task.id,
            priority_id=task.priority_id,
            taxonomy=task.taxonomy,
            status=task.status,
            reason=task.reason,
            doubt=task.doubt,
            required_reviews=task.required_reviews,
            decisions=int(count or 0),
            claimed_by=task.claimed_by,
            country=strategy.country,
            nuts_code=strategy.nuts_code,
            title=priority.title,
        )
        for task, priority, strategy, count in session.execute(query)
    ]
