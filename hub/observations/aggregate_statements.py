"""The SQL of an aggregate of a stored indicator (`aggregation` runs it): the chosen values
(or, across the reorganisation, the combined ones) moved to their target period and area,
rolled up over time per area, then across the group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler

from catalog import model
from catalog.model import AggregationRule, AreaLevel, Frequency, PeriodAggregation
from hub.exact_sql import exact_product, exact_quotient, exact_sum
from hub.metadata import models as m
from hub.observations import statements as st
from hub.observations.aggregate_records import SPAN, AggregateBy, AggregateRequest
from hub.observations.models import Observation, ObservationDimension, ObservationRevision
from hub.observations.records import ObservationCriteria
from hub.observations.reorganisation import Reorganisation, aggregate_columns, combined

# Aliases made once (a fresh alias costs its columns' adaptation per statement built, most
# of an aggregate's Python time); distinct ones where a statement joins a table twice.
_UP_AREA = aliased(m.Area, name="up_area")
_ANCESTOR = aliased(m.Area, name="ancestor_area")
_GROUP_AREA = aliased(m.Area, name="group_area")
_CODE_DIMENSION = aliased(ObservationDimension, name="code_dimension")
_VALUE = aliased(ObservationRevision, name="value_revision")
_WEIGHT_VALUE = aliased(ObservationRevision, name="weight_revision")


class _calendar_part(sa.sql.functions.FunctionElement[int]):
    """The `field` of a date, as an integer (one class per field: a class is part of the
    statement's cache key, an attribute would not be)."""

    type = sa.Integer()
    inherit_cache = True
    field = ""


class _year_of(_calendar_part):
    inherit_cache = True
    field = "year"


class _month_of(_calendar_part):
    inherit_cache = True
    field = "month"


@compiles(_year_of)
@compiles(_month_of)
def _calendar_part_sql(element: _calendar_part, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return compiler.process(sa.cast(sa.extract(element.field, column), sa.Integer), **kw)


@compiles(_year_of, "postgresql")
@compiles(_month_of, "postgresql")
def _calendar_part_postgresql(element: _calendar_part, compiler: SQLCompiler, **kw: Any) -> str:
    # EXTRACT gives a numeric since PostgreSQL 14; date_part's double precision costs less
    # (per value rolled up: ~0.8 ms of the bench's 2,090-value Q3, with the year's index).
    (column,) = element.clauses
    return f"CAST(date_part('{element.field}', {compiler.process(column, **kw)}) AS INTEGER)"


def sources(indicator: model.Indicator, target: Frequency) -> list[Frequency]:
    """Frequencies whose periods nest in `target` periods and may be rolled up into them."""
    if indicator.period_aggregation is PeriodAggregation.NONE:
        return [target]
    nested = [f for f, span in SPAN.items() if span <= SPAN[target] and SPAN[target] % span == 0]
    return [*nested, Frequency.DAILY]


def _frequency_among(frequencies: Sequence[Frequency]) -> sa.ColumnElement[bool]:
    """The frequency is one of `frequencies`: as NOT IN the others where they are fewer (each
    listed frequency is a comparison per value scanned; into a year, IN the five nested
    ones cost ~0.6 ms of the bench's Q3, NOT IN weekly ~0.1 ms)."""
    others = [f for f in Frequency if f not in frequencies]
    if len(others) < len(frequencies):
        return Observation.frequency.not_in(others) if others else sa.true()
    return Observation.frequency.in_(frequencies)


def _span(column: Any) -> sa.ColumnElement[int]:
    whens = [(column == f, span) for f, span in SPAN.items()]
    return sa.case(*whens, else_=0)


def _ancestors(level: AreaLevel) -> sa.Subquery:
    """(area id, id of its ancestor at `level`) for every area strictly below `level`."""
    area = _UP_AREA
    up = sa.select(
        m.Area.id.label("area_id"), m.Area.id.label("ancestor_id"), m.Area.parent_id.label("up")
    ).cte("up", recursive=True)
    up = up.union_all(
        sa.select(up.c.area_id, area.id, area.parent_id).join(area, area.id == up.c.up)
    )
    ancestor = _ANCESTOR
    return (
        sa.select(up.c.area_id, up.c.ancestor_id)
        .join(ancestor, ancestor.id == up.c.ancestor_id)
        .where(ancestor.level == level, up.c.area_id != up.c.ancestor_id)
        .subquery("ancestor")
    )


def _code_of(codelist: str, observation_id: Any) -> sa.ScalarSelect[str]:
    dimension = _CODE_DIMENSION
    return (
        sa.select(m.Code.code)
        .join(dimension, dimension.code_id == m.Code.id)
        .join(m.Codelist, m.Codelist.id == dimension.codelist_id)
        .where(dimension.observation_id == observation_id, m.Codelist.code == codelist)
        .scalar_subquery()
    )


def criteria(indicator: model.Indicator, request: AggregateRequest) -> ObservationCriteria:
    return ObservationCriteria(
        indicators=(indicator.code,),
        areas=request.areas,
        period_from=request.period_from,
        period_to=request.period_to,
        dimensions=request.dimensions,
        as_of=request.as_of,
    )


def statement(
    indicator: model.Indicator,
    request: AggregateRequest,
    totals: Sequence[tuple[str, str]],
    links: Reorganisation | None = None,
    *,
    with_value: bool = False,
) -> tuple[sa.Select[Any], Frequency | None]:
    """The aggregate's statement and the frequency its periods are in; `with_value`
    (PostgreSQL): each value read in the probe that chooses its revision (`st.chosen`)."""
    rule, target = indicator.aggregation, request.frequency
    weighted = rule is AggregationRule.WEIGHTED
    filters = [st.at_total(c, code) for c, code in totals]
    if target is not None:
        filters.append(_frequency_among(sources(indicator, target)))
    columns: dict[str, Any]
    if links is not None:
        picked = combined(
            criteria(indicator, request),
            links,
            filters=filters,
            with_own=True,
            weight_indicator=indicator.weight_indicator if weighted else None,
        )
        assert picked is not None  # `aggregate_stored` asks only when some area exists
        rows: sa.Select[Any] = sa.select().select_from(picked)
        columns = aggregate_columns(picked, rule)
    else:
        chosen = st.chosen(criteria(indicator, request), joined=True, with_value=with_value)
        picked = chosen.where(*filters).subquery("chosen")
        if with_value:
            rows = sa.select().select_from(picked)
            value_column: Any = picked.c.value
        else:
            value = _VALUE
            rows = sa.select().select_from(picked).join(value, value.id == picked.c.revision_id)
            value_column = value.value
        columns = {"value": value_column, "n": sa.literal(1), "derived": sa.literal(0)}
        if weighted:
            assert indicator.weight_indicator is not None  # the model ensures it
            weight_criteria = replace(
                criteria(indicator, request),
                indicators=(indicator.weight_indicator,),
                dimensions=(),
            )
            weights = st.chosen(weight_criteria, joined=True).subquery("weights")
            weight_value = _WEIGHT_VALUE
            rows = rows.join(
                weights,
                sa.and_(
                    weights.c.area_id == picked.c.area_id,
                    weights.c.period == picked.c.period,
                    weights.c.dimension_key == picked.c.dimension_key,
                ),
            ).join(weight_value, weight_value.id == weights.c.revision_id)
            columns["weight"] = weight_value.value
            columns["vw"] = exact_product(value_column, weight_value.value)
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
        columns["year"] = _year_of(picked.c.period_start)
        if SPAN[target] == 12:
            columns["index"] = sa.literal(1)  # a year has one period of its own
        else:
            month = _month_of(picked.c.period_start)
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
    partition = [k for k in inner_keys if k != "area"]
    if target is not None and period_rule is not PeriodAggregation.LAST:
        inner = _timed_by_frequency(rows, inner_keys, partition, period_rule, weighted)
    else:
        last = target is not None
        inner = _timed_by_row(rows, inner_keys, partition, last=last, weighted=weighted)

    # Across the group.
    area = _GROUP_AREA
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


def _timed_measures(
    values: Any, weighted: bool, *, average: bool = False, latest: Any = None
) -> list[Any]:
    """The measures of values rolled up over time, of the rows whose columns are `values`:
    their average (`average`, unless weighted) or sum, or the value of the row where
    `latest` holds (LAST)."""
    if latest is not None:
        t_value: Any = exact_sum(sa.case((latest, values.value)))
        t_count = sa.func.sum(sa.case((latest, values.n), else_=0))
    else:
        t_value = exact_sum(values.value)
        if average and not weighted:
            t_value = exact_quotient(t_value, sa.func.count())
        t_count = sa.func.sum(values.n)
    measures = [
        t_value.label("t_value"),
        t_count.label("t_count"),
        sa.func.max(values.derived).label("t_derived"),
        sa.func.min(values.derived).label("t_own"),
    ]
    if weighted:
        measures += [exact_sum(values.vw).label("t_vw"), exact_sum(values.weight).label("t_w")]
    return measures


def _timed_by_frequency(
    rows: sa.Subquery,
    inner_keys: list[str],
    partition: list[str],
    period_rule: PeriodAggregation,
    weighted: bool,
) -> sa.Subquery:
    """Rolled up into target periods from the longest frequency present: the rows grouped
    per frequency first, then the group of the longest kept. The same groups as keeping the
    rows of the longest frequency and grouping them (as `_timed_by_row` does for LAST), with
    one sort of the rows instead of two, and the window over the groups, not every row."""
    keys = [rows.c[k] for k in inner_keys]
    top = sa.func.max(rows.c.span).over(partition_by=[rows.c[k] for k in partition])
    average = period_rule is PeriodAggregation.AVERAGE
    measures = _timed_measures(rows.c, weighted, average=average)
    spans = (
        sa.select(*keys, rows.c.span, top.label("top"), *measures)
        .group_by(*keys, rows.c.span)
        .subquery("spans")
    )
    kept = [spans.c[k] for k in inner_keys] + [spans.c[m.name] for m in measures]
    return sa.select(*kept).where(spans.c.span == spans.c.top).subquery("timed")


def _timed_by_row(
    rows: sa.Subquery, inner_keys: list[str], partition: list[str], *, last: bool, weighted: bool
) -> sa.Subquery:
    """Rolled up row by row: with `last` (LAST into a target frequency), the latest row of
    the longest frequency present, which windows over the rows find; else (no target
    frequency) the periods as they are."""
    if not last:
        keys = [rows.c[k] for k in inner_keys]
        timed = sa.select(*keys, *_timed_measures(rows.c, weighted)).group_by(*keys)
        return timed.subquery("timed")
    over = [rows.c[k] for k in partition]
    top = sa.func.max(rows.c.span).over(partition_by=over)
    latest = sa.func.row_number().over(partition_by=over, order_by=rows.c.period_start.desc())
    ranked = sa.select(*rows.c, top.label("top"), latest.label("latest")).subquery("ranked")
    keys = [ranked.c[k] for k in inner_keys]
    measures = _timed_measures(ranked.c, weighted, latest=ranked.c.latest == 1)
    timed = sa.select(*keys, *measures).where(ranked.c.span == ranked.c.top).group_by(*keys)
    return timed.subquery("timed")
