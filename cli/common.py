"""Helpers shared by the command modules: settings, store, JSON output, progress."""

from __future__ import annotations

import json
import logging
from typing import Any

import typer

from observatory.settings import Settings, load_settings


def settings() -> Settings:
    """Load settings for one command, configuring logging from them."""
    current = load_settings()
    logging.getLogger().setLevel(current.log_level)
    return current


def print_json(payload: Any) -> None:
    """Print machine-readable output: indented UTF-8 JSON."""
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
