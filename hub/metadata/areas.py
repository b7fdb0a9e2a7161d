"""Reads of areas and agencies: pages filtered by level, parent, kind and validity; batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.metadata import models as m
from hub.metadata import read_cache
from hub.metadata.service import AgencyCriteria, AreaCriteria, Row, _count, _rows, _valid_on
from hub.metadata.snapshot import text

_parent_area = sa.orm.aliased(m.Area)


def _area_select() -> sa.Select[Any]:
    return sa.select(m.Area.__table__, _parent_area.code.label("parent_code")).outerjoin(
        _parent_area, _parent_area.id == m.Area.parent_id
    )


async def _area_models(session: AsyncSession, rows: Sequence[Row]) -> list[model.Area]:
    ids = [row.id for row in rows]
    successors: dict[int, list[model.AreaSuccession]] = defaultdict(list)
    if ids:
        s, target = m.AreaSuccession, sa.orm.aliased(m.Area)
        for link in await _rows(
            session,
            sa.select(s.area_id, s.weight, target.code)
            .join(target, target.id == s.successor_id)
            .where(s.area_id.in_(ids))
            .order_by(s.position),
        ):
            successors[link.area_id].append(
                model.AreaSuccession(successor=link.code, weight=link.weight)
            )
    areas = []
    for row in rows:
        a = row
        areas.append(
            model.Area(
                code=a.code,
                name=text(a.name_vi, a.name_en),
                level=a.level,
                national_code=a.national_code,
                parent=row.parent_code,
                valid_from=a.valid_from,
                valid_to=a.valid_to,
                successors=tuple(successors[a.id]),
            )
        )
    return areas


async def list_areas(
    criteria: AreaCriteria, *, after: str | None, limit: int, session: AsyncSession
) -> tuple[list[model.Area], int]:
    """Areas matching `criteria` ordered by code, after the code `after`."""
    statement = _area_select()
    if criteria.level is not None:
        statement = statement.where(m.Area.level == criteria.level)
    if criteria.parent is not None:
        statement = statement.where(_parent_area.code == criteria.parent)
    if criteria.valid_on is not None:
        statement = statement.where(_valid_on(m.Area, criteria.valid_on))
    total = await _count(session, statement)
    if after is not None:
        statement = statement.where(m.Area.code > after)
    rows = await _rows(session, statement.order_by(m.Area.code).limit(limit))
    return await _area_models(session, rows), total


async def areas_by_codes(codes: Sequence[str], *, session: AsyncSession) -> list[model.Area | None]:
    """Each area by code, None where there is none (shared by read-only requests:
    `read_cache`)."""
    return await read_cache.by_code(
        session, "area", codes, lambda wanted: _areas_by_codes(wanted, session)
    )


async def _areas_by_codes(codes: Sequence[str], session: AsyncSession) -> list[model.Area | None]:
    rows = await _rows(session, _area_select().where(m.Area.code.in_(set(codes))))
    found = {a.code: a for a in await _area_models(session, rows)}
    return [found.get(code) for code in codes]


async def get_area(code: str, *, session: AsyncSession) -> model.Area | None:
    return (await areas_by_codes([code], session=session))[0]


async def area_predecessors(
    codes: Sequence[str], *, session: AsyncSession
) -> list[list[tuple[model.Area, Decimal]]]:
    """For each area code, the areas that went into it, with the share each contributed."""
    s, successor = m.AreaSuccession, sa.orm.aliased(m.Area)
    links = await _rows(
        session,
        sa.select(s.area_id, s.weight, successor.code.label("successor"))
        .join(successor, successor.id == s.successor_id)
        .where(successor.code.in_(set(codes))),
    )
    rows = await _rows(
        session, _area_select().where(m.Area.id.in_({link.area_id for link in links}))
    )
    by_id = dict(zip((row.id for row in rows), await _area_models(session, rows), strict=True))
    grouped: dict[str, list[tuple[model.Area, Decimal]]] = defaultdict(list)
    for link in sorted(links, key=lambda link: by_id[link.area_id].code):
        grouped[link.successor].append((by_id[link.area_id], link.weight))
    return [grouped.get(code, []) for code in codes]


_parent_agency = sa.orm.aliased(m.Agency)
_jurisdiction = sa.orm.aliased(m.Area)


def _agency_select() -> sa.Select[Any]:
    return (
        sa.select(
            m.Agency.__table__,
            _parent_agency.code.label("parent_code"),
            _jurisdiction.code.label("jurisdiction_code"),
        )
        .outerjoin(_parent_agency, _parent_agency.id == m.Agency.parent_id)
        .outerjoin(_jurisdiction, _jurisdiction.id == m.Agency.jurisdiction_id)
    )


async def _agency_models(session: AsyncSession, rows: Sequence[Row]) -> list[model.Agency]:
    ids = [row.id for row in rows]
    successors: dict[int, list[str]] = defaultdict(list)
    if ids:
        s, target = m.AgencySuccessor, sa.orm.aliased(m.Agency)
        for link in await _rows(
            session,
            sa.select(s.agency_id, target.code)
            .join(target, target.id == s.successor_id)
            .where(s.agency_id.in_(ids))
            .order_by(s.position),
        ):
            successors[link.agency_id].append(link.code)
    agencies = []
    for row in rows:
        a = row
        agencies.append(
            model.Agency(
                code=a.code,
                name=text(a.name_vi, a.name_en),
                kind=a.kind,
                abbreviation=a.abbreviation,
                parent=row.parent_code,
                jurisdiction=row.jurisdiction_code,
                valid_from=a.valid_from,
                valid_to=a.valid_to,
                successors=tuple(successors[a.id]),
            )
        )
    return agencies


async def list_agencies(
    criteria: AgencyCriteria, *, after: str | None, limit: int, session: AsyncSession
) -> tuple[list[model.Agency], int]:
    """Agencies matching `criteria` ordered by code, after the code `after`."""
    statement = _agency_select()
    if criteria.kind is not None:
        statement = statement.where(m.Agency.kind == criteria.kind)
    if criteria.valid_on is not None:
        statement = statement.where(_valid_on(m.Agency, criteria.valid_on))
    total = await _count(session, statement)
    if after is not None:
        statement = statement.where(m.Agency.code > after)
    rows = await _rows(session, statement.order_by(m.Agency.code).limit(limit))
    return await _agency_models(session, rows), total


async def agencies_by_codes(
    codes: Sequence[str], *, session: AsyncSession
) -> list[model.Agency | None]:
    rows = await _rows(session, _agency_select().where(m.Agency.code.in_(set(codes))))
    found = {a.code: a for a in await _agency_models(session, rows)}
    return [found.get(code) for code in codes]


async def get_agency(code: str, *, session: AsyncSession) -> model.Agency | None:
    return (await agencies_by_codes([code], session=session))[0]
