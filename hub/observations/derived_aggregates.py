"""Aggregates of derived indicators: each input aggregated by its own rules, then the
formula applied group by group (a ratio of sums, never a sum of ratios)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import AreaLevel
from hub.errors import InvalidInputError
from hub.metadata.records import IndicatorRecord
from hub.observations import aggregation as agg
from hub.observations.aggregation import AggregateGroup, AggregateRequest, GroupKey
from hub.observations.derived import (
    Selection,
    area_hierarchy,
    formula_of,
    period_bounds,
    reaching_back,
)
from hub.observations.evaluation import Value, Values, evaluate, final, functions, period_of, plans
from hub.observations.reorganisation import check_request


async def aggregate_derived(
    record: IndicatorRecord, request: AggregateRequest, *, session: AsyncSession
) -> tuple[AggregateGroup, ...]:
    """The formula applied to the aggregates of its inputs, group by group."""
    indicator = record.indicator
    formula = await formula_of(indicator, record.version, session=session)
    used = functions(formula.tree)
    if used & {"growth", "growth_prev"} and agg.AggregateBy.PERIOD not in request.group_by:
        raise InvalidInputError(
            f"{indicator.code} compares periods ({indicator.formula}): group by PERIOD",
            field="groupBy",
        )
    if "share" in used and (
        agg.AggregateBy.AREA not in request.group_by or request.area_level is not None
    ):
        raise InvalidInputError(
            f"{indicator.code} is a share of the parent area ({indicator.formula}): group by "
            "AREA, without areaLevel",
            field="groupBy",
        )
    steps = list(plans(formula.tree))
    hierarchy = None
    widened = request.areas
    if "share" in used:
        hierarchy = await area_hierarchy(request.areas, session=session)
        if request.areas:
            widened = tuple(sorted({*request.areas, *hierarchy.parent, *hierarchy.children}))
    names: dict[str, tuple[str | None, str | None]] = {}
    spans: dict[str, tuple[date | None, date | None]] = {}
    fetched: list[Values] = []
    for plan in steps:
        source = formula.inputs[plan.reference.code]
        unknown = [c for c in request.by_dimensions if c not in source.dimensions]
        if unknown:
            raise InvalidInputError(
                f"{indicator.code} reads {source.code}, which is not disaggregated by "
                f"{', '.join(unknown)}",
                field="byDimensions",
            )
        fixed = dict(plan.reference.selection)
        dimensions = {c: code for c, code in request.dimensions if c in source.dimensions}
        dimensions |= fixed
        input_request = replace(
            request,
            indicator=source.code,
            areas=widened if plan.widened else request.areas,
            period_from=reaching_back(request.period_from, plan.years_back),
            dimensions=tuple(sorted(dimensions.items())),
        )
        agg.check_rules(source, input_request)
        if request.across_reorganisation:
            check_request(input_request.areas, source)
        groups = await agg.aggregate_stored(source, input_request, session=session)
        values: Values = {}
        for group in groups:
            if group.value is None:
                continue
            if group.key.area is not None:
                names[group.key.area] = (group.area_name_vi, group.area_name_en)
            if group.key.period is not None:
                spans[group.key.period] = (group.period_start, group.period_end)
            sources = group.sources or ((group.key.area,) if group.key.area else ())
            values[group.key] = Value(
                group.value, frozenset(sources), count=group.count, derived=group.derived
            )
        fetched.append(values)
    result = final(evaluate(formula.tree, iter(fetched), hierarchy))
    selection = Selection(
        areas=request.areas if agg.AggregateBy.AREA in request.group_by else (),
        period_from=request.period_from,
        period_to=request.period_to,
    )
    groups_out = []
    for key in sorted(result, key=_group_order):
        if not _in_aggregate(key, selection):
            continue
        value = result[key]
        vi, en = names.get(key.area or "", (None, None))
        start, end = spans.get(key.period or "", (None, None))
        groups_out.append(
            AggregateGroup(
                key=key,
                area_name_vi=vi,
                area_name_en=en,
                period_start=start,
                period_end=end,
                value=value.value,
                count=value.count,
                derived=True,
                sources=tuple(sorted(value.sources)) if key.area is not None else None,
            )
        )
    return tuple(groups_out)


def _in_aggregate(key: GroupKey, selection: Selection) -> bool:
    if selection.areas and key.area not in selection.areas:
        return False
    if key.period is None:
        return True
    first, _ = period_bounds(selection)
    return first is None or period_of(key.period).start >= first


_LEVELS = {AreaLevel.NATION: 0, AreaLevel.PROVINCE: 1, AreaLevel.DISTRICT: 2, AreaLevel.COMMUNE: 3}


def _group_order(key: GroupKey) -> tuple[Any, ...]:
    period = period_of(key.period) if key.period is not None else None
    return (
        key.area or "",
        _LEVELS.get(key.area_level, -1) if key.area_level else -1,
        (period.start, period.end) if period else (date.min, date.min),
        key.dimensions or (),
    )
