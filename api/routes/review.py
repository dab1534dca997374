"""``/api/review``: claim, decide, undo and bulk-accept review tasks; history and figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.auth import AdjudicatorUser, ReadAccess, ReviewerUser
from api.deps import SessionDep, StateDep, StoreDep
from api.limits import path_id
from api.openapi import errors
from api.schemas import BulkAcceptCreate, ClaimCreate, DecisionCreate, Page
from api.services import review_service
from observatory.review import (
    QueueFilters,
    ReviewService,
    SetDecision,
    history,
    queue_stats,
    reviewer_stats,
)

router = APIRouter(tags=["review"])

TaskId = path_id("review task")
PriorityId = path_id("priority")


def _filters(body: ClaimCreate | None) -> QueueFilters | None:
    if body is None:
        return None
    return QueueFilters(
        taxonomy=body.taxonomy,
        country=body.country,
        nuts_prefix=body.nuts_prefix,
        strategy_id=body.strategy_id,
        code=body.code,
    )


@router.post(
    "/api/review/next",
    summary="Claim the next task",
    response_model=None,
    responses={204: {"description": "The queue has no open task for you (with these filters)."}},
)
def claim_next(
    store: StoreDep, user: ReviewerUser, response: Response, body: ClaimCreate | None = None
) -> dict[str, Any] | None:
    """Claim the most doubtful open task (with a lease); 204 when the queue is empty."""
    task = ReviewService(store).claim_next(user, _filters(body))
    if task is None:
        response.status_code = 204
        return None
    return task.to_dict()


@router.post(
    "/api/review/tasks/{task_id}/decision",
    summary="Decide a claimed task",
    responses=errors(
        404,
        409,
        e404="No such review task.",
        e409="The task is settled, claimed by someone else, not claimed by you, or you "
        "decided it already.",
    ),
)
def decide(
    task_id: TaskId, body: DecisionCreate, state: StateDep, user: ReviewerUser
) -> dict[str, Any]:
    """Accept, reject, correct (with codes) or skip a task you hold; or ``set``: accept or
    reject each member of its code set (``verdicts``), ``add`` codes, or say ``none_fits``."""
    service = review_service(state)
    code_set = (
        SetDecision(body.verdicts, tuple(body.add), none_fits=body.none_fits)
        if body.action == "set"
        else None
    )
    result = service.decide(task_id, user, body.action, body.codes, body.comment, code_set=code_set)
    return result.to_dict()


@router.post(
    "/api/review/undo",
    summary="Undo your last decision",
    responses=errors(
        404,
        409,
        e404="You have no decision to undo.",
        e409="The task changed after your decision.",
    ),
)
def undo(state: StateDep, user: ReviewerUser) -> dict[str, Any]:
    """Undo the caller's most recent decision (a new, audited decision row)."""
    return review_service(state).undo_last(user).to_dict()


@router.post("/api/review/bulk-accept", summary="Accept many suggestions at once")
def bulk_accept(body: BulkAcceptCreate, state: StateDep, user: AdjudicatorUser) -> dict[str, Any]:
    """Accept open suggestions above ``min_probability``; ``dry_run`` (default) only counts."""
    result = review_service(state).bulk_accept(
        user, _filters(body), body.min_probability, body.dry_run
    )
    return result.to_dict()


@router.get(
    "/api/priorities/{priority_id}/history",
    summary="A priority's review history",
    responses=errors(404, e404="No such priority."),
)
def priority_history(
    priority_id: PriorityId, session: SessionDep, _reader: ReadAccess
) -> Page[dict[str, Any]]:
    """Labels added and retired, decisions and audit records, oldest first."""
    entries = [entry.to_dict() for entry in history(session, priority_id)]
    return Page[dict[str, Any]](data=entries, count=len(entries))


@router.get("/api/review/stats", summary="Queue and reviewer figures")
def stats(session: SessionDep, _reader: ReadAccess) -> dict[str, Any]:
    """Open/closed tasks per taxonomy and each reviewer's throughput and agreement."""
    return {
        "queue": queue_stats(session),
        "reviewers": [item.to_dict() for item in reviewer_stats(session)],
    }
