"""CLI commands: extract, ingest, import-priorities, evaluate extraction.

Pipelines are imported inside the command functions so that ``observatory --help`` stays fast
and the core never imports the layers above it at import time.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import CommandLine, opened_store, print_json, settings
from observatory.errors import InvalidInput

MaxMb = Annotated[
    int | None,
    typer.Option("--max-mb", min=1, help="Refuse PDFs larger than this (OBSERVATORY_MAX_PDF_MB)."),
]


def register(cli: CommandLine) -> None:
    """Add this module's commands to the CLI."""
    cli.root.command("extract")(extract_command)
    cli.root.command("ingest")(ingest_command)
    cli.root.command("import-priorities")(import_priorities_command)
    evaluate = cli.group("evaluate", "Evaluate extraction and classification against ground truth.")
    evaluate.command("extraction")(evaluate_extraction_command)


def extract_command(
    path: Annotated[Path, typer.Argument(help="A strategy PDF.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    max_mb: MaxMb = None,
) -> None:
    """Extract strategy metadata and selected priorities from a PDF; nothing is written."""
    from pipelines.ingest.extract import extract

    settings()
    extraction = extract(path, max_bytes=(max_mb or settings().max_pdf_mb) * 1_048_576)
    if as_json:
        print_json(extraction.to_json())
        return
    meta = extraction.strategy
    typer.echo(
        f"{extraction.path} ({extraction.page_count} pages, sha256 {extraction.sha256[:12]})"
    )
    typer.echo(f"  title:    {meta.title}")
    typer.echo(f"  region:   {meta.region} ({meta.nuts_code}, {meta.country})")
    typer.echo(f"  language: {meta.language}   period: {meta.period}")
    typer.echo(f"  priorities ({len(extraction.priorities)}):")
    for item in extraction.priorities:
        indent = "      - " if item.parent else "    * "
        pages = ",".join(str(p) for p in item.pages)
        typer.echo(f"{indent}{item.title}  [p. {pages}; confidence {item.confidence:.2f}]")
    for warning in extraction.warnings:
        typer.echo(f"  warning: {warning}")


def outcome_status(outcome: Any) -> str:
    """The status cell of one file in the ingest summary."""
    if outcome.status == "failed":
        return f"failed: {outcome.reason}"
    if outcome.status == "unchanged":
        return "unchanged (already stored)"
    return outcome.status


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="PDF files or folders of PDFs.")],
    region: Annotated[str | None, typer.Option(help="Override the detected region.")] = None,
    nuts_code: Annotated[str | None, typer.Option(help="Override the detected NUTS code.")] = None,
    country: Annotated[str | None, typer.Option(help="Override the detected country.")] = None,
    period: Annotated[str | None, typer.Option(help="Override the detected period.")] = None,
    language: Annotated[str | None, typer.Option(help="Override the detected language.")] = None,
    max_mb: MaxMb = None,
    reextract: Annotated[
        bool,
        typer.Option(
            "--reextract",
            help="Read files already stored again (after the extractor improved): an "
            "unreviewed extraction is replaced, a reviewed list is kept.",
        ),
    ] = False,
) -> None:
    """Extract and store strategies (idempotent by content; changed files become new versions).

    Each PDF is kept in the data dir; an extraction less confident than
    OBSERVATORY_EXTRACTION_REVIEW_BELOW waits in the extraction review queue.
    """
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from observatory.store import open_store
    from pipelines.ingest.job import collect_pdfs, ingest_file
    from pipelines.ingest.territory import check_overrides, region_registry

    current = settings()
    overrides = {
        "region": region,
        "nuts_code": nuts_code,
        "country": country.upper() if country else None,
        "period": period,
        "language": language,
    }
    overrides = check_overrides(overrides, region_registry())  # one line, before any file
    files = collect_pdfs(paths)
    if not files:
        raise InvalidInput("no PDF files found in the given paths")
    store = open_store(current)
    console = Console(stderr=True)
    outcomes = []
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("ingesting", total=len(files))
            for path in files:
                progress.update(task, description=path.name[:40])
                outcome = ingest_file(
                    store,
                    path,
                    overrides=overrides,
                    max_bytes=(max_mb or settings().max_pdf_mb) * 1_048_576,
                    settings=current,
                    reextract=reextract,
                )
                if outcome.status == "failed":
                    console.print(f"error: {outcome.path}: {outcome.reason}", markup=False)
                outcomes.append(outcome)
                progress.advance(task)
    finally:
        store.close()
    table = Table(title="ingest summary")
    for column in ("file", "status", "strategy", "version", "priorities"):
        table.add_column(column)
    for o in outcomes:
        table.add_row(
            Path(o.path).name,
            outcome_status(o),
            str(o.strategy_id or ""),
            str(o.version or ""),
            "" if o.status == "unchanged" else str(o.priorities),  # not read again: not counted
        )
    Console().print(table)
    unchanged = sum(1 for o in outcomes if o.status == "unchanged")
    if unchanged:
        typer.echo(
            f"{unchanged} of {len(outcomes)} file(s) unchanged: the same bytes are already "
            "stored, so nothing was read or written (--reextract reads them again)"
        )
    failed = sum(1 for o in outcomes if o.status == "failed")
    if failed:
        typer.echo(f"{failed} of {len(outcomes)} file(s) failed", err=True)
        sys.exit(1)


def import_priorities_command(
    path: Annotated[Path, typer.Argument(help="A .csv or .xlsx table of priorities.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows even if some are bad.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import priorities typed by analysts or sent by regions (validated row by row)."""
    from dataclasses import asdict

    from pipelines.ingest.manual_import import import_priorities

    with opened_store() as store:
        try:
            report = import_priorities(store, path, skip_invalid=skip_invalid)
        except InvalidInput as exc:
            for error in exc.errors:
                typer.echo(f"error: {error}", err=True)
            raise
    if as_json:
        print_json(asdict(report))
    else:
        for error in report.errors:
            typer.echo(f"skipped: {error}", err=True)
        typer.echo(
            f"{report.imported_rows} of {report.rows} rows imported: "
            f"{report.strategies_created} strategies created, "
            f"{report.strategies_unchanged} unchanged, {report.priorities} priorities"
        )


def evaluate_extraction_command(
    folder: Annotated[Path, typer.Argument(help="Folder holding the strategy PDFs.")],
    expected: Annotated[Path, typer.Option("--expected", help="Ground-truth JSON file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Score extraction against ground truth: recall, precision and ranks per document."""
    from pipelines.ingest.evaluate import evaluate_extraction

    settings()
    result = evaluate_extraction(folder, expected)
    if as_json:
        print_json(result)
        return
    for doc in result["documents"]:
        typer.echo(
            f"{doc['document']}: recall {doc['recall']:.2f} ({doc['found']}/{doc['expected']}), "
            f"precision {doc['precision']:.2f}, sub-priorities {doc['sub_found']}/"
            f"{doc['sub_expected']}" + (f"  ERROR {doc['error']}" if doc["error"] else "")
        )
        for title, rank in doc["ranks"].items():
            typer.echo(f"    {'rank ' + str(rank) if rank else 'missed':>8}  {title}")
        for title in doc["false_positive_titles"]:
            typer.echo(f"    {'false +':>8}  {title}")
    overall = result["overall"]
    typer.echo(
        f"overall: recall {overall['recall']}, precision {overall['precision']}, "
        f"sub-priority recall {overall['sub_recall']} over {overall['documents']} documents"
    )
