"""GraphQL inputs of the reporting mutations, and their translation to service drafts."""

from __future__ import annotations

import strawberry

from hub.access.signature_inputs import SignatureInput
from hub.errors import InvalidInputError
from hub.graphql.node import parse_global_id
from hub.metadata.crosswalks import CrosswalkEntry, CrosswalkKind
from hub.observations.models import StatusFlag
from hub.observations.queries import DimensionCodeInput
from hub.reporting.drafts import ObservationDraft, SubmissionDraft
from hub.reporting.workflow import ReportRef

strawberry.enum(CrosswalkKind, description="What kind of code a crosswalk maps.")


@strawberry.input(description="The text of one outline section.")
class SectionInput:
    code: str = strawberry.field(description="Code of the outline section.")
    text: str = strawberry.field(description="The section's text.")


@strawberry.input(description="One value of a report.")
class ObservationInput:
    indicator: str = strawberry.field(description="Indicator code (shared, or the system's).")
    area: str = strawberry.field(description="Area code (shared, or the system's).")
    period: str = strawberry.field(description="Period, SDMX form: 2025, 2025-Q1, 2025-M03 ...")
    value: str = strawberry.field(
        description='The value as an exact decimal in a string ("12345.67"); checked with '
        "the rest of the report so that every problem is reported at once."
    )
    unit: str = strawberry.field(description="Unit code; a compatible unit is converted.")
    dimensions: list[DimensionCodeInput] = strawberry.field(
        default_factory=list, description="Disaggregation codes, one per dimension."
    )
    status: StatusFlag | None = strawberry.field(default=None, description="Default NORMAL.")
    comment: str | None = strawberry.field(default=None, description="A note on the value.")


@strawberry.input(description="A report for one regime, period and reporting agency.")
class SubmitReportInput:
    regime: str = strawberry.field(description="Code of the regime.")
    period: str = strawberry.field(description="The reporting period, of the regime's frequency.")
    agency: str = strawberry.field(description="Code of the reporting agency.")
    system: str | None = strawberry.field(
        default=None, description="Connected system whose registered local codes the report uses."
    )
    sections: list[SectionInput] = strawberry.field(
        default_factory=list, description="Outline sections (free text)."
    )
    observations: list[ObservationInput] = strawberry.field(
        default_factory=list, description="The values."
    )
    validate_only: bool = strawberry.field(
        default=False, description="Check everything, write nothing."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="A key of the client's; a retry with the same key returns the first "
        "result and writes nothing.",
    )
    signature: SignatureInput | None = strawberry.field(
        default=None,
        description="Detached signature of the report's canonical content; required when the "
        "regime or the deployment requires signatures.",
    )

    def to_draft(self) -> SubmissionDraft:
        return SubmissionDraft(
            regime=self.regime,
            period=self.period,
            agency=self.agency,
            system=self.system,
            sections=tuple((s.code, s.text) for s in self.sections),
            observations=tuple(
                ObservationDraft(
                    indicator=o.indicator,
                    area=o.area,
                    period=o.period,
                    dimensions=tuple((d.dimension, d.code) for d in o.dimensions),
                    value=o.value,
                    unit=o.unit,
                    status=o.status.value if o.status else None,
                    comment=o.comment,
                )
                for o in self.observations
            ),
        )


@strawberry.input(description="Which report to review: its id, or regime, agency and period.")
class ReviewReportInput:
    report: strawberry.ID | None = strawberry.field(default=None, description="Global id.")
    regime: str | None = strawberry.field(default=None, description="Code of the regime.")
    agency: str | None = strawberry.field(default=None, description="Code of the agency.")
    period: str | None = strawberry.field(default=None, description="The reporting period.")
    comment: str | None = strawberry.field(
        default=None, description="The reviewer's comment (required to return a report)."
    )

    def to_ref(self) -> ReportRef:
        if self.report is not None:
            kind, key = parse_global_id(self.report, field="report")
            if kind != "Report" or not key.isdigit():
                raise InvalidInputError(f"{self.report!r} is not a report id", field="report")
            return int(key)
        if self.regime and self.agency and self.period:
            return (self.regime, self.agency, self.period)
        raise InvalidInputError(
            "name the report by `report` (its id) or by `regime`, `agency` and `period`",
            field="report",
        )


@strawberry.input(description="One local code of a connected system and the shared code it means.")
class CrosswalkEntryInput:
    local_code: str = strawberry.field(description="The system's own code.")
    shared_code: str = strawberry.field(description="The catalog's code it stands for.")
    codelist: str | None = strawberry.field(
        default=None, description="For kind CODE: the codelist of the shared code."
    )


@strawberry.input(description="Local codes a connected system uses, registered once.")
class RegisterCrosswalkInput:
    system: str = strawberry.field(description="Code of the connected system.")
    kind: CrosswalkKind = strawberry.field(description="Indicator, area, unit or code.")
    entries: list[CrosswalkEntryInput] = strawberry.field(description="The mappings.")

    def to_entries(self) -> list[CrosswalkEntry]:
        return [CrosswalkEntry(e.local_code, e.shared_code, e.codelist) for e in self.entries]
