"""Reads of the stored catalog for the API: pages and batches, each a fixed number of queries.

Every function reads current (published, not withdrawn) definitions and returns
`catalog.model` objects; a page of N entities costs the same number of statements as a page
of one (DESIGN §8). The DataLoaders in `loaders.py` call the `*_by_codes` batches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from catalog.text import fold
from hub.metadata import models as m
from hub.metadata import read_cache
from hub.metadata.records import IndicatorRecord
from hub.metadata.snapshot import optional_text, text
from hub.reporting import models as r

Row = sa.Row[Any]  # Any: Core rows; each builder reads the columns it selected


@dataclass(frozen=True)
class IndicatorCriteria:
    search: str | None = None
    group: str | None = None
    agency: str | None = None
    frequency: model.Frequency | None = None
    disaggregation: str | None = None
    is_code_provisional: bool | None = None


@dataclass(frozen=True)
class AreaCriteria:
    level: model.AreaLevel | None = None
    parent: str | None = None
    valid_on: date | None = None


@dataclass(frozen=True)
class AgencyCriteria:
    kind: model.AgencyKind | None = None
    valid_on: date | None = None


async def _rows(session: AsyncSession, statement: sa.Executable) -> list[Row]:
    return list((await session.execute(statement)).all())


async def _count(session: AsyncSession, statement: sa.Select[Any]) -> int:
    counted = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    return int((await session.execute(counted)).scalar_one())


def _valid_on(table: Any, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.or_(table.valid_from.is_(None), table.valid_from <= day),
        sa.or_(table.valid_to.is_(None), table.valid_to >= day),
    )


# --- indicators -------------------------------------------------------------------------------

_unit = sa.orm.aliased(m.Unit)
_agency = sa.orm.aliased(m.Agency)
_group = sa.orm.aliased(m.IndicatorGroup)
_weight = sa.orm.aliased(m.Indicator)


def _indicator_select() -> sa.Select[Any]:
    v = m.IndicatorVersion
    return (
        sa.select(
            v.__table__,
            m.Indicator.code.label("code"),
            _unit.code.label("unit_code"),
            _agency.code.label("agency_code"),
            _group.code.label("group_code"),
            _weight.code.label("weight_code"),
        )
        .join(m.Indicator, m.Indicator.id == v.indicator_id)
        .join(_unit, _unit.id == v.unit_id)
        .join(_agency, _agency.id == v.agency_id)
        .outerjoin(_group, _group.id == v.group_id)
        .outerjoin(_weight, _weight.id == v.weight_indicator_id)
    )


async def _indicator_records(session: AsyncSession, rows: Sequence[Row]) -> list[IndicatorRecord]:
    """Records for version rows from `_indicator_select`, with their lists in 3 more queries."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    frequencies: dict[int, list[model.Frequency]] = defaultdict(list)
    dimensions: dict[int, list[str]] = defaultdict(list)
    links: dict[tuple[int, m.LinkKind], list[str]] = defaultdict(list)
    f = m.IndicatorFrequency
    for fr in await _rows(
        session, sa.select(f.__table__).where(f.indicator_version_id.in_(ids)).order_by(f.position)
    ):
        frequencies[fr.indicator_version_id].append(fr.frequency)
    d = m.IndicatorDimension
    for dr in await _rows(
        session,
        sa.select(d.indicator_version_id, m.Codelist.code)
        .join(m.Codelist, m.Codelist.id == d.codelist_id)
        .where(d.indicator_version_id.in_(ids))
        .order_by(d.position),
    ):
        dimensions[dr.indicator_version_id].append(dr.code)
    lk = m.IndicatorLink
    for lr in await _rows(
        session,
        sa.select(lk.indicator_version_id, lk.kind, m.Indicator.code)
        .join(m.Indicator, m.Indicator.id == lk.target_id)
        .where(lk.indicator_version_id.in_(ids))
        .order_by(lk.position),
    ):
        links[(lr.indicator_version_id, lr.kind)].append(lr.code)
    records = []
    for row in rows:
        v = row
        indicator = model.Indicator(
            code=row.code,
            name=text(v.name_vi, v.name_en),
            definition=text(v.definition_vi, v.definition_en),
            unit=row.unit_code,
            frequencies=tuple(frequencies[v.id]),
            agency=row.agency_code,
            group=row.group_code,
            method=optional_text(v.method_vi, v.method_en),
            source=optional_text(v.source_vi, v.source_en),
            legal_basis=v.legal_basis,
            dimensions=tuple(dimensions[v.id]),
            aggregation=v.aggregation,
            weight_indicator=row.weight_code,
            value_type=v.value_type,
            period_aggregation=v.period_aggregation,
            min_value=v.min_value,
            max_value=v.max_value,
            broader=tuple(links[(v.id, m.LinkKind.BROADER)]),
            related=tuple(links[(v.id, m.LinkKind.RELATED)]),
            formula=v.formula,
            national_code=v.national_code,
            is_code_provisional=v.is_code_provisional,
        )
        records.append(
            IndicatorRecord(
                indicator=indicator,
                version=v.version,
                status=v.status,
                published_at=v.published_at,
                version_id=v.id,
            )
        )
    return records


_PUBLISHED = m.IndicatorVersion.status == m.VersionStatus.PUBLISHED


async def list_indicators(
    criteria: IndicatorCriteria, *, after: str | None, limit: int, session: AsyncSession
) -> tuple[list[IndicatorRecord], int]:
    """Current indicators matching `criteria`, ordered by code, after the code `after`."""
    v = m.IndicatorVersion
    statement = _indicator_select().where(_PUBLISHED)
    if criteria.search and criteria.search.strip():
        for word in fold(criteria.search).split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            statement = statement.where(v.search_text.like(f"%{escaped}%", escape="\\"))
    if criteria.group is not None:
        statement = statement.where(_group.code == criteria.group)
    if criteria.agency is not None:
        statement = statement.where(_agency.code == criteria.agency)
    if criteria.is_code_provisional is not None:
        statement = statement.where(v.is_code_provisional == criteria.is_code_provisional)
    if criteria.frequency is not None:
        f = m.IndicatorFrequency
        statement = statement.where(
            sa.exists().where(f.indicator_version_id == v.id, f.frequency == criteria.frequency)
        )
    if criteria.disaggregation is not None:
        d = m.IndicatorDimension
        statement = statement.where(
            sa.exists()
            .where(d.indicator_version_id == v.id, d.codelist_id == m.Codelist.id)
            .where(m.Codelist.code == criteria.disaggregation)
        )
    total = await _count(session, statement)
    if after is not None:
        statement = statement.where(m.Indicator.code > after)
    rows = await _rows(session, statement.order_by(m.Indicator.code).limit(limit))
    return await _indicator_records(session, rows), total


async def indicators_by_codes(
    codes: Sequence[str], *, session: AsyncSession
) -> list[IndicatorRecord | None]:
    """The current definition of each code, None where there is none, in the order asked
    (shared by read-only requests: `read_cache`)."""
    return await read_cache.by_code(
        session, "indicator", codes, lambda wanted: _indicators_by_codes(wanted, session)
    )


async def _indicators_by_codes(
    codes: Sequence[str], session: AsyncSession
) -> list[IndicatorRecord | None]:
    rows = await _rows(
        session, _indicator_select().where(_PUBLISHED, m.Indicator.code.in_(set(codes)))
    )
    by_code = {r.indicator.code: r for r in await _indicator_records(session, rows)}
    return [by_code.get(code) for code in codes]


async def get_indicator(code: str, *, session: AsyncSession) -> IndicatorRecord | None:
    return (await indicators_by_codes([code], session=session))[0]


async def indicator_versions(
    codes: Sequence[str], *, session: AsyncSession
) -> list[list[IndicatorRecord]]:
    """Every version (draft, published, retired) of each code, oldest first."""
    rows = await _rows(
        session,
        _indicator_select()
        .where(m.Indicator.code.in_(set(codes)))
        .order_by(m.IndicatorVersion.version),
    )
    grouped: dict[str, list[IndicatorRecord]] = defaultdict(list)
    for record in await _indicator_records(session, rows):
        grouped[record.indicator.code].append(record)
    return [grouped.get(code, []) for code in codes]


async def narrower_codes(codes: Sequence[str], *, session: AsyncSession) -> list[list[str]]:
    """Codes of the current indicators that name each code as broader."""
    lk, target = m.IndicatorLink, sa.orm.aliased(m.Indicator)
    rows = await _rows(
        session,
        sa.select(target.code.label("target"), m.Indicator.code.label("code"))
        .select_from(lk)
        .join(target, target.id == lk.target_id)
        .join(m.IndicatorVersion, m.IndicatorVersion.id == lk.indicator_version_id)
        .join(m.Indicator, m.Indicator.id == m.IndicatorVersion.indicator_id)
        .where(_PUBLISHED, lk.kind == m.LinkKind.BROADER, target.code.in_(set(codes)))
        .order_by(m.Indicator.code),
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        grouped[row.target].append(row.code)
    return [grouped.get(code, []) for code in codes]


# --- units, groups ----------------------------------------------------------------------------

_base = sa.orm.aliased(m.Unit)


def _unit_model(row: Row) -> model.Unit:
    u = row
    return model.Unit(
        code=u.code,
        name=text(u.name_vi, u.name_en),
        symbol=u.symbol,
        quantity_kind=u.quantity_kind,
        base=row.base_code,
        multiplier=u.multiplier,
        qudt_exact=u.qudt_exact,
        qudt_close=u.qudt_close,
    )


def _unit_select() -> sa.Select[Any]:
    return sa.select(m.Unit.__table__, _base.code.label("base_code")).outerjoin(
        _base, _base.id == m.Unit.base_id
    )


async def list_units(
    *, after: str | None, limit: int, session: AsyncSession
) -> tuple[list[model.Unit], int]:
    statement = _unit_select()
    total = await _count(session, statement)
    if after is not None:
        statement = statement.where(m.Unit.code > after)
    rows = await _rows(session, statement.order_by(m.Unit.code).limit(limit))
    units = [_unit_model(row) for row in rows]
    return units, total


async def units_by_codes(codes: Sequence[str], *, session: AsyncSession) -> list[model.Unit | None]:
    rows = await _rows(session, _unit_select().where(m.Unit.code.in_(set(codes))))
    by_code = {row.code: _unit_model(row) for row in rows}
    return [by_code.get(code) for code in codes]


async def get_unit(code: str, *, session: AsyncSession) -> model.Unit | None:
    return (await units_by_codes([code], session=session))[0]


_parent_group = sa.orm.aliased(m.IndicatorGroup)


async def _groups(
    session: AsyncSession, where: Iterable[sa.ColumnElement[bool]]
) -> list[model.IndicatorGroup]:
    g = m.IndicatorGroup
    rows = await _rows(
        session,
        sa.select(g.code, g.name_vi, g.name_en, _parent_group.code.label("parent"))
        .outerjoin(_parent_group, _parent_group.id == g.parent_id)
        .where(*where)
        .order_by(g.code),
    )
    return [
        model.IndicatorGroup(code=r.code, name=text(r.name_vi, r.name_en), parent=r.parent)
        for r in rows
    ]


async def list_groups(*, session: AsyncSession) -> list[model.IndicatorGroup]:
    return await _groups(session, [])


async def groups_by_codes(
    codes: Sequence[str], *, session: AsyncSession
) -> list[model.IndicatorGroup | None]:
    found = {g.code: g for g in await _groups(session, [m.IndicatorGroup.code.in_(set(codes))])}
    return [found.get(code) for code in codes]


async def catalog_fingerprint(*, session: AsyncSession) -> tuple[object, ...]:
    """A value that changes whenever the stored catalog changes, in one cheap statement.

    Imports and edits stamp `updated_at` on every entity they change (its parts included)
    and publishing adds or retires indicator versions, so the counts and latest stamps of
    these tables tell whether a cached rendering of the catalog is still current.
    """
    columns: list[sa.ColumnElement[Any]] = []
    for table in (m.Agency, m.Area, m.Unit, m.Codelist, m.IndicatorGroup, r.Regime):
        columns.append(sa.select(sa.func.count()).select_from(table).scalar_subquery())
        columns.append(sa.select(sa.func.max(table.updated_at)).scalar_subquery())
    v = m.IndicatorVersion
    columns.append(sa.select(sa.func.max(v.id)).scalar_subquery())
    columns.append(sa.select(sa.func.count()).where(_PUBLISHED).scalar_subquery())
    columns.append(sa.select(sa.func.max(v.published_at)).scalar_subquery())
    row = (await session.execute(sa.select(*columns))).one()
    return tuple(row)
