"""Tables of indicators and their versioned definitions.

`indicator` is the stable identity (the shared code); each edit of the definition is a new
`indicator_version`. At most one version per indicator is `published`: the current one, found
through the partial unique index `uq_indicator_version_published`. Superseded versions are
`retired` and stay readable, and reported values keep pointing at the version they were
reported under (`indicator_version.id`). References to other indicators (broader, related,
weights, form rows) point at the stable `indicator.id`, so they follow new versions.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.model import AggregationRule, Frequency, PeriodAggregation, ValueType
from hub.db import Base, ExactDecimal, UTCDateTime, code_column, enum_type, utcnow


class VersionStatus(enum.Enum):
    """Lifecycle of a definition version: edited as a draft, published, then retired when a
    newer version is published (or the indicator is withdrawn)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class LinkKind(enum.Enum):
    """SKOS links between indicators (narrower is broader read backwards)."""

    BROADER = "broader"
    RELATED = "related"


class Indicator(Base):
    """The stable identity of an indicator; its definitions are `IndicatorVersion` rows."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = code_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IndicatorVersion(Base):
    """One version of an indicator's definition (`catalog.model.Indicator`)."""

    __tablename__ = "indicator_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id"))
    version: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(enum_type(VersionStatus, "version_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    definition_vi: Mapped[str] = mapped_column(sa.Text)
    definition_en: Mapped[str | None] = mapped_column(sa.Text)
    method_vi: Mapped[str | None] = mapped_column(sa.Text)
    method_en: Mapped[str | None] = mapped_column(sa.Text)
    source_vi: Mapped[str | None] = mapped_column(sa.Text)
    source_en: Mapped[str | None] = mapped_column(sa.Text)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicator_group.id"), index=True)
    legal_basis: Mapped[str | None] = mapped_column(sa.Text)
    aggregation: Mapped[AggregationRule] = mapped_column(
        enum_type(AggregationRule, "aggregation_rule")
    )
    weight_indicator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicator.id"))
    value_type: Mapped[ValueType] = mapped_column(enum_type(ValueType, "value_type"))
    period_aggregation: Mapped[PeriodAggregation] = mapped_column(
        enum_type(PeriodAggregation, "period_aggregation"), server_default="none"
    )
    min_value: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    max_value: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    formula: Mapped[str | None] = mapped_column(sa.Text)
    national_code: Mapped[str | None] = mapped_column(sa.Text, index=True)
    is_code_provisional: Mapped[bool] = mapped_column(default=False)
    # Code, national code, names and definitions folded by `catalog.text.fold`, so that a
    # LIKE over one column finds `Dân số` from `dan so` on both databases.
    search_text: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "version"),
        sa.Index(
            "uq_indicator_version_published",
            "indicator_id",
            unique=True,
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name="published_at_set"),
    )


class IndicatorFrequency(Base):
    """A frequency an indicator version is compiled at."""

    __tablename__ = "indicator_frequency"

    indicator_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator_version.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[Frequency] = mapped_column(
        enum_type(Frequency, "frequency"), primary_key=True, index=True
    )
    position: Mapped[int]


class IndicatorDimension(Base):
    """A codelist an indicator version may be disaggregated by, in the definition's order."""

    __tablename__ = "indicator_dimension"

    indicator_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator_version.id", ondelete="CASCADE"), primary_key=True
    )
    codelist_id: Mapped[int] = mapped_column(
        sa.ForeignKey("codelist.id"), primary_key=True, index=True
    )
    position: Mapped[int]


class IndicatorLink(Base):
    """A broader or related indicator of an indicator version."""

    __tablename__ = "indicator_link"

    indicator_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator_version.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind, "link_kind"), primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id"), primary_key=True)
    position: Mapped[int]

    # Narrower indicators of X: the links whose target is X.
    __table_args__ = (sa.Index("ix_indicator_link_target", "target_id", "kind"),)
