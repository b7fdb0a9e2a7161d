"""agency keys; signature columns of report versions

Revision ID: 5c1e9a7d2b40
Revises: 0f76b1e81dea
Create Date: 2026-11-22 03:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hub.db

revision: str = "5c1e9a7d2b40"
down_revision: str | Sequence[str] | None = "0f76b1e81dea"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column(
            "algorithm",
            sa.Enum(
                "ED25519",
                "ES256",
                "ES384",
                "RS256",
                "PS256",
                name="signature_algorithm",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("certificate_subject", sa.Text(), nullable=True),
        sa.Column("valid_from", hub.db.UTCDateTime(), nullable=True),
        sa.Column("valid_to", hub.db.UTCDateTime(), nullable=True),
        sa.Column("registered_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=200), nullable=False),
        sa.Column("revoked_at", hub.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_agency_key_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_key")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_agency_key_fingerprint")),
    )
    op.create_index(op.f("ix_agency_key_agency_id"), "agency_key", ["agency_id"], unique=False)
    op.add_column("report_version", sa.Column("signature", sa.Text(), nullable=True))
    op.add_column(
        "report_version", sa.Column("signature_key_id", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "report_version", sa.Column("signature_algorithm", sa.String(length=16), nullable=True)
    )
    op.add_column(
        "report_version", sa.Column("content_digest", sa.String(length=64), nullable=True)
    )
    op.add_column("report_version", sa.Column("signed_content", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_version") as batch:
        batch.drop_column("signed_content")
        batch.drop_column("content_digest")
        batch.drop_column("signature_algorithm")
        batch.drop_column("signature_key_id")
        batch.drop_column("signature")
    op.drop_index(op.f("ix_agency_key_agency_id"), table_name="agency_key")
    op.drop_table("agency_key")
