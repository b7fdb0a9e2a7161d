"""GraphQL types of reporting regimes and their forms (QCVN 125: regime, report form, outline)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

import hub.metadata.enums  # noqa: F401  (registers the enums with strawberry)
from catalog import model
from catalog.model import (
    AreaLevel,
    CutoffKind,
    DeadlineKind,
    Frequency,
    RegimeKind,
    SubmissionMethod,
)
from hub.graphql.language import Language
from hub.graphql.loaded import loaded_by
from hub.graphql.node import Node, global_id
from hub.metadata import loaders
from hub.metadata.types import (
    Agency,
    Codelist,
    Indicator,
    Info,
    LangArg,
    _iri,
    _text,
    indicator_by_code,
    indicator_objects,
)
from hub.reporting import obligations
from hub.reporting.obligations import ObligationStatus
from hub.reporting.report_models import ReportVersionStatus


@strawberry.type(description="The data cut-off window rule (Decree 09 Art. 12 by default).")
class CutoffRule:
    kind: CutoffKind = strawberry.field(description="Decree 09 window or the calendar period.")
    day: int = strawberry.field(
        description="The window runs from this day of the month before the period "
        "to the day before it in the period's last month."
    )


@strawberry.type(description="When a period's report is due.")
class DeadlineRule:
    kind: DeadlineKind = strawberry.field(description="How the deadline is computed.")
    days: int = strawberry.field(description="Days (or working days) after the cut-off.")
    day: int = strawberry.field(description="Day of the month, for DAY_OF_MONTH.")
    month_offset: int = strawberry.field(
        description="Months after the period's last month, for DAY_OF_MONTH (may be negative)."
    )
    roll_to_working_day: bool = strawberry.field(
        description="A deadline on a weekend or holiday moves to the next working day."
    )


@strawberry.type(description="A free-text section of the report outline (mẫu đề cương).")
class OutlineSection:
    code: str = strawberry.field(description="Code of the section.")
    titles: strawberry.Private[model.Text]
    guidances: strawberry.Private[model.Text | None]

    @strawberry.field(description="Title of the section.")
    def title(self, lang: LangArg = Language.VI) -> str:
        return self.titles.get(lang.value)

    @strawberry.field(description="What the section must contain.")
    def guidance(self, lang: LangArg = Language.VI) -> str | None:
        return _text(self.guidances, lang)


@strawberry.type(description="A row of a report form: an indicator and its required breakdowns.")
class ReportFormItem:
    area_level: AreaLevel = strawberry.field(description="Level of the areas values are given for.")
    indicator_code: str = strawberry.field(description="Code of the indicator.")
    dimension_codes: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="The indicator asked for.")
    @loaded_by("indicator_code", indicator_objects)
    async def indicator(self, info: Info) -> Indicator | None:
        return await indicator_by_code(info, self.indicator_code)

    @strawberry.field(description="Disaggregations every value must carry.")
    async def disaggregations(self, info: Info) -> list[Codelist]:
        found = await info.context.loader(loaders.codelists_by_code).load_many(
            list(self.dimension_codes)
        )
        return [Codelist.from_model(c) for c in found if c is not None]


@strawberry.type(description="A data table of a regime (biểu mẫu số liệu; QCVN 125 report form).")
class ReportForm:
    code: str = strawberry.field(description="Code of the form, e.g. `B01`.")
    items: list[ReportFormItem] = strawberry.field(description="Its rows, in order.")
    titles: strawberry.Private[model.Text]

    @strawberry.field(description="Title of the form.")
    def title(self, lang: LangArg = Language.VI) -> str:
        return self.titles.get(lang.value)


@strawberry.type(
    description="A reporting regime (chế độ báo cáo) with every element Decree 09 requires."
)
class ReportingRegime(Node):
    code: str = strawberry.field(description="Shared code of the regime.")
    legal_basis: str = strawberry.field(description="Legal document(s) it rests on.")
    kind: RegimeKind = strawberry.field(description="Periodic, thematic or ad hoc.")
    frequency: Frequency = strawberry.field(description="How often it is reported.")
    methods: list[SubmissionMethod] = strawberry.field(description="How reports are sent.")
    requires_signature: bool = strawberry.field(
        description="Reports must carry a digital signature."
    )
    valid_from: date | None = strawberry.field(description="First day it applies, if known.")
    valid_to: date | None = strawberry.field(description="Last day it applies; null if current.")
    cutoff: CutoffRule = strawberry.field(description="Data cut-off window rule.")
    deadline: DeadlineRule = strawberry.field(description="Submission deadline rule.")
    outline: list[OutlineSection] = strawberry.field(description="Outline sections (free text).")
    forms: list[ReportForm] = strawberry.field(description="Data tables of the form.")
    regime: strawberry.Private[model.Regime]

    @classmethod
    def from_model(cls, regime: model.Regime) -> ReportingRegime:
        return cls(
            id=global_id("ReportingRegime", regime.code),
            code=regime.code,
            legal_basis=regime.legal_basis,
            kind=regime.kind,
            frequency=regime.frequency,
            methods=list(regime.methods),
            requires_signature=regime.requires_signature,
            valid_from=regime.valid_from,
            valid_to=regime.valid_to,
            cutoff=CutoffRule(kind=regime.cutoff.kind, day=regime.cutoff.day),
            deadline=DeadlineRule(
                kind=regime.deadline.kind,
                days=regime.deadline.days,
                day=regime.deadline.day,
                month_offset=regime.deadline.month_offset,
                roll_to_working_day=regime.deadline.roll_to_working_day,
            ),
            outline=[
                OutlineSection(code=s.code, titles=s.title, guidances=s.guidance)
                for s in regime.outline
            ],
            forms=[
                ReportForm(
                    code=t.code,
                    titles=t.title,
                    items=[
                        ReportFormItem(
                            area_level=i.area_level,
                            indicator_code=i.indicator,
                            dimension_codes=i.dimensions,
                        )
                        for i in t.items
                    ],
                )
                for t in regime.tables
            ],
            regime=regime,
        )

    @strawberry.field(description="Name of the regime (tên báo cáo).")
    def name(self, lang: LangArg = Language.VI) -> str:
        return self.regime.name.get(lang.value)

    @strawberry.field(description="Content the report must cover (nội dung yêu cầu báo cáo).")
    def content(self, lang: LangArg = Language.VI) -> str:
        return self.regime.content.get(lang.value)

    @strawberry.field(description="Guidance on the reporting procedure.")
    def guidance(self, lang: LangArg = Language.VI) -> str | None:
        return _text(self.regime.guidance, lang)

    @strawberry.field(description="Dereferenceable IRI of the regime.")
    def iri(self, info: Info) -> str:
        return _iri(info, "regime", self.code)

    @strawberry.field(description="Agencies obliged to report (đối tượng thực hiện báo cáo).")
    async def reporting_agencies(self, info: Info) -> list[Agency]:
        found = await info.context.loader(loaders.agencies_by_code).load_many(
            list(self.regime.reporting_agencies)
        )
        return [Agency.from_model(a) for a in found if a is not None]

    @strawberry.field(description="Agency that receives the reports (cơ quan nhận báo cáo).")
    async def recipient(self, info: Info) -> Agency | None:
        found = await info.context.loader(loaders.agencies_by_code).load(self.regime.recipient)
        return Agency.from_model(found) if found else None


strawberry.enum(ObligationStatus, description="Where one agency stands with one report.")
strawberry.enum(ReportVersionStatus, description="Submitted, then accepted or returned.")


@strawberry.type(
    description="One agency's duty to report one period of a regime, derived from the regime "
    "and the reports received (never typed in)."
)
class Obligation:
    regime_code: str = strawberry.field(description="Code of the regime.")
    period: str = strawberry.field(description="The reporting period.")
    agency_code: str = strawberry.field(description="Code of the obliged agency.")
    status: ObligationStatus = strawberry.field(description="Expected, on time, late, missing.")
    deadline: date = strawberry.field(description="Last day to submit (Vietnam time).")
    cutoff_start: date = strawberry.field(description="First day of the data cut-off window.")
    cutoff_end: date = strawberry.field(description="Last day of the data cut-off window.")
    first_submitted_at: datetime | None = strawberry.field(
        description="First submission, which on-time is judged by."
    )
    latest_version: int | None = strawberry.field(description="Latest version of the report.")
    latest_status: ReportVersionStatus | None = strawberry.field(
        description="Status of the latest version as it stood at `asOf`."
    )
    latest_submitted_at: datetime | None = strawberry.field(description="Latest submission.")
    agency_names: strawberry.Private[tuple[str, str | None]]

    @classmethod
    def from_record(cls, obligation: obligations.Obligation) -> Obligation:
        return cls(
            regime_code=obligation.regime,
            period=obligation.period,
            agency_code=obligation.agency,
            status=obligation.status,
            deadline=obligation.deadline,
            cutoff_start=obligation.cutoff_start,
            cutoff_end=obligation.cutoff_end,
            first_submitted_at=obligation.first_submitted_at,
            latest_version=obligation.latest_version,
            latest_status=obligation.latest_status,
            latest_submitted_at=obligation.latest_submitted_at,
            agency_names=(obligation.agency_name_vi, obligation.agency_name_en),
        )

    @strawberry.field(description="Name of the agency (joined, no lookup).")
    def agency_name(self, lang: LangArg = Language.VI) -> str:
        vi, en = self.agency_names
        return en if lang is Language.EN and en else vi

    @strawberry.field(description="The obliged agency.")
    async def agency(self, info: Info) -> Agency | None:
        found = await info.context.loader(loaders.agencies_by_code).load(self.agency_code)
        return Agency.from_model(found) if found else None


@strawberry.type(description="The board a recipient office watches for one regime and period.")
class Compliance:
    regime_code: str = strawberry.field(description="Code of the regime.")
    period: str = strawberry.field(description="The reporting period.")
    as_of: datetime = strawberry.field(description="The moment the board describes.")
    deadline: date = strawberry.field(description="Last day to submit (Vietnam time).")
    cutoff_start: date = strawberry.field(description="First day of the data cut-off window.")
    cutoff_end: date = strawberry.field(description="Last day of the data cut-off window.")
    obliged: int = strawberry.field(description="Agencies obliged to report.")
    expected: int = strawberry.field(description="Not yet submitted, deadline not passed.")
    on_time: int = strawberry.field(description="Submitted by the deadline.")
    late: int = strawberry.field(description="Submitted after the deadline.")
    missing: int = strawberry.field(description="Not submitted, deadline passed.")
    late_agencies: list[Obligation] = strawberry.field(description="Who submitted late.")
    missing_agencies: list[Obligation] = strawberry.field(description="Who has not submitted.")

    @classmethod
    def from_record(cls, board: obligations.Compliance) -> Compliance:
        return cls(
            regime_code=board.regime,
            period=board.period,
            as_of=board.as_of,
            deadline=board.deadline,
            cutoff_start=board.cutoff_start,
            cutoff_end=board.cutoff_end,
            obliged=board.obliged,
            expected=board.expected,
            on_time=board.on_time,
            late=board.late,
            missing=board.missing,
            late_agencies=[Obligation.from_record(o) for o in board.late_agencies],
            missing_agencies=[Obligation.from_record(o) for o in board.missing_agencies],
        )
