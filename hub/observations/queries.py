"""Root query fields of values: observations, series for charts, and the change feed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from catalog.model import Frequency
from hub.errors import InvalidInputError
from hub.graphql.fast.projected import projected_by
from hub.graphql.pagination import (
    Connection,
    PageRequest,
    build_connection,
    node_fields,
    page_request,
    selects_total,
)
from hub.metadata.types import Info
from hub.observations import reads, service
from hub.observations.models import StatusFlag
from hub.observations.projection import page_projection
from hub.observations.records import (
    Dimensions,
    ObservationCriteria,
    ObservationRow,
    Series,
    row_cursor,
)
from hub.observations.series_projection import series_projection
from hub.observations.types import LEAN_FIELDS, ChangeFeed, Observation, ObservationSeries

AsOf = Annotated[
    datetime | None,
    strawberry.argument(description="Read the values as they stood at this moment (default: now)."),
]
AcrossReorganisation = Annotated[
    bool,
    strawberry.argument(
        description="Also give the areas named in `areas` values outside their validity, "
        "derived from the areas they came from or went into in the 2025 reorganisation "
        "(`derived: true`, with `sourceAreas`)."
    ),
]


@strawberry.input(description="A disaggregation to match: a code of a codelist.")
class DimensionCodeInput:
    dimension: str = strawberry.field(description="Code of the codelist (the dimension).")
    code: str = strawberry.field(description="Code within it.")


class _FromToArguments:
    """A bad period of the filter (periodFrom, periodTo) names the `from`/`to` arguments of
    the fields that take them (series, aggregate, availability). A class, not a generator
    with `contextmanager`: one is made per read, and a generator's costs ~4x as much."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        if isinstance(error, InvalidInputError):
            field = error.field or ""
            error.field = {"periodFrom": "from", "periodTo": "to"}.get(field, error.field)


_FROM_TO = _FromToArguments()  # it keeps nothing: one serves every read


def from_to_arguments() -> _FromToArguments:
    return _FROM_TO


def _dimensions(inputs: list[DimensionCodeInput] | None) -> Dimensions:
    return tuple(sorted((d.dimension, d.code) for d in inputs or []))


@strawberry.input(description="Narrows the values; every given field must match.")
class ObservationFilter:
    indicators: list[str] | None = strawberry.field(default=None, description="Indicator codes.")
    areas: list[str] | None = strawberry.field(default=None, description="Area codes.")
    period_from: str | None = strawberry.field(
        default=None, description="Periods starting on or after this period's start."
    )
    period_to: str | None = strawberry.field(
        default=None, description="Periods ending on or before this period's end."
    )
    frequency: Frequency | None = strawberry.field(default=None, description="Of this frequency.")
    dimensions: list[DimensionCodeInput] | None = strawberry.field(
        default=None, description="Values carrying every one of these codes."
    )
    status: list[StatusFlag] | None = strawberry.field(
        default=None, description="Values with one of these statuses."
    )


async def read_page(
    info: Info,
    filter: ObservationFilter | None = None,
    first: int | None = None,
    after: str | None = None,
    as_of: datetime | None = None,
    across_reorganisation: bool = False,
    *,
    with_total: bool,
    lean: bool,
) -> tuple[PageRequest, list[ObservationRow], int]:
    """The rows of the `observations` field's page (one more than the page, when there is
    a next one) and the total: what its resolver and its projection both show."""
    page = page_request("observation", first, after, info.context.settings.limits, decode=False)
    f = filter or ObservationFilter()
    criteria = ObservationCriteria(
        indicators=tuple(f.indicators or ()),
        areas=tuple(f.areas or ()),
        period_from=f.period_from,
        period_to=f.period_to,
        frequency=f.frequency,
        dimensions=_dimensions(f.dimensions),
        status_flags=tuple(f.status or ()),
        as_of=as_of,
    )
    rows, total = await reads.read_observations(
        criteria,
        across_reorganisation=across_reorganisation,
        after=page.after,
        limit=page.first + 1,
        session=info.context.session,
        with_total=with_total,
        lean=lean,
    )
    return page, rows, total


async def read_series_of(
    info: Info,
    indicator: str,
    areas: list[str] | None = None,
    dimensions: list[DimensionCodeInput] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    frequency: Frequency | None = None,
    as_of: datetime | None = None,
    across_reorganisation: bool = False,
) -> list[Series]:
    """The series of the `series` field: what its resolver and its projection both show."""
    with from_to_arguments():
        return await reads.read_series(
            session=info.context.session,
            indicator=indicator,
            areas=tuple(areas or ()),
            dimensions=_dimensions(dimensions),
            period_from=period_from,
            period_to=period_to,
            frequency=frequency,
            as_of=as_of,
            across_reorganisation=across_reorganisation,
        )


@strawberry.type
class ObservationQuery:
    @strawberry.field(
        description="Accepted values of published indicators, by indicator, area, period and "
        "breakdown, as a Relay connection; `asOf` reads any past state. Derived indicators "
        "named in `filter.indicators` are computed from their inputs (`derived: true`)."
    )
    @projected_by(page_projection(read_page))
    async def observations(
        self,
        info: Info,
        filter: ObservationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: AsOf = None,
        across_reorganisation: AcrossReorganisation = False,
    ) -> Connection[Observation]:
        selected = info.selected_fields  # converted by strawberry at each read: once here
        page, rows, total = await read_page(
            info,
            filter,
            first,
            after,
            as_of,
            across_reorganisation,
            with_total=selects_total(selected),
            lean=node_fields(selected) <= LEAN_FIELDS,
        )
        nodes = [Observation.from_row(row) for row in rows]
        return build_connection(
            "observation",
            nodes,
            rows,
            request=page,
            total=total,
            cursor=row_cursor,
        )

    @strawberry.field(
        description="One time series per area and breakdown, points ordered by period: "
        "shaped for charts. A derived indicator's points are computed from its inputs."
    )
    @projected_by(series_projection(read_series_of))
    async def series(
        self,
        info: Info,
        indicator: str,
        areas: list[str] | None = None,
        dimensions: list[DimensionCodeInput] | None = None,
        period_from: Annotated[str | None, strawberry.argument(name="from")] = None,
        period_to: Annotated[str | None, strawberry.argument(name="to")] = None,
        frequency: Frequency | None = None,
        as_of: AsOf = None,
        across_reorganisation: AcrossReorganisation = False,
    ) -> list[ObservationSeries]:
        found = await read_series_of(
            info,
            indicator,
            areas,
            dimensions,
            period_from,
            period_to,
            frequency,
            as_of,
            across_reorganisation,
        )
        return [ObservationSeries.from_record(s) for s in found]

    @strawberry.field(
        description="Values accepted (added or revised) after `since`, in acceptance order, "
        "for connected systems that sync: page with `after` until a page comes back short."
    )
    async def changes(
        self,
        info: Info,
        since: datetime,
        first: int | None = None,
        after: str | None = None,
    ) -> ChangeFeed:
        page = page_request("change", first, after, info.context.settings.limits, decode=False)
        found = await service.list_changes(
            since, after=page.after, limit=page.first + 1, session=info.context.session
        )
        return ChangeFeed.from_page(found, page.first)
