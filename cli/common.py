"""Helpers shared by the command modules: the app being assembled, settings, JSON output."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import typer

from observatory.settings import Settings, load_settings


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


def settings() -> Settings:
    """Load settings for one command, configuring logging from them."""
    current = load_settings()
    logging.getLogger().setLevel(current.log_level)
    return current


def print_json(payload: Any) -> None:
    """Print machine-readable output: indented UTF-8 JSON."""
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
