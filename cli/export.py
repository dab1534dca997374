"""``observatory export``: write a filtered set of priorities (CSV, JSON or XLSX)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cli.common import CommandLine, opened_store, settings, with_filter_options


def export(
    output: Path = typer.Option(
        Path("-"), "--output", "-o", help="File to write; '-' (the default) is stdout."
    ),
    fmt: str = typer.Option("csv", "--format", help="csv, json or xlsx."),
    q: str | None = typer.Option(None, "--q", help="Search text (lexical BM25 in the CLI)."),
    filter_values: dict[str, list[str]] | None = None,
) -> None:
    """Export priorities with labels and provenance; same filters as /api/priorities."""
    from observatory.errors import InvalidInput
    from observatory.export import FORMATS, render, selected_rows
    from observatory.search import (
        CatalogCache,
        SearchRequest,
        SearchService,
        make_filters,
        served_taxonomies,
    )

    if fmt not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    current = settings()
    served = served_taxonomies(current)
    filters = make_filters(**(filter_values or {}), taxonomies=served)
    with opened_store(current) as store:
        service = SearchService(CatalogCache(store, served, check_seconds=0))
        catalog, rows = selected_rows(service, SearchRequest(q=q, filters=filters))
        content = render(catalog, rows, fmt, taxonomies=served)
    if str(output) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        typer.echo(f"wrote {len(rows)} priorities to stdout", err=True)
        return
    output.write_bytes(content)
    typer.echo(f"wrote {len(rows)} priorities to {output}", err=True)


def register(cli: CommandLine) -> None:
    """Add the ``export`` command."""
    cli.root.command("export")(with_filter_options(export))
