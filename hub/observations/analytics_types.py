"""GraphQL types of aggregates and availability; rows come whole from their services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from catalog.model import AggregationRule, AreaLevel, Frequency, PeriodAggregation
from hub.graphql.language import Language
from hub.metadata.types import LangArg
from hub.observations import aggregation as agg
from hub.observations import availability as av
from hub.observations.types import DimensionCode

strawberry.enum(agg.AggregateBy, description="What the groups of an aggregate are.")


def _name(names: tuple[str | None, str | None], lang: Language) -> str | None:
    vi, en = names
    return en if lang is Language.EN and en else vi


@strawberry.type(
    description="One group of an aggregate; fields the grouping does not fix are null."
)
class AggregateGroup:
    area_code: str | None = strawberry.field(description="The area (grouped by AREA).")
    area_level: AreaLevel | None = strawberry.field(
        description="Level of the area (grouped by AREA or AREA_LEVEL)."
    )
    period: str | None = strawberry.field(description="The period (grouped by PERIOD).")
    period_start: date | None = strawberry.field(description="First day of the period.")
    period_end: date | None = strawberry.field(description="Last day of the period.")
    dimensions: list[DimensionCode] | None = strawberry.field(
        description="Codes of the `byDimensions` codelists."
    )
    value: Decimal | None = strawberry.field(
        description="The aggregate, exact (means: 6 decimal places, half away from zero)."
    )
    count: int = strawberry.field(description="How many stored values went into it.")
    derived: bool = strawberry.field(
        description="Computed by the indicator's formula from the aggregates of its inputs, "
        "or (with `acrossReorganisation`) from the areas before or after the 2025 "
        "reorganisation."
    )
    source_areas: list[str] | None = strawberry.field(
        description="For a derived group of one area: the areas of the stored values it "
        "comes from; null otherwise."
    )
    area_names: strawberry.Private[tuple[str | None, str | None]]

    @classmethod
    def from_record(cls, group: agg.AggregateGroup) -> AggregateGroup:
        key = group.key
        return cls(
            area_code=key.area,
            area_level=key.area_level,
            period=key.period,
            period_start=group.period_start,
            period_end=group.period_end,
            dimensions=None
            if key.dimensions is None
            else [DimensionCode(dimension=d, code=c) for d, c in key.dimensions],
            value=group.value,
            count=group.count,
            derived=group.derived,
            source_areas=None if group.sources is None else list(group.sources),
            area_names=(group.area_name_vi, group.area_name_en),
        )

    @strawberry.field(description="Name of the area (grouped by AREA).")
    def area_name(self, lang: LangArg = Language.VI) -> str | None:
        return _name(self.area_names, lang)


@strawberry.type(description="Values of one indicator rolled up by its aggregation rules.")
class Aggregate:
    indicator_code: str = strawberry.field(description="Code of the indicator.")
    rule: AggregationRule = strawberry.field(description="How its values combine across areas.")
    period_rule: PeriodAggregation = strawberry.field(
        description="How its values combine over time."
    )
    unit_code: str = strawberry.field(description="Unit of the values.")
    groups: list[AggregateGroup] = strawberry.field(description="The groups, in key order.")

    @classmethod
    def from_record(cls, found: agg.Aggregate) -> Aggregate:
        return cls(
            indicator_code=found.indicator,
            rule=found.rule,
            period_rule=found.period_rule,
            unit_code=found.unit,
            groups=[AggregateGroup.from_record(g) for g in found.groups],
        )


@strawberry.type(description="An area holding values of the selection.")
class AreaAvailability:
    area_code: str = strawberry.field(description="Code of the area.")
    area_level: AreaLevel = strawberry.field(description="Its level.")
    count: int = strawberry.field(description="How many values it holds.")
    first_period_start: date = strawberry.field(description="Start of its first period.")
    last_period_end: date = strawberry.field(description="End of its last period.")
    area_names: strawberry.Private[tuple[str | None, str | None]]

    @strawberry.field(description="Name of the area.")
    def area_name(self, lang: LangArg = Language.VI) -> str | None:
        return _name(self.area_names, lang)


@strawberry.type(description="A period holding values of the selection.")
class PeriodAvailability:
    period: str = strawberry.field(description="Period, SDMX form.")
    period_start: date = strawberry.field(description="First day of the period.")
    period_end: date = strawberry.field(description="Last day of the period.")
    frequency: Frequency = strawberry.field(description="Its frequency.")
    count: int = strawberry.field(description="How many values it holds.")


@strawberry.type(description="A disaggregation code carried by values of the selection.")
class CodeAvailability:
    dimension: str = strawberry.field(description="Code of the codelist.")
    code: str = strawberry.field(description="The code.")
    count: int = strawberry.field(description="How many values carry it.")
    names: strawberry.Private[tuple[str | None, str | None]]

    @strawberry.field(description="Name of the code.")
    def name(self, lang: LangArg = Language.VI) -> str | None:
        return _name(self.names, lang)


@strawberry.type(description="Which areas, periods and codes hold values: to build filters.")
class Availability:
    indicator_code: str = strawberry.field(description="Code of the indicator.")
    count: int = strawberry.field(description="How many values the selection holds.")
    areas: list[AreaAvailability] = strawberry.field(description="By area code.")
    periods: list[PeriodAvailability] = strawberry.field(description="By period.")
    codes: list[CodeAvailability] = strawberry.field(description="By codelist, then code.")

    @classmethod
    def from_record(cls, found: av.Availability) -> Availability:
        return cls(
            indicator_code=found.indicator,
            count=found.count,
            areas=[
                AreaAvailability(
                    area_code=a.area,
                    area_level=a.level,
                    count=a.count,
                    first_period_start=a.first_period_start,
                    last_period_end=a.last_period_end,
                    area_names=(a.name_vi, a.name_en),
                )
                for a in found.areas
            ],
            periods=[
                PeriodAvailability(
                    period=p.period,
                    period_start=p.period_start,
                    period_end=p.period_end,
                    frequency=p.frequency,
                    count=p.count,
                )
                for p in found.periods
            ],
            codes=[
                CodeAvailability(
                    dimension=c.dimension, code=c.code, count=c.count, names=(c.name_vi, c.name_en)
                )
                for c in found.codes
            ],
        )
