"""Derived indicators evaluated on read, for any selection, from the accepted inputs.

A derived indicator D carries a formula over other indicators (`catalog.formula`). Its values
are never stored: each read fetches every reference of the formula in one statement (the
chosen revisions of that input for the selection, `asOf` included), then `evaluation`
combines them key by key, one pass per output value. An input is read at the codes its
reference names (`[0501 PRICE_BASIS=CUR]`), at the total code of its other codelists that D
does not have, and keyed by D's own codelists; values of D exist only at D's frequencies.

- `growth` reads its input a year further back; `share` reads the parents and siblings of
  the areas asked for too;
- across the reorganisation each input is read as `reorganisation` combines it, then the
  formula applies (a per-capita value of a new province before it existed is the sum of its
  predecessors' GDP over the sum of their populations);
- `aggregate` aggregates each input by its own rules first, then applies the formula to the
  groups: a ratio of sums, never a sum of ratios.

A selection has at most `MAX_VALUES` values of D (and each input `MAX_INPUT_ROWS` rows);
more is a `LimitExceededError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from catalog import model
from catalog.formula import FormulaError, Node, Reference, parse_formula, references
from catalog.model import AggregationRule, Frequency
from hub.errors import InvalidInputError, LimitExceededError
from hub.metadata import models as m
from hub.metadata import read_cache
from hub.metadata.codelists import codelists_by_codes
from hub.metadata.service import indicators_by_codes
from hub.observations import statements as st
from hub.observations.aggregation import GroupKey
from hub.observations.evaluation import (
    STATUS_BY_RANK,
    Hierarchy,
    Plan,
    Value,
    Values,
    evaluate,
    final,
    period_of,
    plans,
)
from hub.observations.models import Observation, ObservationRevision
from hub.observations.records import Dimensions, ObservationCriteria, parse_dimension_key
from hub.observations.reorganisation import (
    Reorganisation,
    check_request,
    combined,
    combined_value,
    reorganisation,
)

MAX_VALUES = 50_000
MAX_INPUT_ROWS = 200_000


@dataclass(frozen=True)
class Selection:
    """What a read covers; empty tuples and None mean "any"."""

    areas: tuple[str, ...] = ()
    period_from: str | None = None
    period_to: str | None = None
    frequency: Frequency | None = None
    dimensions: Dimensions = ()
    as_of: datetime | None = None
    across_reorganisation: bool = False


@dataclass(frozen=True)
class Formula:
    """A derived indicator with its parsed formula and the definitions of its inputs."""

    indicator: model.Indicator
    version: int
    tree: Node
    inputs: dict[str, model.Indicator]


async def formula_of(indicator: model.Indicator, version: int, *, session: AsyncSession) -> Formula:
    """The formula of `indicator` with its inputs' published definitions."""
    assert indicator.formula is not None
    try:
        tree = parse_formula(indicator.formula)
    except FormulaError as error:  # the catalog validates formulas; a stored one still might not
        raise InvalidInputError(
            f"the formula of {indicator.code} does not parse: {error}", field="indicator"
        ) from None
    codes = references(tree)
    found = await indicators_by_codes(codes, session=session)
    missing = [code for code, record in zip(codes, found, strict=True) if record is None]
    if missing:
        raise InvalidInputError(
            f"the formula of {indicator.code} reads {', '.join(missing)}, which is not published",
            field="indicator",
        )
    inputs = {record.indicator.code: record.indicator for record in found if record is not None}
    return Formula(indicator, version, tree, inputs)


async def derived_codes(codes: Sequence[str], *, session: AsyncSession) -> set[str]:
    """Which of `codes` are published derived indicators: one small statement (for a query,
    shared per data stamp: `read_cache`), so that a read of stored values pays no more than
    that for the chance of a formula."""
    if not codes:
        return set()

    async def load(missing: Sequence[str]) -> list[bool]:
        found = set((await session.scalars(_DERIVED_AMONG, {"codes": list(missing)})).all())
        return [code in found for code in missing]

    wanted = sorted(set(codes))
    flags = await read_cache.by_code(session, "derived", wanted, load)
    return {code for code, derived in zip(wanted, flags, strict=True) if derived}


# Built once, its codes bound per call (building a statement costs more than running it).
_DERIVED_AMONG = (
    sa.select(m.Indicator.code)
    .join(m.IndicatorVersion, m.IndicatorVersion.indicator_id == m.Indicator.id)
    .where(
        m.Indicator.code.in_(sa.bindparam("codes", expanding=True)),
        m.IndicatorVersion.status == m.VersionStatus.PUBLISHED,
        m.IndicatorVersion.formula.is_not(None),
    )
)


def reaching_back(period_from: str | None, years: int) -> str | None:
    """A period code starting at least `years` years before `period_from` starts."""
    if period_from is None or years == 0:
        return period_from
    start = st.period_argument(period_from, "periodFrom").start
    return date(start.year - years, start.month, 1).isoformat()


async def area_hierarchy(areas: Sequence[str], *, session: AsyncSession) -> Hierarchy:
    """Parents of `areas` and every child of those parents (of all areas without `areas`)."""
    parent = aliased(m.Area)
    statement = sa.select(m.Area.code, parent.code.label("parent")).outerjoin(
        parent, parent.id == m.Area.parent_id
    )
    if areas:
        parents = sa.select(m.Area.parent_id).where(m.Area.code.in_(set(areas)))
        statement = statement.where(
            sa.or_(
                m.Area.code.in_(set(areas)),
                m.Area.parent_id.in_(parents),
                m.Area.id.in_(parents),
            )
        )
    rows = (await session.execute(statement)).all()
    children: dict[str, list[str]] = {}
    for row in rows:
        if row.parent is not None:
            children.setdefault(row.parent, []).append(row.code)
    return Hierarchy(
        {row.code: row.parent for row in rows if row.parent is not None},
        {code: tuple(sorted(found)) for code, found in children.items()},
    )


@dataclass(frozen=True)
class _Input:
    """How one reference is read: its indicator, the codes it fixes, the codelists of D it
    keeps in the key and those read at their total code."""

    indicator: model.Indicator
    fixed: Dimensions
    keep: tuple[str, ...]
    totals: tuple[tuple[str, str], ...]


async def _inputs(formula: Formula, *, session: AsyncSession) -> dict[Reference, _Input]:
    refs = {plan.reference for plan in plans(formula.tree)}
    derived = formula.indicator
    free: dict[Reference, list[str]] = {}
    for ref in refs:
        source = formula.inputs[ref.code]
        chosen = dict(ref.selection)
        free[ref] = [
            c for c in source.dimensions if c not in chosen and c not in derived.dimensions
        ]
    codelists = sorted({c for found in free.values() for c in found})
    totals: dict[str, str | None] = {}
    for code, found in zip(
        codelists, await codelists_by_codes(codelists, session=session), strict=True
    ):
        totals[code] = None if found is None else found.total_code
    result = {}
    for ref in refs:
        source = formula.inputs[ref.code]
        without_total = [c for c in free[ref] if totals.get(c) is None]
        if without_total:
            raise InvalidInputError(
                f"the formula of {derived.code} reads {ref.code} without choosing a code of "
                f"{', '.join(without_total)}, which has no total code",
                field="indicator",
            )
        chosen = dict(ref.selection)
        keep = tuple(c for c in source.dimensions if c in derived.dimensions and c not in chosen)
        result[ref] = _Input(
            source,
            ref.selection,
            keep,
            tuple((c, totals[c] or "") for c in free[ref]),
        )
    return result


def _key(area: str, period: str, dimension_key: str, keep: Sequence[str] | None) -> GroupKey:
    pairs = parse_dimension_key(dimension_key)
    if keep is not None:
        pairs = tuple(p for p in pairs if p[0] in keep)
    return GroupKey(area=area, period=period, dimensions=pairs)


async def read_values(
    indicator: model.Indicator,
    criteria: ObservationCriteria,
    *,
    session: AsyncSession,
    filters: Sequence[sa.ColumnElement[bool]] = (),
    links: Reorganisation | None = None,
    keep: Sequence[str] | None = None,
) -> Values:
    """The values of one indicator for `criteria` by area, period and breakdown (only the
    codelists of `keep`, all without it); with `links`, as the reorganisation combines them."""
    if links is not None:
        grouped = combined(
            criteria,
            links,
            filters=filters,
            with_own=True,
            weight_indicator=indicator.weight_indicator
            if indicator.aggregation is AggregationRule.WEIGHTED
            else None,
        )
        if grouped is None:
            return {}
        statement: sa.Select[Any] = (
            sa.select(m.Area.code.label("area"), grouped)
            .join(m.Area, m.Area.id == grouped.c.area_id)
            .limit(MAX_INPUT_ROWS + 1)
        )
    else:
        chosen = st.chosen(criteria).where(*filters).subquery("chosen")
        revision = aliased(ObservationRevision)
        statement = (
            sa.select(
                m.Area.code.label("area"),
                chosen.c.period,
                chosen.c.dimension_key,
                revision.value,
                revision.status_flag,
                revision.recorded_at,
                revision.accepted_at,
            )
            .select_from(chosen)
            .join(revision, revision.id == chosen.c.revision_id)
            .join(m.Area, m.Area.id == chosen.c.area_id)
            .limit(MAX_INPUT_ROWS + 1)
        )
    rows = (await session.execute(statement)).all()
    if len(rows) > MAX_INPUT_ROWS:
        raise LimitExceededError(
            f"{indicator.code} has more than {MAX_INPUT_ROWS} values for this selection: ask "
            "for fewer areas or periods"
        )
    values: Values = {}
    for row in rows:
        key = _key(row.area, row.period, row.dimension_key, keep)
        if key in values and keep is not None:
            continue  # a value without the total code and one at it: the first counts
        if links is None:
            values[key] = Value(
                row.value,
                frozenset((row.area,)),
                status=row.status_flag,
                recorded_at=row.recorded_at,
                accepted_at=row.accepted_at,
            )
            continue
        value, linked = combined_value(row, indicator.aggregation)
        if value is None:
            continue
        sources = (
            links.sources(row.area, row.period_start, row.period_end)
            if linked
            else frozenset((row.area,))
        )
        values[key] = Value(
            value,
            sources,
            count=int(row.linked if linked else row.own),
            derived=linked,
            status=STATUS_BY_RANK[row.status_rank],
            recorded_at=row.recorded_at,
            accepted_at=row.accepted_at,
        )
    return values


def _in_selection(
    key: GroupKey,
    selection: Selection,
    indicator: model.Indicator,
    bounds: tuple[date | None, date | None],
) -> bool:
    if selection.areas and key.area not in selection.areas:
        return False
    if key.period is None:
        return True
    period = period_of(key.period)
    if period.frequency not in indicator.frequencies:
        return False
    if selection.frequency is not None and period.frequency is not selection.frequency:
        return False
    first, last = bounds
    if (first is not None and period.start < first) or (last is not None and period.end > last):
        return False
    if key.dimensions is not None:
        codes = dict(key.dimensions)
        for codelist, code in selection.dimensions:
            if codelist in codes and codes[codelist] != code:
                return False
    return True


async def derived_values(
    formula: Formula, selection: Selection, *, session: AsyncSession
) -> Values:
    """The values of a derived indicator for `selection`, by area, period and breakdown."""
    derived = formula.indicator
    links: Reorganisation | None = None
    if selection.across_reorganisation:
        for source in formula.inputs.values():
            check_request(selection.areas, source)
    inputs = await _inputs(formula, session=session)
    steps = list(plans(formula.tree))
    hierarchy = None
    widened: tuple[str, ...] = selection.areas
    if any(plan.widened for plan in steps):
        hierarchy = await area_hierarchy(selection.areas, session=session)
        if selection.areas:
            widened = tuple(sorted({*selection.areas, *hierarchy.parent, *hierarchy.children}))
    if selection.across_reorganisation:
        links = await reorganisation(widened, session=session)
    fetched = [
        await _fetch(plan, inputs[plan.reference], derived, selection, widened, links, session)
        for plan in steps
    ]
    result = final(evaluate(formula.tree, iter(fetched), hierarchy))
    bounds = period_bounds(selection)
    found = {k: v for k, v in result.items() if _in_selection(k, selection, derived, bounds)}
    if len(found) > MAX_VALUES:
        raise LimitExceededError(
            f"{derived.code} has more than {MAX_VALUES} values for this selection: ask for "
            "fewer areas or periods"
        )
    return found


async def _fetch(
    plan: Plan,
    source: _Input,
    derived: model.Indicator,
    selection: Selection,
    widened: tuple[str, ...],
    links: Reorganisation | None,
    session: AsyncSession,
) -> Values:
    keep = set(source.keep)
    criteria = ObservationCriteria(
        indicators=(source.indicator.code,),
        areas=widened if plan.widened else selection.areas,
        period_from=reaching_back(selection.period_from, plan.years_back),
        period_to=selection.period_to,
        frequency=selection.frequency,
        dimensions=tuple(
            sorted({*source.fixed, *((c, code) for c, code in selection.dimensions if c in keep)})
        ),
        as_of=selection.as_of,
    )
    filters = [st.at_total(c, code) for c, code in source.totals]
    filters.append(Observation.frequency.in_(derived.frequencies))
    return await read_values(
        source.indicator,
        criteria,
        session=session,
        filters=filters,
        links=links,
        keep=source.keep,
    )


def period_bounds(selection: Selection) -> tuple[date | None, date | None]:
    """First and last day of the periods a selection covers."""
    first = last = None
    if selection.period_from is not None:
        first = st.period_argument(selection.period_from, "periodFrom").start
    if selection.period_to is not None:
        last = st.period_argument(selection.period_to, "periodTo").end
    return first, last
