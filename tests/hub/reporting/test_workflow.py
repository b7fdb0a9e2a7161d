"""Reviewing reports: accept and return the current version, and the transitions refused."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.models import AuditEvent
from hub.errors import InvalidInputError, NotFoundError
from hub.observations.models import ObservationRevision
from hub.reporting.report_models import ReportStatus, ReportVersion, ReportVersionStatus
from hub.reporting.submission import submit_report
from hub.reporting.workflow import InvalidTransitionError, accept_report, return_report
from tests.hub.reporting.catalog_fixture import NOW, PROVINCE, VN, draft, observation, store_catalog

REPORT = ("BC-M", PROVINCE, "2025-03")  # any spelling of the period finds the report
REVIEWED_AT = datetime(2025, 3, 25, 14, 0, tzinfo=VN)


@pytest.fixture
async def submitted(session: AsyncSession) -> AsyncSession:
    """A database with the test catalog and one submitted report of two values."""
    await store_catalog(session)
    await submit_report(
        draft(observation(), observation(dimensions=(("SEX", "M"),), value="7")),
        session=session,
        actor="province",
        now=NOW,
    )
    return session


async def accepted_at(session: AsyncSession) -> list[datetime | None]:
    return list(
        await session.scalars(
            sa.select(ObservationRevision.accepted_at).order_by(ObservationRevision.id)
        )
    )


async def test_accepting_makes_the_values_public_and_records_the_reviewer(
    submitted: AsyncSession,
) -> None:
    # when
    outcome = await accept_report(
        REPORT, session=submitted, actor="reviewer", comment="Đạt", now=REVIEWED_AT
    )

    # then
    assert outcome.report.status is ReportStatus.ACCEPTED
    version = outcome.version
    assert (version.status, version.reviewed_by, version.reviewed_at, version.review_comment) == (
        ReportVersionStatus.ACCEPTED,
        "reviewer",
        REVIEWED_AT,
        "Đạt",
    )
    assert outcome.accepted_revisions == 2
    assert await accepted_at(submitted) == [REVIEWED_AT, REVIEWED_AT]
    event = (
        await submitted.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report.accept"))
    ).one()
    assert (event.actor, event.entity_code, event.report_version_id, event.at) == (
        "reviewer",
        "BC-M/UBND-01/2025-M03",
        version.id,
        REVIEWED_AT,
    )


async def test_returning_needs_a_comment_and_keeps_the_values_private(
    submitted: AsyncSession,
) -> None:
    # given a return without a reason
    with pytest.raises(InvalidInputError) as blank:
        await return_report(REPORT, session=submitted, actor="reviewer", comment="  ")
    assert blank.value.field == "comment"

    # when it is returned with one
    outcome = await return_report(
        REPORT, session=submitted, actor="reviewer", comment="Thiếu biểu 02", now=REVIEWED_AT
    )

    # then
    assert outcome.report.status is ReportStatus.RETURNED
    assert outcome.version.status is ReportVersionStatus.RETURNED
    assert outcome.version.review_comment == "Thiếu biểu 02"
    assert await accepted_at(submitted) == [None, None]
    actions = list(await submitted.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["report.submit", "report.return"]


async def test_a_reviewed_report_cannot_be_reviewed_again(submitted: AsyncSession) -> None:
    await accept_report(REPORT, session=submitted, actor="reviewer")

    with pytest.raises(InvalidTransitionError) as again:
        await accept_report(REPORT, session=submitted, actor="reviewer")
    with pytest.raises(InvalidTransitionError):
        await return_report(REPORT, session=submitted, actor="reviewer", comment="Sai")

    assert again.value.code == "INVALID_TRANSITION"
    assert "accepted" in again.value.message


async def test_a_returned_report_is_resubmitted_then_accepted(submitted: AsyncSession) -> None:
    # given a returned report, which cannot be accepted as it is
    await return_report(REPORT, session=submitted, actor="reviewer", comment="Sửa số liệu")
    with pytest.raises(InvalidTransitionError):
        await accept_report(REPORT, session=submitted, actor="reviewer")

    # when the agency resubmits and the new version is accepted
    resubmitted = await submit_report(
        draft(observation(value="1001")), session=submitted, actor="province", now=NOW
    )
    assert resubmitted.report is not None
    assert resubmitted.report.status is ReportStatus.RESUBMITTED
    outcome = await accept_report(
        resubmitted.report.id, session=submitted, actor="reviewer", now=REVIEWED_AT
    )

    # then only the new version is accepted; the returned one keeps its review
    versions = list(
        await submitted.execute(
            sa.select(ReportVersion.version, ReportVersion.status).order_by(ReportVersion.version)
        )
    )
    assert versions == [(1, ReportVersionStatus.RETURNED), (2, ReportVersionStatus.ACCEPTED)]
    assert outcome.report.current_version_id == outcome.version.id
    assert outcome.accepted_revisions == 1


async def test_an_unknown_report_is_not_found(submitted: AsyncSession) -> None:
    with pytest.raises(NotFoundError):
        await accept_report(("BC-M", PROVINCE, "2025-M04"), session=submitted, actor="reviewer")
    with pytest.raises(NotFoundError):
        await accept_report(123456, session=submitted, actor="reviewer")
    with pytest.raises(InvalidInputError):
        await accept_report(("BC-M", PROVINCE, "March"), session=submitted, actor="reviewer")
