"""``observatory classify`` (the classification job), ``observatory index`` (the priorities'
vector index) and ``observatory demo load``."""

from __future__ import annotations

from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import CommandLine, opened_store, print_json, settings
from observatory.errors import InvalidInput

if TYPE_CHECKING:
    from observatory.settings import Settings
    from observatory.store import Store

# the sample ships inside the core package (observatory/sample), not beside the CLI
SAMPLE_DIR = Path(str(files("observatory") / "sample"))


def classify(
    all_priorities: bool = typer.Option(False, "--all", help="Classify every priority."),
    strategy: int | None = typer.Option(None, "--strategy", help="Only this strategy id."),
    since: datetime | None = typer.Option(
        None, "--since", help="Only priorities stored since this date (YYYY-MM-DD)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Classify stored priorities into NACE, NABS and ecosystems; route doubt to review."""
    if not (all_priorities or strategy is not None or since is not None):
        raise InvalidInput("say what to classify: --all, --strategy ID or --since DATE")
    from pipelines.classify.factory import classifier_from_settings
    from pipelines.classify.job import classify_priorities, seed_examples

    current = settings()
    with opened_store(current) as store:
        classifier = classifier_from_settings(current)
        seed_examples(store, classifier)  # what reviewers decided teaches the model
        report = classify_priorities(
            store, classifier, current, strategy_id=strategy, since=since,
            progress=not as_json,
        )  # fmt: skip
    if as_json:
        print_json(report.to_dict())
        return
    typer.echo(
        f"classified {report.priorities} priorities with {report.model_id} "
        f"({report.model_version}): {report.labels} labels"
    )
    for name in ("nace", "nabs", "ecosystem"):
        typer.echo(
            f"  {name:<10} auto-accepted {report.auto_accepted.get(name, 0):>5}  "
            f"to review {report.queued.get(name, 0):>5}  "
            f"kept (reviewed) {report.kept_reviewed.get(name, 0):>5}"
        )


def index(
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Embed every priority again instead of only the new ones."
    ),
) -> None:
    """Sync the priorities' vector index with the store ahead of time, so the first search
    does not wait for it."""

    current = settings()
    with opened_store(current) as store:
        build_index(current, store, rebuild=rebuild)


def load_demo(
    skip_classify: bool = typer.Option(False, help="Only import, do not classify."),
) -> None:
    """Import the sample priorities and partnerships, then classify and index them."""
    from pipelines.ingest.manual_import import SAMPLE_SOURCE_KIND, import_priorities

    current = settings()
    with opened_store(current) as store:
        report = import_priorities(
            store, SAMPLE_DIR / "priorities.csv", source_kind=SAMPLE_SOURCE_KIND
        )
        typer.echo(
            f"sample: {report.imported_rows} illustrative priorities in "
            f"{report.strategies_created} new strategies ({report.strategies_unchanged} "
            "unchanged); written by the team to try the tool, not real strategies"
        )
        _import_partnerships(store)
        if not skip_classify:
            from pipelines.classify.factory import classifier_from_settings
            from pipelines.classify.job import classify_priorities, seed_examples

            classifier = classifier_from_settings(current)
            seed_examples(store, classifier)  # what reviewers decided teaches the model
            result = classify_priorities(store, classifier, current, progress=True)
            typer.echo(
                f"classified {result.priorities} priorities; auto-accepted "
                f"{sum(result.auto_accepted.values())}, queued for review "
                f"{sum(result.queued.values())}"
            )
            build_index(current, store)


def register(cli: CommandLine) -> None:
    """Add ``classify``, ``index`` and the ``demo`` group."""
    cli.root.command("classify")(classify)
    cli.root.command("index")(index)
    demo = cli.group("demo", "The built-in illustrative sample corpus.")
    demo.command("load")(load_demo)


def build_index(current: Settings, store: Store, *, rebuild: bool = False) -> None:
    """Sync (or rebuild) the vector index of the current priorities and print the counts."""
    import numpy as np

    from observatory.search import build_catalog, served_taxonomies
    from pipelines.index import priority_vectors_from_settings

    served = served_taxonomies(current)
    catalog = build_catalog(store, served)
    vectors = priority_vectors_from_settings(current, served)
    gone = int((~np.isin(vectors.ids, catalog.ids)).sum())  # priorities no longer stored
    if rebuild:
        embedded = vectors.rebuild(catalog, show_progress=True)
    else:
        embedded = vectors.sync(catalog, show_progress=True)
    typer.echo(
        f"index: {len(vectors.ids)} priorities ({embedded} embedded, {gone} removed, "
        f"{len(vectors.ids) - embedded} kept) with {vectors.embedder.model_id} "
        f"in {vectors.folder}"
    )


def _import_partnerships(store: object) -> None:
    from observatory.partnerships import import_partnerships

    summary = import_partnerships(store, SAMPLE_DIR / "partnerships.csv")
    typer.echo(partnership_line(summary))


def partnership_line(summary: object) -> str:
    """'sample partnerships: 11 new, 0 updated, 64 regions' from an import summary."""
    created, updated, regions = (
        getattr(summary, name) for name in ("created", "updated", "regions")
    )
    return f"sample partnerships: {created} new, {updated} updated, {regions} region roles"
