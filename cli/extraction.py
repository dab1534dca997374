"""``observatory extraction``: the extraction review queue from a terminal.

``list`` shows the strategies waiting, ``show`` one strategy's candidate lists and stored
priorities, ``request`` sends any strategy to the queue, and ``decide`` stores the reviewed list:
start from a candidate list (``--list N``) or the stored priorities, then ``--rename``,
``--remove``, ``--merge`` and ``--add`` (or give the whole list as JSON with ``--items``). The
reviewer is whoever owns ``--api-key`` (or ``OBSERVATORY_API_KEY``), as for ``review``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import CommandLine, opened_store, print_json
from observatory.errors import InvalidInput

API_KEY = typer.Option(
    None, "--api-key", envvar="OBSERVATORY_API_KEY", help="Your API key (users add prints it)."
)
AS_JSON = typer.Option(False, "--json", help="Print JSON.")


def register(cli: CommandLine) -> None:
    """Add the ``extraction`` group."""
    group = cli.group("extraction", "Review extracted priority lists (the extraction review).")
    group.command("list")(list_command)
    group.command("show")(show_command)
    group.command("request")(request_command)
    group.command("decide")(decide_command)


def _identity(store: Any, api_key: str | None, *, decide: bool = False) -> Any:
    from observatory.domain import Role
    from observatory.users import Actor, authenticate, require_role

    with store.transaction() as session:
        actor = Actor.of(authenticate(session, api_key))
    if decide:
        require_role(actor, Role.REVIEWER, Role.ADJUDICATOR, Role.ADMIN)
    return actor


def list_command(as_json: bool = AS_JSON) -> None:
    """Strategies waiting for an extraction review, least confident first."""
    from observatory.extraction import list_queue

    with opened_store() as store, store.transaction() as session:
        entries = list_queue(session, limit=500)
    if as_json:
        print_json([entry.to_dict() for entry in entries])
        return
    if not entries:
        typer.echo("nothing waits for an extraction review")
    for e in entries:
        confidence = "?" if e.confidence is None else f"{e.confidence:.2f}"
        where = e.nuts_code or e.country or ""
        typer.echo(
            f"#{e.strategy_id} {e.title} ({where}) confidence {confidence}, {e.priorities} "
            f"priorities, {e.candidate_lists} candidate lists [{e.reason}]"
        )


def show_command(
    strategy_id: Annotated[int, typer.Argument(help="The strategy id.")],
    as_json: bool = AS_JSON,
) -> None:
    """A strategy's stored priorities and candidate lists, with pages."""
    from observatory.extraction.view import extraction_view

    with opened_store() as store, store.transaction() as session:
        view = extraction_view(session, strategy_id)
    if as_json:
        print_json(view.to_dict())
        return
    confidence = "?" if view.confidence is None else f"{view.confidence:.2f}"
    typer.echo(f"#{view.strategy_id} {view.title} (version {view.version})")
    typer.echo(f"  extraction {view.status.value}, confidence {confidence}")
    typer.echo("  stored priorities:")
    for p in view.priorities:
        pages = ",".join(map(str, p.pages))
        typer.echo(f"    [{p.id}] {p.title}  (p. {pages})")
    for c in view.candidate_lists:
        chosen = " CHOSEN" if c.chosen else ""
        typer.echo(f"  list {c.position}: {c.kind} p. {c.page} score {c.score:.2f}{chosen}")
        typer.echo(f"    {c.heading[:100]}")
        for item in c.items:
            typer.echo(f"    - {item.title}  (p. {item.page})")


def request_command(
    strategy_id: Annotated[int, typer.Argument(help="The strategy id.")],
    comment: Annotated[str | None, typer.Option(help="Why it needs a review.")] = None,
    api_key: str | None = API_KEY,
) -> None:
    """Send a strategy to the extraction review queue."""
    from observatory.extraction import request_review

    with opened_store() as store:
        actor = _identity(store, api_key)
        with store.transaction(write=True) as session:
            request_review(session, strategy_id, actor.name, comment)
    typer.echo(f"strategy {strategy_id} waits for an extraction review")


def _pair(text: str, option: str) -> tuple[str, str]:
    if "=" not in text:
        raise InvalidInput(f"{option} takes OLD=NEW, not {text!r}")
    left, right = text.split("=", 1)
    return left.strip(), right.strip()


def _added(text: str) -> Any:
    """``TITLE`` or ``TITLE@3,4`` (with its pages)."""
    from observatory.extraction import ReviewedItem

    title, _, pages = text.partition("@")
    numbers = [p.strip() for p in pages.split(",") if p.strip()]
    if not all(p.isdigit() for p in numbers):
        raise InvalidInput(f"--add takes TITLE or TITLE@PAGE,PAGE, not {text!r}")
    return ReviewedItem(title.strip(), pages=tuple(int(p) for p in numbers))


def _items_file(path: Path) -> list[Any]:
    from observatory.extraction import ReviewedItem

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(i, dict) and "title" in i for i in data):
        raise InvalidInput(f"{path} must hold a JSON list of objects with a title")
    return [ReviewedItem.from_dict(item) for item in data]


def decide_command(
    strategy_id: Annotated[int, typer.Argument(help="The strategy id.")],
    from_list: Annotated[
        int | None, typer.Option("--list", help="Start from this candidate list (see show).")
    ] = None,
    rename: Annotated[list[str] | None, typer.Option(help="OLD=NEW (repeatable).")] = None,
    remove: Annotated[list[str] | None, typer.Option(help="A title to drop (repeatable).")] = None,
    merge: Annotated[
        list[str] | None, typer.Option(help="SOURCE=TARGET: fold SOURCE into TARGET.")
    ] = None,
    add: Annotated[
        list[str] | None, typer.Option(help="A missed priority: TITLE or TITLE@PAGES.")
    ] = None,
    items: Annotated[
        Path | None, typer.Option(help="The whole list as JSON (as the API's items).")
    ] = None,
    comment: Annotated[str | None, typer.Option(help="A comment for the audit trail.")] = None,
    api_key: str | None = API_KEY,
    as_json: bool = AS_JSON,
) -> None:
    """Store the reviewed list as the strategy's next version (audited)."""
    from observatory.extraction import decide
    from observatory.extraction.edits import apply_edits, starting_items
    from observatory.extraction.view import extraction_view

    with opened_store() as store:
        actor = _identity(store, api_key, decide=True)
        with store.transaction(write=True) as session:
            if items is not None:
                chosen = _items_file(items)
            else:
                view = extraction_view(session, strategy_id)
                chosen = apply_edits(
                    starting_items(view, from_list),
                    renames=[_pair(text, "--rename") for text in rename or ()],
                    removes=list(remove or ()),
                    merges=[_pair(text, "--merge") for text in merge or ()],
                    adds=[_added(text) for text in add or ()],
                )
            outcome = decide(
                session,
                strategy_id,
                chosen,
                actor=actor.name,
                chosen_position=from_list,
                comment=comment,
            )
    if as_json:
        print_json(outcome.to_dict())
        return
    typer.echo(
        f"strategy {strategy_id} reviewed: its new version, strategy {outcome.strategy_id}, holds "
        f"{len(outcome.priority_ids)} priorities ({len(outcome.kept)} kept with their tags, "
        f"{len(outcome.added)} added, {len(outcome.renamed)} renamed, "
        f"{len(outcome.merged)} merged, {len(outcome.removed)} removed)"
    )
