"""The ``observatory`` command line: one Typer app assembled from per-area command modules.

Each module in ``COMMAND_MODULES`` exposes ``register(cli: CommandLine) -> None`` and adds its
commands to ``cli.root`` or to a named group (``cli.group("evaluate", ...)``). Modules import
heavy layers (models, pipelines, api) inside their command functions, so ``observatory --help``
stays fast and the core never imports the layers above it at import time.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from dataclasses import dataclass, field

import typer

from observatory.errors import ObservatoryError

COMMAND_MODULES = (
    "config",
    "taxonomy",
    "regions",
    "ingest",
    "classify",
    "review",
    "extraction",
    "users",
    "export",
    "partnerships",
    "serve",
    "jobs",
)


@dataclass
class CommandLine:
    """The root Typer app plus the named sub-command groups shared between modules."""

    root: typer.Typer
    groups: dict[str, typer.Typer] = field(default_factory=dict)

    def group(self, name: str, help: str) -> typer.Typer:
        """Return the sub-command group ``name``, creating it on first use."""
        if name not in self.groups:
            sub = typer.Typer(help=help, no_args_is_help=True, add_completion=False)
            self.root.add_typer(sub, name=name)
            self.groups[name] = sub
        return self.groups[name]


def build_cli() -> typer.Typer:
    """Assemble the full command line from the command modules."""
    root = typer.Typer(
        help="S3 Observatory: extract, classify, review and search smart specialisation "
        "priorities.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @root.callback()
    def _root() -> None:
        """S3 Observatory command line."""

    cli = CommandLine(root=root)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(cli)
    return root


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; user errors print one line and exit non-zero."""
    # the shipped models must never trigger a download; an explicit HF_HUB_OFFLINE=0 still wins
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = build_cli()
    try:
        # standalone mode lets Typer report usage errors itself (exit code 2)
        app(args=argv, prog_name="observatory")
    except ObservatoryError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(1 if exc.status < 500 else 2)
