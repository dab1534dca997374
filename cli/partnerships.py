"""``observatory partnerships``: import thematic partnerships from CSV, list them."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import CommandLine, opened_store, print_json


def import_file(
    path: Path = typer.Argument(
        ...,
        help="CSV: name, thematic_platform, lead_regions, "
        "member_regions, interested_regions, description (';'-separated NUTS codes).",
    ),
) -> None:
    """Validate every row, then create or update the partnerships (by name)."""
    from observatory.partnerships import import_partnerships

    with opened_store() as store:
        summary = import_partnerships(store, path, actor="cli")
    typer.echo(
        f"imported {path}: {summary.created} created, {summary.updated} updated, "
        f"{summary.regions} region roles"
    )


def list_all(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List partnerships with their regions."""
    from observatory.partnerships import list_partnerships

    with opened_store() as store, store.transaction() as session:
        rows = [
            {
                "id": row.id,
                "name": row.name,
                "thematic_platform": row.thematic_platform,
                "regions": {r.nuts_code: r.role for r in row.regions},
            }
            for row in list_partnerships(session)
        ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']:>4}  {row['name']}  ({len(row['regions'])} regions)")


def register(cli: CommandLine) -> None:
    """Add the ``partnerships`` group."""
    group = cli.group("partnerships", "Thematic Smart Specialisation Partnerships.")
    group.command("import")(import_file)
    group.command("list")(list_all)
