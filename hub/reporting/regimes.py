"""Reads of reporting regimes with their forms.

A deployment has tens of regimes, not thousands, and a regime is only useful whole (agencies,
methods, outline, tables, items), so they are read from the catalog snapshot, which costs a
fixed number of queries however many regimes there are.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.metadata.snapshot import read_snapshot


async def list_regimes(*, session: AsyncSession) -> list[model.Regime]:
    """Current regimes ordered by code."""
    catalog = (await read_snapshot(session)).catalog
    return [catalog.regimes[code] for code in sorted(catalog.regimes)]


async def get_regime(code: str, *, session: AsyncSession) -> model.Regime | None:
    return (await read_snapshot(session)).catalog.regimes.get(code)
