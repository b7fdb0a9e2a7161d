"""An SDMX data query answered from the observation reads: series of a regime's dataflow.

The values are those every public read shows: the latest accepted revision of published
indicators (`list_observations`). A flow holds the observations of its form's indicators,
whichever report carried them (an observation is keyed by indicator, area, period and
disaggregation, not by report). Indicator, area, frequency and period narrow the SQL; the
disaggregation positions of the key and `updatedAfter` are checked on the rows read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import Frequency
from hub.errors import InvalidInputError, LimitExceededError
from hub.observations.records import ObservationCriteria, ObservationRow
from hub.observations.service import list_observations
from hub.sdmx.keys import KeyFilter
from hub.sdmx.structure import (
    OBS_STATUS_CODES,
    Dataflow,
    observation_key,
    sdmx_id,
)

PAGE = 5_000  # observations read per statement
MAX_OBSERVATIONS = 500_000  # in one response; more is HTTP 413


class TooManyObservationsError(LimitExceededError):
    """The query matches more observations than one response carries (HTTP 413)."""


@dataclass(frozen=True)
class DataQuery:
    """The parameters of `/data/{flow}/{key}` the hub implements."""

    key: KeyFilter
    start_period: str | None = None
    end_period: str | None = None
    updated_after: datetime | None = None
    first_n: int | None = None  # per series
    last_n: int | None = None  # per series


@dataclass(frozen=True, slots=True)
class Point:
    """One observation of a series."""

    period: str
    value: Decimal
    unit: str
    status: str  # OBS_STATUS code


@dataclass(frozen=True)
class SeriesData:
    """A series: its key (codes of the key dimensions in DSD order) and points by period."""

    key: tuple[str, ...]
    points: tuple[Point, ...]


async def read_series(
    flow: Dataflow,
    query: DataQuery,
    *,
    session: AsyncSession,
    max_observations: int = MAX_OBSERVATIONS,
) -> list[SeriesData]:
    """The series of `flow` matching `query`, in key order; [] when nothing matches."""
    indicators = _wanted(query.key, "INDICATOR", {sdmx_id(i): i for i in flow.indicators})
    if indicators == ():
        return []
    frequencies = query.key.codes("FREQ")
    frequency: Frequency | None = None
    if frequencies is not None:
        known = [f for f in Frequency if f.value in frequencies]
        if not known:
            return []
        if len(known) == 1:
            frequency = known[0]
    areas = query.key.codes("REF_AREA")
    criteria = ObservationCriteria(
        indicators=indicators or flow.indicators,
        areas=tuple(sorted(areas)) if areas is not None else (),
        period_from=query.start_period,
        period_to=query.end_period,
        frequency=frequency,
    )
    _check_periods(query)
    grouped: dict[tuple[str, ...], list[ObservationRow]] = {}
    count = 0
    after: str | None = None
    while True:
        rows, _ = await list_observations(
            criteria, after=after, limit=PAGE, session=session, with_total=False
        )
        for row in rows:
            if frequencies is not None and row.frequency.value not in frequencies:
                continue
            if query.updated_after is not None and (
                row.accepted_at is None or row.accepted_at <= query.updated_after
            ):
                continue
            key = observation_key(
                flow.structure,
                frequency=row.frequency,
                indicator=row.indicator,
                area=row.area,
                dimensions=row.dimensions,
            )
            if key is None or not query.key.matches(key):
                continue
            count += 1
            if count > max_observations:
                raise TooManyObservationsError(
                    f"the query matches more than {max_observations} observations: narrow the "
                    "key or the periods",
                    field="key",
                )
            grouped.setdefault(key, []).append(row)
        if len(rows) < PAGE:
            break
        after = rows[-1].cursor
    return [_series(key, grouped[key], query) for key in sorted(grouped)]


def _wanted(
    key: KeyFilter, dimension_id: str, catalog_codes: dict[str, str]
) -> tuple[str, ...] | None:
    """Catalog codes the key asks for at `dimension_id` (None: any; (): none that exist)."""
    codes = key.codes(dimension_id)
    if codes is None:
        return None
    return tuple(catalog_codes[c] for c in sorted(codes) if c in catalog_codes)


def _check_periods(query: DataQuery) -> None:
    for name, value in (("startPeriod", query.start_period), ("endPeriod", query.end_period)):
        if value is not None and not value.strip():
            raise InvalidInputError(f"{name} is empty", field=name)


def _series(key: tuple[str, ...], rows: Sequence[ObservationRow], query: DataQuery) -> SeriesData:
    ordered = sorted(rows, key=lambda row: (row.period_start, row.period_end, row.period))
    if query.first_n is not None:
        ordered = ordered[: query.first_n]
    if query.last_n is not None:
        ordered = ordered[-query.last_n :] if query.last_n else []
    points = tuple(
        Point(row.period, row.value, sdmx_id(row.unit), OBS_STATUS_CODES[row.status_flag])
        for row in ordered
    )
    return SeriesData(key, points)
