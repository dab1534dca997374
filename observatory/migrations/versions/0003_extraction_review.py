"""Extraction review: each strategy's extraction status and confidence, the candidate lists of
each strategy version, and the append-only requests and decisions of the review.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "extraction_status", sa.String(length=20), nullable=False, server_default="none"
            )
        )
        batch_op.add_column(sa.Column("extraction_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("source_sha256", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_strategies_extraction_status"), ["extraction_status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_strategies_source_sha256"), ["source_sha256"], unique=False
        )
    # strategies read from PDFs before this revision were extracted without a review
    op.execute(
        "UPDATE strategies SET extraction_status = 'automatic', source_sha256 = sha256 "
        "WHERE source_kind = 'pdf'"
    )

    op.create_table(
        "extraction_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["strategy_id"], ["strategies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("strategy_id", "position"),
    )
    with op.batch_alter_table("extraction_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extraction_candidates_strategy_id"), ["strategy_id"], unique=False
        )

    op.create_table(
        "extraction_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("chosen_position", sa.Integer(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["strategy_id"], ["strategies.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("extraction_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extraction_reviews_strategy_id"), ["strategy_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_extraction_reviews_sha256"), ["sha256"], unique=False)
    _make_append_only("extraction_reviews")


APPEND_ONLY_SQLITE = """
CREATE TRIGGER {table}_no_{verb} BEFORE {verb} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
"""


def _make_append_only(table: str) -> None:
    """Refuse UPDATE and DELETE: decisions are history (the function comes from 0001)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(APPEND_ONLY_SQLITE.format(table=table, verb=verb))
    elif dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION observatory_append_only()"
        )


def downgrade() -> None:
    op.drop_table("extraction_reviews")
    op.drop_table("extraction_candidates")
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategies_source_sha256"))
        batch_op.drop_index(batch_op.f("ix_strategies_extraction_status"))
        batch_op.drop_column("source_sha256")
        batch_op.drop_column("extraction_confidence")
        batch_op.drop_column("extraction_status")
