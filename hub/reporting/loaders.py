"""Batch functions behind the DataLoaders of reports and their versions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.reporting import regimes, reports


async def reports_by_id(
    session: AsyncSession, ids: Sequence[int]
) -> list[reports.ReportRecord | None]:
    return await reports.reports_by_ids(ids, session=session)


async def versions_by_report(
    session: AsyncSession, ids: Sequence[int]
) -> list[list[reports.VersionRecord]]:
    return await reports.versions_by_report(ids, session=session)


async def regimes_by_code(session: AsyncSession, codes: Sequence[str]) -> list[model.Regime | None]:
    found = {r.code: r for r in await regimes.list_regimes(session=session)}
    return [found.get(code) for code in codes]
