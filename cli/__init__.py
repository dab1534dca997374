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
from collections.abc import Sequence
from types import ModuleType

import typer

try:  # recent Typer vendors its own copy of click and raises that copy's exceptions
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older Typer runs on click itself
    from click import exceptions as click_errors

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

USAGE_EXIT = 2  # click's exit status for usage errors
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


def build_cli(argv: Sequence[str] | None = None) -> typer.Typer:
    """Assemble the command line from the command modules: all of them, or, when ``argv``
    starts with a command or group name, only the modules that add to it.

    Typer turns every registered command into a click command at each run: ~20 ms for all of
    them, ~1 ms for one module's, in every process. A command parses, helps and fails the same
    in the narrowed app as in the full one.
    """
    chosen = [m for m in COMMAND_MODULES if argv and argv[0] in command_names(m)]
    return _assemble(chosen or COMMAND_MODULES)


def command_names(module: ModuleType) -> set[str]:
    """The root-level command and group names ``module`` registers."""
    cli = CommandLine(root=typer.Typer())
    module.register(cli)
    return {info.name for info in cli.root.registered_commands if info.name} | set(cli.groups)


def _assemble(modules: Sequence[ModuleType]) -> typer.Typer:
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
    for module in modules:
        module.register(cli)
    return root


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; user errors print one line and exit non-zero."""
    # the shipped models must never trigger a download; an explicit HF_HUB_OFFLINE=0 still wins
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = sys.argv[1:] if argv is None else list(argv)
    app = build_cli(args)
    try:
        # not standalone: Typer would draw usage errors in a box; the README promises one line
        result = app(args=args, prog_name="observatory", standalone_mode=False)
    except click_errors.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
        sys.exit(USAGE_EXIT)
    except click_errors.UsageError as exc:
        typer.echo(f"error: {usage_line(exc)}", err=True)
        sys.exit(USAGE_EXIT)
    except click_errors.ClickException as exc:  # e.g. a file argument that does not exist
        typer.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except ObservatoryError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(1 if exc.status < 500 else 2)
    # like click's standalone mode: always end with an exit status
    sys.exit(result if isinstance(result, int) else 0)


def usage_line(exc: click_errors.UsageError) -> str:
    """A usage error as one line, with where to read more."""
    message = " ".join(exc.format_message().split())
    if exc.ctx is None:
        return message
    return f"{message} (see '{exc.ctx.command_path} --help')"
