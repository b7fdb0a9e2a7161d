"""Tables of reporting regimes and their forms: who reports, how, and what the form asks for.

Outline sections, data tables and table items are withdrawn (`withdrawn_at`) rather than
deleted when a regime drops them, because submitted reports will refer to them.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.model import (
    AreaLevel,
    CutoffKind,
    DeadlineKind,
    Frequency,
    RegimeKind,
    SubmissionMethod,
)
from hub.db import CODE_LENGTH, Base, Timestamps, UTCDateTime, code_column, enum_type


class Regime(Timestamps, Base):
    """A reporting regime (`catalog.model.Regime`); deadline and cut-off rules are inline."""

    __tablename__ = "regime"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = code_column()
    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    legal_basis: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[RegimeKind] = mapped_column(enum_type(RegimeKind, "regime_kind"))
    frequency: Mapped[Frequency] = mapped_column(enum_type(Frequency, "frequency"), index=True)
    content_vi: Mapped[str] = mapped_column(sa.Text)
    content_en: Mapped[str | None] = mapped_column(sa.Text)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    deadline_kind: Mapped[DeadlineKind] = mapped_column(enum_type(DeadlineKind, "deadline_kind"))
    deadline_days: Mapped[int] = mapped_column(default=0)
    deadline_day: Mapped[int] = mapped_column(default=0)
    deadline_month_offset: Mapped[int] = mapped_column(default=0)
    deadline_roll_to_working_day: Mapped[bool] = mapped_column(default=True)
    cutoff_kind: Mapped[CutoffKind] = mapped_column(enum_type(CutoffKind, "cutoff_kind"))
    cutoff_day: Mapped[int]
    guidance_vi: Mapped[str | None] = mapped_column(sa.Text)
    guidance_en: Mapped[str | None] = mapped_column(sa.Text)
    requires_signature: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)


class RegimeReportingAgency(Base):
    """An agency a regime obliges to report; obligations are derived from these rows."""

    __tablename__ = "regime_reporting_agency"

    regime_id: Mapped[int] = mapped_column(
        sa.ForeignKey("regime.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), primary_key=True, index=True)
    position: Mapped[int]


class RegimeMethod(Base):
    """A channel a regime's reports may be sent through (Decree 09 Art. 8(4))."""

    __tablename__ = "regime_method"

    regime_id: Mapped[int] = mapped_column(
        sa.ForeignKey("regime.id", ondelete="CASCADE"), primary_key=True
    )
    method: Mapped[SubmissionMethod] = mapped_column(
        enum_type(SubmissionMethod, "submission_method"), primary_key=True
    )
    position: Mapped[int]


class OutlineSection(Base):
    """A free-text section of a regime's outline form (mẫu đề cương)."""

    __tablename__ = "outline_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    regime_id: Mapped[int] = mapped_column(sa.ForeignKey("regime.id"))
    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    title_vi: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str | None] = mapped_column(sa.Text)
    guidance_vi: Mapped[str | None] = mapped_column(sa.Text)
    guidance_en: Mapped[str | None] = mapped_column(sa.Text)
    position: Mapped[int]
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (sa.UniqueConstraint("regime_id", "code"),)


class DataTable(Base):
    """A data form (biểu mẫu số liệu) of a regime."""

    __tablename__ = "data_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    regime_id: Mapped[int] = mapped_column(sa.ForeignKey("regime.id"))
    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    title_vi: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str | None] = mapped_column(sa.Text)
    position: Mapped[int]
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (sa.UniqueConstraint("regime_id", "code"),)


class TableItem(Base):
    """A row of a data table: an indicator, at an area level, by some disaggregations."""

    __tablename__ = "table_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    data_table_id: Mapped[int] = mapped_column(sa.ForeignKey("data_table.id"))
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id"), index=True)
    area_level: Mapped[AreaLevel] = mapped_column(enum_type(AreaLevel, "area_level"))
    position: Mapped[int]
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (sa.UniqueConstraint("data_table_id", "indicator_id"),)


class TableItemDimension(Base):
    """A codelist a table item must be reported by, in the form's order."""

    __tablename__ = "table_item_dimension"

    table_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("table_item.id", ondelete="CASCADE"), primary_key=True
    )
    codelist_id: Mapped[int] = mapped_column(
        sa.ForeignKey("codelist.id"), primary_key=True, index=True
    )
    position: Mapped[int]
