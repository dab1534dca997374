"""``observatory serve``: the API and web pages over uvicorn."""

from __future__ import annotations

import typer

from cli.common import CommandLine, settings


def serve(
    host: str | None = typer.Option(None, help="Address to bind (OBSERVATORY_HOST)."),
    port: int | None = typer.Option(None, help="Port to bind (OBSERVATORY_PORT)."),
) -> None:
    """Serve the API (docs at /docs) and the web pages."""
    import uvicorn

    from api.app import create_app

    current = settings()
    app = create_app(current)
    uvicorn.run(
        app,
        host=host or current.host,
        port=port or current.port,
        log_level=current.log_level.lower(),
    )


def register(cli: CommandLine) -> None:
    """Add the ``serve`` command."""
    cli.root.command("serve")(serve)
