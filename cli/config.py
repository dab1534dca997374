"""``observatory config``: show the effective settings."""

from __future__ import annotations

import typer

from cli.common import CommandLine, print_json, settings


def show_config(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show the effective settings (environment OBSERVATORY_* over defaults)."""
    current = settings()
    values = {name: getattr(current, name) for name in type(current).model_fields}
    if as_json:
        print_json(values)
        return
    width = max(len(name) for name in values)
    for name, value in values.items():
        shown = "(unset: the built-in choice)" if value is None else value
        typer.echo(f"OBSERVATORY_{name.upper():<{width}}  {shown}")


def register(cli: CommandLine) -> None:
    """Add the ``config`` command."""
    cli.root.command("config")(show_config)
