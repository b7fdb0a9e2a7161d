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

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from catalog import model
from catalog.model import AggregationRule, AreaLevel, Frequency, PeriodAggregation
from catalog.periods import Period
from hub.errors import InvalidInputError, LimitExceededError, NotAggregableError, NotFoundError
from hub.exact_sql import canonical, exact_product, exact_quotient, exact_sum, quotient
from hub.metadata import models as m
from hub.metadata.codelists import codelists_by_codes
from hub.metadata.records import IndicatorRecord
from hub.metadata.service import indicators_by_codes
from hub.observations import statements as st
from hub.observations.models import Observation, ObservationDimension, ObservationRevision
from hub.observations.records import Dimensions, ObservationCriteria
from hub.observations.reorganisation import (
    Reorganisation,
    aggregate_columns,
    check_request,
    combined,
    reorganisation,
)

MAX_GROUPS = 50_000
# Months per period of the frequencies periods roll up into.
SPAN = {Frequency.ANNUAL: 12, Frequency.SEMIANNUAL: 6, Frequency.QUARTERLY: 3, Frequency.MONTHLY: 1}
_LEVELS = {AreaLevel.NATION: 0, AreaLevel.PROVINCE: 1, AreaLevel.DISTRICT: 2, AreaLevel.COMMUNE: 3}


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


async def indicator_definition(code: str, *, session: AsyncSession) -> IndicatorRecord:
    """The published definition of `code` with its version; `NotFoundError` otherwise."""
    found = (await indicators_by_codes([code], session=session))[0]
    if found is None:
        raise NotFoundError("indicator", code, field="indicator")
    return found


async def aggregate(request: AggregateRequest, *, session: AsyncSession) -> Aggregate:
    """The groups of `request`; derived indicators apply their formula to the aggregates of
    their inputs (a ratio of sums, never a sum of ratios)."""
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
        from hub.observations.derived import aggregate_derived  # derived builds on this module

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


def _sources(indicator: model.Indicator, target: Frequency) -> list[Frequency]:
    """Frequencies whose periods nest in `target` periods and may be rolled up into them."""
    if indicator.period_aggregation is PeriodAggregation.NONE:
        return [target]
    nested = [f for f, span in SPAN.items() if span <= SPAN[target] and SPAN[target] % span == 0]
    return [*nested, Frequency.DAILY]


def _span(column: Any) -> sa.ColumnElement[int]:
    whens = [(column == f, span) for f, span in SPAN.items()]
    return sa.case(*whens, else_=0)


def _ancestors(level: AreaLevel) -> sa.Subquery:
    """(area id, id of its ancestor at `level`) for every area strictly below `level`."""
    area = aliased(m.Area)
    up = sa.select(
        m.Area.id.label("area_id"), m.Area.id.label("ancestor_id"), m.Area.parent_id.label("up")
    ).cte("up", recursive=True)
    up = up.union_all(
        sa.select(up.c.area_id, area.id, area.parent_id).join(area, area.id == up.c.up)
    )
    ancestor = aliased(m.Area)
    return (
        sa.select(up.c.area_id, up.c.ancestor_id)
        .join(ancestor, ancestor.id == up.c.ancestor_id)
        .where(ancestor.level == level, up.c.area_id != up.c.ancestor_id)
        .subquery("ancestor")
    )


def _code_of(codelist: str, observation_id: Any) -> sa.ScalarSelect[str]:
    dimension = aliased(ObservationDimension)
    return (
        sa.select(m.Code.code)
        .join(dimension, dimension.code_id == m.Code.id)
        .join(m.Codelist, m.Codelist.id == dimension.codelist_id)
        .where(dimension.observation_id == observation_id, m.Codelist.code == codelist)
        .scalar_subquery()
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


def total_filter(codelist: str, code: str) -> sa.ColumnElement[bool]:
    dimension = aliased(ObservationDimension)
    listed = (
        sa.select(dimension.observation_id)
        .join(m.Codelist, m.Codelist.id == dimension.codelist_id)
        .where(dimension.observation_id == Observation.id, m.Codelist.code == codelist)
        .exists()
    )
    return sa.or_(~listed, st.has_code(codelist, code))


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
    statement, target = _statement(indicator, request, totals, links)
    rows = (await session.execute(statement.limit(MAX_GROUPS + 1))).all()
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


def _criteria(indicator: model.Indicator, request: AggregateRequest) -> ObservationCriteria:
    return ObservationCriteria(
        indicators=(indicator.code,),
        areas=request.areas,
        period_from=request.period_from,
        period_to=request.period_to,
        dimensions=request.dimensions,
        as_of=request.as_of,
    )


def _statement(
    indicator: model.Indicator,
    request: AggregateRequest,
    totals: Sequence[tuple[str, str]],
    links: Reorganisation | None = None,
) -> tuple[sa.Select[Any], Frequency | None]:
    rule, target = indicator.aggregation, request.frequency
    weighted = rule is AggregationRule.WEIGHTED
    filters = [total_filter(c, code) for c, code in totals]
    if target is not None:
        filters.append(Observation.frequency.in_(_sources(indicator, target)))
    columns: dict[str, Any]
    if links is not None:
        picked = combined(
            _criteria(indicator, request),
            links,
            filters=filters,
            with_own=True,
            weight_indicator=indicator.weight_indicator if weighted else None,
        )
        assert picked is not None  # `aggregate_stored` asks only when some area exists
        rows: sa.Select[Any] = sa.select().select_from(picked)
        columns = aggregate_columns(picked, rule)
    else:
        picked = st.chosen(_criteria(indicator, request)).where(*filters).subquery("chosen")
        value = aliased(ObservationRevision)
        rows = sa.select().select_from(picked).join(value, value.id == picked.c.revision_id)
        columns = {"value": value.value, "n": sa.literal(1), "derived": sa.literal(0)}
        if weighted:
            assert indicator.weight_indicator is not None  # the model ensures it
            weight_criteria = replace(
                _criteria(indicator, request),
                indicators=(indicator.weight_indicator,),
                dimensions=(),
            )
            weights = st.chosen(weight_criteria).subquery("weights")
            weight_value = aliased(ObservationRevision)
            rows = rows.join(
                weights,
                sa.and_(
                    weights.c.area_id == picked.c.area_id,
                    weights.c.period == picked.c.period,
                    weights.c.dimension_key == picked.c.dimension_key,
                ),
            ).join(weight_value, weight_value.id == weights.c.revision_id)
            columns["weight"] = weight_value.value
            columns["vw"] = exact_product(value.value, weight_value.value)
    columns |= {
        "source_area": picked.c.area_id,
        "dimension_key": picked.c.dimension_key,
        "period_start": picked.c.period_start,
    }
    if request.area_level is not None:
        ancestors = _ancestors(request.area_level)
        rows = rows.join(ancestors, ancestors.c.area_id == picked.c.area_id)
        columns["area"] = ancestors.c.ancestor_id
    else:
        columns["area"] = picked.c.area_id
    if target is not None:
        month = sa.cast(sa.extract("month", picked.c.period_start), sa.Integer)
        columns["year"] = sa.cast(sa.extract("year", picked.c.period_start), sa.Integer)
        columns["index"] = (month - 1) // SPAN[target] + 1
        columns["span"] = _span(picked.c.frequency)
        period_keys = ["year", "index"]
    else:
        for name in ("period", "period_end", "frequency"):
            columns[name] = picked.c[name]
        period_keys = ["period", "period_start", "period_end", "frequency"]
    for codelist in request.by_dimensions:
        columns[f"code_{codelist}"] = _code_of(codelist, picked.c.id)
    rows_query = rows.add_columns(*(c.label(n) for n, c in columns.items()))
    return _combine(indicator, request, rows_query.subquery("rows"), period_keys, weighted)


def _combine(
    indicator: model.Indicator,
    request: AggregateRequest,
    rows: sa.Subquery,
    period_keys: list[str],
    weighted: bool,
) -> tuple[sa.Select[Any], Frequency | None]:
    rule, period_rule, target = (
        indicator.aggregation,
        indicator.period_aggregation,
        request.frequency,
    )
    del rule

    # Per source area, breakdown and target period: the longest frequency present, and the
    # latest period (for LAST).
    inner_keys = ["source_area", "area", "dimension_key", *period_keys]
    inner_keys += [f"code_{c}" for c in request.by_dimensions]
    partition = [rows.c[k] for k in inner_keys if k != "area"]
    ranked_columns = [rows.c[k] for k in rows.c.keys()]  # noqa: SIM118 (names, not columns)
    if target is not None:
        ranked_columns.append(sa.func.max(rows.c.span).over(partition_by=partition).label("top"))
    latest = sa.func.row_number().over(partition_by=partition, order_by=rows.c.period_start.desc())
    ranked = sa.select(*ranked_columns, latest.label("latest")).subquery("ranked")
    timed = sa.select(*(ranked.c[k] for k in inner_keys))
    if target is not None:
        timed = timed.where(ranked.c.span == ranked.c.top)
    t_sum = exact_sum(ranked.c.value)
    t_count = sa.func.sum(ranked.c.n)
    if period_rule is PeriodAggregation.LAST and target is not None:
        t_value: Any = exact_sum(sa.case((ranked.c.latest == 1, ranked.c.value)))
        t_count = sa.func.sum(sa.case((ranked.c.latest == 1, ranked.c.n), else_=0))
    elif period_rule is PeriodAggregation.AVERAGE and target is not None and not weighted:
        t_value = exact_quotient(t_sum, sa.func.count())
    else:
        t_value = t_sum
    timed = timed.add_columns(
        t_value.label("t_value"),
        t_count.label("t_count"),
        sa.func.max(ranked.c.derived).label("t_derived"),
        sa.func.min(ranked.c.derived).label("t_own"),
    )
    if weighted:
        timed = timed.add_columns(
            exact_sum(ranked.c.vw).label("t_vw"),
            exact_sum(ranked.c.weight).label("t_w"),
        )
    timed = timed.group_by(*(ranked.c[k] for k in inner_keys))
    inner = timed.subquery("timed")

    # Across the group.
    area = aliased(m.Area)
    outer_keys: list[Any] = []
    if AggregateBy.AREA in request.group_by:
        outer_keys += [area.code, area.name_vi, area.name_en, area.level]
    elif AggregateBy.AREA_LEVEL in request.group_by:
        outer_keys.append(area.level)
    if AggregateBy.PERIOD in request.group_by:
        outer_keys += [inner.c[k] for k in period_keys]
    outer_keys += [inner.c[f"code_{c}"] for c in request.by_dimensions]
    measures = [
        exact_sum(inner.c.t_value).label("total"),
        sa.func.count().label("values"),
        sa.func.sum(inner.c.t_count).label("stored"),
        sa.func.max(inner.c.t_derived).label("derived"),
        sa.func.min(inner.c.t_own).label("own"),
    ]
    if weighted:
        measures += [exact_sum(inner.c.t_vw).label("vw"), exact_sum(inner.c.t_w).label("w")]
    statement = sa.select(*outer_keys, *measures).select_from(inner)
    if AggregateBy.AREA in request.group_by or AggregateBy.AREA_LEVEL in request.group_by:
        statement = statement.join(area, area.id == inner.c.area)
    if outer_keys:
        statement = statement.group_by(*outer_keys).order_by(*outer_keys)
    return statement, target


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
