"""observation page order index: ix_observation_series covers the whole page order

Revision ID: 6b3f1d2c9e47
Revises: 7d3c2b9e4f10
Create Date: 2026-12-01 14:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "6b3f1d2c9e47"
down_revision: str | Sequence[str] | None = "7d3c2b9e4f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAGE_ORDER = ["indicator_id", "area_id", "period_start", "period", "dimension_key"]


def upgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_series")
        batch_op.create_index("ix_observation_series", PAGE_ORDER, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_series")
        batch_op.create_index("ix_observation_series", PAGE_ORDER[:3], unique=False)
