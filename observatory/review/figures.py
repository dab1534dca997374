"""Figures of the review: reviewers' throughput and agreement, queue sizes, live model precision.

Every figure is computed from the append-only records (decisions and their audit records), so it
can be recomputed at any time and always agrees with the history.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from observatory.review.agreement import reviewer_values
from observatory.review.queue import DECISIVE_ACTIONS, active_decisions
from observatory.review.types import Action, TaskStatus, as_utc
from observatory.store.tables import (
    AuditRow,
    PriorityRow,
    ReviewDecisionRow,
    ReviewTaskRow,
    StrategyRow,
)

MIN_SPAN_HOURS = 1 / 60  # a burst of decisions counts as at least one minute of work


@dataclass
class ReviewerStats:
    """One reviewer's figures."""

    reviewer: str
    decisions: int
    by_action: dict[str, int]
    undone: int
    first_at: datetime | None
    last_at: datetime | None
    per_hour: float | None
    model_agreement: float | None  # share of decisions that kept the model's first suggestion
    peer_agreement: float | None  # share of agreeing pairs on items also decided by others
    peer_pairs: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        for key in ("first_at", "last_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class Precision:
    """Live precision of the model's first suggestion on reviewed items."""

    reviewed: int = 0
    top1_accepted: int = 0
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        """top1_accepted / reviewed."""
        return self.top1_accepted / self.reviewed if self.reviewed else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "precision": self.precision}


def decision_tops(session: Session) -> dict[int, str | None]:
    """decision id -> the model's first suggestion shown when it was taken (from its audit)."""
    records = session.scalars(
        select(AuditRow).where(
            AuditRow.entity_type == "review_task",
            AuditRow.action.in_([f"review.{a}" for a in DECISIVE_ACTIONS]),
        )
    )
    return {
        record.after["decision_id"]: (record.before or {}).get("top")
        for record in records
        if record.after and "decision_id" in record.after
    }


def reviewer_stats(session: Session, reviewer: str | None = None) -> list[ReviewerStats]:
    """Per reviewer: counts by action, decisions per hour over their active span, agreement
    with the model and with peers."""
    undo = aliased(ReviewDecisionRow)
    undone = select(undo.undoes_id).where(undo.undoes_id.is_not(None))
    query = select(ReviewDecisionRow).where(ReviewDecisionRow.action != Action.UNDO.value)
    if reviewer is not None:
        query = query.where(ReviewDecisionRow.reviewer == reviewer)
    undone_ids = set(session.scalars(undone))
    tops = decision_tops(session)
    peers = _peer_pairs(session)
    rows_by_reviewer: dict[str, list[ReviewDecisionRow]] = defaultdict(list)
    for row in session.scalars(query.order_by(ReviewDecisionRow.id)):
        rows_by_reviewer[row.reviewer].append(row)
    stats = []
    for name, rows in sorted(rows_by_reviewer.items()):
        standing = [row for row in rows if row.id not in undone_ids]
        decisive = [row for row in standing if row.action in DECISIVE_ACTIONS]
        times = [as_utc(row.created_at) for row in rows]
        span_hours = max((max(times) - min(times)).total_seconds() / 3600, MIN_SPAN_HOURS)
        judged = [row for row in decisive if tops.get(row.id)]
        kept = sum(tops[row.id] in row.codes for row in judged)
        agree, pairs = peers.get(name, (0, 0))
        stats.append(
            ReviewerStats(
                reviewer=name,
                decisions=len(decisive),
                by_action=dict(Counter(row.action for row in standing)),
                undone=len(rows) - len(standing),
                first_at=min(times),
                last_at=max(times),
                per_hour=round(len(decisive) / span_hours, 3),
                model_agreement=kept / len(judged) if judged else None,
                peer_agreement=agree / pairs if pairs else None,
                peer_pairs=pairs,
            )
        )
    return stats


def _peer_pairs(session: Session) -> dict[str, tuple[int, int]]:
    """reviewer -> (agreeing pairs, pairs) over items decided by several reviewers."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for tasks in reviewer_values(session).values():
        for ratings in tasks.values():
            for name, value in ratings.items():
                for other, other_value in ratings.items():
                    if other != name:
                        totals[name][0] += value == other_value
                        totals[name][1] += 1
    return {name: (agree, pairs) for name, (agree, pairs) in totals.items()}


def queue_stats(session: Session) -> dict[str, dict[str, int]]:
    """Number of tasks per taxonomy and status (open, adjudication, closed)."""
    query = select(ReviewTaskRow.taxonomy, ReviewTaskRow.status, func.count()).group_by(
        ReviewTaskRow.taxonomy, ReviewTaskRow.status
    )
    stats: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TaskStatus, 0))
    for taxonomy, status, count in session.execute(query):
        stats[taxonomy][status] = int(count)
    return {taxonomy: {str(k): v for k, v in counts.items()} for taxonomy, counts in stats.items()}


def model_precision(session: Session) -> dict[str, Precision]:
    """Per taxonomy (and language): share of settled tasks whose final codes include the
    model's first suggestion, over settled tasks that had a suggestion."""
    tops = decision_tops(session)
    query = (
        active_decisions()
        .add_columns(ReviewTaskRow.taxonomy, PriorityRow.language, StrategyRow.language)
        .join(ReviewTaskRow, ReviewTaskRow.id == ReviewDecisionRow.task_id)
        .join(PriorityRow, PriorityRow.id == ReviewTaskRow.priority_id)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
        .where(ReviewTaskRow.status == TaskStatus.CLOSED.value)
        .order_by(ReviewDecisionRow.id)
    )
    settling: dict[int, tuple[ReviewDecisionRow, str, str]] = {}
    first_top: dict[int, str | None] = {}
    for decision, taxonomy, priority_language, strategy_language in session.execute(query):
        # the last decision settled the task; the first saw the suggestions as the model left them
        settling[decision.task_id] = (
            decision,
            taxonomy,
            priority_language or strategy_language or "unknown",
        )
        first_top.setdefault(decision.task_id, tops.get(decision.id))
    results: dict[str, Precision] = defaultdict(Precision)
    by_language: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for task_id, (decision, taxonomy, language) in settling.items():
        top = first_top[task_id]
        if not top:
            continue
        hit = int(top in decision.codes)
        results[taxonomy].reviewed += 1
        results[taxonomy].top1_accepted += hit
        by_language[taxonomy][language][0] += 1
        by_language[taxonomy][language][1] += hit
    for taxonomy, languages in by_language.items():
        results[taxonomy].by_language = {
            language: {"reviewed": n, "top1_accepted": hits, "precision": hits / n}
            for language, (n, hits) in sorted(languages.items())
        }
    return dict(results)
