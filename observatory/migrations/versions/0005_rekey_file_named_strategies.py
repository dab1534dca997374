"""Strategies ingested before 0005 were versioned by their file name ("file:<stem>"): two
regions' ``strategy.pdf`` became versions of one strategy, and the first region's priorities
dropped out of search. Give those rows the key of what they are (``strategy_key``: territory and
period, else the title), then make the newest row of each key the current one again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STRATEGIES = sa.table(
    "strategies",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("title", sa.Text),
    sa.column("region", sa.String),
    sa.column("nuts_code", sa.String),
    sa.column("country", sa.String),
    sa.column("period", sa.String),
    sa.column("source_path", sa.Text),
    sa.column("sha256", sa.String),
    sa.column("is_current", sa.Boolean),
    sa.column("superseded_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    from pydantic import ValidationError

    from observatory.domain import StrategyCreate
    from observatory.store.strategies import strategy_key

    bind = op.get_bind()
    table = _STRATEGIES
    rows = bind.execute(sa.select(table).where(table.c.key.like("file:%"))).mappings().all()
    touched: set[str] = set()
    for row in rows:
        try:
            identity = StrategyCreate(
                title=row["title"] or "untitled",
                region=row["region"],
                nuts_code=row["nuts_code"],
                country=row["country"],
                period=row["period"],
                source_path=row["source_path"],
                sha256=row["sha256"],
            )
        except ValidationError:  # a row the checks of today would refuse keeps its old key
            continue
        key = strategy_key(identity)
        bind.execute(sa.update(table).where(table.c.id == row["id"]).values(key=key))
        touched.add(key)
    for key in sorted(touched):
        ids = bind.execute(sa.select(table.c.id).where(table.c.key == key)).scalars().all()
        newest = max(ids)
        bind.execute(
            sa.update(table)
            .where(table.c.id == newest, table.c.is_current.is_(False))
            .values(is_current=True, superseded_at=None)
        )
        others = [i for i in ids if i != newest]
        if others:
            bind.execute(
                sa.update(table)
                .where(table.c.id.in_(others), table.c.is_current.is_(True))
                .values(is_current=False, superseded_at=sa.func.current_timestamp())
            )


def downgrade() -> None:
    """The old keys are not kept: going back leaves the new keys (they are only identities)."""
