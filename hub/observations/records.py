"""Plain records the observation reads return, and the stored form of a disaggregation
(`dimension_key`, defined with the drafts that write it, and its inverse)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import orjson

from catalog.model import Frequency
from hub.observations.models import StatusFlag
from hub.reporting.drafts import dimension_key
from hub.reporting.report_models import ReportVersionStatus

Dimensions = tuple[tuple[str, str], ...]  # (codelist, code) pairs sorted by codelist


@dataclass(frozen=True)
class ObservationCriteria:
    """Which observations a read returns; empty tuples and None mean "any"."""

    indicators: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    period_from: str | None = None  # periods starting on or after this period's start
    period_to: str | None = None  # ... and ending on or before this period's end
    frequency: Frequency | None = None
    dimensions: Dimensions = ()  # every (codelist, code) pair must be among its codes
    status_flags: tuple[StatusFlag, ...] = ()
    as_of: datetime | None = None  # None: the latest accepted values
    # For reviewers: the latest revision whether accepted or not, of any indicator.
    include_unaccepted: bool = False


class ObservationRow(NamedTuple):
    """One observation with the revision a read chose and the labels a page shows.

    A named tuple rather than a frozen dataclass: as immutable, and made ten times faster
    (a frozen dataclass sets each of its fields through `object.__setattr__`; a page makes
    a thousand rows of twenty-five fields)."""

    id: int
    indicator: str
    indicator_name_vi: str
    indicator_name_en: str | None
    area: str
    area_name_vi: str
    area_name_en: str | None
    period: str
    period_start: date
    period_end: date
    frequency: Frequency
    dimension_key: str
    dimensions: Dimensions
    value: Decimal  # in `unit`: the indicator's unit when the value was reported
    unit: str
    status_flag: StatusFlag
    comment: str | None
    revision: int
    report_version_id: int
    definition_version: int  # the indicator definition version it was reported under
    recorded_at: datetime
    accepted_at: datetime | None
    # The row's place in its list's keyset order (typed values); `after=row.cursor`
    # continues after it.
    position: tuple[Any, ...]
    # Computed on read (a formula, or across the reorganisation), from the stored values of
    # `sources`; a derived row has no id, revision or report version of its own (all 0).
    derived: bool = False
    sources: tuple[str, ...] = ()

    @property
    def cursor(self) -> str:
        """The keyset cursor of `position`, made when asked (a page shows few of them)."""
        return keyset_cursor(self.position)


def row_cursor(row: ObservationRow) -> str:
    """A row's cursor, as a connection's edges and page info give it."""
    return row.cursor


def keyset_cursor(position: Sequence[Any]) -> str:
    """A keyset cursor: the position's values as compact JSON, dates and instants in ISO
    form (`cursor_position` reads them back)."""
    # orjson: the same compact JSON as json.dumps (non-ASCII as UTF-8, not \u escapes:
    # json.loads reads both), a twentieth of the time; it writes dates and datetimes as
    # `isoformat` does, so the position needs no conversion first.
    return orjson.dumps(position).decode()


class SeriesPoint(NamedTuple):
    """A value of a series at one period. A named tuple, as `ObservationRow`: made as a
    frozen dataclass (each field through `object.__setattr__`), Q1's 15 points took ~34 us
    of its ~650 us of CPU; as a named tuple, ~5 us."""

    period: str
    period_start: date
    period_end: date
    value: Decimal
    unit: str
    status_flag: StatusFlag
    derived: bool = False
    sources: tuple[str, ...] = ()  # areas of the stored values it comes from


@dataclass(frozen=True)
class Series:
    """One time series of an indicator: an area, a disaggregation and a frequency."""

    indicator: str
    area: str
    area_name_vi: str
    area_name_en: str | None
    dimensions: Dimensions
    frequency: Frequency
    unit: str  # of the latest point; each point names its own
    points: tuple[SeriesPoint, ...]  # by period


@dataclass(frozen=True, slots=True)
class Revision:
    """One value ever reported for an observation, with the report version that carried it."""

    observation_id: int
    revision: int
    value: Decimal
    unit: str
    reported_value: Decimal
    reported_unit: str
    status_flag: StatusFlag
    comment: str | None
    report_id: int
    report_version: int
    report_version_status: ReportVersionStatus
    recorded_at: datetime
    accepted_at: datetime | None


class ChangeKind(enum.Enum):
    ADDED = "added"  # the observation's first accepted value
    REVISED = "revised"  # replaces an earlier accepted value


@dataclass(frozen=True, slots=True)
class Change:
    """A value accepted after a moment: the observation with its newly accepted revision."""

    kind: ChangeKind
    observation: ObservationRow  # its `cursor` is this change's position in the feed


@dataclass(frozen=True)
class ObservationKey:
    """An observation named by codes instead of its id."""

    indicator: str
    area: str
    period: str
    dimensions: Dimensions = ()


@lru_cache(maxsize=4096)  # a page repeats a few keys over and over
def parse_dimension_key(key: str) -> Dimensions:
    """The (codelist, code) pairs of a stored dimension key."""
    if not key:
        return ()
    pairs = (part.partition("=") for part in key.split(";"))
    return tuple((codelist, code) for codelist, _, code in pairs)


__all__ = [
    "Change",
    "ChangeKind",
    "Dimensions",
    "ObservationCriteria",
    "ObservationKey",
    "ObservationRow",
    "Revision",
    "Series",
    "SeriesPoint",
    "dimension_key",
    "parse_dimension_key",
]
