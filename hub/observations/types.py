"""GraphQL types of values: observations, their revisions, chart series and change feeds.

Rows arrive from one SQL statement with their labels joined; scalar fields are plain
attributes and the catalog entities behind a row come through per-request DataLoaders.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import strawberry

import hub.metadata.enums  # noqa: F401  (registers the catalog enums with strawberry)
from catalog.model import Frequency
from hub.graphql.language import Language
from hub.graphql.loaded import loaded_by
from hub.graphql.node import global_id
from hub.metadata.types import (
    Area,
    Indicator,
    Info,
    LangArg,
    area_by_code,
    area_objects,
    indicator_by_code,
    indicator_objects,
)
from hub.observations import loaders
from hub.observations.models import StatusFlag
from hub.observations.records import Change, ObservationRow, Revision, Series
from hub.observations.records import SeriesPoint as SeriesPointRecord

strawberry.enum(StatusFlag, description="Status of a value (SDMX OBS_STATUS).")


@strawberry.type(description="A disaggregation of a value: a code of a codelist.")
class DimensionCode:
    dimension: str = strawberry.field(description="Code of the codelist (the dimension).")
    code: str = strawberry.field(description="Code within it.")


_new = object.__new__


@lru_cache(maxsize=4096)  # a page repeats a few breakdowns; the codes are only read
def _dimensions(pairs: tuple[tuple[str, str], ...]) -> list[DimensionCode]:
    return [DimensionCode(dimension=d, code=c) for d, c in pairs]


@strawberry.type(description="One stored revision of a value (a correction never overwrites).")
class ObservationRevision:
    revision: int = strawberry.field(description="1 for the first value, then 2, 3 ...")
    value: Decimal = strawberry.field(description="Value in the indicator's unit.")
    unit_code: str = strawberry.field(description="Unit of `value`.")
    reported_value: Decimal = strawberry.field(description="Value as the report sent it.")
    reported_unit_code: str = strawberry.field(description="Unit the report sent it in.")
    status: StatusFlag = strawberry.field(description="Normal, estimated, provisional ...")
    comment: str | None = strawberry.field(description="Comment sent with the value.")
    report_version: int = strawberry.field(description="Version of the report it came in.")
    recorded_at: datetime = strawberry.field(description="When the hub stored it.")
    accepted_at: datetime | None = strawberry.field(
        description="When its report was accepted (it became public then); null if not yet."
    )
    report_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, revision: Revision) -> ObservationRevision:
        return cls(
            revision=revision.revision,
            value=revision.value,
            unit_code=revision.unit,
            reported_value=revision.reported_value,
            reported_unit_code=revision.reported_unit,
            status=revision.status_flag,
            comment=revision.comment,
            report_version=revision.report_version,
            recorded_at=revision.recorded_at,
            accepted_at=revision.accepted_at,
            report_id=revision.report_id,
        )


# Each attribute of an `Observation` as a Python expression of its `ObservationRow` (`row`):
# the one place that knows how a row becomes a value. `Observation.from_row` sets them all;
# the fast executor's projection of pages (`hub.observations.projection`) writes the JSON of
# the selected ones straight from the rows.
ROW_VALUES: dict[str, str] = {
    "indicator_code": "row.indicator",
    "area_code": "row.area",
    "period": "row.period",
    "period_start": "row.period_start",
    "period_end": "row.period_end",
    "frequency": "row.frequency",
    "dimensions": "dimensions(row.dimensions)",
    "value": "row.value",
    "unit_code": "row.unit",
    "status": "row.status_flag",
    "comment": "row.comment",
    "revision": "None if row.derived else row.revision",
    "definition_version": "row.definition_version",
    "recorded_at": "row.recorded_at",
    "accepted_at": "row.accepted_at",
    "derived": "row.derived",
    "source_areas": "list(row.sources) if row.derived else [row.area]",
    "observation_id": "row.id",
    "dimension_key": "row.dimension_key",
    "indicator_names": "(row.indicator_name_vi, row.indicator_name_en)",
    "area_names": "(row.area_name_vi, row.area_name_en)",
}
ROW_NAMES = {"dimensions": _dimensions}  # what the expressions call


def row_function(expression: str, of: str = "row") -> Callable[[Any], Any]:
    """`expression` (of `of`: `row` in `ROW_VALUES`' terms, `s` and `p` in the series')
    compiled once as a function of it."""
    namespace: dict[str, Any] = dict(ROW_NAMES)
    exec(f"def value({of}):\n    return {expression}\n", namespace)  # our expressions only
    function: Callable[[Any], Any] = namespace["value"]
    return function


def _values_function(values: dict[str, str], of: str) -> Callable[[Any], dict[str, Any]]:
    """One dict display of all `values`, no loop per record."""
    return row_function("{" + ", ".join(f"{k!r}: {e}" for k, e in values.items()) + "}", of)


# The same for a chart's series (`s`, a `records.Series`) and its points (`p`, a
# `records.SeriesPoint`): `from_record` sets them all, the projection of `series`
# (`hub.observations.series_projection`) writes the selected ones. A series' `points` are
# its points' values, each.
SERIES_VALUES: dict[str, str] = {
    "indicator_code": "s.indicator",
    "area_code": "s.area",
    "dimensions": "dimensions(s.dimensions)",
    "frequency": "s.frequency",
    "unit_code": "s.unit",
    "area_names": "(s.area_name_vi, s.area_name_en)",
}
POINT_VALUES: dict[str, str] = {
    "period": "p.period",
    "period_start": "p.period_start",
    "period_end": "p.period_end",
    "value": "p.value",
    "unit_code": "p.unit",
    "status": "p.status_flag",
    "derived": "p.derived",
    "source_areas": "list(p.sources)",
}


_row_values = _values_function(ROW_VALUES, "row")
_series_values = _values_function(SERIES_VALUES, "s")
_point_values = _values_function(POINT_VALUES, "p")


@strawberry.type(description="One value: indicator x area x period x disaggregation.")
class Observation:
    indicator_code: str = strawberry.field(description="Code of the indicator.")
    area_code: str = strawberry.field(description="Code of the area.")
    period: str = strawberry.field(description="Period, SDMX form (`2025-M03`, `2025-Q1` ...).")
    period_start: date = strawberry.field(description="First day of the period.")
    period_end: date = strawberry.field(description="Last day of the period.")
    frequency: Frequency = strawberry.field(description="Frequency of the period.")
    dimensions: list[DimensionCode] = strawberry.field(description="Its disaggregation codes.")
    value: Decimal = strawberry.field(description="Exact value, in `unitCode`.")
    unit_code: str = strawberry.field(description="Unit of the value.")
    status: StatusFlag = strawberry.field(description="Normal, estimated, provisional ...")
    comment: str | None = strawberry.field(description="Comment sent with the value.")
    revision: int | None = strawberry.field(
        description="Which revision this value is; null for a derived value."
    )
    definition_version: int = strawberry.field(
        description="Version of the indicator definition the value was reported under (for "
        "a derived value: the current one, whose formula computed it)."
    )
    recorded_at: datetime = strawberry.field(
        description="When this revision was stored (derived: when its latest input was)."
    )
    accepted_at: datetime | None = strawberry.field(
        description="When this revision became public; null for values not yet accepted "
        "(derived: when its latest input was accepted)."
    )
    derived: bool = strawberry.field(
        description="Computed on read: by the indicator's formula, or for an area outside its "
        "validity from the areas before or after the 2025 reorganisation (`sourceAreas`)."
    )
    source_areas: list[str] = strawberry.field(
        description="Areas of the stored values it comes from (its own area when stored)."
    )
    observation_id: strawberry.Private[int]
    dimension_key: strawberry.Private[str]
    indicator_names: strawberry.Private[tuple[str, str | None]]
    area_names: strawberry.Private[tuple[str, str | None]]

    @classmethod
    def from_row(cls, row: ObservationRow) -> Observation:
        # Its fields set as one dict (`ROW_VALUES`): the dataclass __init__ of twenty-one
        # keyword arguments costs a microsecond more per row, a millisecond a page.
        observation = _new(cls)
        observation.__dict__ = _row_values(row)
        return observation

    @strawberry.field(description="Stable id of the value's series point.")
    def id(self) -> strawberry.ID:
        # Made when selected (a page rarely shows ids). A derived value has no row: its id
        # names its place (indicator, area, period, disaggregation).
        if self.derived:
            key = f"{self.indicator_code}/{self.area_code}/{self.period}/{self.dimension_key}"
            return global_id("Observation", key)
        return global_id("Observation", str(self.observation_id))

    @strawberry.field(description="Name of the indicator (joined with the value, no lookup).")
    def indicator_name(self, lang: LangArg = Language.VI) -> str:
        vi, en = self.indicator_names
        return en if lang is Language.EN and en else vi

    @strawberry.field(description="Name of the area (joined with the value, no lookup).")
    def area_name(self, lang: LangArg = Language.VI) -> str:
        vi, en = self.area_names
        return en if lang is Language.EN and en else vi

    @strawberry.field(description="The indicator's current definition.")
    @loaded_by("indicator_code", indicator_objects)
    async def indicator(self, info: Info) -> Indicator | None:
        return await indicator_by_code(info, self.indicator_code)

    @strawberry.field(description="The area.")
    @loaded_by("area_code", area_objects)
    async def area(self, info: Info) -> Area | None:
        return await area_by_code(info, self.area_code)

    @strawberry.field(
        description="Every accepted revision of this value, oldest first (none when derived)."
    )
    async def revisions(self, info: Info) -> list[ObservationRevision]:
        if self.derived:
            return []
        found = await info.context.loader(loaders.accepted_revisions).load(self.observation_id)
        return [ObservationRevision.from_record(r) for r in found]


# The fields of `Observation` that a lean row (`service.list_observations(lean=True)`: the
# codes, period, disaggregation and value, no revision details nor labels) answers as a full
# one does; a page selecting only these reads lean rows.
LEAN_FIELDS = frozenset(
    {
        *("__typename", "id", "indicatorCode", "areaCode", "period", "periodStart"),
        *("periodEnd", "frequency", "dimensions", "value", "derived", "sourceAreas"),
        *("indicator", "area", "revisions"),
    }
)


@strawberry.type(description="A point of a series.")
class SeriesPoint:
    period: str = strawberry.field(description="Period, SDMX form.")
    period_start: date = strawberry.field(description="First day of the period.")
    period_end: date = strawberry.field(description="Last day of the period.")
    value: Decimal = strawberry.field(description="Exact value.")
    unit_code: str = strawberry.field(description="Unit of the value.")
    status: StatusFlag = strawberry.field(description="Normal, estimated, provisional ...")
    derived: bool = strawberry.field(
        description="Computed on read: by the indicator's formula, or from the areas before or "
        "after the 2025 reorganisation (`sourceAreas`)."
    )
    source_areas: list[str] = strawberry.field(
        description="Areas of the stored values it comes from (the series' area when stored)."
    )

    @classmethod
    def from_record(cls, point: SeriesPointRecord) -> SeriesPoint:
        made = _new(cls)
        made.__dict__ = _point_values(point)  # `POINT_VALUES`
        return made


@strawberry.type(description="One time series: an indicator for one area and one breakdown.")
class ObservationSeries:
    indicator_code: str = strawberry.field(description="Code of the indicator.")
    area_code: str = strawberry.field(description="Code of the area.")
    dimensions: list[DimensionCode] = strawberry.field(description="Its disaggregation codes.")
    frequency: Frequency = strawberry.field(description="Frequency of its periods.")
    unit_code: str = strawberry.field(description="Unit of the latest point.")
    points: list[SeriesPoint] = strawberry.field(description="Points ordered by period.")
    area_names: strawberry.Private[tuple[str, str | None]]

    @classmethod
    def from_record(cls, series: Series) -> ObservationSeries:
        made = _new(cls)
        made.__dict__ = _series_values(series)  # `SERIES_VALUES`
        made.points = [SeriesPoint.from_record(p) for p in series.points]
        return made

    @strawberry.field(description="Name of the area.")
    def area_name(self, lang: LangArg = Language.VI) -> str:
        vi, en = self.area_names
        return en if lang is Language.EN and en else vi


@strawberry.enum(description="What a change did to a value.")
class ChangeKind(enum.Enum):
    ADDED = "added"
    REVISED = "revised"


@strawberry.type(description="A value accepted after the moment asked about.")
class ObservationChange:
    kind: ChangeKind = strawberry.field(description="A first value, or a revision of one.")
    observation: Observation = strawberry.field(description="The value as accepted.")

    @classmethod
    def from_record(cls, change: Change) -> ObservationChange:
        return cls(
            kind=ChangeKind(change.kind.value), observation=Observation.from_row(change.observation)
        )


@strawberry.type(description="A page of the change feed, oldest change first.")
class ChangeFeed:
    changes: list[ObservationChange] = strawberry.field(description="The changes of this page.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to read on; also valid later, to poll for newer changes."
    )
    has_more: bool = strawberry.field(description="More changes follow right now.")

    @classmethod
    def from_page(cls, found: list[Change], size: int) -> ChangeFeed:
        """A feed page from `size + 1` fetched changes (the extra one tells `hasMore`)."""
        page = found[:size]
        return cls(
            changes=[ObservationChange.from_record(c) for c in page],
            end_cursor=page[-1].observation.cursor if page else None,
            has_more=len(found) > size,
        )
