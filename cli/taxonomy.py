"""``observatory taxonomy``: list, show and import classifications."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import CommandLine, opened_store, print_json, settings
from observatory.errors import InvalidInput
from observatory.settings import Settings


def list_taxonomies(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The taxonomies, their versions, levels and code counts."""
    import taxonomies
    from observatory.taxonomy_service import load_taxonomy

    current = settings()
    rows = []
    for name in taxonomies.available():
        taxonomy = load_taxonomy(name, current)
        counts = {level: len(taxonomy.at_level(level)) for level in taxonomy.levels}
        rows.append(
            {
                "name": name,
                "title": taxonomy.title,
                "version": taxonomy.version,
                "levels": counts,
                "codes": len(taxonomy),
            }
        )
    if as_json:
        print_json({"data": rows, "count": len(rows)})
        return
    for row in rows:
        levels = ", ".join(f"{n} {level}s" for level, n in row["levels"].items())
        typer.echo(f"{row['name']:<10} {row['title']} (version {row['version']}): {levels}")


def show_taxonomy(
    name: str = typer.Argument(..., help="nace, nabs or ecosystem."),
    level: str | None = typer.Option(None, help="Only this level (section, division...)."),
    language: str = typer.Option("en", help="Title language (imported translations)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The codes of a taxonomy, optionally one level."""
    from observatory.taxonomy_service import load_taxonomy

    taxonomy = load_taxonomy(name, settings())
    if level is not None and level not in taxonomy.levels:
        raise InvalidInput(
            f"{taxonomy.name} has no level {level!r}; levels: {', '.join(taxonomy.levels)}"
        )
    codes = taxonomy.at_level(level) if level else list(taxonomy)
    if as_json:
        data = [
            {
                "code": c.code,
                "level": c.level,
                "parent": c.parent,
                "title": c.label(language),
                "description": c.description,
                **({"nace": list(c.extra["nace"])} if "nace" in c.extra else {}),
            }
            for c in codes
        ]
        print_json(
            {
                "taxonomy": taxonomy.name,
                "version": taxonomy.version,
                "data": data,
                "count": len(data),
            }
        )
        return
    for code in codes:
        indent = "  " * taxonomy.levels.index(code.level)
        typer.echo(f"{indent}{code.code:<8} {code.label(language)}")


def import_taxonomy(
    name: str = typer.Argument(..., help="Taxonomy to import into (nace)."),
    path: Path = typer.Argument(..., help="Eurostat CSV file."),
    version: str | None = typer.Option(None, help="Expected version: 2 or 2.1."),
    language: str | None = typer.Option(
        None, help="The file is a RAMON translation in this language (de, fr, ...)."
    ),
    prepare_vectors: bool = typer.Option(
        True,
        "--prepare/--no-prepare",
        help="Embed the new prototypes now, so no request waits for them.",
    ),
) -> None:
    """Import an official classification file (structure, translation or correspondence)."""
    from observatory.taxonomy_service import (
        import_correspondence,
        import_nace,
        is_correspondence_file,
    )

    if name.lower() != "nace":
        raise InvalidInput(f"importing {name!r} is not supported; only nace files are")
    current = settings()
    with opened_store(current) as store:
        if path.is_file() and is_correspondence_file(path):
            links = import_correspondence(store, path)
            typer.echo(f"imported {links} NACE Rev. 2 -> Rev. 2.1 correspondence links")
            return
        summary = import_nace(store, current, path, version=version, language=language)
    what = f"{summary.language} titles for " if summary.language else ""
    served = "now served" if summary.served else "stored for reference (Rev. 2 is served)"
    typer.echo(
        f"imported {what}{summary.codes} NACE Rev. {summary.version} codes "
        f"({summary.with_notes} with notes) from {path.name}; {served}"
    )
    if summary.served and prepare_vectors:
        _prepare_classifier(current)


def _prepare_classifier(current: Settings) -> None:
    """Embed the prototypes the import added (titles, notes, translations) into the data dir."""
    from pipelines.classify.prepare import prepare

    typer.echo("embedding the new prototypes (once; --no-prepare skips) ...")
    report = prepare(current)
    typer.echo(
        f"{report.model_id}: {report.built} of {report.batches} vector batches built "
        f"in {report.seconds:.0f} s"
    )


def register(cli: CommandLine) -> None:
    """Add the ``taxonomy`` group."""
    group = cli.group("taxonomy", "List, show and import the NACE, NABS and ecosystem taxonomies.")
    group.command("list")(list_taxonomies)
    group.command("show")(show_taxonomy)
    group.command("import")(import_taxonomy)
