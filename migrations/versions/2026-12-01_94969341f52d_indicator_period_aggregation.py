"""indicator period aggregation: how an indicator's values combine over time

Revision ID: 94969341f52d
Revises: f491c89ff23a
Create Date: 2026-12-01 13:50:49.197003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "94969341f52d"
down_revision: str | Sequence[str] | None = "f491c89ff23a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator_version", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "period_aggregation",
                sa.Enum(
                    "sum",
                    "average",
                    "last",
                    "none",
                    name="period_aggregation",
                    native_enum=False,
                    create_constraint=True,
                    length=7,
                ),
                server_default="none",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_version", schema=None) as batch_op:
        # The CHECK of the enum names the column: SQLite's table copy would keep it.
        batch_op.drop_constraint("period_aggregation", type_="check")
        batch_op.drop_column("period_aggregation")
