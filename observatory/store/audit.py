"""The append-only audit trail: every change to labels, reviews and strategies is recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.store.tables import AuditRow


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    comment: str | None = None,
) -> AuditRow:
    """Append one audit record in the caller's transaction."""
    row = AuditRow(
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        comment=comment,
    )
    session.add(row)
    return row


def audit_history(session: Session, entity_type: str, entity_id: int) -> list[AuditRow]:
    """All audit records of one entity, oldest first."""
    query = (
        select(AuditRow)
        .where(AuditRow.entity_type == entity_type, AuditRow.entity_id == entity_id)
        .order_by(AuditRow.at, AuditRow.id)
    )
    return list(session.scalars(query))
