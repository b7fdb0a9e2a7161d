"""Subscriptions of the reporting workflow: each step of a report as it commits."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from hub.access import rules
from hub.errors import NotFoundError
from hub.events.changes import Event
from hub.graphql.node import global_id
from hub.metadata.areas import get_agency
from hub.metadata.types import Info
from hub.reporting import events
from hub.reporting.regimes import get_regime
from hub.reporting.report_models import ReportStatus


@strawberry.enum(description="A step of a report's workflow.")
class ReportEventKind(enum.Enum):
    SUBMITTED = events.SUBMITTED
    ACCEPTED = events.ACCEPTED
    RETURNED = events.RETURNED


@strawberry.type(description="A step of a report's workflow, sent once it has committed.")
class ReportEvent:
    kind: ReportEventKind = strawberry.field(
        description="Submitted (first or again), accepted or returned."
    )
    report_id: strawberry.ID = strawberry.field(description="Global id of the report.")
    regime: str = strawberry.field(description="Code of the regime.")
    agency: str = strawberry.field(description="Code of the reporting agency.")
    period: str = strawberry.field(description="The reporting period.")
    status: ReportStatus = strawberry.field(description="The report's status after the step.")
    version: int = strawberry.field(description="The version submitted or reviewed.")
    at: datetime = strawberry.field(description="When the step happened.")

    @classmethod
    def from_event(cls, event: Event) -> ReportEvent:
        return cls(
            kind=ReportEventKind(event["kind"]),
            report_id=global_id("Report", str(event["report"])),
            regime=event["regime"],
            agency=event["agency"],
            period=event["period"],
            status=ReportStatus(event["status"]),
            version=event["version"],
            at=datetime.fromisoformat(event["at"]),
        )


@strawberry.type
class ReportingSubscription:
    @strawberry.subscription(
        description="Each report submitted, accepted or returned from now on, optionally of "
        "one regime and one agency. Acceptances are public; other steps are sent to the "
        "agency's reporters, the regime recipient's reviewers and admins."
    )
    async def report_events(
        self, info: Info, regime: str | None = None, agency: str | None = None
    ) -> AsyncGenerator[ReportEvent, None]:
        async with info.context.session_factory() as session:  # not the connection's session
            if regime is not None and await get_regime(regime, session=session) is None:
                raise NotFoundError("regime", regime, field="regime")
            if agency is not None and await get_agency(agency, session=session) is None:
                raise NotFoundError("agency", agency, field="agency")
        principal = info.context.principal

        def accept(event: Event) -> bool:
            return (
                event["kind"] in events.REPORT_EVENT_KINDS
                and regime in (None, event["regime"])
                and agency in (None, event["agency"])
                and rules.may_see_report_event(
                    principal,
                    agency=event["agency"],
                    recipient=event["recipient"],
                    accepted=event["kind"] == events.ACCEPTED,
                )
            )

        feed = info.context.changes
        assert feed is not None, "the app puts its change feed in every context"
        async with feed.subscribe(accept) as delivered:
            async for event in delivered:
                yield ReportEvent.from_event(event)
