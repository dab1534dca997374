"""The priority page (``/priorities/{id}``): text, strategy, source passage, tags, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import SearchDep, SessionDep, StateDep
from api.limits import path_id
from api.pages.names import load_names
from api.pages.rendering import HTMLRoute, render
from api.pages.search import STATUS_LABELS
from observatory.documents import source_page_url
from observatory.domain import TAXONOMY_NAMES
from observatory.review.queue import PENDING_STATUSES
from observatory.review.types import as_utc
from observatory.search import row_status
from observatory.store.labels import label_history
from observatory.store.strategies import get_priority
from observatory.store.tables import LabelRow, ReviewDecisionRow, ReviewTaskRow

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)
PriorityId = path_id("priority")


@dataclass(frozen=True)
class Event:
    """One line of a priority's history."""

    at: datetime
    actor: str
    what: str
    taxonomy: str
    detail: str


def provenance(label: LabelRow) -> str:
    """Who produced a label: the reviewer, or the model id and version."""
    if label.reviewer:
        return f"reviewer {label.reviewer}"
    model = " ".join(part for part in (label.model_id, label.model_version) if part)
    return f"{label.source_kind} {model}".strip()


def page_range(pages: list[Any]) -> str:
    """'p. 12' or 'pp. 12-14' from the pages a priority was read from."""
    numbers = sorted({int(p) for p in pages if str(p).isdigit()})
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"p. {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"pp. {numbers[0]}–{numbers[-1]}"
    return "pp. " + ", ".join(str(n) for n in numbers)


def history(session: Session, priority_id: int) -> list[Event]:
    """Labels added and retired and review decisions, newest first."""
    events: list[Event] = []
    for label in label_history(session, priority_id):
        events.append(
            Event(
                as_utc(label.created_at),
                label.reviewer or label.model_id or label.source_kind,
                f"tag {label.status}",
                label.taxonomy,
                label.code + (f" ({label.probability:.0%})" if label.probability else ""),
            )
        )
        if label.retired_at is not None:
            events.append(
                Event(as_utc(label.retired_at), "", "tag retired", label.taxonomy, label.code)
            )
    rows = session.execute(
        select(ReviewDecisionRow, ReviewTaskRow)
        .join(ReviewTaskRow, ReviewTaskRow.id == ReviewDecisionRow.task_id)
        .where(ReviewTaskRow.priority_id == priority_id)
    )
    for decision, task in rows:
        detail = ", ".join(decision.codes)
        if decision.undoes_id:
            detail = f"undid decision {decision.undoes_id}"
        if decision.comment:
            detail = f"{detail} — {decision.comment}" if detail else decision.comment
        events.append(
            Event(
                as_utc(decision.created_at),
                decision.reviewer,
                f"review {decision.action}",
                task.taxonomy,
                detail,
            )
        )
    return sorted(events, key=lambda event: event.at, reverse=True)


@router.get("/priorities/{priority_id}")
def priority_page(
    request: Request,
    state: StateDep,
    search: SearchDep,
    session: SessionDep,
    priority_id: PriorityId,
) -> Response:
    """One priority with its strategy, source passage, tags with provenance, and history."""
    priority = get_priority(session, priority_id)
    strategy = priority.strategy
    names = load_names(state)
    labels = [label for label in priority.labels if label.is_current]
    labels.sort(key=lambda lb: (lb.taxonomy, lb.rank is None, lb.rank or 0, lb.id))
    code_sets = {
        name: [lb for lb in labels if lb.taxonomy == name and lb.in_set] for name in TAXONOMY_NAMES
    }
    pending = session.scalars(
        select(ReviewTaskRow).where(
            ReviewTaskRow.priority_id == priority_id, ReviewTaskRow.status.in_(PENDING_STATUSES)
        )
    ).all()
    catalog = search.catalog()
    row = catalog.row_of(priority_id)
    status = (
        STATUS_LABELS[row_status(catalog, row)] if row is not None else "Not in a current strategy"
    )
    parent = get_priority(session, priority.parent_id) if priority.parent_id else None
    return render(
        request,
        "priority.html",
        {
            "title": priority.title,
            "section": "search",
            "priority": priority,
            "strategy": strategy,
            "parent": parent,
            "names": names,
            "region_name": names.region_label(strategy.nuts_code, strategy.region),
            "pages": page_range(priority.pages),
            "source_url": (
                source_page_url(strategy.id, priority.pages or [])
                if strategy.extraction_status != "none"
                else None
            ),
            "labels": labels,
            "code_sets": {name: members for name, members in code_sets.items() if members},
            "provenance": provenance,
            "pending": pending,
            "status": status,
            "events": history(session, priority_id),
        },
    )
