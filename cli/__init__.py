"""The ``observatory`` command line (an interface, beside ``api``): one Typer app assembled
from per-area command modules.

Each module in ``COMMAND_MODULES`` defines its commands as module-level functions and a short
``register(cli: CommandLine) -> None`` that adds them to ``cli.root`` or to a named group
(``cli.group("evaluate", ...)``). Modules import heavy layers (models, pipelines, api) inside
their command functions, so ``observatory --help`` stays fast.
"""

from __future__ import annotations

import logging
import os
import sys

import typer

from cli import (
    classify,
    config,
    export,
    extraction,
    ingest,
    jobs,
    partnerships,
    regions,
    review,
    serve,
    taxonomy,
    users,
)
from cli.common import CommandLine
from observatory.errors import ObservatoryError

# in the order of `observatory --help`
COMMAND_MODULES = (
    config,
    taxonomy,
    regions,
    ingest,
    classify,
    review,
    extraction,
    users,
    export,
    partnerships,
    serve,
    jobs,
)


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
    for module in COMMAND_MODULES:
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
