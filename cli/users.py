"""``observatory users``: add users with a role (the API key is printed once), list, deactivate.

These commands act with direct access to the database, i.e. as its operator; they need no key.
"""

from __future__ import annotations

import typer

from cli.common import CommandLine, opened_store, print_json
from observatory.names import Role


def add_user(
    name: str = typer.Argument(..., help="Unique user name."),
    role: Role = typer.Option(Role.REVIEWER, "--role", help="What the user may do."),
) -> None:
    """Create a user and print its API key (shown this once; only a hash is stored)."""
    from observatory.users import create_user

    with opened_store() as store, store.transaction(write=True) as session:
        user, key = create_user(session, name, role, actor="cli")
        typer.echo(f"created {user.role} {user.name!r}; API key (shown once):", err=True)
    typer.echo(key)


def list_all(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List users with role, key prefix and state (never the keys)."""
    from dataclasses import asdict

    from observatory.users import list_users

    with opened_store() as store, store.transaction() as session:
        users = list_users(session)
    if as_json:
        print_json({"data": [asdict(u) for u in users], "count": len(users)})
        return
    for user in users:
        state = "active" if user.active else "deactivated"
        typer.echo(f"{user.name:<24} {user.role:<12} {user.key_prefix}...  {state}")


def deactivate(name: str = typer.Argument(..., help="User to switch off.")) -> None:
    """Deactivate a user: the key stops working, their decisions stay."""
    from observatory.users import deactivate_user

    with opened_store() as store, store.transaction(write=True) as session:
        deactivate_user(session, name, actor="cli")
    typer.echo(f"deactivated {name}")


def register(cli: CommandLine) -> None:
    """Add the ``users`` group."""
    group = cli.group("users", "Manage reviewers, adjudicators, admins and analysts.")
    group.command("add")(add_user)
    group.command("list")(list_all)
    group.command("deactivate")(deactivate)
