"""At most one pending review task per (priority, taxonomy), enforced by the database.

``enqueue`` already reuses a pending task; this index makes two truly simultaneous enqueues on
PostgreSQL fail instead of creating a duplicate.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status IN ('open', 'adjudication')")


def upgrade() -> None:
    op.create_index(
        "uq_review_tasks_pending",
        "review_tasks",
        ["priority_id", "taxonomy"],
        unique=True,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("uq_review_tasks_pending", table_name="review_tasks")
