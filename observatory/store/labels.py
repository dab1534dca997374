"""Labels: the codes attached to priorities, current and retired, with their provenance."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.domain import LabelCreate
from observatory.store.tables import LabelRow, utcnow


def add_labels(session: Session, priority_id: int, labels: Iterable[LabelCreate]) -> list[LabelRow]:
    """Attach labels to a priority in the caller's transaction."""
    rows = [LabelRow(priority_id=priority_id, **label.model_dump(mode="json")) for label in labels]
    session.add_all(rows)
    session.flush()
    return rows


def current_labels(
    session: Session, priority_id: int, taxonomy: str | None = None
) -> list[LabelRow]:
    """Labels in force for a priority (optionally one taxonomy), best rank first."""
    query = select(LabelRow).where(
        LabelRow.priority_id == priority_id, LabelRow.is_current.is_(True)
    )
    if taxonomy is not None:
        query = query.where(LabelRow.taxonomy == taxonomy)
    return list(session.scalars(query.order_by(LabelRow.taxonomy, LabelRow.rank, LabelRow.id)))


def retire_labels(session: Session, rows: Iterable[LabelRow]) -> None:
    """Take labels out of force; they stay in the table for the history."""
    now = utcnow()
    for row in rows:
        row.is_current = False
        row.retired_at = now


def label_history(session: Session, priority_id: int) -> list[LabelRow]:
    """Every label a priority ever had, oldest first."""
    query = (
        select(LabelRow)
        .where(LabelRow.priority_id == priority_id)
        .order_by(LabelRow.created_at, LabelRow.id)
    )
    return list(session.scalars(query))
