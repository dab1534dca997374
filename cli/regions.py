"""CLI commands: ``observatory regions resolve|show|search`` over the NUTS registry."""

from __future__ import annotations

from typing import Any

import typer

from cli.common import CommandLine, print_json

_VERSION_HELP = "NUTS version: 2024 or 2021."
_UK_HELP = "Also load the United Kingdom's NUTS 2018 regions (absent from NUTS 2021 and 2024)."


def _registry(nuts_version: str, include_uk: bool) -> Any:
    from observatory.regions import RegionRegistry

    return RegionRegistry.load(nuts_version, include_uk=include_uk)


def _described(region: Any) -> dict[str, Any]:
    from observatory.regions import country_name

    return {**region.to_dict(), "country_name": country_name(region.country)}


def resolve(
    name: str = typer.Argument(..., help="Region name in any EU language or English."),
    country: str | None = typer.Option(None, "--country", help="Two-letter country code."),
    level: int | None = typer.Option(None, "--level", min=0, max=3, help="NUTS level 0-3."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    nuts_version: str = typer.Option("2024", "--nuts-version", help=_VERSION_HELP),
    include_uk: bool = typer.Option(False, "--include-uk", help=_UK_HELP),
) -> None:
    """Print the NUTS region a name means (fuzzy, accent- and case-insensitive)."""
    region = _registry(nuts_version, include_uk).resolve(name, country=country, level=level)
    if as_json:
        print_json(_described(region))
    else:
        typer.echo(str(region))


def show(
    code: str = typer.Argument(..., help="NUTS code, e.g. NL1 or FI199."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    nuts_version: str = typer.Option("2024", "--nuts-version", help=_VERSION_HELP),
    include_uk: bool = typer.Option(False, "--include-uk", help=_UK_HELP),
) -> None:
    """Print a region with its alternative names, enclosing regions and children."""
    registry = _registry(nuts_version, include_uk)
    region = registry.get(code)
    ancestors = registry.ancestors(region.code)
    children = registry.children(region.code)
    if as_json:
        print_json(
            {
                **_described(region),
                "ancestors": [item.to_dict() for item in ancestors],
                "children": [item.to_dict() for item in children],
            }
        )
        return
    typer.echo(str(region))
    if region.names:
        typer.echo(f"also: {'; '.join(region.names)}")
    for ancestor in ancestors:
        typer.echo(f"in:   {ancestor}")
    typer.echo(f"children ({len(children)}):")
    for child in children:
        typer.echo(f"  {child}")


def search(
    text: str = typer.Argument(..., help="Name or part of a name."),
    limit: int = typer.Option(10, "--limit", min=1, max=200, help="How many candidates."),
    country: str | None = typer.Option(None, "--country", help="Two-letter country code."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    nuts_version: str = typer.Option("2024", "--nuts-version", help=_VERSION_HELP),
    include_uk: bool = typer.Option(False, "--include-uk", help=_UK_HELP),
) -> None:
    """List the regions whose names are closest to TEXT, with scores (0-100)."""
    registry = _registry(nuts_version, include_uk)
    found = registry.candidates(text, limit=limit, country=country)
    if as_json:
        rows = [{**region.to_dict(), "score": round(score, 1)} for region, score in found]
        print_json({"data": rows, "count": len(rows)})
        return
    if not found:
        typer.echo("no candidates")
    for region, score in found:
        typer.echo(f"{score:5.1f}  {region}")


def register(cli: CommandLine) -> None:
    """Add the ``regions`` group and its commands to the CLI."""
    group = cli.group("regions", "Look up NUTS regions: resolve names, show codes, search.")
    group.command("resolve")(resolve)
    group.command("show")(show)
    group.command("search")(search)
