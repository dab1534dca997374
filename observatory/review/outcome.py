"""Turning a settled review into labels, and back again on undo, without rewriting history.

Settling retires the labels in force for the (priority, taxonomy) and adds reviewer labels:
``accepted`` when the reviewer accepted suggestions, ``corrected`` when they chose other codes
(an alternative suggestion keeps the model's probability and version as provenance); on a
per-code decision (``set``) each member of the code set the reviewer kept is ``accepted`` and
each code they added ``corrected``, and every member they did not keep is rejected. Codes the
reviewer turned down are recorded as ``rejected`` rows that are never current (``is_current``
False); such a row counts for ``rejected_codes`` while its ``retired_at`` is empty, and an undo
retires it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.domain import LabelSource, LabelStatus
from observatory.review.types import Action
from observatory.store.labels import current_labels, retire_labels
from observatory.store.tables import LabelRow

COPIED_FIELDS = (
    "priority_id",
    "taxonomy",
    "code",
    "status",
    "probability",
    "score",
    "rank",
    "source_kind",
    "model_id",
    "model_version",
    "taxonomy_version",
    "reviewer",
    "rationale",
    "in_set",
)


@dataclass
class LabelChanges:
    """Ids of the label rows one settlement touched (kept in the audit record for undo)."""

    added: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)


def rejected_by(action: str, codes: list[str], suggested: list[LabelRow]) -> list[LabelRow]:
    """Suggestions a decision turns down: every one not kept on reject; the overridden first
    suggestion on correct; none on accept (the other alternatives were merely not chosen)."""
    model_rows = [row for row in suggested if row.source_kind == LabelSource.MODEL.value]
    if action == Action.SET.value:  # every member of the set was judged: those not kept
        return [row for row in suggested if row.in_set and row.code not in codes]
    if action == Action.REJECT.value:
        return [row for row in model_rows if row.code not in codes]
    if action == Action.CORRECT.value and model_rows and model_rows[0].code not in codes:
        return model_rows[:1]
    return []


def reviewed_status(action: str, source: LabelRow | None) -> LabelStatus:
    """``accepted`` for a code the reviewer accepted (on accept, or a member of the set on a
    per-code decision), ``corrected`` for a code they chose themselves."""
    if action == Action.ACCEPT.value:
        return LabelStatus.ACCEPTED
    if action == Action.SET.value and source is not None and source.in_set:
        return LabelStatus.ACCEPTED
    return LabelStatus.CORRECTED


def apply_outcome(
    session: Session,
    priority_id: int,
    taxonomy: str,
    action: str,
    codes: list[str],
    reviewer: str,
    now: datetime,
) -> LabelChanges:
    """Make ``codes`` the labels in force for the pair, in the caller's transaction."""
    changes = LabelChanges()
    in_force = [
        row
        for row in current_labels(session, priority_id, taxonomy)
        if row.status != LabelStatus.REJECTED.value
    ]
    by_code = {row.code: row for row in in_force}
    retire_labels(session, in_force)
    changes.retired = [row.id for row in in_force]
    new_rows: list[LabelRow] = []
    for rank, code in enumerate(codes, start=1):
        source = by_code.get(code)
        new_rows.append(
            LabelRow(
                priority_id=priority_id,
                taxonomy=taxonomy,
                code=code,
                status=reviewed_status(action, source).value,
                probability=source.probability if source else None,
                score=source.score if source else None,
                rank=rank,
                source_kind=LabelSource.REVIEWER.value,
                model_id=source.model_id if source else None,
                model_version=source.model_version if source else None,
                taxonomy_version=source.taxonomy_version if source else None,
                reviewer=reviewer,
                rationale=[],
                is_current=True,
                created_at=now,
            )
        )
    for row in rejected_by(action, codes, in_force):
        new_rows.append(
            LabelRow(
                priority_id=priority_id,
                taxonomy=taxonomy,
                code=row.code,
                status=LabelStatus.REJECTED.value,
                probability=row.probability,
                rank=row.rank,
                source_kind=LabelSource.REVIEWER.value,
                model_id=row.model_id,
                model_version=row.model_version,
                reviewer=reviewer,
                rationale=[],
                is_current=False,
                created_at=now,
            )
        )
    session.add_all(new_rows)
    session.flush()
    changes.added = [r.id for r in new_rows if r.status != LabelStatus.REJECTED.value]
    changes.rejected = [r.id for r in new_rows if r.status == LabelStatus.REJECTED.value]
    return changes


def revert_outcome(session: Session, changes: LabelChanges, now: datetime) -> LabelChanges:
    """Undo a settlement: retire what it added, add fresh copies of what it retired, and
    withdraw its rejections. Returns what the revert itself changed."""
    reverted = LabelChanges()
    still_current = [row for row in _rows(session, changes.added) if row.is_current]
    retire_labels(session, still_current)
    reverted.retired = [row.id for row in still_current]
    copies = [
        LabelRow(**{name: getattr(row, name) for name in COPIED_FIELDS}, is_current=True)
        for row in _rows(session, changes.retired)
    ]
    for copy in copies:
        copy.created_at = now
    session.add_all(copies)
    for row in _rows(session, changes.rejected):
        row.retired_at = now
    session.flush()
    reverted.added = [row.id for row in copies]
    reverted.rejected = list(changes.rejected)
    return reverted


def _rows(session: Session, ids: list[int]) -> list[LabelRow]:
    if not ids:
        return []
    return list(session.scalars(select(LabelRow).where(LabelRow.id.in_(ids)).order_by(LabelRow.id)))


def rejected_codes(
    session: Session, priority_id: int, taxonomy: str, model_version: str | None
) -> set[str]:
    """Codes reviewers turned down for this priority and model version (any version when
    ``model_version`` is None); the classification job leaves them out of its suggestions."""
    query = select(LabelRow.code).where(
        LabelRow.priority_id == priority_id,
        LabelRow.taxonomy == taxonomy,
        LabelRow.status == LabelStatus.REJECTED.value,
        LabelRow.retired_at.is_(None),
    )
    if model_version is not None:
        query = query.where(LabelRow.model_version == model_version)
    return set(session.scalars(query))
