"""What an aggregate is asked for and what it answers: plain records of `aggregation`."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from catalog.model import AggregationRule, AreaLevel, Frequency, PeriodAggregation
from hub.observations.records import Dimensions

MAX_GROUPS = 50_000
# Months per period of the frequencies periods roll up into.
SPAN = {Frequency.ANNUAL: 12, Frequency.SEMIANNUAL: 6, Frequency.QUARTERLY: 3, Frequency.MONTHLY: 1}


class AggregateBy(enum.Enum):
    """What the groups of an aggregate are: each area, each level of areas, each period."""

    AREA = "area"
    AREA_LEVEL = "area_level"
    PERIOD = "period"


@dataclass(frozen=True)
class AggregateRequest:
    """An aggregate of one indicator; empty tuples and None mean "any" or "keep"."""

    indicator: str
    group_by: frozenset[AggregateBy] = frozenset()
    by_dimensions: tuple[str, ...] = ()  # codelists whose codes are groups too
    area_level: AreaLevel | None = None  # roll values of areas below it into their ancestor
    areas: tuple[str, ...] = ()
    period_from: str | None = None
    period_to: str | None = None
    frequency: Frequency | None = None  # roll periods up into this frequency
    dimensions: Dimensions = ()
    as_of: datetime | None = None
    # Areas outside their validity read from their predecessors or successors
    # (`reorganisation.py`); needs `areas`, refuses `area_level`.
    across_reorganisation: bool = False


@dataclass(frozen=True)
class GroupKey:
    """What a group is about; None where the grouping does not fix it."""

    area: str | None = None
    area_level: AreaLevel | None = None
    period: str | None = None
    dimensions: Dimensions | None = None


@dataclass(frozen=True)
class AggregateGroup:
    key: GroupKey
    area_name_vi: str | None
    area_name_en: str | None
    period_start: date | None
    period_end: date | None
    value: Decimal | None
    count: int  # stored values combined into it
    derived: bool = False
    # The areas whose stored values went into a group of one area that was derived (across
    # the reorganisation or by a formula); None when not known or not derived.
    sources: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Aggregate:
    indicator: str
    rule: AggregationRule
    period_rule: PeriodAggregation
    unit: str
    groups: tuple[AggregateGroup, ...]
