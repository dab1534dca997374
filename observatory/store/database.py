"""The ``Store``: one pluggable database behind the observatory (SQLite file or PostgreSQL).

``Store`` is the abstract interface; ``SQLStore`` implements it with SQLAlchemy 2 for every
backend in ``STORES``. Schema changes go through the Alembic migrations in
``observatory/migrations``; ``Store.migrate()`` brings a database to the newest revision.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from observatory.errors import ConfigurationError
from observatory.settings import Settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class Store(ABC):
    """A transactional store of strategies, priorities, labels, reviews and the audit log."""

    url: str

    @abstractmethod
    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""

    @abstractmethod
    def transaction(self, *, write: bool = False) -> Any:
        """Context manager yielding a session; commits on success, rolls back on any error."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    @property
    @abstractmethod
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""


class SQLStore(Store):
    """SQLAlchemy implementation for SQLite (default) and PostgreSQL."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise ConfigurationError(f"invalid database URL {url!r}: {exc}") from None
        self._is_sqlite = parsed.get_backend_name() == "sqlite"
        if self._is_sqlite and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self._is_sqlite:
            # many threads (API workers, concurrent reviewers) share one file
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        if self._is_sqlite:
            _configure_sqlite(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # write transactions take SQLite's write lock up front, so two concurrent
        # read-then-write transactions cannot both read the same state (lost update)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent)."""
        # Alembic narrates every step (even its import) at INFO, the level at which the CLI
        # shows progress, so quieten it first
        logging.getLogger("alembic").setLevel(logging.WARNING)
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise ConfigurationError(
                f"cannot open the database {self.safe_url}: {exc.orig}"
            ) from None

    def table_names(self) -> list[str]:
        """Tables present in the database (for checks and diagnostics)."""
        return inspect(self.engine).get_table_names()

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """Yield a session in one transaction: commit on success, roll back on any error."""
        factory = self._write_sessions if write else self._sessions
        session = factory()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def close(self) -> None:
        """Dispose of the connection pool."""
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    """WAL for concurrent readers, foreign keys on, and explicit BEGIN handling.

    pysqlite's own transaction handling defers BEGIN and ignores IMMEDIATE, so we take it over
    (the recipe from SQLAlchemy's SQLite documentation).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


STORES: dict[str, type[Store]] = {"sqlite": SQLStore, "postgresql": SQLStore}


def open_store(settings: Settings, *, migrate: bool = True) -> Store:
    """Open the store named by ``settings.database_url`` and (by default) migrate it."""
    backend = make_url(settings.database_url).get_backend_name()
    if backend not in STORES:
        raise ConfigurationError(
            f"unsupported database backend {backend!r}; use one of {sorted(STORES)}"
        )
    store = STORES[backend](settings.database_url)
    if migrate:
        store.migrate()
    return store
