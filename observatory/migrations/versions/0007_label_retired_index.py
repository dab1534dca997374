"""An index on ``labels.retired_at``: a running server asks which labels were retired since its
catalog was read (``observatory.search.catalog_cache.refresh_labels``) after every review
decision; without the index both that question and ``max(retired_at)`` scanned every label
(~0.2 s of the 0.2-0.45 s a decision cost the next search at 100,000 priorities,
``benchmarks/bench_api.py``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_labels_retired_at", "labels", ["retired_at"])


def downgrade() -> None:
    op.drop_index("ix_labels_retired_at", table_name="labels")
