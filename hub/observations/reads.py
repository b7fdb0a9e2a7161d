"""Reads that compute values: `observations` and `series` of derived indicators and of areas
across the reorganisation, in the same order, pages and shapes as the stored ones.

Stored values come from `service` as always. Computed values (a formula's, or an area's
outside its validity) are computed for the whole selection (at most `derived.MAX_VALUES`),
sorted in the keyset order of observations (indicator, area, period start, period,
breakdown) and merged into the stored page, so `after` cursors work across both. A stored
value of an area always wins over one computed for it.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import AreaLevel, Frequency
from hub.errors import InvalidInputError, LimitExceededError
from hub.metadata import models as m
from hub.metadata.records import IndicatorRecord
from hub.metadata.service import indicators_by_codes
from hub.observations import availability as av
from hub.observations import service
from hub.observations.derived import (
    Selection,
    derived_codes,
    derived_values,
    formula_of,
    read_values,
)
from hub.observations.evaluation import Values, period_of
from hub.observations.records import (
    ObservationCriteria,
    ObservationRow,
    Series,
    SeriesPoint,
    dimension_key,
    parse_dimension_key,
)
from hub.observations.reorganisation import check_request, reorganisation


def _selection(criteria: ObservationCriteria, across: bool) -> Selection:
    return Selection(
        areas=criteria.areas,
        period_from=criteria.period_from,
        period_to=criteria.period_to,
        frequency=criteria.frequency,
        dimensions=criteria.dimensions,
        as_of=criteria.as_of,
        across_reorganisation=across,
    )


async def _computed(
    records: Sequence[IndicatorRecord],
    criteria: ObservationCriteria,
    across: bool,
    *,
    session: AsyncSession,
) -> list[tuple[IndicatorRecord, Values]]:
    """The computed values of each indicator: a formula's, or those of the areas asked for
    outside their validity (stored indicators, `across`)."""
    found = []
    links = None
    for record in records:
        indicator = record.indicator
        if indicator.formula is not None:
            formula = await formula_of(indicator, record.version, session=session)
            values = await derived_values(formula, _selection(criteria, across), session=session)
        elif across:
            check_request(criteria.areas, indicator)
            links = links or await reorganisation(criteria.areas, session=session)
            own = replace(criteria, indicators=(indicator.code,), status_flags=())
            values = await read_values(indicator, own, session=session, links=links)
            values = {k: v for k, v in values.items() if v.derived}
        else:
            continue
        found.append((record, values))
    return found


async def _labels(
    codes: set[str], session: AsyncSession
) -> dict[str, tuple[int, str, str | None, AreaLevel]]:
    rows = (
        await session.execute(
            sa.select(m.Area.id, m.Area.code, m.Area.name_vi, m.Area.name_en, m.Area.level).where(
                m.Area.code.in_(codes)
            )
        )
    ).all()
    return {row.code: (row.id, row.name_vi, row.name_en, row.level) for row in rows}


async def _indicator_ids(codes: Sequence[str], session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        sa.select(m.Indicator.code, m.Indicator.id).where(m.Indicator.code.in_(codes))
    )
    return {row.code: row.id for row in rows.all()}


async def _rows(
    computed: list[tuple[IndicatorRecord, Values]], session: AsyncSession
) -> list[ObservationRow]:
    labels = await _labels({k.area for _, values in computed for k in values if k.area}, session)
    ids = await _indicator_ids([record.indicator.code for record, _ in computed], session)
    rows = []
    for record, values in computed:
        indicator = record.indicator
        for key, value in values.items():
            assert key.area is not None and key.period is not None
            period = period_of(key.period)
            area_id, name_vi, name_en, _ = labels[key.area]
            dims = key.dimensions or ()
            stored_key = dimension_key(dims)
            rows.append(
                ObservationRow(
                    id=0,
                    indicator=indicator.code,
                    indicator_name_vi=indicator.name.vi,
                    indicator_name_en=indicator.name.en,
                    area=key.area,
                    area_name_vi=name_vi,
                    area_name_en=name_en,
                    period=key.period,
                    period_start=period.start,
                    period_end=period.end,
                    frequency=period.frequency,
                    dimension_key=stored_key,
                    dimensions=dims,
                    value=value.value,
                    unit=indicator.unit,
                    status_flag=value.status,
                    comment=None,
                    revision=0,
                    report_version_id=0,
                    definition_version=record.version,
                    recorded_at=value.recorded_at or datetime.min,
                    accepted_at=value.accepted_at,
                    position=(ids[indicator.code], area_id, period.start, key.period, stored_key),
                    derived=True,
                    sources=tuple(sorted(value.sources)),
                )
            )
    return rows


async def read_observations(
    criteria: ObservationCriteria,
    *,
    across_reorganisation: bool = False,
    after: str | None,
    limit: int,
    session: AsyncSession,
    with_total: bool = True,
    lean: bool = False,
) -> tuple[list[ObservationRow], int]:
    """`service.list_observations` with the values of derived indicators named in
    `criteria.indicators` and, with `across_reorganisation`, those of `criteria.areas`
    outside their validity (`lean` applies to the stored values' rows)."""
    if across_reorganisation and not criteria.indicators:
        raise InvalidInputError(
            "acrossReorganisation reads the indicators you name: give `indicators`",
            field="filter.indicators",
        )
    if not across_reorganisation and not await derived_codes(criteria.indicators, session=session):
        return await service.list_observations(
            criteria, after=after, limit=limit, session=session, with_total=with_total, lean=lean
        )
    records = await indicators_by_codes(criteria.indicators, session=session)
    computing = [
        r for r in records if r is not None and (r.indicator.formula or across_reorganisation)
    ]
    if not computing:
        return await service.list_observations(
            criteria, after=after, limit=limit, session=session, with_total=with_total, lean=lean
        )
    computed = await _rows(
        await _computed(computing, criteria, across_reorganisation, session=session), session
    )
    if criteria.status_flags:
        computed = [row for row in computed if row.status_flag in criteria.status_flags]
    computed.sort(key=_position)
    formulas = {r.indicator.code for r in computing if r.indicator.formula}
    stored_codes = tuple(code for code in criteria.indicators if code not in formulas)
    stored: list[ObservationRow] = []
    total = 0
    if stored_codes:
        stored, total = await service.list_observations(
            replace(criteria, indicators=stored_codes),
            after=after,
            limit=limit,
            session=session,
            with_total=with_total,
            lean=lean,
        )
    if with_total:
        total += len(computed)
    if after is not None:
        start = service.cursor_position(after)
        computed = [row for row in computed if _position(row) > start]
    return list(heapq.merge(stored, computed, key=_position))[:limit], total


def _position(row: ObservationRow) -> list[Any]:
    return list(row.position)


async def read_series(
    *,
    session: AsyncSession,
    indicator: str,
    areas: Sequence[str] = (),
    dimensions: Sequence[tuple[str, str]] = (),
    period_from: str | None = None,
    period_to: str | None = None,
    frequency: Frequency | None = None,
    as_of: datetime | None = None,
    across_reorganisation: bool = False,
    max_points: int = service.MAX_SERIES_POINTS,
) -> list[Series]:
    """`service.list_series` with a derived indicator's values, and with the points of
    `areas` outside their validity (`across_reorganisation`)."""
    arguments: dict[str, Any] = {
        "areas": tuple(areas),
        "dimensions": tuple(dimensions),
        "period_from": period_from,
        "period_to": period_to,
        "frequency": frequency,
        "as_of": as_of,
    }
    if not across_reorganisation:
        stored, formula = await service.list_series(
            session=session, indicator=indicator, max_points=max_points, **arguments
        )
        # The rows say whether the indicator is derived; without rows, one statement does.
        if formula is False or (
            formula is None and not await derived_codes([indicator], session=session)
        ):
            return stored
    record = (await indicators_by_codes([indicator], session=session))[0]
    if record is None:
        return []
    series: list[Series] = []
    if record.indicator.formula is None:
        series, _ = await service.list_series(
            session=session, indicator=indicator, max_points=max_points, **arguments
        )
    criteria = ObservationCriteria(indicators=(indicator,), **arguments)
    computed = await _computed([record], criteria, across_reorganisation, session=session)
    values = computed[0][1] if computed else {}
    if sum(len(s.points) for s in series) + len(values) > max_points:
        raise LimitExceededError(
            f"the series have more than {max_points} points: ask for fewer areas or periods"
        )
    return await _merged(series, record, values, session)


async def _merged(
    series: list[Series], record: IndicatorRecord, values: Values, session: AsyncSession
) -> list[Series]:
    points: dict[tuple[str, str, Frequency], list[SeriesPoint]] = defaultdict(list)
    known = {(s.area, dimension_key(s.dimensions), s.frequency): s for s in series}
    for key, value in values.items():
        assert key.area is not None and key.period is not None
        period = period_of(key.period)
        points[(key.area, dimension_key(key.dimensions or ()), period.frequency)].append(
            SeriesPoint(
                key.period,
                period.start,
                period.end,
                value.value,
                record.indicator.unit,
                value.status,
                derived=True,
                sources=tuple(sorted(value.sources)),
            )
        )
    labels = await _labels({key[0] for key in points if key not in known}, session)
    result = dict(known)
    for place, added in points.items():
        area, stored_key, frequency = place
        found = known.get(place)
        if found is None:
            _, name_vi, name_en, _ = labels[area]
            found = Series(
                indicator=record.indicator.code,
                area=area,
                area_name_vi=name_vi,
                area_name_en=name_en,
                dimensions=parse_dimension_key(stored_key),
                frequency=frequency,
                unit=record.indicator.unit,
                points=(),
            )
        merged = sorted((*found.points, *added), key=lambda p: (p.period_start, p.period))
        result[place] = replace(found, points=tuple(merged), unit=merged[-1].unit)
    return [result[k] for k in sorted(result, key=lambda k: (k[0], k[1], _FREQUENCY_ORDER[k[2]]))]


_FREQUENCY_ORDER = {f: i for i, f in enumerate(Frequency)}


async def availability_derived(
    criteria: ObservationCriteria, record: IndicatorRecord, *, session: AsyncSession
) -> av.Availability:
    """Where a derived indicator's values compute (all its inputs are there), counted."""
    formula = await formula_of(record.indicator, record.version, session=session)
    values = await derived_values(formula, _selection(criteria, False), session=session)
    areas: dict[str, list[date]] = {}
    counts: dict[str, int] = defaultdict(int)
    periods: dict[str, int] = defaultdict(int)
    codes: dict[tuple[str, str], int] = defaultdict(int)
    for key in values:
        assert key.area is not None and key.period is not None
        period = period_of(key.period)
        first, last = areas.get(key.area, [period.start, period.end])
        areas[key.area] = [min(first, period.start), max(last, period.end)]
        counts[key.area] += 1
        periods[key.period] += 1
        for pair in key.dimensions or ():
            codes[pair] += 1
    labels = await _labels(set(areas), session)
    names = await _code_names(list(codes), session)
    return av.Availability(
        record.indicator.code,
        len(values),
        tuple(
            av.AreaAvailability(
                code, labels[code][1], labels[code][2], labels[code][3], counts[code], *span
            )
            for code, span in sorted(areas.items())
        ),
        tuple(
            av.PeriodAvailability(
                code, period_of(code).start, period_of(code).end, period_of(code).frequency, n
            )
            for code, n in sorted(
                periods.items(), key=lambda item: (period_of(item[0]).start, period_of(item[0]).end)
            )
        ),
        tuple(
            av.CodeAvailability(
                codelist, code, names[codelist, code][0], names[codelist, code][1], n
            )
            for (codelist, code), n in sorted(
                codes.items(), key=lambda item: (item[0][0], names[item[0]][2])
            )
        ),
    )


async def _code_names(
    pairs: list[tuple[str, str]], session: AsyncSession
) -> dict[tuple[str, str], tuple[str, str | None, int]]:
    """Names and positions of codes, by (codelist, code)."""
    if not pairs:
        return {}
    rows = await session.execute(
        sa.select(
            m.Codelist.code.label("codelist"),
            m.Code.code,
            m.Code.name_vi,
            m.Code.name_en,
            m.Code.position,
        )
        .join(m.Codelist, m.Codelist.id == m.Code.codelist_id)
        .where(sa.tuple_(m.Codelist.code, m.Code.code).in_(pairs))
    )
    return {(r.codelist, r.code): (r.name_vi, r.name_en, r.position) for r in rows.all()}
