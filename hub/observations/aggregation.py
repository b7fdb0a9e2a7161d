"""Aggregates of one indicator on current data: rolled up over time, then across areas.

One SQL statement per stored indicator (a derived one adds one per input): the chosen
revisions of `statements.chosen` (so `asOf` holds), each value moved to its target period
(`frequency`) and target area (`areaLevel`), combined first over time per area by the
indicator's period rule, then across the group by its area rule:

- period rule SUM (flows) sums the shorter periods, LAST (stocks) takes the last one,
  AVERAGE their mean; NONE never rolls up: only values of the target frequency are used;
- for each area and target period only the values of the longest frequency present count: a
  reported annual value is the year's figure, not added to its months;
- area rule SUM sums, AVERAGE is the mean of the areas' values, WEIGHTED is
  sum(value x weight) / sum(weight) with the weight indicator's value for the same area,
  period and breakdown (values without a weight are left out), NONE is refused whenever
  areas would be combined.

Sums are exact; means are rounded half away from zero to `exact_sql.PLACES` places.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from catalog.model import AggregationRule, Frequency, PeriodAggregation
from catalog.periods import Period
from hub.errors import InvalidInputError, LimitExceededError, NotAggregableError, NotFoundError
from hub.events.changes import STAMP_COLUMNS
from hub.exact_sql import canonical, quotient
from hub.metadata import read_cache
from hub.metadata.codelists import codelists_by_codes
from hub.metadata.records import IndicatorRecord
from hub.metadata.service import indicators_by_codes
from hub.observations import aggregate_statements as sql
from hub.observations import statements as st
from hub.observations.aggregate_records import (
    MAX_GROUPS,
    SPAN,
    Aggregate,
    AggregateBy,
    AggregateGroup,
    AggregateRequest,
    GroupKey,
)
from hub.observations.reorganisation import Reorganisation, check_request, reorganisation

__all__ = [
    "Aggregate",
    "AggregateBy",
    "AggregateGroup",
    "AggregateRequest",
    "GroupKey",
    "aggregate",
    "aggregate_stored",
    "check_rules",
    "indicator_definition",
]


async def indicator_definition(code: str, *, session: AsyncSession) -> IndicatorRecord:
    """The published definition of `code` with its version; `NotFoundError` otherwise."""
    found = (await indicators_by_codes([code], session=session))[0]
    if found is None:
        raise NotFoundError("indicator", code, field="indicator")
    return found


async def aggregate(request: AggregateRequest, *, session: AsyncSession) -> Aggregate:
    """The groups of `request`; derived indicators apply their formula to the aggregates of
    their inputs (a ratio of sums, never a sum of ratios). Its statements carry the data
    stamp, which checks its catalog lookups (`read_cache.optimistically`)."""
    return await read_cache.optimistically(session, lambda: _aggregate(request, session=session))


async def _aggregate(request: AggregateRequest, *, session: AsyncSession) -> Aggregate:
    record = await indicator_definition(request.indicator, session=session)
    indicator = record.indicator
    check_rules(indicator, request)
    if request.across_reorganisation:
        check_request(request.areas, indicator)
        if request.area_level is not None:
            raise InvalidInputError(
                "acrossReorganisation reads the areas you name; it does not roll them up "
                "(leave out areaLevel)",
                field="areaLevel",
            )
    if indicator.formula is not None:
        from hub.observations.derived_aggregates import aggregate_derived  # builds on this module

        groups = await aggregate_derived(record, request, session=session)
    else:
        groups = await aggregate_stored(indicator, request, session=session)
    return Aggregate(
        indicator.code, indicator.aggregation, indicator.period_aggregation, indicator.unit, groups
    )


def check_rules(indicator: model.Indicator, request: AggregateRequest) -> None:
    combines_areas = AggregateBy.AREA not in request.group_by or request.area_level is not None
    if indicator.aggregation is AggregationRule.NONE and combines_areas:
        raise NotAggregableError(
            f"indicator {indicator.code} has aggregation rule NONE: its values cannot be "
            "combined across areas (group by AREA, without areaLevel)",
            field="indicator",
        )
    unknown = [c for c in request.by_dimensions if c not in indicator.dimensions]
    if unknown:
        raise InvalidInputError(
            f"indicator {indicator.code} is not disaggregated by {', '.join(unknown)}",
            field="byDimensions",
        )
    if request.frequency is not None and request.frequency not in SPAN:
        raise InvalidInputError(
            "periods roll up into months, quarters, half-years or years, not "
            f"{request.frequency.name.lower()} periods",
            field="frequency",
        )
    if request.frequency is not None and Frequency.WEEKLY in indicator.frequencies:
        raise InvalidInputError(
            f"weekly periods of {indicator.code} do not nest in "
            f"{request.frequency.name.lower()} periods",
            field="frequency",
        )


async def _totals(
    indicator: model.Indicator, request: AggregateRequest, *, session: AsyncSession
) -> list[tuple[str, str]]:
    """(codelist, total code) of each codelist neither grouped nor chosen: read at its total."""
    fixed = {codelist for codelist, _ in request.dimensions} | set(request.by_dimensions)
    free = [c for c in indicator.dimensions if c not in fixed]
    totals = []
    for codelist, found in zip(free, await codelists_by_codes(free, session=session), strict=True):
        if found is None:
            continue
        if found.total_code is None:
            raise InvalidInputError(
                f"indicator {indicator.code} is disaggregated by {codelist}, which has no total "
                f"code: group by it (byDimensions) or choose a code (dimensions)",
                field="dimensions",
            )
        totals.append((codelist, found.total_code))
    return totals


async def aggregate_stored(
    indicator: model.Indicator, request: AggregateRequest, *, session: AsyncSession
) -> tuple[AggregateGroup, ...]:
    """The groups of a stored indicator, in one statement (after the links of the areas when
    reading across the reorganisation)."""
    totals = await _totals(indicator, request, session=session)
    links = None
    if request.across_reorganisation:
        links = await reorganisation(request.areas, session=session)
        if not links.targets:
            return ()
    found, target = (
        _statement(indicator, request, tuple(totals), st.reads_lateral(session))
        if links is None
        else _limited(sql.statement(indicator, request, totals, links))
    )
    rows = (await session.execute(found)).all()
    read_cache.note_carried(session, rows)
    if len(rows) > MAX_GROUPS:
        raise LimitExceededError(
            f"the aggregate has more than {MAX_GROUPS} groups: ask for fewer areas or periods"
        )
    groups = [_group(row, indicator, request, target) for row in rows]
    if links is not None:
        groups = [
            _with_sources(g, links, own=row.own == 0) for g, row in zip(groups, rows, strict=True)
        ]
    return tuple(groups)


@lru_cache(maxsize=st.STATEMENTS_KEPT)
def _statement(
    indicator: model.Indicator,
    request: AggregateRequest,
    totals: tuple[tuple[str, str], ...],
    with_value: bool,
) -> tuple[sa.Select[Any], Frequency | None]:
    """`sql.statement`, built once per distinct aggregate (`st.STATEMENTS_KEPT`) with its
    limit: the same statement object each time, whose cache key SQLAlchemy keeps (a copy
    made per request, by `.limit()`, cost a fifth of an aggregate's Python in that key)."""
    return _limited(sql.statement(indicator, request, totals, with_value=with_value))


def _limited(
    built: tuple[sa.Select[Any], Frequency | None],
) -> tuple[sa.Select[Any], Frequency | None]:
    """One group more than allowed, to tell "too many" (`MAX_GROUPS`), and the data stamp
    the statement saw (`read_cache.note_carried`)."""
    statement, target = built
    return statement.add_columns(*STAMP_COLUMNS).limit(MAX_GROUPS + 1), target


def _with_sources(group: AggregateGroup, links: Reorganisation, own: bool) -> AggregateGroup:
    """A derived group of one area names the areas its values came from: the linked ones for
    the group's periods, and the area itself when it had values of its own there too."""
    if not group.derived or group.key.area is None:
        return group
    start = group.period_start if group.key.period is not None else None
    end = group.period_end if group.key.period is not None else None
    sources = set(links.sources(group.key.area, start or date.min, end or date.max))
    if own:
        sources.add(group.key.area)
    return replace(group, sources=tuple(sorted(sources)))


def _group(
    row: sa.Row[Any],
    indicator: model.Indicator,
    request: AggregateRequest,
    target: Frequency | None,
) -> AggregateGroup:
    values = row._mapping
    by_area = AggregateBy.AREA in request.group_by
    by_level = by_area or AggregateBy.AREA_LEVEL in request.group_by
    period = start = end = None
    if AggregateBy.PERIOD in request.group_by:
        if target is not None:
            found = Period(target, values["year"], values["index"])
            period, start, end = found.code, found.start, found.end
        else:
            period, start, end = values["period"], values["period_start"], values["period_end"]
    dimensions = None
    if request.by_dimensions:
        dimensions = tuple(sorted((c, values[f"code_{c}"]) for c in request.by_dimensions))
    rule = indicator.aggregation
    if rule is AggregationRule.WEIGHTED:
        value = None if values["w"] is None else quotient(values["vw"], values["w"])
    elif rule is AggregationRule.AVERAGE:
        value = quotient(values["total"], Decimal(values["values"]))
    else:
        value = values["total"]
        if indicator.period_aggregation is PeriodAggregation.AVERAGE and target is not None:
            value = quotient(value, Decimal(1))  # sums of rounded means: shown canonically
        elif values["derived"] and value is not None:
            value = canonical(value)  # weighted sums across the reorganisation
    return AggregateGroup(
        key=GroupKey(
            area=values["code"] if by_area else None,
            area_level=values["level"] if by_level else None,
            period=period,
            dimensions=dimensions,
        ),
        area_name_vi=values["name_vi"] if by_area else None,
        area_name_en=values["name_en"] if by_area else None,
        period_start=start,
        period_end=end,
        value=value,
        count=int(values["stored"] or 0),
        derived=bool(values["derived"]),
    )
