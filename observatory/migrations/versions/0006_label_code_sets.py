"""Several codes per priority: each label says whether it is a member of its (priority,
taxonomy) code set (``pipelines.classify.code_set``) or only a further suggestion a reviewer may
add. Labels stored before keep their meaning: reviewed and imported labels and each model's top
code are members; a lower model suggestion is one when it reaches the set threshold of its
taxonomy at the time, within the maximum set size (``benchmarks/bench_code_set.py``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# pipelines/classify/code_set.py when this migration was written: taxonomy -> (minimum
# probability of a further member, most members)
SET_RULES = {"nace": (0.08, 3), "nabs": (0.10, 2), "ecosystem": (0.08, 2)}


def upgrade() -> None:
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("in_set", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    labels = sa.table(
        "labels",
        sa.column("in_set", sa.Boolean()),
        sa.column("taxonomy", sa.String()),
        sa.column("source_kind", sa.String()),
        sa.column("rank", sa.Integer()),
        sa.column("probability", sa.Float()),
    )
    for taxonomy, (min_probability, max_size) in SET_RULES.items():
        op.execute(
            labels.update()
            .where(
                labels.c.taxonomy == taxonomy,
                labels.c.source_kind == "model",
                labels.c.rank > 1,
                sa.or_(
                    labels.c.rank > max_size,
                    labels.c.probability.is_(None),
                    labels.c.probability < min_probability,
                ),
            )
            .values(in_set=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_column("in_set")
