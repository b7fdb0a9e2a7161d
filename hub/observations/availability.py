"""Which areas, periods and disaggregation codes hold accepted values of an indicator: what a
portal needs to build its filters. Three GROUP BY statements over the same chosen revisions
as every read (`asOf` included), whatever the number of values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import AreaLevel, Frequency
from hub.errors import NotFoundError
from hub.metadata import models as m
from hub.metadata.service import indicators_by_codes
from hub.observations import statements as st
from hub.observations.models import ObservationDimension
from hub.observations.records import ObservationCriteria


@dataclass(frozen=True)
class AreaAvailability:
    area: str
    name_vi: str
    name_en: str | None
    level: AreaLevel
    count: int
    first_period_start: date
    last_period_end: date


@dataclass(frozen=True)
class PeriodAvailability:
    period: str
    period_start: date
    period_end: date
    frequency: Frequency
    count: int


@dataclass(frozen=True)
class CodeAvailability:
    dimension: str
    code: str
    name_vi: str
    name_en: str | None
    count: int


@dataclass(frozen=True)
class Availability:
    indicator: str
    count: int
    areas: tuple[AreaAvailability, ...]
    periods: tuple[PeriodAvailability, ...]
    codes: tuple[CodeAvailability, ...]


async def availability(criteria: ObservationCriteria, *, session: AsyncSession) -> Availability:
    """Counts of values per area, per period and per code of the one indicator of `criteria`."""
    (code,) = criteria.indicators
    record = (await indicators_by_codes([code], session=session))[0]
    if record is None:
        raise NotFoundError("indicator", code, field="indicator")
    indicator = record.indicator
    if indicator.formula is not None:
        from hub.observations.reads import availability_derived  # it builds on this module

        return await availability_derived(criteria, record, session=session)
    chosen = st.chosen(criteria).subquery("chosen")
    count = sa.func.count().label("n")
    by_area = (
        sa.select(
            m.Area.code,
            m.Area.name_vi,
            m.Area.name_en,
            m.Area.level,
            count,
            sa.func.min(chosen.c.period_start).label("first"),
            sa.func.max(chosen.c.period_end).label("last"),
        )
        .join(m.Area, m.Area.id == chosen.c.area_id)
        .group_by(m.Area.code, m.Area.name_vi, m.Area.name_en, m.Area.level)
        .order_by(m.Area.code)
    )
    by_period = (
        sa.select(
            chosen.c.period, chosen.c.period_start, chosen.c.period_end, chosen.c.frequency, count
        )
        .group_by(chosen.c.period, chosen.c.period_start, chosen.c.period_end, chosen.c.frequency)
        .order_by(chosen.c.period_start, chosen.c.period_end)
    )
    by_code = (
        sa.select(m.Codelist.code.label("dimension"), m.Code.code, m.Code.name_vi, m.Code.name_en)
        .add_columns(count)
        .select_from(chosen)
        .join(ObservationDimension, ObservationDimension.observation_id == chosen.c.id)
        .join(m.Codelist, m.Codelist.id == ObservationDimension.codelist_id)
        .join(m.Code, m.Code.id == ObservationDimension.code_id)
        .group_by(m.Codelist.code, m.Code.code, m.Code.name_vi, m.Code.name_en, m.Code.position)
        .order_by(m.Codelist.code, m.Code.position)
    )
    areas = tuple(
        AreaAvailability(r.code, r.name_vi, r.name_en, r.level, r.n, r.first, r.last)
        for r in (await session.execute(by_area)).all()
    )
    periods = tuple(
        PeriodAvailability(r.period, r.period_start, r.period_end, r.frequency, r.n)
        for r in (await session.execute(by_period)).all()
    )
    codes = tuple(
        CodeAvailability(r.dimension, r.code, r.name_vi, r.name_en, r.n)
        for r in (await session.execute(by_code)).all()
    )
    return Availability(indicator.code, sum(a.count for a in areas), areas, periods, codes)
