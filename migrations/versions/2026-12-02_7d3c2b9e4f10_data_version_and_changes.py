"""data version and the outbox of committed changes

Revision ID: 7d3c2b9e4f10
Revises: 94969341f52d
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hub.db

revision: str = "7d3c2b9e4f10"
down_revision: str | Sequence[str] | None = "94969341f52d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", hub.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.create_table(
        "data_change",
        sa.Column("version", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("tables", sa.JSON(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_data_change")),
    )


def downgrade() -> None:
    op.drop_table("data_change")
    op.drop_table("data_version")
