"""Root query fields for portals: aggregates and availability."""

from __future__ import annotations

from typing import Annotated

import strawberry

from catalog.model import AreaLevel, Frequency
from hub.metadata.types import Info
from hub.observations import aggregation, availability
from hub.observations.aggregation import AggregateBy, AggregateRequest
from hub.observations.analytics_types import Aggregate, Availability
from hub.observations.queries import (
    AcrossReorganisation,
    AsOf,
    DimensionCodeInput,
    _dimensions,
    from_to_arguments,
)
from hub.observations.records import ObservationCriteria

From = Annotated[
    str | None,
    strawberry.argument(name="from", description="Periods starting on or after this one's start."),
]
To = Annotated[
    str | None,
    strawberry.argument(name="to", description="Periods ending on or before this one's end."),
]


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="Accepted values of one indicator rolled up over time (`frequency`) and "
        "the area hierarchy (`areaLevel`) by its rules, grouped as asked; computed on current "
        "data (or `asOf`). A derived indicator applies its formula to the aggregates of its "
        "inputs (a ratio of sums); an indicator whose rule is NONE is refused when areas "
        "would be combined."
    )
    async def aggregate(
        self,
        info: Info,
        indicator: str,
        group_by: list[AggregateBy],
        by_dimensions: list[str] | None = None,
        area_level: Annotated[
            AreaLevel | None,
            strawberry.argument(
                description="Roll values of the areas below this level into their ancestor at "
                "it (default: each value keeps its own area)."
            ),
        ] = None,
        areas: list[str] | None = None,
        period_from: From = None,
        period_to: To = None,
        frequency: Annotated[
            Frequency | None,
            strawberry.argument(description="Roll periods up into periods of this frequency."),
        ] = None,
        dimensions: list[DimensionCodeInput] | None = None,
        as_of: AsOf = None,
        across_reorganisation: AcrossReorganisation = False,
    ) -> Aggregate:
        request = AggregateRequest(
            indicator=indicator,
            group_by=frozenset(group_by),
            by_dimensions=tuple(by_dimensions or ()),
            area_level=area_level,
            areas=tuple(areas or ()),
            period_from=period_from,
            period_to=period_to,
            frequency=frequency,
            dimensions=_dimensions(dimensions),
            as_of=as_of,
            across_reorganisation=across_reorganisation,
        )
        with from_to_arguments():
            found = await aggregation.aggregate(request, session=info.context.session)
        return Aggregate.from_record(found)

    @strawberry.field(
        description="Which areas, periods and disaggregation codes hold accepted values of an "
        "indicator for a selection, with counts: to build a portal's filters. For a derived "
        "indicator: where its values compute (every input has a value)."
    )
    async def availability(
        self,
        info: Info,
        indicator: str,
        areas: list[str] | None = None,
        period_from: From = None,
        period_to: To = None,
        frequency: Frequency | None = None,
        dimensions: list[DimensionCodeInput] | None = None,
        as_of: AsOf = None,
    ) -> Availability:
        criteria = ObservationCriteria(
            indicators=(indicator,),
            areas=tuple(areas or ()),
            period_from=period_from,
            period_to=period_to,
            frequency=frequency,
            dimensions=_dimensions(dimensions),
            as_of=as_of,
        )
        with from_to_arguments():
            found = await availability.availability(criteria, session=info.context.session)
        return Availability.from_record(found)
