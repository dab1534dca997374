"""Alembic environment: runs migrations on the connection that ``Store.migrate`` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from observatory.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run online migrations on the given connection, or on ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as own_connection:
            _run(own_connection)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
