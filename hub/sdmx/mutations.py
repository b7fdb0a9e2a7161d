"""GraphQL submission of an SDMX-CSV file: the data endpoint's format, sent back as a report.

The file is read against the regime's dataflow (`hub.sdmx.csv_import`) into the same draft
`hub load --format sdmx-csv` makes, then submitted like `submitReport` (one validator, one
transaction); problems name the file's line and field: `content[12].unit`.
"""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from hub.access.signature_inputs import SignatureInput
from hub.errors import NotFoundError
from hub.metadata.store import load_catalog
from hub.metadata.types import Info
from hub.reporting.bulk import CsvFormatError, CsvProblem, locate
from hub.reporting.mutations import (
    InputError,
    SubmitReportPayload,
    refused_submission,
    submit_draft,
)
from hub.reporting.problems import Problem
from hub.sdmx.csv_import import read_sdmx_csv


@strawberry.input(description="A report as SDMX-CSV 1.0 of its regime's dataflow.")
class SubmitSdmxCsvInput:
    regime: str = strawberry.field(description="Code of the regime (its dataflow's id).")
    period: str = strawberry.field(description="The reporting period, of the regime's frequency.")
    agency: str = strawberry.field(description="Code of the reporting agency.")
    content: str = strawberry.field(
        description="The SDMX-CSV text, header first (as `/sdmx/2.1/data/{flow}` writes it)."
    )
    system: str | None = strawberry.field(
        default=None, description="Connected system whose registered local codes the file uses."
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
        description="Detached signature of the canonical content of the report the file holds "
        "(the same content `submitReport` signs, with the file's codes and values).",
    )


def _located(problems: Sequence[CsvProblem]) -> list[InputError]:
    def path(problem: CsvProblem) -> str:
        if problem.row is None:
            return problem.field or "content"
        return f"content[{problem.row}]" + (f".{problem.field}" if problem.field else "")

    return [InputError(path=path(p), code=p.code, message=p.message) for p in problems]


@strawberry.type
class SdmxMutation:
    @strawberry.mutation(
        description="Submit a report written as SDMX-CSV: read against the regime's dataflow, "
        "then checked and stored exactly like submitReport; problems name the line."
    )
    async def submit_sdmx_csv(self, info: Info, input: SubmitSdmxCsvInput) -> SubmitReportPayload:
        catalog = await load_catalog(session=info.context.session)
        try:
            parsed = read_sdmx_csv(
                input.content.encode("utf-8"),
                catalog,
                regime=input.regime,
                period=input.period,
                agency=input.agency,
                system=input.system,
            )
        except NotFoundError as error:  # no such regime, or one without data tables
            error.field = "regime"  # the dataflow is the regime the client names
            return refused_submission(error, validate_only=input.validate_only)
        except CsvFormatError as error:
            return refused_submission(_located(error.problems), validate_only=input.validate_only)

        def located(problems: Sequence[Problem]) -> list[InputError]:
            return _located(locate(problems, parsed.rows))

        return await submit_draft(
            info,
            parsed.draft,
            validate_only=input.validate_only,
            idempotency_key=input.idempotency_key,
            signature=input.signature,
            locate=located,
        )
