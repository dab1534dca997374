"""CLI commands: ``observatory regions resolve|show|search`` over the NUTS registry."""

from __future__ import annotations

from typing import Any

import typer

from cli.common import CommandLine, print_json

_VERSION_HELP = "NUTS version: 2024 or 2021."
# `regions search` lists close names only: at least this similarity (0-100), and within
# SEARCH_MARGIN of the best one ("moravia" scores 90 for Střední Morava but 67 for Ávila, whose
# letters merely overlap: rapidfuzz's ratio of two short names)
SEARCH_MIN_SCORE = 75.0
SEARCH_MARGIN = 15.0
NEAREST_WHEN_NONE = 3
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
    scored = registry.candidates(text, limit=max(limit, 50), country=country)
    found = close_matches(scored)[:limit]
    if as_json:
        rows = [{**region.to_dict(), "score": round(score, 1)} for region, score in found]
        print_json({"data": rows, "count": len(rows)})
        return
    if not found:
        nearest = "; ".join(
            f"{region.code} {region.name} ({score:.0f})"
            for region, score in scored[:NEAREST_WHEN_NONE]
        )
        suffix = f"; nearest: {nearest}" if nearest else ""
        typer.echo(f"no region name is close to {text!r}{suffix}")
    for region, score in found:
        typer.echo(f"{score:5.1f}  {region}")


def close_matches(scored: list[tuple[Any, float]]) -> list[tuple[Any, float]]:
    """The candidates close enough to show: see SEARCH_MIN_SCORE and SEARCH_MARGIN."""
    if not scored:
        return []
    floor = max(SEARCH_MIN_SCORE, scored[0][1] - SEARCH_MARGIN)
    return [(region, score) for region, score in scored if score >= floor]


def register(cli: CommandLine) -> None:
    """Add the ``regions`` group and its commands to the CLI."""
    group = cli.group("regions", "Look up NUTS regions: resolve names, show codes, search.")
    group.command("resolve")(resolve)
    group.command("show")(show)
    group.command("search")(search)
