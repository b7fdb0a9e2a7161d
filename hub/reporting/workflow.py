"""Reviewing reports: the recipient office accepts or returns the current version.

draft -> submitted -> accepted | returned (with a comment) -> resubmitted -> accepted | ...
Only a version awaiting review (the report submitted or resubmitted) can be reviewed; the
review fills that version's review fields and never its content. Accepting makes the
version's observation revisions public from that moment (`accepted_at`, one UPDATE). Each
review publishes a `report.accepted` / `report.returned` event, and an acceptance one
`observations.accepted` event per indicator it made public (`hub.events`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from catalog.periods import PeriodError, parse_period
from hub.access import rules
from hub.access.audit import record_event
from hub.access.principals import LOCAL_OPERATOR, Principal
from hub.db import utcnow
from hub.errors import HubError, InvalidInputError, NotFoundError
from hub.metadata import models as m
from hub.observations.events import publish_accepted_observations
from hub.observations.models import ObservationRevision
from hub.reporting import events
from hub.reporting import models as r
from hub.reporting.report_models import (
    Report,
    ReportStatus,
    ReportVersion,
    ReportVersionStatus,
)
from hub.reporting.submission import check_actor, check_aware, locked_report, report_code

MAX_COMMENT_LENGTH = 10_000
_REVIEWABLE = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED)

# A report by id, or by (regime code, agency code, period).
ReportRef = int | tuple[str, str, str]


class InvalidTransitionError(HubError):
    """The report is not in a state that allows the requested step."""

    code = "INVALID_TRANSITION"


@dataclass(frozen=True)
class ReviewOutcome:
    """The report and the version just reviewed."""

    report: Report
    version: ReportVersion
    accepted_revisions: int = 0  # revisions made public by an acceptance


async def accept_report(
    report: ReportRef,
    *,
    session: AsyncSession,
    actor: str,
    comment: str | None = None,
    now: datetime | None = None,
    token_id: int | None = None,
    principal: Principal = LOCAL_OPERATOR,
) -> ReviewOutcome:
    """Accept the report's current version: its revisions become the public values.

    Raises `NotFoundError` for an unknown report, `InvalidTransitionError` unless the report
    is submitted or resubmitted, `AccessDenied` unless `principal` reviews for the regime's
    recipient (`hub.access.rules`). Audited as `report.accept`. Never commits.
    """
    return await _review(
        report,
        session=session,
        actor=actor,
        comment=comment,
        now=now,
        token_id=token_id,
        principal=principal,
        accept=True,
    )


async def return_report(
    report: ReportRef,
    *,
    session: AsyncSession,
    actor: str,
    comment: str,
    now: datetime | None = None,
    token_id: int | None = None,
    principal: Principal = LOCAL_OPERATOR,
) -> ReviewOutcome:
    """Return the report's current version to its agency, saying why in `comment` (required).

    Its values stay stored but never become public; the agency resubmits a new version.
    Raises `InvalidInputError` for a blank comment, `NotFoundError` for an unknown report,
    `InvalidTransitionError` unless the report is submitted or resubmitted. Audited as
    `report.return`. Never commits.
    """
    if not comment or not comment.strip():
        raise InvalidInputError("returning a report needs a comment saying why", field="comment")
    return await _review(
        report,
        session=session,
        actor=actor,
        comment=comment,
        now=now,
        token_id=token_id,
        principal=principal,
        accept=False,
    )


@dataclass(frozen=True)
class _Codes:
    regime: str
    agency: str
    recipient: str
    key: str  # REGIME/AGENCY/PERIOD


async def _find(session: AsyncSession, ref: ReportRef) -> tuple[Report, _Codes]:
    """The report `ref` names, locked, and its codes."""
    if isinstance(ref, int):
        report = await locked_report(session, Report.id == ref)
        key = str(ref)
    else:
        regime, agency, period_text = ref
        try:
            period = parse_period(period_text).code
        except PeriodError as error:
            raise InvalidInputError(
                f"{period_text!r} is not a period: {error.reason}", field="period"
            ) from None
        regime_id = sa.select(r.Regime.id).where(r.Regime.code == regime).scalar_subquery()
        agency_id = sa.select(m.Agency.id).where(m.Agency.code == agency).scalar_subquery()
        report = await locked_report(
            session,
            sa.and_(
                Report.regime_id == regime_id,
                Report.agency_id == agency_id,
                Report.period == period,
            ),
        )
        key = report_code(regime, agency, period)
    if report is None:
        raise NotFoundError("report", key, field="report")
    recipient = aliased(m.Agency)
    regime, agency, recipient_code = (
        await session.execute(
            sa.select(r.Regime.code, m.Agency.code, recipient.code)
            .select_from(Report)
            .join(r.Regime, r.Regime.id == Report.regime_id)
            .join(m.Agency, m.Agency.id == Report.agency_id)
            .join(recipient, recipient.id == r.Regime.recipient_id)
            .where(Report.id == report.id)
        )
    ).one()
    key = report_code(regime, agency, report.period)
    return report, _Codes(regime, agency, recipient_code, key)


async def _review(
    ref: ReportRef,
    *,
    session: AsyncSession,
    actor: str,
    comment: str | None,
    now: datetime | None,
    token_id: int | None,
    principal: Principal,
    accept: bool,
) -> ReviewOutcome:
    now = now or utcnow()
    check_aware(now, "now")
    check_actor(actor)
    if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInputError(
            f"a review comment has at most {MAX_COMMENT_LENGTH} characters", field="comment"
        )
    report, codes = await _find(session, ref)
    code = codes.key
    await rules.check_review(principal, report.regime_id, code, session=session)
    step = "accept" if accept else "return"
    if report.status not in _REVIEWABLE or report.current_version_id is None:
        raise InvalidTransitionError(
            f"cannot {step} report {code}: it is {report.status.value}; only a submitted or "
            "resubmitted report awaits review",
            field="report",
        )
    version = await session.scalar(
        sa.select(ReportVersion)
        .where(ReportVersion.id == report.current_version_id)
        .execution_options(populate_existing=True)
    )
    assert version is not None
    version.status = ReportVersionStatus.ACCEPTED if accept else ReportVersionStatus.RETURNED
    version.reviewed_by = actor
    version.reviewed_at = now
    version.review_comment = comment
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.updated_at = now
    accepted = 0
    if accept:
        updated = await session.execute(
            sa.update(ObservationRevision)
            .where(
                ObservationRevision.report_version_id == version.id,
                ObservationRevision.accepted_at.is_(None),
            )
            .values(accepted_at=now)
            .execution_options(synchronize_session=False)
        )
        accepted = updated.rowcount  # type: ignore[attr-defined]
    await session.flush()
    await record_event(
        session=session,
        actor=actor,
        token_id=token_id,
        action=f"report.{step}",
        entity_kind="report",
        entity_code=code,
        report_version_id=version.id,
        details={"version": version.version, "comment": comment, "accepted_revisions": accepted},
        at=now,
    )
    events.publish_report_event(
        session,
        events.ACCEPTED if accept else events.RETURNED,
        report=report,
        regime=codes.regime,
        agency=codes.agency,
        recipient=codes.recipient,
        version=version.version,
        at=now,
    )
    if accepted:
        await publish_accepted_observations(session, report_version_id=version.id, at=now)
    return ReviewOutcome(report=report, version=version, accepted_revisions=accepted)
