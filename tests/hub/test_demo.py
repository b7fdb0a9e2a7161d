"""The demo data set on a fresh database: every board and read has something to show."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.mapping import graph_to_catalog, parse_sources
from hub.access.models import AuditEvent
from hub.demo import DEMO_ACTOR, DEMO_NOTE, load_demo
from hub.metadata.store import import_catalog
from hub.observations.models import ObservationRevision
from hub.observations.records import ObservationCriteria
from hub.observations.service import list_changes, list_observations, list_series
from hub.reporting.obligations import compliance
from hub.reporting.report_models import Report, ReportStatus, ReportVersion, ReportVersionStatus

# Mid-January 2026: the second half of 2025 is due, January's reports are still expected.
NOW = datetime(2026, 1, 15, 5, 0, tzinfo=UTC)
MONTHLY = "HUB-RR-PROV-SEM-M"


async def _count(session: AsyncSession, table: type[object]) -> int:
    return await session.scalar(sa.select(sa.func.count()).select_from(table)) or 0  # type: ignore[arg-type]


async def test_the_demo_fills_every_board_and_loads_once(session: AsyncSession) -> None:
    # given the seed catalog
    await import_catalog(graph_to_catalog(parse_sources()), session=session)

    # when the demo is loaded twice
    first = await load_demo(session=session, now=NOW)
    rows = [await _count(session, t) for t in (Report, ReportVersion, ObservationRevision)]
    second = await load_demo(session=session, now=NOW)

    # then the second load replays and adds nothing
    assert first.submitted > 50 and first.accepted > 0 and first.returned > 0
    assert (second.submitted, second.accepted, second.returned) == (0, 0, 0)
    assert second.replayed == first.submitted
    assert [await _count(session, t) for t in (Report, ReportVersion, ObservationRevision)] == rows

    # and it is labelled as demo
    submitters = (await session.scalars(sa.select(ReportVersion.submitted_by).distinct())).all()
    assert submitters == [DEMO_ACTOR]
    notes = (
        await session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "demo.load"))
    ).all()
    assert [note["note"] for note in notes] == [DEMO_NOTE]

    # and the monthly board shows agencies on time, late, missing and still expected
    totals = {"on_time": 0, "late": 0, "missing": 0}
    for month in range(7, 13):
        board = await compliance(
            session=session, regime=MONTHLY, period=f"2025-M{month:02d}", as_of=NOW
        )
        for status in totals:
            totals[status] += getattr(board, status)
    assert all(count > 0 for count in totals.values()), totals
    january = await compliance(session=session, regime=MONTHLY, period="2026-M01", as_of=NOW)
    assert january.expected > 0

    # and some versions were returned, some still wait for review
    statuses = set((await session.scalars(sa.select(ReportVersion.status))).all())
    assert {ReportVersionStatus.ACCEPTED, ReportVersionStatus.RETURNED} <= statuses
    pending = sa.select(Report.id).where(Report.status != ReportStatus.ACCEPTED)
    assert await session.scalar(sa.select(sa.func.count()).select_from(pending.subquery())) > 0

    # and some observation has been revised
    revised = (
        sa.select(ObservationRevision.observation_id)
        .group_by(ObservationRevision.observation_id)
        .having(sa.func.count() >= 2)
    )
    assert await session.scalar(sa.select(sa.func.count()).select_from(revised.subquery())) > 0

    # and the reads return data
    rows_page, total = await list_observations(
        ObservationCriteria(), after=None, limit=10, session=session
    )
    assert len(rows_page) == 10 and total > 1000
    series, _ = await list_series(
        session=session, indicator="1001", dimensions=[("RETAIL_ACTIVITY", "T")]
    )
    assert len(series) >= 5 and max(len(s.points) for s in series) >= 4
    changes = await list_changes(
        datetime(2025, 12, 1, tzinfo=UTC), after=None, limit=50, session=session
    )
    assert changes
