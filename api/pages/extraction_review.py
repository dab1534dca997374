"""The extraction review screens: ``/review/extraction`` (the queue) and
``/review/extraction/{strategy_id}`` (candidate lists with their PDF pages, and the list to store).

The reviewer signs in as on ``/review`` (the same signed session); every form carries the
session's CSRF token. Everything is a plain form post, so
the screen works without JavaScript: "use this list" reloads the page with that candidate list
as the editable list; each row can be kept (with its title, text and pages edited), removed or
merged into another row, and empty rows add missed priorities.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from api.deps import StateDep
from api.limits import form_id, path_id
from api.pages.rendering import HTMLRoute, render, sign_in_page
from api.pages.review import CsrfField, signed_in
from api.routes.documents import page_image
from api.sessions import CSRF_FIELD, SESSION_COOKIE, check_csrf
from observatory.domain import Role
from observatory.errors import InvalidInput, Unauthorized
from observatory.extraction import ReviewedItem, decide, list_queue, queue_count, request_review
from observatory.extraction.edits import merge_into, starting_items
from observatory.extraction.view import ExtractionView, extraction_view
from observatory.users import Actor, require_role

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

StrategyId = path_id("strategy")
EXTRA_ROWS = 3  # empty rows offered for missed priorities (submit again to add more)
MAX_ROWS = 200  # as observatory.extraction.decide.MAX_ITEMS
DECIDERS = (Role.REVIEWER, Role.ADJUDICATOR, Role.ADMIN)
FLASHES = {
    "decided": "Saved. The reviewed list is now the strategy's current version; new, renamed "
    "and merged priorities get their tags at the next `observatory classify`.",
    "requested": "The strategy waits in the extraction review queue.",
}


@dataclass(frozen=True)
class EditRow:
    """One row of the editable list: where it came from and what it says."""

    origin: int | None  # the stored priority it continues
    title: str
    description: str
    pages: str
    parent: int | None  # index of the row it belongs under


def _signin(request: Request) -> Response:
    expired = SESSION_COOKIE in request.cookies
    message = "Sign in, then open the extraction review again." if expired else ""
    return sign_in_page(request, message, 401 if expired else 200)


@router.get("/review/extraction")
def queue_page(request: Request, state: StateDep, done: str = "") -> Response:
    """Strategies whose extraction waits for a person, least confident first."""
    actor = signed_in(state, request)
    if actor is None:
        return _signin(request)
    with state.store.transaction() as session:
        entries = list_queue(session, limit=MAX_ROWS)
        total = queue_count(session)
    return render(
        request,
        "extraction_queue.html",
        {
            "title": "Extraction review",
            "section": "review",
            "actor": actor,
            "entries": entries,
            "total": total,
            "flash": FLASHES.get(done, ""),
        },
    )


def edit_rows(view: ExtractionView, position: int | None) -> list[EditRow]:
    """The rows to edit: a candidate list's items (matched to stored priorities by title), or
    the stored priorities."""
    items = starting_items(view, position)
    index = {item.title.casefold(): number for number, item in enumerate(items)}
    return [
        EditRow(
            item.priority_id,
            item.title,
            item.description,
            ", ".join(map(str, item.pages)),
            index.get(item.parent.casefold()) if item.parent else None,
        )
        for item in items
    ]


@router.get("/review/extraction/{strategy_id}")
def strategy_page(
    request: Request,
    state: StateDep,
    strategy_id: StrategyId,
    use: Annotated[int | None, Query(alias="list", ge=0, le=1000)] = None,
    done: str = "",
) -> Response:
    """Candidate lists with their pages drawn, and the editable list to store."""
    actor = signed_in(state, request)
    if actor is None:
        return _signin(request)
    with state.store.transaction() as session:
        view = extraction_view(session, strategy_id)
    rows = edit_rows(view, use)
    return render(
        request,
        "extraction_review.html",
        {
            "title": f"Extraction review: {view.title}",
            "section": "review",
            "actor": actor,
            "view": view,
            "rows": rows,
            "extra_rows": EXTRA_ROWS,
            "using": use if use is not None else None,
            "flash": FLASHES.get(done, ""),
        },
    )


@router.get("/review/extraction/{strategy_id}/pages/{page}.png")
def page_png_for_reviewer(
    request: Request,
    state: StateDep,
    strategy_id: StrategyId,
    page: Annotated[int, Path(ge=1, le=100_000)],
) -> Response:
    """A page of the strategy's PDF for the signed-in reviewer (the review cookie suffices)."""
    _require(state, request)
    with state.store.transaction() as session:
        return page_image(session, state.settings, strategy_id, page)


def _require(state: StateDep, request: Request) -> Actor:
    actor = signed_in(state, request)
    if actor is None:
        raise Unauthorized("sign in with your API key first")
    return actor


@dataclass(frozen=True)
class FormRow:
    """One submitted row: ``action`` is keep, remove or merge:<row index>; ``parent`` the index
    of the row it belongs under."""

    item: ReviewedItem
    action: str
    parent: int | None


def _form_rows(form: FormData) -> list[FormRow]:
    names = ("title", "origin", "description", "pages", "action", "parent")
    columns = [form.getlist(name) for name in names]
    if len({len(values) for values in columns}) != 1 or len(columns[0]) > MAX_ROWS + EXTRA_ROWS:
        raise InvalidInput("the form's rows are incomplete; reload the page")
    rows = []
    for title, origin, description, pages, action, parent in zip(*columns, strict=True):
        text = " ".join(str(title).split())
        if not text and not str(origin):
            continue  # an unused "add a missed priority" row (they all come last)
        item = ReviewedItem(
            text,
            str(description).strip(),
            tuple(sorted(set(_pages(str(pages))))),
            priority_id=form_id(str(origin), "origin"),
        )
        rows.append(FormRow(item, str(action), int(parent) if str(parent).isdigit() else None))
    return rows


def items_from_form(form: FormData) -> list[ReviewedItem]:
    """The reviewed list from the form's rows: kept rows in order, removed ones left out,
    merged ones folded (pages, text and stored priority) into their target row; a row under a
    parent row stays under it (or under the row its parent was merged into)."""
    rows = _form_rows(form)
    home = {}  # row index -> index of the kept row that stands for it
    for number, row in enumerate(rows):
        if row.action == "keep":
            home[number] = number
        elif row.action.startswith("merge:"):
            target = row.action.removeprefix("merge:")
            index = int(target) if target.isdigit() else len(rows)
            if index >= len(rows) or rows[index].action != "keep":
                raise InvalidInput(f"row {number + 1} is merged into a row that is not kept")
            home[number] = index
        elif row.action != "remove":
            raise InvalidInput(f"row {number + 1}: unknown action {row.action!r}")
    items = {number: row.item for number, row in enumerate(rows) if row.action == "keep"}
    for number, row in enumerate(rows):
        if row.action.startswith("merge:"):
            items[home[number]] = merge_into(row.item, items[home[number]])
    titled = {}
    for number, item in items.items():
        parent = home.get(rows[number].parent) if rows[number].parent is not None else None
        titled[number] = replace(
            item, parent=items[parent].title if parent is not None and parent != number else None
        )
    return [titled[number] for number in sorted(titled)]


def _pages(text: str) -> list[int]:
    numbers = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not all(part.isdigit() for part in numbers):
        raise InvalidInput(f"pages must be numbers separated by commas, not {text!r}")
    return [int(part) for part in numbers]


@router.post("/review/extraction/{strategy_id}/decide")
async def decide_form(request: Request, state: StateDep, strategy_id: StrategyId) -> Response:
    """Store the reviewed list as the strategy's next version, then show it."""
    actor = _require(state, request)
    require_role(actor, *DECIDERS)
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD) or ""))
    items = items_from_form(form)
    chosen = str(form.get("chosen_list") or "")
    comment = str(form.get("comment") or "")
    with state.store.transaction(write=True) as session:
        outcome = decide(
            session,
            strategy_id,
            items,
            actor=actor.name,
            chosen_position=int(chosen) if chosen.isdigit() else None,
            comment=comment,
        )
    return RedirectResponse(
        f"/review/extraction/{outcome.strategy_id}?done=decided", status_code=303
    )


@router.post("/review/extraction/{strategy_id}/request")
def request_form(
    request: Request,
    state: StateDep,
    strategy_id: StrategyId,
    comment: Annotated[str, Form(max_length=2000)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Put the strategy in the extraction review queue."""
    actor = _require(state, request)
    check_csrf(request, csrf)
    with state.store.transaction(write=True) as session:
        request_review(session, strategy_id, actor.name, comment)
    return RedirectResponse(f"/review/extraction/{strategy_id}?done=requested", status_code=303)
