"""Each priority keeps the source its importer gave (the sample says it is illustrative), and a
strategy's period may carry a revision note ("2021-2027 (revised 2023)").

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.Text(), nullable=True))
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.alter_column(
            "period", existing_type=sa.String(length=20), type_=sa.String(length=60)
        )


def downgrade() -> None:
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.alter_column(
            "period", existing_type=sa.String(length=60), type_=sa.String(length=20)
        )
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.drop_column("source")
