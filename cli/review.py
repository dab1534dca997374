"""``observatory review``: work the review queue from a terminal, and its figures and exports.

The reviewer is whoever owns ``--api-key`` (or ``OBSERVATORY_API_KEY``). ``review start`` reads
single keys on a terminal and whole lines otherwise (scripts, pipes), so it can be driven from
both.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

import typer

from cli.common import CommandLine, opened_store, print_json, settings
from observatory.errors import ObservatoryError

API_KEY = typer.Option(
    None, "--api-key", envvar="OBSERVATORY_API_KEY", help="Your API key (users add prints it)."
)
KEYS_HELP = (
    "[m] decide each code of the set  [n]one fits  [a]ccept top  [r]eject  [1-5] choose a "
    "suggestion  [c]orrect (type codes)  [s]kip  [u]ndo  [q]uit"
)


def _identity(store: Any, api_key: str | None) -> Any:
    from observatory.users import Actor, authenticate

    with store.transaction() as session:
        return Actor.of(authenticate(session, api_key))


def _filters(
    taxonomy: str | None, country: str | None, region: str | None, code: str | None = None
) -> Any:
    from observatory.review import QueueFilters

    return QueueFilters(taxonomy=taxonomy, country=country, nuts_prefix=region, code=code)


@functools.cache
def _code_titles(taxonomy: str) -> dict[str, str]:
    """Titles of a served taxonomy's codes ({} when it cannot be loaded: codes alone then)."""
    from observatory.search import served_taxonomies

    try:
        served = served_taxonomies(settings()).get(taxonomy)
    except ObservatoryError:
        return {}
    return {} if served is None else {code.code: code.title for code in served}


def _show(task: Any) -> None:
    where = " ".join(part for part in (task.country, task.nuts_code) if part)
    typer.echo("")
    typer.echo(f"#{task.task_id} [{task.taxonomy}] {task.title}  ({where}; doubt {task.doubt:.2f})")
    if task.status == "adjudication":
        typer.echo("  ADJUDICATION: reviewers disagreed; your decision settles it")
    if task.description:
        typer.echo(f"  {task.description[:400]}")
    for number, suggestion in enumerate(task.suggestions[:5], start=1):
        probability = "" if suggestion.probability is None else f"{suggestion.probability:.2f}"
        title = _code_titles(task.taxonomy).get(suggestion.code, "")
        member = f"set, {suggestion.status}" if suggestion.in_set else "not in set"
        line = f"  {number}. {suggestion.code:<6} {probability:>5}  {title}  [{member}]"
        typer.echo(line.rstrip())
    typer.echo(KEYS_HELP)


class KeyReader:
    """Single keys on a terminal (click.getchar), lines when stdin is not one."""

    def __init__(self) -> None:
        self.interactive = sys.stdin.isatty()

    def key(self) -> str:
        """The next command key ('q' at end of input)."""
        if self.interactive:
            return typer.getchar().lower()
        line = sys.stdin.readline()
        return line.strip()[:1].lower() if line else "q"

    def text(self, prompt: str) -> str:
        """A line of text (codes to correct with)."""
        if self.interactive:
            return str(typer.prompt(prompt, default="", show_default=False))
        typer.echo(prompt + ": ", nl=False)
        return sys.stdin.readline().strip()


def _step(store: Any, actor: Any, task: Any, key: str, reader: KeyReader) -> Any:
    """Apply one key to the current task; returns the task to show next (None: claim anew)."""
    from observatory.review import decide, describe_task, undo_last

    codes = [s.code for s in task.suggestions]
    if key in ("m", "n"):
        result = _decide_set(store, actor, task, reader, none_fits=key == "n")
        if result is None:
            return task
    elif key == "a":
        result = decide(store, task.task_id, actor, "accept")
    elif key == "r":
        result = decide(store, task.task_id, actor, "reject")
    elif key and key in "12345":
        index = int(key) - 1
        if index >= len(codes):
            typer.echo(f"no suggestion {key}", err=True)
            return task
        action = "accept" if index == 0 else "correct"
        result = decide(store, task.task_id, actor, action, [codes[index]])
    elif key == "c":
        typed = reader.text("codes (separated by ; or spaces)").replace(";", " ").split()
        if not typed:
            return task
        result = decide(store, task.task_id, actor, "correct", typed)
    elif key == "s":
        result = decide(store, task.task_id, actor, "skip")
    elif key == "u":
        undone = undo_last(store, actor)
        typer.echo(f"undone: decision on task #{undone.task_id} ({undone.codes or 'no codes'})")
        with store.transaction() as session:
            return describe_task(session, undone.task_id)
    else:
        typer.echo(f"unknown key {key!r}", err=True)
        return task
    status = "settled" if result.settled else result.task_status
    rejected = f" (rejected {';'.join(result.rejected_codes)})" if result.rejected_codes else ""
    codes = ";".join(result.codes) or ("none fits" if result.action == "set" else "")
    typer.echo(f"{result.action} {codes}{rejected} -> {status}")
    return None


def _decide_set(store: Any, actor: Any, task: Any, reader: KeyReader, *, none_fits: bool) -> Any:
    """Ask for a verdict on each member of the set ([y]es keep / [n]o reject), then codes to
    add; returns the decision (None when the reviewer gave up with [q])."""
    from observatory.review import SetDecision, decide

    verdicts: dict[str, str] = {}
    if not none_fits:
        for member in task.code_set:
            title = _code_titles(task.taxonomy).get(member.code, "")
            typer.echo(f"  keep {member.code} {title}? [y]es / [n]o / [q] back")
            answer = reader.key()
            while answer not in ("y", "n", "q"):
                answer = reader.key()
            if answer == "q":
                return None
            verdicts[member.code] = "accept" if answer == "y" else "reject"
        added = reader.text("codes to add (separated by ; or spaces; empty: none)")
        extra = added.replace(";", " ").split()
        if not extra and all(v == "reject" for v in verdicts.values()):
            typer.echo("  no code kept: is it that none fits? [y]es / [n]o")
            if reader.key() != "y":
                return None
            none_fits = True
    else:
        extra = []
    decision = SetDecision(verdicts, tuple(extra), none_fits=none_fits)
    return decide(store, task.task_id, actor, "set", code_set=decision)


def start(
    taxonomy: str | None = typer.Option(None, "--taxonomy", help="nace, nabs or ecosystem."),
    country: str | None = typer.Option(None, "--country", help="Two-letter country code."),
    region: str | None = typer.Option(None, "--region", help="NUTS code prefix."),
    api_key: str | None = API_KEY,
) -> None:
    """Review in a loop: one key per decision (m, n, a, r, 1-5, c, s, u, q)."""
    from observatory.review import claim_next, release
    from observatory.store import open_store

    store = open_store(settings())
    reader = KeyReader()
    task = None
    try:
        actor = _identity(store, api_key)
        filters = _filters(taxonomy, country, region)
        while True:
            if task is None:
                task = claim_next(store, actor, filters)
                if task is None:
                    typer.echo("the queue is empty")
                    return
            _show(task)
            key = reader.key()
            if key == "q":
                release(store, task.task_id, actor)
                return
            try:
                task = _step(store, actor, task, key, reader)
            except ObservatoryError as exc:
                typer.echo(f"error: {exc.message}", err=True)
    finally:
        store.close()


def next_task(
    taxonomy: str | None = typer.Option(None, "--taxonomy", help="nace, nabs or ecosystem."),
    country: str | None = typer.Option(None, "--country", help="Two-letter country code."),
    region: str | None = typer.Option(None, "--region", help="NUTS code prefix."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    api_key: str | None = API_KEY,
) -> None:
    """Claim the next task and show it (decide it with review start, or the API)."""
    from observatory.review import claim_next

    with opened_store() as store:
        task = claim_next(store, _identity(store, api_key), _filters(taxonomy, country, region))
    if as_json:
        print_json(task.to_dict() if task else None)
    elif task is None:
        typer.echo("the queue is empty")
    else:
        _show(task)


def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Queue sizes, reviewers' throughput and agreement, and the model's live precision."""
    from observatory.review import agreement, model_precision, queue_stats, reviewer_stats

    with opened_store() as store, store.transaction() as session:
        payload = {
            "queue": queue_stats(session),
            "reviewers": [s.to_dict() for s in reviewer_stats(session)],
            "agreement": {k: v.to_dict() for k, v in agreement(session).items()},
            "model_precision": {k: v.to_dict() for k, v in model_precision(session).items()},
        }
    if as_json:
        print_json(payload)
        return
    for taxonomy, counts in payload["queue"].items():
        typer.echo(f"queue {taxonomy:<10} " + "  ".join(f"{k} {v}" for k, v in counts.items()))
    for row in payload["reviewers"]:
        model = row["model_agreement"]
        typer.echo(
            f"reviewer {row['reviewer']:<16} {row['decisions']} decisions, "
            f"{row['per_hour']}/h, model agreement "
            f"{'-' if model is None else f'{model:.2f}'}"
        )
    for taxonomy, item in payload["agreement"].items():
        value = "-" if item["value"] is None else f"{item['value']:.3f}"
        typer.echo(f"agreement {taxonomy:<10} {item['method']} {value} on {item['items']}")
    for taxonomy, item in payload["model_precision"].items():
        value = "-" if item["precision"] is None else f"{item['precision']:.3f}"
        typer.echo(f"precision {taxonomy:<10} {value} on {item['reviewed']} reviewed")


def export(path: Path = typer.Argument(..., help="GOLD.csv to write.")) -> None:
    """Write the reviewed labels as a gold set (id,text,language,nace,nabs,ecosystem)."""
    from observatory.review import export_gold

    with opened_store() as store, store.transaction() as session:
        count = export_gold(session, path)
    typer.echo(f"wrote {count} reviewed priorities to {path}")


def bulk(
    min_probability: float = typer.Option(
        ..., "--min-probability", min=0.0, max=1.0, help="Accept first suggestions above it."
    ),
    taxonomy: str | None = typer.Option(None, "--taxonomy", help="nace, nabs or ecosystem."),
    country: str | None = typer.Option(None, "--country", help="Two-letter country code."),
    region: str | None = typer.Option(None, "--region", help="NUTS code prefix."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    api_key: str | None = API_KEY,
) -> None:
    """Accept every open task whose first suggestion is at least this probable."""
    from observatory.review import bulk_accept

    with opened_store() as store:
        actor = _identity(store, api_key)
        filters = _filters(taxonomy, country, region)
        preview = bulk_accept(store, actor, filters, min_probability, dry_run=True)
        typer.echo(f"{preview.count} tasks have a first suggestion >= {min_probability}")
        if preview.count == 0:
            return
        if not yes and not typer.confirm("accept them all?", default=False):
            typer.echo("nothing accepted")
            raise typer.Exit(1)
        done = bulk_accept(store, actor, filters, min_probability, dry_run=False)
        typer.echo(f"accepted {done.count} tasks")


def show_history(
    priority_id: int = typer.Argument(..., help="Priority id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Everything that happened to a priority's labels: labels, decisions, audit."""
    from observatory.review import history

    with opened_store() as store, store.transaction() as session:
        entries = history(session, priority_id)
    if as_json:
        print_json({"data": [e.to_dict() for e in entries], "count": len(entries)})
        return
    for entry in entries:
        detail = entry.detail.get("code") or entry.detail.get("codes") or ""
        typer.echo(
            f"{entry.at:%Y-%m-%d %H:%M:%S} {entry.kind:<8} {entry.action:<16} "
            f"{entry.taxonomy or '':<10} {entry.actor or '':<16} {detail}"
        )


def flag_priority(
    priority_id: int = typer.Argument(..., help="Priority id."),
    taxonomy: str = typer.Option(..., "--taxonomy", help="nace, nabs or ecosystem."),
    comment: str | None = typer.Option(None, "--comment", help="Why the tags look wrong."),
    api_key: str | None = API_KEY,
) -> None:
    """Send a priority's tags (one taxonomy) back to the top of the review queue."""
    from observatory.review import flag

    with opened_store() as store:
        actor = _identity(store, api_key)
        with store.transaction(write=True) as session:
            task = flag(session, priority_id, taxonomy, actor.name, comment)
            payload = {"task_id": task.id, "status": task.status}
    typer.echo(f"flagged: task #{payload['task_id']} is {payload['status']}")


def register(cli: CommandLine) -> None:
    """Add the ``review`` group."""
    group = cli.group("review", "Review the AI tags: queue, decisions, figures, gold export.")
    group.command("start")(start)
    group.command("next")(next_task)
    group.command("stats")(stats)
    group.command("export")(export)
    group.command("bulk-accept")(bulk)
    group.command("history")(show_history)
    group.command("flag")(flag_priority)
