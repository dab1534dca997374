"""Claiming tasks: each reviewer gets the most doubtful task nobody else holds, with a lease.

Two reviewers asking at the same moment never get the same task: on SQLite the claim runs in a
write transaction (BEGIN IMMEDIATE, so claims are serialised); on PostgreSQL the candidate row
is locked with ``FOR UPDATE SKIP LOCKED`` so a concurrent claimer moves on to the next one.
On top of both, the claim is an optimistic ``UPDATE ... WHERE version = :seen``. An expired
lease needs no sweeper: a task whose lease has run out is simply claimable again.

A reviewer holds at most ``MAX_LEASES_PER_REVIEWER`` (one) task at a time: asking again gives
the held task back while it matches the filters, and otherwise releases it before claiming
another, so nobody can hoard the queue by asking with different filters.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from observatory.domain import Role
from observatory.errors import NotFound
from observatory.review.queue import decided_by, filter_conditions, joined_tasks, suggestions
from observatory.review.types import Action, ClaimedTask, QueueFilters, TaskStatus, as_utc
from observatory.settings import load_settings
from observatory.store.audit import record_audit
from observatory.store.database import Store
from observatory.store.labels import current_labels
from observatory.store.tables import (
    PriorityRow,
    ReviewDecisionRow,
    ReviewTaskRow,
    StrategyRow,
    utcnow,
)
from observatory.users import Actor, Identity, require_role

DECIDING_ROLES = (Role.REVIEWER, Role.ADJUDICATOR, Role.ADMIN)
ADJUDICATING_ROLES = (Role.ADJUDICATOR, Role.ADMIN)
CLAIM_ATTEMPTS = 5
MAX_LEASES_PER_REVIEWER = 1  # one item in hand: a second request moves on, it never hoards


def lease_seconds(value: int | None = None) -> int:
    """The lease length: the given value or ``settings.review_lease_seconds``."""
    return value if value is not None else load_settings().review_lease_seconds


def is_claimed_by_other(task: ReviewTaskRow, reviewer: str, now: datetime) -> bool:
    """Whether someone else holds a lease on the task that has not expired."""
    return (
        task.claimed_by is not None
        and task.claimed_by != reviewer
        and task.lease_expires_at is not None
        and as_utc(task.lease_expires_at) > now
    )


def claim_next(
    store: Store,
    reviewer: Identity,
    filters: QueueFilters | None = None,
    *,
    lease: int | None = None,
    now: datetime | None = None,
) -> ClaimedTask | None:
    """Claim the most doubtful task available to ``reviewer`` (``None`` when there is none).

    Adjudicators and admins get tasks in adjudication first; other reviewers never see them.
    Nobody gets a task they already decided. Tasks the reviewer skipped come last.
    """
    actor = Actor.of(reviewer)
    require_role(actor, *DECIDING_ROLES)
    now = now or utcnow()
    seconds = lease_seconds(lease)
    for _attempt in range(CLAIM_ATTEMPTS):
        with store.transaction(write=True) as session:
            held = _held_tasks(session, actor.name, now, filters)
            if held:
                return _take(session, held[0], actor.name, now, seconds)  # renew its lease
            release_held(session, actor.name, now)
            task = _next_candidate(session, actor, filters, now, store.dialect == "postgresql")
            if task is None:
                return None
            claimed = _take(session, task, actor.name, now, seconds)
            if claimed is not None:
                return claimed
    return None


def _live_lease(reviewer: str, now: datetime) -> list[ColumnElement[bool]]:
    return [
        ReviewTaskRow.claimed_by == reviewer,
        ReviewTaskRow.lease_expires_at > now,
        ReviewTaskRow.status != TaskStatus.CLOSED.value,
    ]


def _held_tasks(
    session: Session, reviewer: str, now: datetime, filters: QueueFilters | None
) -> list[ReviewTaskRow]:
    """The reviewer's live-leased tasks that match ``filters`` (most recently claimed first)."""
    query = (
        joined_tasks(ReviewTaskRow)
        .where(*_live_lease(reviewer, now), *filter_conditions(filters))
        .order_by(ReviewTaskRow.claimed_at.desc(), ReviewTaskRow.id)
    )
    return list(session.scalars(query))


def held_task(
    store: Store, reviewer: Identity, *, now: datetime | None = None
) -> ClaimedTask | None:
    """The task the reviewer holds a live lease on, without claiming anything."""
    actor = Actor.of(reviewer)
    with store.transaction() as session:
        held = _held_tasks(session, actor.name, now or utcnow(), None)
        return describe_task(session, held[0].id) if held else None


def release_held(
    session: Session, reviewer: str, now: datetime, keep: int | None = None
) -> list[int]:
    """Give back every live lease of ``reviewer`` (but ``keep``); returns the released ids."""
    conditions = _live_lease(reviewer, now)
    if keep is not None:
        conditions.append(ReviewTaskRow.id != keep)
    ids = list(session.scalars(select(ReviewTaskRow.id).where(*conditions)))
    if not ids:
        return []
    session.execute(
        update(ReviewTaskRow)
        .where(ReviewTaskRow.id.in_(ids))
        .values(
            claimed_by=None,
            claimed_at=None,
            lease_expires_at=None,
            version=ReviewTaskRow.version + 1,
        )
        .execution_options(synchronize_session="fetch")
    )
    for task_id in ids:
        record_audit(
            session,
            actor=reviewer,
            action="review.release",
            entity_type="review_task",
            entity_id=task_id,
            comment="claimed another task",
        )
    return ids


def holds_live_claim(task: ReviewTaskRow, reviewer: str, now: datetime) -> bool:
    """Whether ``reviewer`` holds the task under a lease that has not expired."""
    return (
        task.claimed_by == reviewer
        and task.lease_expires_at is not None
        and as_utc(task.lease_expires_at) > now
    )


def _next_candidate(
    session: Session,
    actor: Actor,
    filters: QueueFilters | None,
    now: datetime,
    skip_locked: bool,
) -> ReviewTaskRow | None:
    statuses = [TaskStatus.OPEN.value]
    if actor.role in ADJUDICATING_ROLES:
        statuses.append(TaskStatus.ADJUDICATION.value)
    skip = aliased(ReviewDecisionRow)
    skipped_by_me = exists().where(
        skip.task_id == ReviewTaskRow.id,
        skip.reviewer == actor.name,
        skip.action == Action.SKIP.value,
    )
    query = (
        joined_tasks(ReviewTaskRow)
        .where(
            ReviewTaskRow.status.in_(statuses),
            or_(
                ReviewTaskRow.claimed_by.is_(None),
                ReviewTaskRow.claimed_by == actor.name,
                ReviewTaskRow.lease_expires_at.is_(None),
                ReviewTaskRow.lease_expires_at <= now,
            ),
            ~decided_by(actor.name),
            *filter_conditions(filters),
        )
        .order_by(
            case((ReviewTaskRow.status == TaskStatus.ADJUDICATION.value, 0), else_=1),
            case((skipped_by_me, 1), else_=0),
            ReviewTaskRow.doubt.desc(),
            ReviewTaskRow.id,
        )
        .limit(1)
    )
    if skip_locked:
        query = query.with_for_update(skip_locked=True, of=ReviewTaskRow)
    return session.scalar(query)


def _take(
    session: Session, task: ReviewTaskRow, reviewer: str, now: datetime, seconds: int
) -> ClaimedTask | None:
    seen = task.version
    expires = now + timedelta(seconds=seconds)
    result = session.execute(
        update(ReviewTaskRow)
        .where(ReviewTaskRow.id == task.id, ReviewTaskRow.version == seen)
        .values(claimed_by=reviewer, claimed_at=now, lease_expires_at=expires, version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None  # someone changed it since we read it: try the next candidate
    session.expire(task)
    record_audit(
        session,
        actor=reviewer,
        action="review.claim",
        entity_type="review_task",
        entity_id=task.id,
        after={"lease_expires_at": expires.isoformat(), "version": seen + 1},
    )
    return describe_task(session, task.id)


def describe_task(session: Session, task_id: int) -> ClaimedTask:
    """A task with its priority text, territory and suggestions."""
    row = session.execute(
        joined_tasks(ReviewTaskRow, PriorityRow, StrategyRow).where(ReviewTaskRow.id == task_id)
    ).first()
    if row is None:
        raise NotFound(f"no review task with id {task_id}")
    task, priority, strategy = row
    offered = suggestions(session, priority.id, task.taxonomy)
    return ClaimedTask(
        task_id=task.id,
        priority_id=priority.id,
        taxonomy=task.taxonomy,
        status=task.status,
        reason=task.reason,
        doubt=task.doubt,
        title=priority.title,
        description=priority.description,
        language=priority.language or strategy.language,
        country=strategy.country,
        nuts_code=strategy.nuts_code,
        suggestions=offered,
        current_codes=[label.code for label in current_labels(session, priority.id, task.taxonomy)],
        lease_expires_at=as_utc(task.lease_expires_at or utcnow()),
        version=task.version,
        code_set=[s for s in offered if s.in_set],
    )


def release(store: Store, task_id: int, reviewer: Identity) -> bool:
    """Give a claimed task back to the queue without deciding (e.g. on quitting); returns
    whether the reviewer held it."""
    actor = Actor.of(reviewer)
    with store.transaction(write=True) as session:
        result = session.execute(
            update(ReviewTaskRow)
            .where(ReviewTaskRow.id == task_id, ReviewTaskRow.claimed_by == actor.name)
            .values(
                claimed_by=None,
                claimed_at=None,
                lease_expires_at=None,
                version=ReviewTaskRow.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        record_audit(
            session,
            actor=actor.name,
            action="review.release",
            entity_type="review_task",
            entity_id=task_id,
        )
        return True
