"""Bulk accept: on every open task whose first suggestion reaches a probability, accept each
member of the code set that reaches it (the first one always does)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from observatory.domain import LabelStatus
from observatory.errors import InvalidInput
from observatory.review.claims import DECIDING_ROLES
from observatory.review.decisions import Confirmation, decide_in_session, notify
from observatory.review.queue import decided_by, filter_conditions, joined_tasks, suggestions
from observatory.review.types import Action, BulkResult, ConfirmedListener, QueueFilters, TaskStatus
from observatory.store.database import Store
from observatory.store.tables import LabelRow, ReviewTaskRow, utcnow
from observatory.users import Actor, Identity, require_role


def bulk_candidates(
    session: Session,
    actor: Actor,
    filters: QueueFilters | None,
    min_probability: float,
    now: datetime,
) -> list[int]:
    """Open tasks (not held by someone else, not decided by ``actor``) whose first suggestion
    has at least ``min_probability``."""
    first = (
        select(LabelRow.id)
        .where(
            LabelRow.priority_id == ReviewTaskRow.priority_id,
            LabelRow.taxonomy == ReviewTaskRow.taxonomy,
            LabelRow.is_current.is_(True),
            LabelRow.status != LabelStatus.REJECTED.value,
            LabelRow.rank == 1,
            LabelRow.probability >= min_probability,
        )
        .exists()
    )
    query = (
        joined_tasks(ReviewTaskRow.id)
        .where(
            ReviewTaskRow.status == TaskStatus.OPEN.value,
            or_(
                ReviewTaskRow.claimed_by.is_(None),
                ReviewTaskRow.claimed_by == actor.name,
                ReviewTaskRow.lease_expires_at <= now,
            ),
            ~decided_by(actor.name),
            first,
            *filter_conditions(filters),
        )
        .order_by(ReviewTaskRow.id)
    )
    return list(session.scalars(query))


def bulk_accept(
    store: Store,
    actor: Identity,
    filters: QueueFilters | None,
    min_probability: float,
    dry_run: bool = True,
    *,
    comment: str | None = None,
    listeners: Iterable[ConfirmedListener] = (),
    now: datetime | None = None,
) -> BulkResult:
    """Accept the first suggestion of every matching task, and each further member of its code
    set with at least ``min_probability``, in one transaction (all or none).

    Run with ``dry_run=True`` first to show the count; the real run selects again, so it
    accepts what matches at that moment.
    """
    who = Actor.of(actor)
    require_role(who, *DECIDING_ROLES)
    if not 0.0 <= min_probability <= 1.0:
        raise InvalidInput("min_probability must be between 0 and 1")
    now = now or utcnow()
    confirmations: list[Confirmation] = []
    with store.transaction(write=not dry_run) as session:
        task_ids = bulk_candidates(session, who, filters, min_probability, now)
        if not dry_run:
            for task_id in task_ids:
                task = session.get(ReviewTaskRow, task_id)
                assert task is not None  # selected above in this transaction
                offered = suggestions(session, task.priority_id, task.taxonomy)
                sure = [s.code for s in offered
                        if s.in_set and (s.probability or 0.0) >= min_probability]  # fmt: skip
                _result, confirmation = decide_in_session(
                    session,
                    task_id,
                    who,
                    Action.ACCEPT,
                    sure or None,
                    comment=comment or f"bulk accept, probability >= {min_probability}",
                    now=now,
                    lock=store.dialect == "postgresql",
                    require_claim=False,  # the query above took only unclaimed or own tasks
                )
                if confirmation:
                    confirmations.append(confirmation)
    notify(listeners, confirmations)
    return BulkResult(count=len(task_ids), task_ids=task_ids, dry_run=dry_run)
