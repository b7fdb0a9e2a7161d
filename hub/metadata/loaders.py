"""Batch functions behind the per-request DataLoaders of the catalog's nested lookups."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.metadata import areas, codelists, service
from hub.metadata.records import IndicatorRecord


async def units_by_code(session: AsyncSession, codes: Sequence[str]) -> list[model.Unit | None]:
    return await service.units_by_codes(codes, session=session)


async def agencies_by_code(
    session: AsyncSession, codes: Sequence[str]
) -> list[model.Agency | None]:
    return await areas.agencies_by_codes(codes, session=session)


async def areas_by_code(session: AsyncSession, codes: Sequence[str]) -> list[model.Area | None]:
    return await areas.areas_by_codes(codes, session=session)


async def area_predecessors(
    session: AsyncSession, codes: Sequence[str]
) -> list[list[tuple[model.Area, Decimal]]]:
    return await areas.area_predecessors(codes, session=session)


async def codelists_by_code(
    session: AsyncSession, codes: Sequence[str]
) -> list[model.Codelist | None]:
    return await codelists.codelists_by_codes(codes, session=session)


async def groups_by_code(
    session: AsyncSession, codes: Sequence[str]
) -> list[model.IndicatorGroup | None]:
    return await service.groups_by_codes(codes, session=session)


async def indicators_by_code(
    session: AsyncSession, codes: Sequence[str]
) -> list[IndicatorRecord | None]:
    return await service.indicators_by_codes(codes, session=session)


async def indicator_versions(
    session: AsyncSession, codes: Sequence[str]
) -> list[list[IndicatorRecord]]:
    return await service.indicator_versions(codes, session=session)


async def narrower_codes(session: AsyncSession, codes: Sequence[str]) -> list[list[str]]:
    return await service.narrower_codes(codes, session=session)
