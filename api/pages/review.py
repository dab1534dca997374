"""The review screen (``/review``): keyboard-driven decisions through the review service.

The reviewer signs in with an API key once; the browser then keeps a signed session
(``api.sessions``: never the key itself) in an HttpOnly, SameSite=Strict cookie. Every action
is a plain form post carrying a CSRF token (so the screen also works without JavaScript;
``review.js`` only maps keys to those forms). Showing the screen claims nothing: a task is
claimed by an explicit post ("next", or a decision, which moves on to the next task).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.deps import StateDep
from api.limits import MAX_ID
from api.pages.names import TAXONOMY_NAMES, load_names
from api.pages.rendering import TAXONOMY_LABELS, TRUST_LABELS, HTMLRoute, render, sign_in_page
from api.services import review_service, taxonomies
from api.sessions import CSRF_FIELD, check_csrf, end_session, session_actor, start_session
from observatory.errors import InvalidInput, Unauthorized
from observatory.review.claims import describe_task
from observatory.review.code_sets import SetDecision
from observatory.review.figures import queue_stats, reviewer_stats
from observatory.review.queue import PENDING_STATUSES, check_taxonomy
from observatory.review.types import Action, ClaimedTask, QueueFilters
from observatory.store.labels import current_labels
from observatory.users import Actor, authenticate
from taxonomies import TaxonomyError

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

TOP_SUGGESTIONS = 5
ACTION_MESSAGES = {
    "accept": "Accepted.",
    "reject": "Rejected.",
    "correct": "Corrected.",
    "set": "Saved your decision on each code.",
    "skip": "Skipped; it comes back last.",
    "undo": "Your last decision was undone; the item is back.",
    "empty": "The queue has no item for you right now.",
}


def signed_in(state: StateDep, request: Request) -> Actor | None:
    """The reviewer of the browser's session, or None."""
    return session_actor(request)


CsrfField = Annotated[str, Form(alias=CSRF_FIELD, max_length=200)]


def local_path(target: str) -> str:
    """Where to go after signing in: a path on this site only (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/review"


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
        **{f"Waiting: {TAXONOMY_LABELS[name]}": waiting.get(name, 0) for name in TAXONOMY_NAMES},
    }


IN_FORCE_STATUSES = ("auto_accepted", "accepted", "corrected")  # suggestions are not in force
TAXONOMY_CHOICES = (("", "All taxonomies"), *((name, name) for name in TAXONOMY_NAMES))


def review_screen(
    request: Request,
    state: StateDep,
    actor: Actor,
    task: ClaimedTask | None,
    *,
    taxonomy: str,
    flash: str = "",
    problem: str = "",
    typed: str = "",
    set_problem: str = "",
    status_code: int = 200,
) -> Response:
    """The review screen for the task in hand (or the empty queue)."""
    names = load_names(state)
    suggestions: list[dict[str, Any]] = []
    code_set: list[dict[str, Any]] = []
    in_force: list[str] = []
    with state.store.transaction() as session:
        if task is not None:
            current = current_labels(session, task.priority_id, task.taxonomy)
            labels = {label.code: label for label in current}
            in_force = [label.code for label in current if label.status in IN_FORCE_STATUSES]
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
            for member in task.code_set:
                label = labels.get(member.code)
                code_set.append(
                    {
                        "code": member.code,
                        "title": names.code(task.taxonomy, member.code),
                        "probability": member.probability,
                        "status": TRUST_LABELS.get(member.status, member.status),
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
            "code_set": code_set,
            "set_problem": set_problem,
            "in_force": in_force,
            "options": options,
            "counters": counters,
            "figures": figures,
            "flash": flash,
            "problem": problem,
            "typed": typed,
            "taxonomy": taxonomy,
            "taxonomy_choices": TAXONOMY_CHOICES,
            "names": names,
        },
        status_code=status_code,
    )


@router.get("/review")
def review_page(request: Request, state: StateDep, taxonomy: str = "", done: str = "") -> Response:
    """Show the task the signed-in reviewer holds (claiming nothing), or the sign-in form."""
    actor = signed_in(state, request)
    if actor is None:
        expired = "s3o_session" in request.cookies
        message = "Your session has ended; sign in again." if expired else ""
        return sign_in_page(request, message, 401 if expired else 200)
    if taxonomy:
        check_taxonomy(taxonomy)
    task = review_service(state).held(actor)
    return review_screen(
        request, state, actor, task, taxonomy=taxonomy, flash=ACTION_MESSAGES.get(done, "")
    )


def correction_problem(state: StateDep, taxonomy: str, codes: list[str]) -> str:
    """Why a correction cannot be recorded ('' when every typed code exists)."""
    if not codes:
        return "Type a code to correct with, or pick one from the list."
    served = taxonomies(state).get(taxonomy)
    if served is None:
        return ""
    unknown = []
    for code in codes:
        try:
            served.normalize(code)
        except TaxonomyError:
            unknown.append(repr(code))
    if not unknown:
        return ""
    return f"{TAXONOMY_LABELS[taxonomy]} has no code {', '.join(unknown)}; pick one from the list."


@router.post("/review/sign-in")
def sign_in(
    request: Request,
    state: StateDep,
    api_key: Annotated[str, Form(max_length=200)],
    csrf: CsrfField = "",
    next_page: Annotated[str, Form(alias="next", max_length=2000)] = "/review",
) -> Response:
    """Check the key and start a signed session (the key itself is not kept)."""
    check_csrf(request, csrf, signing_in=True)
    with state.store.transaction() as session:
        try:
            user = authenticate(session, api_key)
        except Unauthorized as exc:
            return sign_in_page(request, exc.message, exc.status)
        response = RedirectResponse(local_path(next_page), status_code=303)
        start_session(request, response, user)
    return response


@router.post("/review/sign-out")
def sign_out(request: Request, csrf: CsrfField = "") -> Response:
    """End the session."""
    if "s3o_session" in request.cookies:
        check_csrf(request, csrf)
    response = RedirectResponse("/review", status_code=303)
    end_session(response)
    return response


def _require(state: StateDep, request: Request, csrf: str) -> Actor:
    actor = signed_in(state, request)
    if actor is None:
        raise Unauthorized("sign in with your API key first")
    check_csrf(request, csrf)
    return actor


def _next_url(done: str, taxonomy: str) -> str:
    query = {"done": done, "taxonomy": taxonomy}
    return "/review?" + urlencode({k: v for k, v in query.items() if v})


@router.post("/review/next")
def next_form(
    request: Request,
    state: StateDep,
    csrf: CsrfField = "",
    taxonomy: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Claim the next task (the one in hand comes back while it matches the filter)."""
    actor = _require(state, request, csrf)
    filters = QueueFilters(taxonomy=check_taxonomy(taxonomy)) if taxonomy else None
    task = review_service(state).claim_next(actor, filters)
    return RedirectResponse(_next_url("" if task else "empty", taxonomy), status_code=303)


@router.post("/review/decide")
def decide_form(
    request: Request,
    state: StateDep,
    task_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    action: Annotated[str, Form(max_length=20)],
    csrf: CsrfField = "",
    code: Annotated[str, Form(max_length=2000)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    taxonomy: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Record accept / reject / correct / skip on the task in hand, then claim the next one."""
    actor = _require(state, request, csrf)
    # everything is checked before the decision is written (nothing committed on a 400)
    filters = QueueFilters(taxonomy=check_taxonomy(taxonomy)) if taxonomy else None
    codes = [part.strip() for part in code.split(",") if part.strip()]
    service = review_service(state)
    if action == "correct":
        with state.store.transaction() as session:
            task = describe_task(session, task_id)
        problem = correction_problem(state, task.taxonomy, codes)
        if problem:  # the reviewer stays on the same item, with the message beside the box
            return review_screen(
                request, state, actor, task, taxonomy=taxonomy, problem=problem, typed=code,
                status_code=400,
            )  # fmt: skip
    service.decide(task_id, actor, action, codes or None, comment.strip() or None)
    service.claim_next(actor, filters)
    return RedirectResponse(_next_url(action, taxonomy), status_code=303)


def parse_verdicts(values: list[str]) -> dict[str, str]:
    """``code=accept`` / ``code=reject`` pairs from the set form (blank: not decided yet)."""
    verdicts: dict[str, str] = {}
    for value in values:
        code, _, verdict = value.rpartition("=")
        if code and verdict:
            verdicts[code] = verdict
    return verdicts


@router.post("/review/decide-set")
def decide_set_form(
    request: Request,
    state: StateDep,
    task_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    csrf: CsrfField = "",
    verdict: Annotated[list[str] | None, Form(max_length=50)] = None,
    add: Annotated[str, Form(max_length=2000)] = "",
    none_fits: Annotated[str, Form(max_length=5)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    taxonomy: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Record a verdict on each member of the task's code set (and codes added, or "none
    fits"), then claim the next task; a refused decision keeps the item, with the reason."""
    actor = _require(state, request, csrf)
    filters = QueueFilters(taxonomy=check_taxonomy(taxonomy)) if taxonomy else None
    added = tuple(code for code in add.replace(";", ",").replace(" ", ",").split(",") if code)
    decision = SetDecision(parse_verdicts(verdict or []), added, none_fits=bool(none_fits))
    service = review_service(state)
    try:
        service.decide(
            task_id, actor, Action.SET, comment=comment.strip() or None, code_set=decision
        )
    except InvalidInput as exc:  # the reviewer stays on the same item, with the reason
        with state.store.transaction() as session:
            task = describe_task(session, task_id)
        return review_screen(
            request, state, actor, task, taxonomy=taxonomy, set_problem=exc.message,
            status_code=400,
        )  # fmt: skip
    service.claim_next(actor, filters)
    return RedirectResponse(_next_url(Action.SET.value, taxonomy), status_code=303)


@router.post("/review/undo")
def undo_form(request: Request, state: StateDep, csrf: CsrfField = "") -> Response:
    """Undo the reviewer's last decision; its item comes back into the reviewer's hands."""
    actor = _require(state, request, csrf)
    review_service(state).undo_last(actor)
    return RedirectResponse("/review?done=undo", status_code=303)
