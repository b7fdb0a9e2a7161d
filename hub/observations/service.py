"""Reading observations back: pages, chart series, revision histories and changes since a moment.

Public reads see only accepted values of published indicators. "As of T" takes, per
observation, the accepted revision with the greatest `accepted_at` not after T: a correlated
subquery on `ix_observation_revision_as_of`, one index probe per observation on both SQLite
and PostgreSQL. Each read is one statement that already joins the labels it returns
(DESIGN.md §8); rows come back as the frozen records of `records.py`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from catalog.model import Frequency
from catalog.periods import Period, PeriodError, parse_period
from hub.errors import InvalidInputError, LimitExceededError, NotFoundError
from hub.metadata import models as m
from hub.observations.models import Observation, ObservationDimension, ObservationRevision
from hub.observations.records import (
    Change,
    ChangeKind,
    ObservationCriteria,
    ObservationKey,
    ObservationRow,
    Revision,
    Series,
    SeriesPoint,
    dimension_key,
    parse_dimension_key,
)
from hub.reporting.report_models import ReportVersion

MAX_SERIES_POINTS = 50_000


async def list_observations(
    criteria: ObservationCriteria,
    *,
    after: str | None,
    limit: int,
    session: AsyncSession,
    with_total: bool = True,
) -> tuple[list[ObservationRow], int]:
    """A page of observations matching `criteria` and, with `with_total`, how many match.

    Ordered by indicator and area (catalog order), period start, period and disaggregation;
    `after` is a row's `cursor`. One statement returns the page, its labels and the total
    (a scalar subquery); a second one counts only when a page past the end comes back empty.
    """
    _check_limit(limit)
    chosen = _chosen_revision(criteria)
    count = _rows(criteria, chosen).with_only_columns(sa.func.count()).order_by(None)
    total_column: sa.ColumnElement[int] = sa.literal(0)
    if with_total:
        total_column = count.scalar_subquery()
    statement = (
        _rows(criteria, chosen).add_columns(total_column.label("total")).order_by(*_ORDER)
    ).limit(limit)
    if after is not None:
        statement = statement.where(_after(_ORDER, _ORDER_KINDS, after))
    rows = (await session.execute(statement)).all()
    total: int = rows[0].total if rows else 0
    if not rows and after is not None and with_total:
        total = await session.scalar(count) or 0
    return [_observation(row, _observation_cursor(row)) for row in rows], total


async def list_series(
    *,
    session: AsyncSession,
    indicator: str,
    areas: Sequence[str] = (),
    dimensions: Sequence[tuple[str, str]] = (),
    period_from: str | None = None,
    period_to: str | None = None,
    frequency: Frequency | None = None,
    as_of: datetime | None = None,
    max_points: int = MAX_SERIES_POINTS,
) -> list[Series]:
    """One time series per area, disaggregation and frequency of `indicator`, for charts.

    `dimensions` narrows to observations carrying all those codes. Series come by area code,
    disaggregation and frequency; points by period. More than `max_points` points in all is
    a `LimitExceededError` (ask for fewer areas or periods).
    """
    criteria = ObservationCriteria(
        indicators=(indicator,),
        areas=tuple(areas),
        period_from=period_from,
        period_to=period_to,
        frequency=frequency,
        dimensions=tuple(dimensions),
        as_of=as_of,
    )
    statement = (
        _rows(criteria, _chosen_revision(criteria))
        .order_by(
            m.Area.code,
            Observation.dimension_key,
            Observation.frequency,
            Observation.period_start,
            Observation.period,
        )
        .limit(max_points + 1)
    )
    rows = [_observation(row, "") for row in (await session.execute(statement)).all()]
    if len(rows) > max_points:
        raise LimitExceededError(
            f"the series have more than {max_points} points: ask for fewer areas or periods"
        )
    groups: dict[tuple[str, str, Frequency], list[ObservationRow]] = {}
    for row in rows:  # rows arrive grouped, so dict order is the statement's order
        groups.setdefault((row.area, row.dimension_key, row.frequency), []).append(row)
    return [_series(group) for group in groups.values()]


def _revision_statement(*, include_unaccepted: bool) -> sa.Select[*tuple[Any, ...]]:
    """Revisions with their units and report versions, oldest first; the caller narrows it."""
    reported = aliased(m.IndicatorVersion)
    unit = aliased(m.Unit)
    reported_unit = aliased(m.Unit)
    revision = ObservationRevision
    statement = (
        sa.select(
            revision.observation_id,
            revision.revision,
            revision.value,
            unit.code.label("unit"),
            revision.reported_value,
            reported_unit.code.label("reported_unit"),
            revision.status_flag,
            revision.comment,
            ReportVersion.report_id,
            ReportVersion.version.label("report_version"),
            ReportVersion.status.label("report_version_status"),
            revision.recorded_at,
            revision.accepted_at,
        )
        .join(Observation, Observation.id == revision.observation_id)
        .join(ReportVersion, ReportVersion.id == revision.report_version_id)
        .join(reported, reported.id == revision.indicator_version_id)
        .join(unit, unit.id == reported.unit_id)
        .join(reported_unit, reported_unit.id == revision.reported_unit_id)
        .order_by(revision.observation_id, revision.revision)
    )
    if not include_unaccepted:
        statement = statement.where(revision.accepted_at.is_not(None), _published().exists())
    return statement


async def list_revisions(
    observation: int | ObservationKey,
    *,
    session: AsyncSession,
    include_unaccepted: bool = False,
) -> list[Revision]:
    """Every revision of an observation, oldest first; public callers see the accepted ones.

    Raises `NotFoundError` when the observation has no revision the caller may see (public
    callers see nothing of an indicator that is not published).
    """
    statement = _revision_statement(include_unaccepted=include_unaccepted)
    if isinstance(observation, int):
        statement = statement.where(Observation.id == observation)
        name = str(observation)
    else:
        statement = statement.where(*_key_filter(observation))
        name = _key_name(observation)
    rows = (await session.execute(statement)).all()
    if not rows:
        raise NotFoundError("observation", name, field="observation")
    return [Revision(**row._asdict()) for row in rows]


async def revisions_of(
    observation_ids: Sequence[int], *, session: AsyncSession, include_unaccepted: bool = False
) -> list[Revision]:
    """The revisions of many observations in one statement, by observation then revision."""
    if not observation_ids:
        return []
    statement = _revision_statement(include_unaccepted=include_unaccepted).where(
        Observation.id.in_(set(observation_ids))
    )
    return [Revision(**row._asdict()) for row in (await session.execute(statement)).all()]


async def list_changes(
    since: datetime,
    *,
    after: str | None,
    limit: int,
    session: AsyncSession,
) -> list[Change]:
    """Values accepted after `since` (exclusive) in acceptance order, for systems that sync.

    Each change is the observation with the newly accepted revision: ADDED for its first
    accepted value, REVISED when it replaces one. `after` is a change's `observation.cursor`;
    fetch pages until one comes back short.
    """
    _check_limit(limit)
    _check_aware(since, "since")
    earlier = aliased(ObservationRevision)
    is_revision = (
        sa.select(earlier.id)
        .where(
            earlier.observation_id == ObservationRevision.observation_id,
            earlier.accepted_at.is_not(None),
            earlier.revision < ObservationRevision.revision,
        )
        .exists()
    )
    criteria = ObservationCriteria()
    statement = (
        _rows(criteria, ObservationRevision.observation_id == Observation.id)
        .add_columns(is_revision.label("is_revision"))
        .where(ObservationRevision.accepted_at > since)
        .order_by(*_CHANGE_ORDER)
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(_after(_CHANGE_ORDER, _CHANGE_KINDS, after))
    return [
        Change(
            ChangeKind.REVISED if row.is_revision else ChangeKind.ADDED,
            _observation(row, _encode([row.accepted_at.isoformat(), row.revision_id])),
        )
        for row in (await session.execute(statement)).all()
    ]


# Keyset orders: the first follows `uq`/`ix_observation_series`, the second
# `ix_observation_revision_accepted_at`; the last column makes each total.
_ORDER: tuple[sa.orm.InstrumentedAttribute[Any], ...] = (
    Observation.indicator_id,
    Observation.area_id,
    Observation.period_start,
    Observation.period,
    Observation.dimension_key,
)
_ORDER_KINDS = (int, int, date, str, str)
_CHANGE_ORDER: tuple[sa.orm.InstrumentedAttribute[Any], ...] = (
    ObservationRevision.accepted_at,
    ObservationRevision.id,
)
_CHANGE_KINDS = (datetime, int)


def _check_limit(limit: int) -> None:
    if limit < 0:
        raise InvalidInputError(f"limit must not be negative (got {limit})", field="first")


def _check_aware(moment: datetime, field: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(f"{moment.isoformat()} has no time zone", field=field)


def _chosen_revision(criteria: ObservationCriteria) -> sa.ColumnElement[bool]:
    """The join condition picking each observation's revision for `criteria`."""
    candidate = aliased(ObservationRevision)
    pick = sa.select(candidate.id).where(candidate.observation_id == Observation.id)
    if criteria.include_unaccepted:
        if criteria.as_of is not None:
            pick = pick.where(candidate.recorded_at <= criteria.as_of)
        pick = pick.order_by(candidate.revision.desc())
    else:
        pick = pick.where(candidate.accepted_at.is_not(None))
        if criteria.as_of is not None:
            pick = pick.where(candidate.accepted_at <= criteria.as_of)
        pick = pick.order_by(candidate.accepted_at.desc(), candidate.revision.desc())
    chosen = pick.limit(1).correlate(Observation).scalar_subquery()
    return ObservationRevision.id == chosen


def _published() -> sa.Select[int]:
    current = aliased(m.IndicatorVersion)
    return sa.select(current.id).where(
        current.indicator_id == Observation.indicator_id,
        current.status == m.VersionStatus.PUBLISHED,
    )


def _rows(
    criteria: ObservationCriteria, revision_join: sa.ColumnElement[bool]
) -> sa.Select[*tuple[Any, ...]]:
    """Observations joined to one revision each (`revision_join`) and to the labels a row shows.

    Names come from the published definition (the reported one for an unpublished indicator
    when reviewers look), the unit from the definition the value was reported under.
    """
    if criteria.as_of is not None:
        _check_aware(criteria.as_of, "asOf")
    current = aliased(m.IndicatorVersion)
    reported = aliased(m.IndicatorVersion)
    is_current = sa.and_(
        current.indicator_id == Observation.indicator_id,
        current.status == m.VersionStatus.PUBLISHED,
    )
    statement = (
        sa.select(
            Observation.id,
            Observation.indicator_id,
            Observation.area_id,
            m.Indicator.code.label("indicator"),
            sa.func.coalesce(current.name_vi, reported.name_vi).label("indicator_name_vi"),
            sa.func.coalesce(current.name_en, reported.name_en).label("indicator_name_en"),
            m.Area.code.label("area"),
            m.Area.name_vi.label("area_name_vi"),
            m.Area.name_en.label("area_name_en"),
            Observation.period,
            Observation.period_start,
            Observation.period_end,
            Observation.frequency,
            Observation.dimension_key,
            ObservationRevision.id.label("revision_id"),
            ObservationRevision.value,
            m.Unit.code.label("unit"),
            ObservationRevision.status_flag,
            ObservationRevision.comment,
            ObservationRevision.revision,
            ObservationRevision.report_version_id,
            ObservationRevision.recorded_at,
            ObservationRevision.accepted_at,
        )
        .select_from(Observation)
        .join(ObservationRevision, revision_join)
        .join(m.Indicator, m.Indicator.id == Observation.indicator_id)
        .join(m.Area, m.Area.id == Observation.area_id)
        .join(reported, reported.id == ObservationRevision.indicator_version_id)
        .join(m.Unit, m.Unit.id == reported.unit_id)
    )
    if criteria.include_unaccepted:
        statement = statement.outerjoin(current, is_current)
    else:
        statement = statement.join(current, is_current)
    return statement.where(*_filters(criteria))


def _filters(criteria: ObservationCriteria) -> list[sa.ColumnElement[bool]]:
    filters: list[sa.ColumnElement[bool]] = []
    if criteria.indicators:
        filters.append(m.Indicator.code.in_(criteria.indicators))
    if criteria.areas:
        filters.append(m.Area.code.in_(criteria.areas))
    if criteria.period_from is not None:
        start = _period(criteria.period_from, "periodFrom").start
        filters.append(Observation.period_start >= start)
    if criteria.period_to is not None:
        end = _period(criteria.period_to, "periodTo").end
        filters.append(Observation.period_end <= end)
    if criteria.frequency is not None:
        filters.append(Observation.frequency == criteria.frequency)
    for codelist, code in criteria.dimensions:
        filters.append(_has_code(codelist, code))
    if criteria.status_flags:
        filters.append(ObservationRevision.status_flag.in_(criteria.status_flags))
    return filters


def _has_code(codelist: str, code: str) -> sa.ColumnElement[bool]:
    dimension = aliased(ObservationDimension)
    return (
        sa.select(dimension.observation_id)
        .join(m.Code, m.Code.id == dimension.code_id)
        .join(m.Codelist, m.Codelist.id == dimension.codelist_id)
        .where(
            dimension.observation_id == Observation.id,
            m.Codelist.code == codelist,
            m.Code.code == code,
        )
        .exists()
    )


def _key_filter(key: ObservationKey) -> list[sa.ColumnElement[bool]]:
    period = _period(key.period, "period").code
    indicator = sa.select(m.Indicator.id).where(m.Indicator.code == key.indicator)
    area = sa.select(m.Area.id).where(m.Area.code == key.area)
    return [
        Observation.indicator_id == indicator.scalar_subquery(),
        Observation.area_id == area.scalar_subquery(),
        Observation.period == period,
        Observation.dimension_key == dimension_key(key.dimensions),
    ]


def _key_name(key: ObservationKey) -> str:
    parts = [key.indicator, key.area, key.period]
    if key.dimensions:
        parts.append(dimension_key(key.dimensions))
    return "/".join(parts)


def _period(text: str, field: str) -> Period:
    try:
        return parse_period(text)
    except PeriodError as error:
        raise InvalidInputError(str(error), field=field) from None


def _encode(values: list[Any]) -> str:
    return json.dumps(values, separators=(",", ":"))


def _observation_cursor(row: sa.Row[*tuple[Any, ...]]) -> str:
    return _encode(
        [
            row.indicator_id,
            row.area_id,
            row.period_start.isoformat(),
            row.period,
            row.dimension_key,
        ]
    )


def _after(
    order: Sequence[sa.orm.InstrumentedAttribute[Any]], kinds: Sequence[type], cursor: str
) -> sa.ColumnElement[bool]:
    """Rows past `cursor` in `order`: a row-value comparison both databases index."""
    try:
        values = json.loads(cursor)
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError("wrong shape")
        typed = [_parse_key(value, kind) for value, kind in zip(values, kinds, strict=True)]
    except (ValueError, TypeError):
        raise InvalidInputError("the cursor is not one of this list", field="after") from None
    bound = (
        sa.bindparam(None, value, type_=column.type)
        for value, column in zip(typed, order, strict=True)
    )
    return sa.tuple_(*order) > sa.tuple_(*bound)


def _parse_key(value: Any, kind: type) -> Any:
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    if kind is datetime and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("a cursor's instant has a time zone")
        return moment
    raise ValueError(f"{value!r} is not a {kind.__name__}")


def _observation(row: sa.Row[*tuple[Any, ...]], cursor: str) -> ObservationRow:
    return ObservationRow(
        id=row.id,
        indicator=row.indicator,
        indicator_name_vi=row.indicator_name_vi,
        indicator_name_en=row.indicator_name_en,
        area=row.area,
        area_name_vi=row.area_name_vi,
        area_name_en=row.area_name_en,
        period=row.period,
        period_start=row.period_start,
        period_end=row.period_end,
        frequency=row.frequency,
        dimension_key=row.dimension_key,
        dimensions=parse_dimension_key(row.dimension_key),
        value=row.value,
        unit=row.unit,
        status_flag=row.status_flag,
        comment=row.comment,
        revision=row.revision,
        report_version_id=row.report_version_id,
        recorded_at=row.recorded_at,
        accepted_at=row.accepted_at,
        cursor=cursor,
    )


def _series(rows: list[ObservationRow]) -> Series:
    first = rows[0]
    points = tuple(
        SeriesPoint(r.period, r.period_start, r.period_end, r.value, r.unit, r.status_flag)
        for r in rows
    )
    return Series(
        indicator=first.indicator,
        area=first.area,
        area_name_vi=first.area_name_vi,
        area_name_en=first.area_name_en,
        dimensions=first.dimensions,
        frequency=first.frequency,
        unit=points[-1].unit,
        points=points,
    )
