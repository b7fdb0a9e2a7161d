"""GraphQL types of submitted reports (QCVN 125: report status, submitted outline)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from hub.graphql.node import Node, global_id
from hub.metadata import loaders as catalog_loaders
from hub.metadata.types import Agency, Info
from hub.reporting import loaders
from hub.reporting.report_models import ReportStatus, ReportVersionStatus
from hub.reporting.reports import ReportRecord, VersionRecord
from hub.reporting.types import ReportingRegime

strawberry.enum(ReportStatus, description="Where a report stands in its workflow.")


@strawberry.type(description="The text of one outline section as submitted.")
class SubmittedSection:
    code: str = strawberry.field(description="Code of the outline section.")
    text: str = strawberry.field(description="The text sent.")


@strawberry.type(description="One submission of a report, kept for ever, with its review.")
class ReportVersion:
    version: int = strawberry.field(description="1 for the first submission, then 2, 3 ...")
    status: ReportVersionStatus = strawberry.field(description="Submitted, accepted, returned.")
    sections: list[SubmittedSection] = strawberry.field(description="Outline sections sent.")
    submitted_at: datetime = strawberry.field(description="When it was submitted.")
    submitted_by: str = strawberry.field(description="Who submitted it.")
    deadline: date = strawberry.field(description="The deadline it was held to (Vietnam time).")
    on_time: bool = strawberry.field(description="Submitted by the deadline.")
    reviewed_by: str | None = strawberry.field(description="Who accepted or returned it.")
    reviewed_at: datetime | None = strawberry.field(description="When it was reviewed.")
    review_comment: str | None = strawberry.field(description="The reviewer's comment.")
    observation_count: int = strawberry.field(description="Values it carried.")

    @classmethod
    def from_record(cls, v: VersionRecord) -> ReportVersion:
        return cls(
            version=v.version,
            status=v.status,
            sections=[SubmittedSection(code=c, text=t) for c, t in v.sections],
            submitted_at=v.submitted_at,
            submitted_by=v.submitted_by,
            deadline=v.deadline,
            on_time=v.on_time,
            reviewed_by=v.reviewed_by,
            reviewed_at=v.reviewed_at,
            review_comment=v.review_comment,
            observation_count=v.observation_count,
        )


@strawberry.type(description="One agency's report for one regime and period.")
class Report(Node):
    regime_code: str = strawberry.field(description="Code of the regime.")
    agency_code: str = strawberry.field(description="Code of the reporting agency.")
    period: str = strawberry.field(description="The reporting period.")
    status: ReportStatus = strawberry.field(description="Status of its current version.")
    created_at: datetime = strawberry.field(description="When it was first submitted.")
    report_id: strawberry.Private[int]
    current_version_id: strawberry.Private[int | None]

    @classmethod
    def from_record(cls, report: ReportRecord) -> Report:
        return cls(
            id=global_id("Report", str(report.id)),
            regime_code=report.regime,
            agency_code=report.agency,
            period=report.period,
            status=report.status,
            created_at=report.created_at,
            report_id=report.id,
            current_version_id=report.current_version_id,
        )

    @strawberry.field(description="Every version, oldest first.")
    async def versions(self, info: Info) -> list[ReportVersion]:
        found = await info.context.loader(loaders.versions_by_report).load(self.report_id)
        return [ReportVersion.from_record(v) for v in found]

    @strawberry.field(description="The latest version.")
    async def current_version(self, info: Info) -> ReportVersion | None:
        found = await info.context.loader(loaders.versions_by_report).load(self.report_id)
        return ReportVersion.from_record(found[-1]) if found else None

    @strawberry.field(description="The regime it answers.")
    async def regime(self, info: Info) -> ReportingRegime | None:
        found = await info.context.loader(loaders.regimes_by_code).load(self.regime_code)
        return ReportingRegime.from_model(found) if found else None

    @strawberry.field(description="The reporting agency.")
    async def agency(self, info: Info) -> Agency | None:
        found = await info.context.loader(catalog_loaders.agencies_by_code).load(self.agency_code)
        return Agency.from_model(found) if found else None
