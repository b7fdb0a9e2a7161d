"""Reads of submitted reports and their versions, by id or by regime, agency and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.access.rules import ReportAudience
from hub.metadata import models as m
from hub.reporting import models as r
from hub.reporting.report_models import Report, ReportStatus, ReportVersion, ReportVersionStatus


@dataclass(frozen=True)
class ReportRecord:
    """A report with the codes it is known by."""

    id: int
    regime: str
    agency: str
    period: str
    status: ReportStatus
    created_at: datetime
    current_version_id: int | None
    recipient: str | None  # the regime's recipient agency

    def readable_by(self, audience: ReportAudience) -> bool:
        """Whether `audience` may read this report (`hub.access.rules.report_audience`)."""
        return audience.admits(
            agency=self.agency,
            recipient=self.recipient,
            accepted=self.status is ReportStatus.ACCEPTED,
        )


@dataclass(frozen=True)
class VersionRecord:
    """One submitted version of a report and its review."""

    id: int
    report_id: int
    version: int
    status: ReportVersionStatus
    sections: tuple[tuple[str, str], ...]
    submitted_at: datetime
    submitted_by: str
    deadline: date
    on_time: bool
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str | None
    observation_count: int


_RECIPIENT = aliased(m.Agency, name="recipient_agency")


def _select() -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(
            Report.id,
            r.Regime.code.label("regime"),
            m.Agency.code.label("agency"),
            Report.period,
            Report.status,
            Report.created_at,
            Report.current_version_id,
            _RECIPIENT.code.label("recipient"),
        )
        .join(r.Regime, r.Regime.id == Report.regime_id)
        .join(m.Agency, m.Agency.id == Report.agency_id)
        .outerjoin(_RECIPIENT, _RECIPIENT.id == r.Regime.recipient_id)
    )


async def reports_by_ids(ids: Sequence[int], *, session: AsyncSession) -> list[ReportRecord | None]:
    rows = (await session.execute(_select().where(Report.id.in_(set(ids))))).all()
    found = {row.id: ReportRecord(**row._asdict()) for row in rows}
    return [found.get(i) for i in ids]


async def list_reports(
    *,
    session: AsyncSession,
    regime: str | None = None,
    period: str | None = None,
    agency: str | None = None,
    limit: int,
    audience: ReportAudience | None = None,
) -> list[ReportRecord]:
    """Reports matching every given code, newest period first; with `audience`, only those
    it may read (accepted ones, and its own or its office's)."""
    statement = _select()
    if audience is not None and not audience.everything:
        readable = [Report.status == ReportStatus.ACCEPTED]
        if audience.agency is not None:
            readable.append(m.Agency.code == audience.agency)
        if audience.recipient is not None:
            readable.append(_RECIPIENT.code == audience.recipient)
        statement = statement.where(sa.or_(*readable))
    if regime is not None:
        statement = statement.where(r.Regime.code == regime)
    if period is not None:
        statement = statement.where(Report.period == period)
    if agency is not None:
        statement = statement.where(m.Agency.code == agency)
    rows = (
        await session.execute(
            statement.order_by(Report.period_start.desc(), r.Regime.code, m.Agency.code).limit(
                limit
            )
        )
    ).all()
    return [ReportRecord(**row._asdict()) for row in rows]


def _version(v: Any) -> VersionRecord:
    return VersionRecord(
        id=v.id,
        report_id=v.report_id,
        version=v.version,
        status=v.status,
        sections=tuple((s["code"], s["text"]) for s in v.sections or ()),
        submitted_at=v.submitted_at,
        submitted_by=v.submitted_by,
        deadline=v.deadline,
        on_time=v.on_time,
        reviewed_by=v.reviewed_by,
        reviewed_at=v.reviewed_at,
        review_comment=v.review_comment,
        observation_count=v.observation_count,
    )


async def versions_by_report(
    report_ids: Sequence[int], *, session: AsyncSession
) -> list[list[VersionRecord]]:
    """Every version of each report, oldest first, in one statement."""
    v = ReportVersion
    rows = (
        await session.execute(
            sa.select(v.__table__).where(v.report_id.in_(set(report_ids))).order_by(v.version)
        )
    ).all()
    grouped: dict[int, list[VersionRecord]] = defaultdict(list)
    for row in rows:
        grouped[row.report_id].append(_version(row))
    return [grouped.get(i, []) for i in report_ids]
