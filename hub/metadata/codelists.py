"""Reads of codelists with their codes (withdrawn codes left out)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.metadata import models as m
from hub.metadata import read_cache
from hub.metadata.service import Row, _count, _rows
from hub.metadata.snapshot import optional_text, text


async def _codelist_models(session: AsyncSession, rows: Sequence[Row]) -> list[model.Codelist]:
    ids = [row.id for row in rows]
    codes: dict[int, list[Row]] = defaultdict(list)
    if ids:
        c, parent = m.Code, sa.orm.aliased(m.Code)
        for code in await _rows(
            session,
            sa.select(c.__table__, parent.code.label("parent_code"))
            .outerjoin(parent, parent.id == c.parent_id)
            .where(c.codelist_id.in_(ids), c.withdrawn_at.is_(None))
            .order_by(c.position),
        ):
            codes[code.codelist_id].append(code)
    lists = []
    for row in rows:
        cl = row
        members = codes[cl.id]
        lists.append(
            model.Codelist(
                code=cl.code,
                name=text(cl.name_vi, cl.name_en),
                description=optional_text(cl.description_vi, cl.description_en),
                codes=tuple(
                    model.Code(
                        code=r.code,
                        name=text(r.name_vi, r.name_en),
                        parent=r.parent_code,
                        order=r.sort_order,
                    )
                    for r in members
                ),
                total_code=next((r.code for r in members if r.is_total), None),
            )
        )
    return lists


def _select() -> sa.Select[Any]:
    return sa.select(m.Codelist.__table__)


async def list_codelists(
    *, after: str | None, limit: int, session: AsyncSession
) -> tuple[list[model.Codelist], int]:
    statement = _select()
    total = await _count(session, statement)
    if after is not None:
        statement = statement.where(m.Codelist.code > after)
    rows = await _rows(session, statement.order_by(m.Codelist.code).limit(limit))
    return await _codelist_models(session, rows), total


async def codelists_by_codes(
    codes: Sequence[str], *, session: AsyncSession
) -> list[model.Codelist | None]:
    """Each codelist by code, None where there is none (shared by read-only requests:
    `read_cache`)."""
    return await read_cache.by_code(
        session, "codelist", codes, lambda wanted: _codelists_by_codes(wanted, session)
    )


async def _codelists_by_codes(
    codes: Sequence[str], session: AsyncSession
) -> list[model.Codelist | None]:
    rows = await _rows(session, _select().where(m.Codelist.code.in_(set(codes))))
    found = {c.code: c for c in await _codelist_models(session, rows)}
    return [found.get(code) for code in codes]


async def get_codelist(code: str, *, session: AsyncSession) -> model.Codelist | None:
    return (await codelists_by_codes([code], session=session))[0]
