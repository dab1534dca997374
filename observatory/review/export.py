"""History of a priority, and the export of reviewed labels as a gold set (GOLD.csv format)."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.domain import TAXONOMY_NAMES, LabelSource, LabelStatus
from observatory.review.types import HistoryEntry, as_utc
from observatory.store.labels import label_history
from observatory.store.strategies import get_priority
from observatory.store.tables import (
    AuditRow,
    LabelRow,
    PriorityRow,
    ReviewDecisionRow,
    ReviewTaskRow,
    StrategyRow,
)

GOLD_COLUMNS = ("id", "text", "language", *TAXONOMY_NAMES)
REVIEWED_STATUSES = (LabelStatus.ACCEPTED.value, LabelStatus.CORRECTED.value)


def history(session: Session, priority_id: int) -> list[HistoryEntry]:
    """Everything that ever happened to a priority's labels, oldest first: labels added and
    retired, review decisions, and the audit records of its tasks and of the priority."""
    get_priority(session, priority_id)
    entries: list[HistoryEntry] = []
    for label in label_history(session, priority_id):
        detail = {
            "label_id": label.id,
            "code": label.code,
            "status": label.status,
            "source": label.source_kind,
            "probability": label.probability,
            "rank": label.rank,
            "model_version": label.model_version,
        }
        actor = label.reviewer or label.model_id
        entries.append(
            HistoryEntry(as_utc(label.created_at), "label", actor, "add", label.taxonomy, detail)
        )
        if label.retired_at is not None:
            entries.append(
                HistoryEntry(
                    as_utc(label.retired_at), "label", None, "retire", label.taxonomy, detail
                )
            )
    tasks = {
        task.id: task
        for task in session.scalars(
            select(ReviewTaskRow).where(ReviewTaskRow.priority_id == priority_id)
        )
    }
    decisions = session.scalars(
        select(ReviewDecisionRow).where(ReviewDecisionRow.task_id.in_(list(tasks)))
    )
    for decision in decisions:
        entries.append(
            HistoryEntry(
                as_utc(decision.created_at),
                "decision",
                decision.reviewer,
                decision.action,
                tasks[decision.task_id].taxonomy,
                {
                    "decision_id": decision.id,
                    "task_id": decision.task_id,
                    "codes": list(decision.codes),
                    "comment": decision.comment,
                    "undoes_id": decision.undoes_id,
                },
            )
        )
    audits = session.scalars(
        select(AuditRow).where(
            (AuditRow.entity_type == "review_task") & AuditRow.entity_id.in_(list(tasks))
            | (AuditRow.entity_type == "priority") & (AuditRow.entity_id == priority_id)
        )
    )
    for record in audits:
        task = tasks.get(record.entity_id) if record.entity_type == "review_task" else None
        entries.append(
            HistoryEntry(
                as_utc(record.at),
                "audit",
                record.actor,
                record.action,
                task.taxonomy if task else None,
                {
                    "audit_id": record.id,
                    "entity": f"{record.entity_type}:{record.entity_id}",
                    "before": record.before,
                    "after": record.after,
                    "comment": record.comment,
                },
            )
        )
    order = {"label": 0, "decision": 1, "audit": 2}
    entries.sort(key=lambda e: (e.at, order[e.kind]))
    return entries


def gold_rows(session: Session) -> list[dict[str, str]]:
    """One GOLD.csv row per priority with at least one reviewed taxonomy."""
    query = (
        select(LabelRow, PriorityRow, StrategyRow)
        .join(PriorityRow, PriorityRow.id == LabelRow.priority_id)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
        .where(
            LabelRow.is_current.is_(True),
            LabelRow.source_kind == LabelSource.REVIEWER.value,
            LabelRow.status.in_(REVIEWED_STATUSES),
        )
        .order_by(PriorityRow.id, LabelRow.taxonomy, LabelRow.rank, LabelRow.id)
    )
    rows: dict[int, dict[str, str]] = {}
    for label, priority, strategy in session.execute(query):
        row = rows.get(priority.id)
        if row is None:
            text = ". ".join(p for p in (priority.title, priority.description.strip()) if p)
            language = priority.language or strategy.language or ""
            row = {"id": str(priority.id), "text": text, "language": language}
            row.update(dict.fromkeys(TAXONOMY_NAMES, ""))
            rows[priority.id] = row
        codes = [c for c in row[label.taxonomy].split(";") if c]
        if label.code not in codes:
            row[label.taxonomy] = ";".join([*codes, label.code])
    return list(rows.values())


def export_gold(session: Session, path: Path | str) -> int:
    """Write reviewed labels as GOLD.csv (id,text,language,nace,nabs,ecosystem) atomically;
    returns the number of rows."""
    target = Path(path)
    rows = gold_rows(session)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".gold-", suffix=".csv", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=GOLD_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(rows)
