"""Initial schema: strategies, priorities, taxonomies, labels, reviews, audit, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity_type", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("thematic_platform", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "strategies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=300), nullable=True),
        sa.Column("nuts_code", sa.String(length=10), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("period", sa.String(length=20), nullable=True),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strategies_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_strategies_is_current"), ["is_current"], unique=False)
        batch_op.create_index(batch_op.f("ix_strategies_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_strategies_nuts_code"), ["nuts_code"], unique=False)

    op.create_table(
        "taxonomy_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taxonomy", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("parent", sa.String(length=40), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("taxonomy", "version", "code"),
    )
    op.create_table(
        "taxonomy_correspondence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taxonomy", sa.String(length=20), nullable=False),
        sa.Column("from_version", sa.String(length=10), nullable=False),
        sa.Column("from_code", sa.String(length=40), nullable=False),
        sa.Column("to_version", sa.String(length=10), nullable=False),
        sa.Column("to_code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("taxonomy", "from_version", "from_code", "to_version", "to_code"),
    )
    op.create_table(
        "taxonomy_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taxonomy", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("code_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("api_key_hash", sa.String(length=128), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("api_key_hash"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "partnership_regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("nuts_code", sa.String(length=10), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "nuts_code"),
    )
    with op.batch_alter_table("partnership_regions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partnership_regions_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "priorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["priorities.id"],
        ),
        sa.ForeignKeyConstraint(
            ["strategy_id"],
            ["strategies.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priorities_strategy_id"), ["strategy_id"], unique=False
        )

    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("taxonomy", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=True),
        sa.Column("model_version", sa.String(length=100), nullable=True),
        sa.Column("taxonomy_version", sa.String(length=10), nullable=True),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("rationale", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["priorities.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_labels_code"), ["code"], unique=False)
        batch_op.create_index(
            "ix_labels_current", ["priority_id", "taxonomy", "is_current"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_labels_priority_id"), ["priority_id"], unique=False)

    op.create_table(
        "review_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("taxonomy", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("doubt", sa.Float(), nullable=False),
        sa.Column("required_reviews", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["priorities.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_tasks_priority_id"), ["priority_id"], unique=False
        )
        batch_op.create_index(
            "ix_review_tasks_queue", ["status", "taxonomy", "doubt"], unique=False
        )

    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["review_tasks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["undoes_id"],
            ["review_decisions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_decisions_reviewer"), ["reviewer"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_decisions_task_id"), ["task_id"], unique=False)

    _make_append_only("audit_log")
    _make_append_only("review_decisions")


APPEND_ONLY_SQLITE = """
CREATE TRIGGER {table}_no_{verb} BEFORE {verb} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
"""

APPEND_ONLY_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION observatory_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END;
$$ LANGUAGE plpgsql
"""


def _make_append_only(table: str) -> None:
    """Refuse UPDATE and DELETE at the database level: history is never rewritten."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(APPEND_ONLY_SQLITE.format(table=table, verb=verb))
    elif dialect == "postgresql":
        op.execute(APPEND_ONLY_POSTGRES_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION observatory_append_only()"
        )


def downgrade() -> None:
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_decisions_task_id"))
        batch_op.drop_index(batch_op.f("ix_review_decisions_reviewer"))

    op.drop_table("review_decisions")
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_review_tasks_queue")
        batch_op.drop_index(batch_op.f("ix_review_tasks_priority_id"))

    op.drop_table("review_tasks")
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_labels_priority_id"))
        batch_op.drop_index("ix_labels_current")
        batch_op.drop_index(batch_op.f("ix_labels_code"))

    op.drop_table("labels")
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priorities_strategy_id"))

    op.drop_table("priorities")
    with op.batch_alter_table("partnership_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnership_regions_partnership_id"))

    op.drop_table("partnership_regions")
    op.drop_table("users")
    op.drop_table("taxonomy_imports")
    op.drop_table("taxonomy_correspondence")
    op.drop_table("taxonomy_codes")
    with op.batch_alter_table("strategies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strategies_nuts_code"))
        batch_op.drop_index(batch_op.f("ix_strategies_key"))
        batch_op.drop_index(batch_op.f("ix_strategies_is_current"))
        batch_op.drop_index(batch_op.f("ix_strategies_country"))

    op.drop_table("strategies")
    op.drop_table("partnerships")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entity")

    op.drop_table("audit_log")
