"""reports, report versions, observations and revisions, audit events, crosswalks

Revision ID: 2a0546301682
Revises: 0fb0674075a0
Create Date: 2026-11-22 02:19:14.728330
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hub.db

revision: str = "2a0546301682"
down_revision: str | Sequence[str] | None = "0fb0674075a0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crosswalk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "indicator",
                "area",
                "unit",
                "code",
                name="crosswalk_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("codelist", sa.String(length=64), nullable=True),
        sa.Column("local_code", sa.String(length=200), nullable=False),
        sa.Column("shared_code", sa.String(length=64), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'code') = (codelist IS NOT NULL)", name=op.f("ck_crosswalk_codelist_for_codes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crosswalk")),
        sa.UniqueConstraint(
            "system",
            "kind",
            "codelist",
            "local_code",
            name=op.f("uq_crosswalk_system_kind_codelist_local_code"),
        ),
    )
    with op.batch_alter_table("crosswalk", schema=None) as batch_op:
        batch_op.create_index(
            "uq_crosswalk_without_codelist",
            ["system", "kind", "local_code"],
            unique=True,
            sqlite_where=sa.text("codelist IS NULL"),
            postgresql_where=sa.text("codelist IS NULL"),
        )

    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(
                "A",
                "S",
                "Q",
                "M",
                "W",
                "D",
                name="frequency",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("dimension_key", sa.Text(), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_observation_area_id_area")),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name=op.f("fk_observation_indicator_id_indicator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
        sa.UniqueConstraint(
            "indicator_id",
            "area_id",
            "period",
            "dimension_key",
            name=op.f("uq_observation_indicator_id_area_id_period_dimension_key"),
        ),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            "ix_observation_series", ["indicator_id", "area_id", "period_start"], unique=False
        )

    op.create_table(
        "observation_dimension",
        sa.Column("observation_id", sa.Integer(), nullable=False),
        sa.Column("codelist_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"], ["code.id"], name=op.f("fk_observation_dimension_code_id_code")
        ),
        sa.ForeignKeyConstraint(
            ["codelist_id"],
            ["codelist.id"],
            name=op.f("fk_observation_dimension_codelist_id_codelist"),
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_observation_dimension_observation_id_observation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "observation_id", "codelist_id", name=op.f("pk_observation_dimension")
        ),
    )
    with op.batch_alter_table("observation_dimension", schema=None) as batch_op:
        batch_op.create_index(
            "ix_observation_dimension_code", ["code_id", "observation_id"], unique=False
        )

    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regime_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "accepted",
                "returned",
                "resubmitted",
                name="report_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hub.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_report_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["regime_id"], ["regime.id"], name=op.f("fk_report_regime_id_regime")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint(
            "regime_id", "agency_id", "period", name=op.f("uq_report_regime_id_agency_id_period")
        ),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(
            "ix_report_regime_period", ["regime_id", "period_start"], unique=False
        )

    op.create_table(
        "report_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "accepted",
                "returned",
                name="report_version_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("submitted_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", hub.db.UTCDateTime(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("observation_count", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("revised_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_report_version_version_positive")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_version_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_version")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_report_version_idempotency_key")),
        sa.UniqueConstraint(
            "report_id", "version", name=op.f("uq_report_version_report_id_version")
        ),
    )
    with op.batch_alter_table("report_version", schema=None) as batch_op:
        batch_op.create_index("ix_report_version_submitted_at", ["submitted_at"], unique=False)

    # report and report_version refer to each other: the FK from report comes once both exist
    # (batch mode rebuilds the table on SQLite, ALTERs it on PostgreSQL).
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_report_current_version_id_report_version"),
            "report_version",
            ["current_version_id"],
            ["id"],
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_kind", sa.String(length=64), nullable=False),
        sa.Column("entity_code", sa.String(length=400), nullable=False),
        sa.Column("report_version_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_version_id"],
            ["report_version.id"],
            name=op.f("fk_audit_event_report_version_id_report_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_event_entity", ["entity_kind", "entity_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_report_version_id"), ["report_version_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_token_id"), ["token_id"], unique=False)

    op.create_table(
        "observation_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("observation_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("report_version_id", sa.Integer(), nullable=False),
        sa.Column("indicator_version_id", sa.Integer(), nullable=False),
        sa.Column("value", hub.db.ExactDecimal(), nullable=False),
        sa.Column("reported_value", hub.db.ExactDecimal(), nullable=False),
        sa.Column("reported_unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "status_flag",
            sa.Enum(
                "normal",
                "estimated",
                "provisional",
                "forecast",
                name="status_flag",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("recorded_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", hub.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_observation_revision_revision_positive")),
        sa.ForeignKeyConstraint(
            ["indicator_version_id"],
            ["indicator_version.id"],
            name=op.f("fk_observation_revision_indicator_version_id_indicator_version"),
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_observation_revision_observation_id_observation"),
        ),
        sa.ForeignKeyConstraint(
            ["report_version_id"],
            ["report_version.id"],
            name=op.f("fk_observation_revision_report_version_id_report_version"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_unit_id"],
            ["unit.id"],
            name=op.f("fk_observation_revision_reported_unit_id_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_revision")),
        sa.UniqueConstraint(
            "observation_id",
            "revision",
            name=op.f("uq_observation_revision_observation_id_revision"),
        ),
    )
    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.create_index("ix_observation_revision_accepted_at", ["accepted_at"], unique=False)
        batch_op.create_index(
            "ix_observation_revision_as_of", ["observation_id", "accepted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_observation_revision_indicator_version_id"),
            ["indicator_version_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_observation_revision_report_version_id"),
            ["report_version_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("observation_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_revision_report_version_id"))
        batch_op.drop_index(batch_op.f("ix_observation_revision_indicator_version_id"))
        batch_op.drop_index("ix_observation_revision_as_of")
        batch_op.drop_index("ix_observation_revision_accepted_at")

    op.drop_table("observation_revision")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_token_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_report_version_id"))
        batch_op.drop_index("ix_audit_event_entity")
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor"))

    op.drop_table("audit_event")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_report_current_version_id_report_version"), type_="foreignkey"
        )

    with op.batch_alter_table("report_version", schema=None) as batch_op:
        batch_op.drop_index("ix_report_version_submitted_at")

    op.drop_table("report_version")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index("ix_report_regime_period")
        batch_op.drop_index(batch_op.f("ix_report_agency_id"))

    op.drop_table("report")
    with op.batch_alter_table("observation_dimension", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_dimension_code")

    op.drop_table("observation_dimension")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_series")
        batch_op.drop_index(batch_op.f("ix_observation_area_id"))

    op.drop_table("observation")
    with op.batch_alter_table("crosswalk", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_crosswalk_without_codelist",
            sqlite_where=sa.text("codelist IS NULL"),
            postgresql_where=sa.text("codelist IS NULL"),
        )

    op.drop_table("crosswalk")
