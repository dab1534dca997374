"""The review screen (``/review``): keyboard-driven decisions through the review service.

The reviewer signs in with an API key; it is kept in an HttpOnly, SameSite=Strict cookie
scoped to /review, and every action is a plain form post (so the screen also works without
JavaScript; ``review.js`` only maps keys to those forms).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.deps import StateDep
from api.pages.names import TAXONOMY_NAMES, load_names
from api.pages.rendering import HTMLRoute, render
from api.services import review_service
from observatory.errors import Unauthorized
from observatory.review.claims import claim_next
from observatory.review.figures import queue_stats, reviewer_stats
from observatory.review.queue import PENDING_STATUSES, check_taxonomy
from observatory.review.types import Action, QueueFilters
from observatory.store.labels import current_labels
from observatory.users import Actor, authenticate

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

COOKIE = "s3o_review_key"
COOKIE_PATH = "/review"
TOP_SUGGESTIONS = 5
ACTION_MESSAGES = {
    "accept": "Accepted.",
    "reject": "Rejected.",
    "correct": "Corrected.",
    "skip": "Skipped; it comes back last.",
    "undo": "Your last decision was undone; the item is back.",
}


def signed_in(state: StateDep, request: Request) -> Actor | None:
    """The reviewer whose key is in the cookie, or None."""
    key = request.cookies.get(COOKIE)
    if not key:
        return None
    with state.store.transaction() as session:
        try:
            return Actor.of(authenticate(session, key))
        except Unauthorized:
            return None


def rationale_lines(items: list[Any]) -> list[str]:
    """Readable lines from a label's rationale (free-form dicts from the classifier)."""
    lines = []
    for item in items[:3]:
        if isinstance(item, dict):
            text = item.get("text") or item.get("reason") or item.get("evidence")
            if text:
                lines.append(str(text))
            else:
                lines.append(", ".join(f"{k}: {v}" for k, v in item.items()))
        else:
            lines.append(str(item))
    return lines


def reviewer_figures(session: Session, reviewer: str) -> list[tuple[str, str, str]]:
    """The reviewer's own figures from the review service: ``(key, label, value)``."""
    found = reviewer_stats(session, reviewer)
    stats = found[0] if found else None
    by_action = stats.by_action if stats else {}
    figures = [
        (action.value, action.value, str(by_action.get(action.value, 0)))
        for action in Action
        if action is not Action.UNDO
    ]
    figures.append(("undone", "undone", str(stats.undone if stats else 0)))
    if stats is not None and stats.per_hour is not None:
        figures.append(("per_hour", "decisions per hour", f"{stats.per_hour:.0f}"))
    if stats is not None and stats.model_agreement is not None:
        agreement = f"{stats.model_agreement:.0%}"
        figures.append(("agreement", "kept the model's first choice", agreement))
    return figures


def queue_counters(session: Session) -> dict[str, int]:
    """Tasks waiting (open or in adjudication), in total and per taxonomy."""
    waiting = {
        taxonomy: sum(counts.get(status, 0) for status in PENDING_STATUSES)
        for taxonomy, counts in queue_stats(session).items()
    }
    return {
        "Waiting in the queue": sum(waiting.values()),
        **{f"Waiting: {name}": waiting.get(name, 0) for name in TAXONOMY_NAMES},
    }


@router.get("/review")
def review_page(request: Request, state: StateDep, taxonomy: str = "", done: str = "") -> Response:
    """Claim the next item for the signed-in reviewer, or show the sign-in form."""
    actor = signed_in(state, request)
    if actor is None:
        status = 401 if request.cookies.get(COOKIE) else 200
        message = "That API key is not valid any more; sign in again." if status == 401 else ""
        return render(
            request,
            "review_signin.html",
            {"title": "Sign in to review", "section": "review", "message": message},
            status_code=status,
        )
    filters = QueueFilters(taxonomy=check_taxonomy(taxonomy)) if taxonomy else None
    task = claim_next(state.store, actor, filters)
    names = load_names(state)
    suggestions: list[dict[str, Any]] = []
    with state.store.transaction() as session:
        if task is not None:
            labels = {
                label.code: label
                for label in current_labels(session, task.priority_id, task.taxonomy)
            }
            for suggestion in task.suggestions[:TOP_SUGGESTIONS]:
                label = labels.get(suggestion.code)
                suggestions.append(
                    {
                        "code": suggestion.code,
                        "title": names.code(task.taxonomy, suggestion.code),
                        "probability": suggestion.probability,
                        "why": rationale_lines(label.rationale if label else []),
                    }
                )
        counters = queue_counters(session)
        figures = reviewer_figures(session, actor.name)
    options = sorted(names.codes.get(task.taxonomy, {}).items()) if task else []
    return render(
        request,
        "review.html",
        {
            "title": "Review",
            "section": "review",
            "actor": actor,
            "task": task,
            "suggestions": suggestions,
            "options": options,
            "counters": counters,
            "figures": figures,
            "flash": ACTION_MESSAGES.get(done, ""),
            "taxonomy": taxonomy,
            "names": names,
        },
    )


@router.post("/review/sign-in")
def sign_in(request: Request, state: StateDep, api_key: Annotated[str, Form()]) -> Response:
    """Check the key and keep it in a cookie for the review screen."""
    with state.store.transaction() as session:
        try:
            authenticate(session, api_key)
        except Unauthorized as exc:
            return render(
                request,
                "review_signin.html",
                {"title": "Sign in to review", "section": "review", "message": exc.message},
                status_code=exc.status,
            )
    response = RedirectResponse("/review", status_code=303)
    response.set_cookie(
        COOKIE,
        api_key.strip(),
        httponly=True,
        samesite="strict",
        path=COOKIE_PATH,
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/review/sign-out")
def sign_out() -> Response:
    """Forget the key."""
    response = RedirectResponse("/review", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


def _require(state: StateDep, request: Request) -> Actor:
    actor = signed_in(state, request)
    if actor is None:
        raise Unauthorized("sign in with your API key first")
    return actor


@router.post("/review/decide")
def decide_form(
    request: Request,
    state: StateDep,
    task_id: Annotated[int, Form(ge=1)],
    action: Annotated[str, Form()],
    code: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    taxonomy: Annotated[str, Form()] = "",
) -> Response:
    """Record accept / reject / correct / skip, then move on to the next item."""
    actor = _require(state, request)
    codes = [part.strip() for part in code.split(",") if part.strip()]
    review_service(state).decide(task_id, actor, action, codes or None, comment.strip() or None)
    suffix = "&" + urlencode({"taxonomy": check_taxonomy(taxonomy)}) if taxonomy else ""
    return RedirectResponse(f"/review?done={action}{suffix}", status_code=303)


@router.post("/review/undo")
def undo_form(request: Request, state: StateDep) -> Response:
    """Undo the reviewer's last decision; its item comes back."""
    actor = _require(state, request)
    review_service(state).undo_last(actor)
    return RedirectResponse("/review?done=undo", status_code=303)
