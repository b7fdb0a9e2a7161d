"""Events of the reporting workflow, published when the write commits (`hub.events`).

One event per step of a report: submitted (first or again), accepted, returned. The
payload is small (codes, status, version, moment) and carries the regime's recipient, so
that deciding who may see it (`hub.access.rules.may_see_report_event`) needs no lookup.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.events.changes import publish
from hub.reporting.report_models import Report

SUBMITTED = "report.submitted"
ACCEPTED = "report.accepted"
RETURNED = "report.returned"
REPORT_EVENT_KINDS = frozenset({SUBMITTED, ACCEPTED, RETURNED})


def publish_report_event(
    session: AsyncSession,
    kind: str,
    *,
    report: Report,
    regime: str,
    agency: str,
    recipient: str | None,
    version: int,
    at: datetime,
) -> None:
    """Publish `kind` for `report` (just written in the session's transaction)."""
    publish(
        session,
        {
            "kind": kind,
            "report": report.id,
            "regime": regime,
            "agency": agency,
            "recipient": recipient,
            "period": report.period,
            "status": report.status.value,
            "version": version,
            "at": at.isoformat(),
        },
    )
