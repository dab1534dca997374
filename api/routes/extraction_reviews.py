"""``/api/extraction-reviews``: the queue of extractions waiting for a person, one strategy's
candidate lists, asking for a review, and deciding the list (reviewer key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.auth import AnalystUser, ReadAccess, ReviewerUser
from api.deps import SessionDep, StoreDep
from api.limits import path_id
from api.openapi import errors
from api.schemas import ExtractionDecisionCreate, ExtractionRequestCreate, Page
from observatory.extraction import (
    ReviewedItem,
    decide,
    list_queue,
    queue_count,
    request_review,
)
from observatory.extraction.view import extraction_view

router = APIRouter(prefix="/api/extraction-reviews", tags=["extraction review"])

StrategyId = path_id("strategy")


def reviewed_items(body: ExtractionDecisionCreate) -> list[ReviewedItem]:
    """The request's items as the core's ``ReviewedItem``."""
    return [
        ReviewedItem(
            title=item.title,
            description=item.description,
            pages=tuple(item.pages),
            parent=item.parent,
            priority_id=item.priority_id,
            merged_ids=tuple(item.merged_ids),
        )
        for item in body.items
    ]


@router.get("", summary="Strategies waiting for an extraction review")
def queue(
    session: SessionDep,
    _reader: ReadAccess,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[dict[str, Any]]:
    """Pending extractions, least confident first; ``count`` is the whole queue."""
    entries = [entry.to_dict() for entry in list_queue(session, limit=limit, offset=offset)]
    return Page[dict[str, Any]](data=entries, count=queue_count(session))


@router.get(
    "/{strategy_id}",
    summary="One strategy's extraction and its candidate lists",
    responses=errors(404, e404="No such strategy."),
)
def show(strategy_id: StrategyId, session: SessionDep, _reader: ReadAccess) -> dict[str, Any]:
    """Status, confidence, stored priorities, candidate lists (with page images) and history."""
    return extraction_view(session, strategy_id).to_dict()


@router.post(
    "/{strategy_id}/request",
    summary="Ask for an extraction review",
    responses=errors(404, e404="No such strategy."),
)
def ask(
    strategy_id: StrategyId,
    store: StoreDep,
    user: AnalystUser,
    body: ExtractionRequestCreate | None = None,
) -> dict[str, Any]:
    """Put a strategy in the extraction review queue (its priorities become unreviewed)."""
    with store.transaction(write=True) as session:
        status = request_review(session, strategy_id, user.name, body.comment if body else None)
    return {"strategy_id": strategy_id, "extraction_status": status.value}


@router.post(
    "/{strategy_id}/decision",
    summary="Decide a strategy's priority list",
    responses=errors(404, e404="No such strategy."),
)
def decision(
    strategy_id: StrategyId, body: ExtractionDecisionCreate, store: StoreDep, user: ReviewerUser
) -> dict[str, Any]:
    """Store the reviewer's list as the strategy's next, reviewed version (audited)."""
    with store.transaction(write=True) as session:
        outcome = decide(
            session,
            strategy_id,
            reviewed_items(body),
            actor=user.name,
            chosen_position=body.chosen_list,
            comment=body.comment,
        )
    return outcome.to_dict()
