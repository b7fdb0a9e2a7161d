"""Batch functions behind the DataLoaders of values: revision histories of a page's rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from hub.observations.records import Revision
from hub.observations.service import revisions_of


async def accepted_revisions(session: AsyncSession, ids: Sequence[int]) -> list[list[Revision]]:
    """The accepted revisions of each observation id, oldest first, in one statement."""
    grouped: dict[int, list[Revision]] = defaultdict(list)
    for revision in await revisions_of(ids, session=session):
        grouped[revision.observation_id].append(revision)
    return [grouped.get(i, []) for i in ids]
