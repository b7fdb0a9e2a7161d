"""current revision index: the accepted revisions of an observation in pick order

ix_observation_revision_as_of (observation_id, accepted_at) made every read of a current
value sort the candidates (ORDER BY accepted_at DESC, revision DESC) and then visit the
table twice (the pick, the value). The index that replaces it holds the accepted revisions
only, in pick order, with the revision's id and value (PostgreSQL's INCLUDE).

Revision ID: 3e8a51c0d7b2
Revises: 6b3f1d2c9e47
Create Date: 2026-12-01 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3e8a51c0d7b2"
down_revision: str | Sequence[str] | None = "6b3f1d2c9e47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCEPTED = sa.text("accepted_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_revision_as_of")
        batch_op.create_index(
            "ix_observation_revision_current",
            ["observation_id", "accepted_at", "revision"],
            unique=False,
            postgresql_include=["id", "value"],
            postgresql_where=ACCEPTED,
            sqlite_where=ACCEPTED,
        )


def downgrade() -> None:
    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_revision_current")
        batch_op.create_index(
            "ix_observation_revision_as_of", ["observation_id", "accepted_at"], unique=False
        )
