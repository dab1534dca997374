"""CLI commands: classify (placeholder until its issue lands)."""

from __future__ import annotations

from observatory.cli import CommandLine


def register(cli: CommandLine) -> None:
    """Add this module's commands to the CLI."""
