"""What an acceptance made public, per indicator, as events (`hub.events`).

One `observations.accepted` event per indicator of the accepted version: how many values
became public and for which periods and areas, each list cut at `MAX_LISTED` codes (then
`truncated`): clients re-query what they show, the event only says what to re-query.
Only published indicators count, as for every public read.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.events.changes import publish
from hub.metadata import models as m
from hub.observations import statements as st
from hub.observations.models import Observation, ObservationRevision

OBSERVATIONS_ACCEPTED = "observations.accepted"
MAX_LISTED = 100


async def publish_accepted_observations(
    session: AsyncSession, *, report_version_id: int, at: datetime
) -> None:
    """Publish what accepting `report_version_id` (in this transaction) made public."""
    rows = await session.execute(
        sa.select(
            m.Indicator.code,
            Observation.period,
            m.Area.code,
            sa.func.count(ObservationRevision.id),
        )
        .select_from(ObservationRevision)
        .join(Observation, Observation.id == ObservationRevision.observation_id)
        .join(m.Indicator, m.Indicator.id == Observation.indicator_id)
        .join(m.Area, m.Area.id == Observation.area_id)
        .where(
            ObservationRevision.report_version_id == report_version_id,
            ObservationRevision.accepted_at.is_not(None),
            st.is_published(),
        )
        .group_by(m.Indicator.code, Observation.period, m.Area.code)
    )
    counts: dict[str, int] = defaultdict(int)
    periods: dict[str, set[str]] = defaultdict(set)
    areas: dict[str, set[str]] = defaultdict(set)
    for indicator, period, area, count in rows:
        counts[indicator] += count
        periods[indicator].add(period)
        areas[indicator].add(area)
    for indicator in sorted(counts):
        publish(
            session,
            {
                "kind": OBSERVATIONS_ACCEPTED,
                "indicator": indicator,
                "count": counts[indicator],
                "periods": sorted(periods[indicator])[:MAX_LISTED],
                "areas": sorted(areas[indicator])[:MAX_LISTED],
                "truncated": max(len(periods[indicator]), len(areas[indicator])) > MAX_LISTED,
                "at": at.isoformat(),
            },
        )
