"""A change counter of the searchable content, kept by the database on every write.

A running server asks every ``OBSERVATORY_STORE_POLL_SECONDS`` whether priorities or strategies
changed (``observatory.search.catalog.store_stamp``). It used to count every priority for that:
~12 ms at 100,000 priorities on SQLite (and more at 10^6), paid by one request per poll interval
and by the first search after each review decision (``benchmarks/bench_api.py``). Triggers now
add one to ``store_changes.content`` on any insert, update or delete of a priority or a
strategy, whoever writes (the API, the CLI, another worker or host, a bulk import), so the stamp
reads one row. The counter is transactional: a reader sees it move with the committed rows.

On PostgreSQL the triggers run once per statement, so a bulk insert costs one update.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED_TABLES = ("priorities", "strategies")
VERBS = ("INSERT", "UPDATE", "DELETE")

SQLITE_TRIGGER = """
CREATE TRIGGER {table}_count_{name} AFTER {verb} ON {table}
BEGIN UPDATE store_changes SET content = content + 1 WHERE id = 1; END
"""

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION observatory_count_change() RETURNS trigger AS $$
BEGIN UPDATE store_changes SET content = content + 1 WHERE id = 1; RETURN NULL; END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "store_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content", sa.BigInteger(), nullable=False, server_default="0"),
        sa.CheckConstraint("id = 1", name="ck_store_changes_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO store_changes (id, content) VALUES (1, 0)")
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(POSTGRES_FUNCTION)
    for table in COUNTED_TABLES:
        if dialect == "sqlite":
            for verb in VERBS:
                op.execute(SQLITE_TRIGGER.format(table=table, verb=verb, name=verb.lower()))
        elif dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_count_changes "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION observatory_count_change()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in COUNTED_TABLES:
        if dialect == "sqlite":
            for verb in VERBS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_count_{verb.lower()}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_count_changes ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS observatory_count_change()")
    op.drop_table("store_changes")
