"""Root query fields of reporting regimes and their forms."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.access import rules
from hub.errors import NotFoundError
from hub.graphql.node import NodeFetcher, id_key
from hub.graphql.pagination import page_request
from hub.metadata.types import Info
from hub.reporting import obligations, regimes, reports
from hub.reporting.obligations import ObligationStatus
from hub.reporting.report_types import Report
from hub.reporting.types import Compliance, Obligation, ReportingRegime


@strawberry.type
class ReportingQuery:
    @strawberry.field(description="Reporting regimes ordered by code (QCVN 125 regime catalog).")
    async def regimes(self, info: Info) -> list[ReportingRegime]:
        found = await regimes.list_regimes(session=info.context.session)
        return [ReportingRegime.from_model(r) for r in found]

    @strawberry.field(description="One regime with its form; an unknown code is an error.")
    async def regime(self, info: Info, code: str) -> ReportingRegime | None:
        found = await regimes.get_regime(code, session=info.context.session)
        if found is None:
            raise NotFoundError("regime", code, field="code")
        return ReportingRegime.from_model(found)

    @strawberry.field(
        description="Who must report a regime's period and where each stands, as of a moment "
        "(default now): expected, submitted on time, submitted late, missing."
    )
    async def obligations(
        self,
        info: Info,
        regime: str,
        period: str,
        agency: str | None = None,
        status: ObligationStatus | None = None,
        as_of: datetime | None = None,
    ) -> list[Obligation]:
        found = await obligations.list_obligations(
            session=info.context.session,
            regime=regime,
            period=period,
            as_of=as_of or info.context.now,
            agency=agency,
            status=status,
        )
        return [Obligation.from_record(o) for o in found]

    @strawberry.field(
        description="The compliance board of a regime's period: counts, late and missing agencies."
    )
    async def compliance(
        self, info: Info, regime: str, period: str, as_of: datetime | None = None
    ) -> Compliance:
        board = await obligations.compliance(
            session=info.context.session,
            regime=regime,
            period=period,
            as_of=as_of or info.context.now,
        )
        return Compliance.from_record(board)

    @strawberry.field(
        description="One report by its global id; an unknown id, or a report you may not "
        "read (README, Security model), is an error."
    )
    async def report(self, info: Info, id: strawberry.ID) -> Report | None:
        found = await _fetch_report(info, id_key(id, "Report"))
        if found is None:
            raise NotFoundError("report", id, field="id")
        return found

    @strawberry.field(
        description="Reports matching every given code that you may read, newest period "
        "first: accepted ones, and, for reporters, reviewers and admins, their own."
    )
    async def reports(
        self,
        info: Info,
        regime: str | None = None,
        period: str | None = None,
        agency: str | None = None,
        first: int | None = None,
    ) -> list[Report]:
        size = page_request("report", first, None, info.context.settings.limits).first
        found = await reports.list_reports(
            session=info.context.session,
            regime=regime,
            period=period,
            agency=agency,
            limit=size,
            audience=rules.report_audience(info.context.principal),
        )
        return [Report.from_record(r) for r in found]


async def _fetch_report(info: Info, key: str) -> Report | None:
    """The report of id `key`, when the principal may read it (`hub.access.rules`)."""
    found = await readable_report(info, key)
    return Report.from_record(found) if found else None


async def readable_report(info: Info, key: str) -> reports.ReportRecord | None:
    if not key.isdigit():
        return None
    found = (await reports.reports_by_ids([int(key)], session=info.context.session))[0]
    audience = rules.report_audience(info.context.principal)
    return found if found is not None and found.readable_by(audience) else None


async def _fetch_regime(info: Info, code: str) -> ReportingRegime | None:
    found = await regimes.get_regime(code, session=info.context.session)
    return ReportingRegime.from_model(found) if found else None


NODE_FETCHERS: dict[str, NodeFetcher] = {
    "ReportingRegime": _fetch_regime,
    "Report": _fetch_report,
}
