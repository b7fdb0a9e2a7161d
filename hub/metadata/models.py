"""Tables of the stored catalog: agencies, areas, units, codelists and codes, indicator groups.

Indicators and their versions are in `indicator_models.py`, regimes in `hub.reporting.models`;
all are importable from here. Rows refer to each other by surrogate `id`; the catalog's codes
are unique keys. Ordered lists of the catalog keep their order in a `position` column, so the
stored catalog reads back exactly as it was imported. Codes are VARCHAR(64), the model's
limit; other strings are TEXT, since the model bounds none and PostgreSQL would refuse a long
value SQLite accepts. Relationships are not mapped: queries join explicitly (DESIGN §8: one
statement per page, no lazy loads).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.model import AgencyKind, AreaLevel
from hub.db import CODE_LENGTH, Base, ExactDecimal, Timestamps, UTCDateTime, code_column, enum_type
from hub.metadata.indicator_models import (
    Indicator,
    IndicatorDimension,
    IndicatorFrequency,
    IndicatorLink,
    IndicatorVersion,
    LinkKind,
    VersionStatus,
)


class Agency(Timestamps, Base):
    """A ministry, agency or province people's committee (`catalog.model.Agency`)."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = code_column()
    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[AgencyKind] = mapped_column(enum_type(AgencyKind, "agency_kind"), index=True)
    abbreviation: Mapped[str | None] = mapped_column(sa.Text)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)

    __table_args__ = (sa.Index("ix_agency_validity", "valid_from", "valid_to"),)


class AgencySuccessor(Base):
    """An agency that took over (part of) the functions of another."""

    __tablename__ = "agency_successor"

    agency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )
    successor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id"), primary_key=True, index=True
    )
    position: Mapped[int]


class Area(Timestamps, Base):
    """An administrative unit valid for an interval (`catalog.model.Area`)."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = code_column()
    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    level: Mapped[AreaLevel] = mapped_column(enum_type(AreaLevel, "area_level"), index=True)
    # Not unique: a merged province may keep the national code of one of its predecessors.
    national_code: Mapped[str] = mapped_column(sa.Text, index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)

    __table_args__ = (sa.Index("ix_area_validity", "valid_from", "valid_to"),)


class AreaSuccession(Base):
    """Part (`weight`) of an area went into `successor` when the area ended."""

    __tablename__ = "area_succession"

    area_id: Mapped[int] = mapped_column(
        sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True
    )
    successor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("area.id"), primary_key=True, index=True
    )
    weight: Mapped[Decimal] = mapped_column(ExactDecimal())
    position: Mapped[int]


class Unit(Timestamps, Base):
    """A unit of measure; `value x multiplier` is the value in the base unit."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = code_column()
    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    symbol: Mapped[str] = mapped_column(sa.Text)
    quantity_kind: Mapped[str] = mapped_column(sa.Text, index=True)
    base_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    multiplier: Mapped[Decimal] = mapped_column(ExactDecimal())
    qudt_exact: Mapped[str | None] = mapped_column(sa.Text)
    qudt_close: Mapped[str | None] = mapped_column(sa.Text)


class Codelist(Timestamps, Base):
    """A disaggregation dimension; its total code is the `code` row with `is_total`."""

    __tablename__ = "codelist"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = code_column()
    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    description_vi: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)


class Code(Base):
    """A code of a codelist. Codes dropped from the catalog are withdrawn, never deleted,
    because reported values refer to them."""

    __tablename__ = "code"

    id: Mapped[int] = mapped_column(primary_key=True)
    codelist_id: Mapped[int] = mapped_column(sa.ForeignKey("codelist.id"))
    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("code.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)  # `Code.order`: among its siblings
    position: Mapped[int]  # place in the codelist as imported
    is_total: Mapped[bool] = mapped_column(default=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.UniqueConstraint("codelist_id", "code"),
        # At most one "all" code per codelist.
        sa.Index(
            "uq_code_total",
            "codelist_id",
            unique=True,
            sqlite_where=sa.text("is_total"),
            postgresql_where=sa.text("is_total"),
        ),
    )


class IndicatorGroup(Timestamps, Base):
    """A topic grouping indicators, possibly under a broader topic."""

    __tablename__ = "indicator_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = code_column()
    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicator_group.id"), index=True)


__all__ = [
    "Agency",
    "AgencySuccessor",
    "Area",
    "AreaSuccession",
    "Code",
    "Codelist",
    "Indicator",
    "IndicatorDimension",
    "IndicatorFrequency",
    "IndicatorGroup",
    "IndicatorLink",
    "IndicatorVersion",
    "LinkKind",
    "Unit",
    "VersionStatus",
]
