"""Concurrent submissions on PostgreSQL end with exactly the expected rows.

Each task has its own session and connection, all committing for real, so unique constraints,
SAVEPOINTs and row locks do the work they do in production. SQLite serialises writers by
locking the whole file, so these run on PostgreSQL only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.access.models import AuditEvent
from hub.db import create_engine, create_session_factory
from hub.metadata.crosswalks import Crosswalk, RegisterOutcome, register_crosswalk
from hub.observations.models import Observation, ObservationRevision
from hub.reporting.report_models import Report, ReportStatus, ReportVersion
from hub.reporting.submission import SubmissionOutcome, submit_report
from hub.reporting.validation import SubmissionDraft
from hub.settings import Settings
from tests.hub.reporting.catalog_fixture import VN, draft, observation, store_catalog

pytestmark = pytest.mark.postgresql_only  # SQLite has a single writer

TASKS = 32
LATE = datetime(2026, 1, 10, tzinfo=VN)  # every month of 2023-2025 is open


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a committed database holding the test catalog, one connection each."""
    engine: AsyncEngine = create_engine(
        Settings(database_url=database_url), pool_size=TASKS + 2, max_overflow=0
    )
    factory = create_session_factory(engine)
    async with factory() as session:
        await store_catalog(session, communes=3)
        await session.commit()
    yield factory
    await engine.dispose()


async def submit(
    factory: async_sessionmaker[AsyncSession], submission: SubmissionDraft, key: str | None
) -> SubmissionOutcome:
    async with factory() as session:
        outcome = await submit_report(
            submission, session=session, actor="tester", idempotency_key=key, now=LATE
        )
        await session.commit()
        return outcome


async def count(factory: async_sessionmaker[AsyncSession], table: type) -> int:
    async with factory() as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(table)) or 0


def monthly(index: int) -> SubmissionDraft:
    period = f"{2023 + index // 12}-M{index % 12 + 1:02d}"
    return draft(
        observation(period=period),
        observation(period=period, dimensions=(("SEX", "F"),), value="3.25"),
        period=period,
    )


async def test_distinct_reports_submitted_at_once_are_all_stored(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # when 32 reports of different months are submitted at the same moment
    outcomes = await asyncio.gather(
        *(submit(sessions, monthly(n), f"month-{n}") for n in range(TASKS))
    )

    # then each got its report, one version and its two values
    assert all(o.ok and not o.replayed and o.created == 2 for o in outcomes)
    assert len({o.report.id for o in outcomes if o.report}) == TASKS
    assert await count(sessions, Report) == TASKS
    assert await count(sessions, ReportVersion) == TASKS
    assert await count(sessions, Observation) == 2 * TASKS
    assert await count(sessions, ObservationRevision) == 2 * TASKS
    assert await count(sessions, AuditEvent) == TASKS


async def test_replays_of_one_key_at_once_store_it_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # when the same submission is sent 32 times at once with one idempotency key
    submission = monthly(5)
    outcomes = await asyncio.gather(*(submit(sessions, submission, "once") for _ in range(TASKS)))

    # then one stored it, the 31 others got its result back
    assert all(o.ok for o in outcomes)
    assert sum(not o.replayed for o in outcomes) == 1
    assert len({o.version.id for o in outcomes if o.version}) == 1
    assert await count(sessions, Report) == 1
    assert await count(sessions, ReportVersion) == 1
    assert await count(sessions, ObservationRevision) == 2
    assert await count(sessions, AuditEvent) == 1


async def test_versions_of_one_report_submitted_at_once_are_numbered_in_turn(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # when one report is submitted 32 times at once without keys, each with another value
    submissions = [
        draft(observation(period="2025-M03", value=str(n)), period="2025-M03") for n in range(TASKS)
    ]
    outcomes = await asyncio.gather(*(submit(sessions, s, None) for s in submissions))

    # then one report with versions 1..32, and one revision each for its observation
    assert all(o.ok for o in outcomes)
    async with sessions() as session:
        versions = list(await session.scalars(sa.select(ReportVersion.version)))
        numbers = list(await session.scalars(sa.select(ObservationRevision.revision)))
        report = (await session.scalars(sa.select(Report))).one()
    assert sorted(versions) == list(range(1, TASKS + 1))
    assert sorted(numbers) == list(range(1, TASKS + 1))
    assert report.status is ReportStatus.RESUBMITTED
    assert await count(sessions, Observation) == 1


async def test_one_mapping_registered_at_once_is_stored_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def register() -> RegisterOutcome:
        async with sessions() as session:
            outcome = await register_crosswalk(
                "HN-SYS", "area", [("HN", "P01")], session=session, actor="integrator"
            )
            await session.commit()
            return outcome

    outcomes = await asyncio.gather(*(register() for _ in range(TASKS)))

    assert sorted(o.created for o in outcomes) == [0] * (TASKS - 1) + [1]
    assert await count(sessions, Crosswalk) == 1
