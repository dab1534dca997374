"""``observatory classify`` (the classification job) and ``observatory demo load``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from observatory.cli import CommandLine
from observatory.cli.common import print_json, settings
from observatory.errors import InvalidInput

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample"


def register(cli: CommandLine) -> None:
    """Add ``classify`` and the ``demo`` group."""

    @cli.root.command("classify")
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
        from observatory.store import open_store
        from pipelines.classify.job import classifier_from_settings, classify_priorities

        current = settings()
        store = open_store(current)
        try:
            classifier = classifier_from_settings(current)
            report = classify_priorities(
                store, classifier, current, strategy_id=strategy, since=since,
                progress=not as_json,
            )  # fmt: skip
        finally:
            store.close()
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

    demo = cli.group("demo", "The built-in illustrative sample corpus.")

    @demo.command("load")
    def load_demo(
        skip_classify: bool = typer.Option(False, help="Only import, do not classify."),
    ) -> None:
        """Import the sample priorities and partnerships, then classify and index them."""
        from observatory.store import open_store
        from pipelines.ingest.manual_import import import_priorities

        current = settings()
        store = open_store(current)
        try:
            report = import_priorities(store, SAMPLE_DIR / "priorities.csv")
            typer.echo(
                f"sample: {report.imported_rows} priorities in {report.strategies_created} new "
                f"strategies ({report.strategies_unchanged} unchanged)"
            )
            _import_partnerships(store)
            if not skip_classify:
                from pipelines.classify.job import classifier_from_settings, classify_priorities

                classifier = classifier_from_settings(current)
                result = classify_priorities(store, classifier, current, progress=True)
                typer.echo(
                    f"classified {result.priorities} priorities; auto-accepted "
                    f"{sum(result.auto_accepted.values())}, queued for review "
                    f"{sum(result.queued.values())}"
                )
        finally:
            store.close()


def _import_partnerships(store: object) -> None:
    from observatory.partnerships import import_partnerships

    summary = import_partnerships(store, SAMPLE_DIR / "partnerships.csv")
    typer.echo(f"sample partnerships: {summary}")
