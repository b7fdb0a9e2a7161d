"""catalog tables

Revision ID: 0fb0674075a0
Revises:
Create Date: 2026-11-22 02:15:57.487636
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hub.db

revision: str = "0fb0674075a0"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column(
            "level",
            sa.Enum(
                "nation",
                "province",
                "district",
                "commune",
                name="area_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("national_code", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hub.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["area.id"], name=op.f("fk_area_parent_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("code", name=op.f("uq_area_code")),
    )
    op.create_index(op.f("ix_area_level"), "area", ["level"], unique=False)
    op.create_index(op.f("ix_area_national_code"), "area", ["national_code"], unique=False)
    op.create_index(op.f("ix_area_parent_id"), "area", ["parent_id"], unique=False)
    op.create_index("ix_area_validity", "area", ["valid_from", "valid_to"], unique=False)

    op.create_table(
        "codelist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("description_vi", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hub.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codelist")),
        sa.UniqueConstraint("code", name=op.f("uq_codelist_code")),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("code", name=op.f("uq_indicator_code")),
    )
    op.create_table(
        "indicator_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hub.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["indicator_group.id"],
            name=op.f("fk_indicator_group_parent_id_indicator_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_group")),
        sa.UniqueConstraint("code", name=op.f("uq_indicator_group_code")),
    )
    op.create_index(
        op.f("ix_indicator_group_parent_id"), "indicator_group", ["parent_id"], unique=False
    )

    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("quantity_kind", sa.Text(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=True),
        sa.Column("multiplier", hub.db.ExactDecimal(), nullable=False),
        sa.Column("qudt_exact", sa.Text(), nullable=True),
        sa.Column("qudt_close", sa.Text(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hub.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["base_id"], ["unit.id"], name=op.f("fk_unit_base_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_code")),
    )
    op.create_index(op.f("ix_unit_base_id"), "unit", ["base_id"], unique=False)
    op.create_index(op.f("ix_unit_quantity_kind"), "unit", ["quantity_kind"], unique=False)

    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "government",
                "ministry",
                "ministerial_agency",
                "government_agency",
                "province",
                "department",
                name="agency_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("abbreviation", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hub.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"], ["area.id"], name=op.f("fk_agency_jurisdiction_id_area")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["agency.id"], name=op.f("fk_agency_parent_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("code", name=op.f("uq_agency_code")),
    )
    op.create_index(op.f("ix_agency_jurisdiction_id"), "agency", ["jurisdiction_id"], unique=False)
    op.create_index(op.f("ix_agency_kind"), "agency", ["kind"], unique=False)
    op.create_index(op.f("ix_agency_parent_id"), "agency", ["parent_id"], unique=False)
    op.create_index("ix_agency_validity", "agency", ["valid_from", "valid_to"], unique=False)

    op.create_table(
        "area_succession",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("weight", hub.db.ExactDecimal(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_area_succession_area_id_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"], ["area.id"], name=op.f("fk_area_succession_successor_id_area")
        ),
        sa.PrimaryKeyConstraint("area_id", "successor_id", name=op.f("pk_area_succession")),
    )
    op.create_index(
        op.f("ix_area_succession_successor_id"), "area_succession", ["successor_id"], unique=False
    )

    op.create_table(
        "code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("codelist_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_total", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_at", hub.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["codelist_id"], ["codelist.id"], name=op.f("fk_code_codelist_id_codelist")
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["code.id"], name=op.f("fk_code_parent_id_code")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code")),
        sa.UniqueConstraint("codelist_id", "code", name=op.f("uq_code_codelist_id_code")),
    )
    op.create_index(op.f("ix_code_parent_id"), "code", ["parent_id"], unique=False)
    op.create_index(
        "uq_code_total",
        "code",
        ["codelist_id"],
        unique=True,
        sqlite_where=sa.text("is_total"),
        postgresql_where=sa.text("is_total"),
    )

    op.create_table(
        "agency_successor",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
            name=op.f("fk_agency_successor_agency_id_agency"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"], ["agency.id"], name=op.f("fk_agency_successor_successor_id_agency")
        ),
        sa.PrimaryKeyConstraint("agency_id", "successor_id", name=op.f("pk_agency_successor")),
    )
    op.create_index(
        op.f("ix_agency_successor_successor_id"), "agency_successor", ["successor_id"], unique=False
    )

    op.create_table(
        "indicator_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "retired",
                name="version_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("published_at", hub.db.UTCDateTime(), nullable=True),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("definition_vi", sa.Text(), nullable=False),
        sa.Column("definition_en", sa.Text(), nullable=True),
        sa.Column("method_vi", sa.Text(), nullable=True),
        sa.Column("method_en", sa.Text(), nullable=True),
        sa.Column("source_vi", sa.Text(), nullable=True),
        sa.Column("source_en", sa.Text(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column(
            "aggregation",
            sa.Enum(
                "sum",
                "average",
                "weighted",
                "none",
                name="aggregation_rule",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("weight_indicator_id", sa.Integer(), nullable=True),
        sa.Column(
            "value_type",
            sa.Enum(
                "level",
                "percent",
                "rate",
                "index",
                "ratio",
                name="value_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("min_value", hub.db.ExactDecimal(), nullable=True),
        sa.Column("max_value", hub.db.ExactDecimal(), nullable=True),
        sa.Column("formula", sa.Text(), nullable=True),
        sa.Column("national_code", sa.Text(), nullable=True),
        sa.Column("is_code_provisional", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status = 'draft' OR published_at IS NOT NULL",
            name=op.f("ck_indicator_version_published_at_set"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_indicator_version_version_positive")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_indicator_version_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["indicator_group.id"],
            name=op.f("fk_indicator_version_group_id_indicator_group"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_version_indicator_id_indicator"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_indicator_version_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["weight_indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_version_weight_indicator_id_indicator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_version")),
        sa.UniqueConstraint(
            "indicator_id", "version", name=op.f("uq_indicator_version_indicator_id_version")
        ),
    )
    op.create_index(
        op.f("ix_indicator_version_agency_id"), "indicator_version", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_indicator_version_group_id"), "indicator_version", ["group_id"], unique=False
    )
    op.create_index(
        op.f("ix_indicator_version_national_code"),
        "indicator_version",
        ["national_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_indicator_version_unit_id"), "indicator_version", ["unit_id"], unique=False
    )
    op.create_index(
        "uq_indicator_version_published",
        "indicator_version",
        ["indicator_id"],
        unique=True,
        sqlite_where=sa.text("status = 'published'"),
        postgresql_where=sa.text("status = 'published'"),
    )

    op.create_table(
        "regime",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "periodic",
                "thematic",
                "ad_hoc",
                name="regime_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
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
        sa.Column("content_vi", sa.Text(), nullable=False),
        sa.Column("content_en", sa.Text(), nullable=True),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column(
            "deadline_kind",
            sa.Enum(
                "working_days_after_cutoff",
                "days_after_cutoff",
                "day_of_month",
                name="deadline_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("deadline_days", sa.Integer(), nullable=False),
        sa.Column("deadline_day", sa.Integer(), nullable=False),
        sa.Column("deadline_month_offset", sa.Integer(), nullable=False),
        sa.Column("deadline_roll_to_working_day", sa.Boolean(), nullable=False),
        sa.Column(
            "cutoff_kind",
            sa.Enum(
                "decree09",
                "calendar",
                name="cutoff_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("cutoff_day", sa.Integer(), nullable=False),
        sa.Column("guidance_vi", sa.Text(), nullable=True),
        sa.Column("guidance_en", sa.Text(), nullable=True),
        sa.Column("requires_signature", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hub.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["agency.id"], name=op.f("fk_regime_recipient_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regime")),
        sa.UniqueConstraint("code", name=op.f("uq_regime_code")),
    )
    op.create_index(op.f("ix_regime_frequency"), "regime", ["frequency"], unique=False)
    op.create_index(op.f("ix_regime_recipient_id"), "regime", ["recipient_id"], unique=False)

    op.create_table(
        "data_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regime_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title_vi", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", hub.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["regime_id"], ["regime.id"], name=op.f("fk_data_table_regime_id_regime")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_table")),
        sa.UniqueConstraint("regime_id", "code", name=op.f("uq_data_table_regime_id_code")),
    )
    op.create_table(
        "indicator_dimension",
        sa.Column("indicator_version_id", sa.Integer(), nullable=False),
        sa.Column("codelist_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["codelist_id"],
            ["codelist.id"],
            name=op.f("fk_indicator_dimension_codelist_id_codelist"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_version_id"],
            ["indicator_version.id"],
            name=op.f("fk_indicator_dimension_indicator_version_id_indicator_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "indicator_version_id", "codelist_id", name=op.f("pk_indicator_dimension")
        ),
    )
    op.create_index(
        op.f("ix_indicator_dimension_codelist_id"),
        "indicator_dimension",
        ["codelist_id"],
        unique=False,
    )

    op.create_table(
        "indicator_frequency",
        sa.Column("indicator_version_id", sa.Integer(), nullable=False),
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
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_version_id"],
            ["indicator_version.id"],
            name=op.f("fk_indicator_frequency_indicator_version_id_indicator_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "indicator_version_id", "frequency", name=op.f("pk_indicator_frequency")
        ),
    )
    op.create_index(
        op.f("ix_indicator_frequency_frequency"), "indicator_frequency", ["frequency"], unique=False
    )

    op.create_table(
        "indicator_link",
        sa.Column("indicator_version_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "broader", "related", name="link_kind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_version_id"],
            ["indicator_version.id"],
            name=op.f("fk_indicator_link_indicator_version_id_indicator_version"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["indicator.id"], name=op.f("fk_indicator_link_target_id_indicator")
        ),
        sa.PrimaryKeyConstraint(
            "indicator_version_id", "kind", "target_id", name=op.f("pk_indicator_link")
        ),
    )
    op.create_index(
        "ix_indicator_link_target", "indicator_link", ["target_id", "kind"], unique=False
    )

    op.create_table(
        "outline_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regime_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title_vi", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=True),
        sa.Column("guidance_vi", sa.Text(), nullable=True),
        sa.Column("guidance_en", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", hub.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["regime_id"], ["regime.id"], name=op.f("fk_outline_section_regime_id_regime")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outline_section")),
        sa.UniqueConstraint("regime_id", "code", name=op.f("uq_outline_section_regime_id_code")),
    )
    op.create_table(
        "regime_method",
        sa.Column("regime_id", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "in_person",
                "post",
                "fax",
                "email",
                "reporting_system",
                "other",
                name="submission_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["regime_id"],
            ["regime.id"],
            name=op.f("fk_regime_method_regime_id_regime"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("regime_id", "method", name=op.f("pk_regime_method")),
    )
    op.create_table(
        "regime_reporting_agency",
        sa.Column("regime_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_regime_reporting_agency_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["regime_id"],
            ["regime.id"],
            name=op.f("fk_regime_reporting_agency_regime_id_regime"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("regime_id", "agency_id", name=op.f("pk_regime_reporting_agency")),
    )
    op.create_index(
        op.f("ix_regime_reporting_agency_agency_id"),
        "regime_reporting_agency",
        ["agency_id"],
        unique=False,
    )

    op.create_table(
        "table_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_table_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column(
            "area_level",
            sa.Enum(
                "nation",
                "province",
                "district",
                "commune",
                name="area_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", hub.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["data_table_id"],
            ["data_table.id"],
            name=op.f("fk_table_item_data_table_id_data_table"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name=op.f("fk_table_item_indicator_id_indicator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_item")),
        sa.UniqueConstraint(
            "data_table_id", "indicator_id", name=op.f("uq_table_item_data_table_id_indicator_id")
        ),
    )
    op.create_index(
        op.f("ix_table_item_indicator_id"), "table_item", ["indicator_id"], unique=False
    )

    op.create_table(
        "table_item_dimension",
        sa.Column("table_item_id", sa.Integer(), nullable=False),
        sa.Column("codelist_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["codelist_id"],
            ["codelist.id"],
            name=op.f("fk_table_item_dimension_codelist_id_codelist"),
        ),
        sa.ForeignKeyConstraint(
            ["table_item_id"],
            ["table_item.id"],
            name=op.f("fk_table_item_dimension_table_item_id_table_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "table_item_id", "codelist_id", name=op.f("pk_table_item_dimension")
        ),
    )
    op.create_index(
        op.f("ix_table_item_dimension_codelist_id"),
        "table_item_dimension",
        ["codelist_id"],
        unique=False,
    )


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints.
    op.drop_table("table_item_dimension")
    op.drop_table("table_item")
    op.drop_table("regime_reporting_agency")
    op.drop_table("regime_method")
    op.drop_table("outline_section")
    op.drop_table("indicator_link")
    op.drop_table("indicator_frequency")
    op.drop_table("indicator_dimension")
    op.drop_table("data_table")
    op.drop_table("regime")
    op.drop_table("indicator_version")
    op.drop_table("agency_successor")
    op.drop_table("code")
    op.drop_table("area_succession")
    op.drop_table("agency")
    op.drop_table("unit")
    op.drop_table("indicator_group")
    op.drop_table("indicator")
    op.drop_table("codelist")
    op.drop_table("area")
