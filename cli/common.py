"""Helpers shared by the command modules: the app being assembled, settings, JSON output."""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

from observatory.filter_fields import FILTER_FIELDS
from observatory.settings import Settings, load_settings

if TYPE_CHECKING:  # SQLAlchemy (~0.3 s to import) only for the commands that open the store
    from observatory.store import Store


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


@contextmanager
def opened_store(current: Settings | None = None) -> Iterator[Store]:
    """The configured store (or ``current``'s), closed when the block ends, error or not."""
    from observatory.store import open_store

    store = open_store(current or settings())
    try:
        yield store
    finally:
        store.close()


def settings() -> Settings:
    """Load settings for one command, configuring logging from them."""
    current = load_settings()
    logging.getLogger().setLevel(current.log_level)
    return current


def print_json(payload: Any) -> None:
    """Print machine-readable output: indented UTF-8 JSON."""
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def with_filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` one repeatable ``--<name>`` option per priority filter (the API's query
    parameters, ``FILTER_FIELDS``); it receives their values as ``filter_values``, ready for
    ``make_filters(**filter_values, taxonomies=...)``."""
    signature = inspect.signature(command)
    kept = [p for name, p in signature.parameters.items() if name != "filter_values"]
    options = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option([], f"--{f.name}", help=f"{f.help}; repeatable."),
            annotation=list[str],
        )
        for f in FILTER_FIELDS
    ]

    @functools.wraps(command)
    def with_filters(**values: Any) -> None:
        chosen = {f.name: values.pop(f.name) for f in FILTER_FIELDS}
        command(filter_values=chosen, **values)

    # Typer reads the options from the signature and resolves the annotations' names
    with_filters.__signature__ = signature.replace(parameters=[*kept, *options])  # type: ignore[attr-defined]
    with_filters.__annotations__ = {
        name: hint for name, hint in command.__annotations__.items() if name != "filter_values"
    }
    return with_filters
