"""Tables of observations: the identity of a data point, its dimensions, and its revisions.

An `observation` is what a value is about (indicator, area, period, disaggregation); every
value ever reported for it is an `observation_revision`, never overwritten. A revision becomes
public when its report version is accepted (`accepted_at`); reading "as of T" takes, per
observation, the accepted revision with the greatest `accepted_at` not after T.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.model import Frequency
from hub.db import Base, ExactDecimal, UTCDateTime, enum_type, utcnow

# Revisions refer to report versions: their table must be in the metadata whenever this module
# is imported, even on its own.
from hub.reporting import report_models as _report_models  # noqa: F401

PERIOD_LENGTH = 16  # the longest canonical period code is a day, 2024-03-15


class StatusFlag(enum.Enum):
    """How final a value is (SDMX OBS_STATUS in spirit)."""

    NORMAL = "normal"
    ESTIMATED = "estimated"
    PROVISIONAL = "provisional"
    FORECAST = "forecast"


class Observation(Base):
    """One data point's identity: indicator x area x period x disaggregation key."""

    __tablename__ = "observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id"))
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(PERIOD_LENGTH))  # canonical, e.g. 2025-Q1
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    frequency: Mapped[Frequency] = mapped_column(enum_type(Frequency, "frequency"))
    # `CODELIST=CODE` pairs sorted by codelist and joined by `;`, "" without disaggregation:
    # one text column keeps the identity a plain unique key on both databases.
    dimension_key: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "area_id", "period", "dimension_key"),
        # Reads in page order (`hub.observations.service`): one indicator's series for some
        # areas, or a page of its values, read in index order and stopped at the page size,
        # whatever else the table holds (10 M values read as fast as 1 M).
        sa.Index(
            "ix_observation_series",
            "indicator_id",
            "area_id",
            "period_start",
            "period",
            "dimension_key",
        ),
    )


class ObservationDimension(Base):
    """A disaggregation code of an observation, so that reads can filter by code."""

    __tablename__ = "observation_dimension"

    observation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("observation.id", ondelete="CASCADE"), primary_key=True
    )
    codelist_id: Mapped[int] = mapped_column(sa.ForeignKey("codelist.id"), primary_key=True)
    code_id: Mapped[int] = mapped_column(sa.ForeignKey("code.id"))

    # Filtering "sex = F": from the code to its observations.
    __table_args__ = (sa.Index("ix_observation_dimension_code", "code_id", "observation_id"),)


class ObservationRevision(Base):
    """A value reported for an observation by one report version; later ones never overwrite."""

    __tablename__ = "observation_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(sa.ForeignKey("observation.id"))
    revision: Mapped[int]  # 1, 2, ... per observation
    report_version_id: Mapped[int] = mapped_column(sa.ForeignKey("report_version.id"), index=True)
    # The definition the value was reported under; values keep it when the indicator changes.
    indicator_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator_version.id"), index=True
    )
    value: Mapped[Decimal] = mapped_column(ExactDecimal())  # in the indicator's unit
    reported_value: Mapped[Decimal] = mapped_column(ExactDecimal())  # as sent
    reported_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    status_flag: Mapped[StatusFlag] = mapped_column(enum_type(StatusFlag, "status_flag"))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.UniqueConstraint("observation_id", "revision"),
        sa.CheckConstraint("revision >= 1", name="revision_positive"),
        # Per observation, its accepted revisions in the order a read picks from (the latest
        # accepted last, then the highest revision), "as of T" included: a read takes the
        # first entry walking back, with no sort. PostgreSQL keeps the revision's id and
        # value in the index too, so an aggregate or a page reads the current value without
        # visiting the table (Q3 of the bench: 34 -> 25 ms).
        sa.Index(
            "ix_observation_revision_current",
            "observation_id",
            "accepted_at",
            "revision",
            postgresql_include=["id", "value"],
            postgresql_where=sa.text("accepted_at IS NOT NULL"),
            sqlite_where=sa.text("accepted_at IS NOT NULL"),
        ),
        # changes(since): everything accepted after a moment.
        sa.Index("ix_observation_revision_accepted_at", "accepted_at"),
    )
