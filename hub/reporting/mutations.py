"""Mutations of the reporting workflow: submit, accept, return, register crosswalks.

Expected failures come back in `errors` (path, stable code, message) with nothing written;
the resolver owns the transaction: it commits only a fully successful write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry

from hub.access import rules
from hub.access.signature_inputs import SignatureInput
from hub.access.signatures import SignaturePolicy
from hub.errors import HubError
from hub.metadata import crosswalks
from hub.metadata.types import Info
from hub.reporting import reports, submission, workflow
from hub.reporting.drafts import SubmissionDraft
from hub.reporting.inputs import RegisterCrosswalkInput, ReviewReportInput, SubmitReportInput
from hub.reporting.problems import Problem
from hub.reporting.report_types import Report, ReportVersion


@strawberry.type(description="A problem with the input: where, which rule, and why.")
class InputError:
    path: str = strawberry.field(description="Where: `observations[12].unit`, `period` ...")
    code: str = strawberry.field(description="Stable code of the rule, e.g. UNKNOWN_UNIT.")
    message: str = strawberry.field(description="What is wrong, naming the value.")


def _error(error: HubError) -> InputError:
    return InputError(path=error.field or "input", code=error.code, message=error.message)


@strawberry.type(description="Result of submitReport.")
class SubmitReportPayload:
    errors: list[InputError] = strawberry.field(description="Every problem; empty on success.")
    report: Report | None = strawberry.field(description="The report, when stored.")
    version: ReportVersion | None = strawberry.field(description="The version just stored.")
    replayed: bool = strawberry.field(
        description="The idempotency key was seen before: this is the first result again."
    )
    validate_only: bool = strawberry.field(description="Nothing was written on purpose.")
    observation_count: int = strawberry.field(description="Values in the report.")
    created: int = strawberry.field(description="Values stored for the first time.")
    revised: int = strawberry.field(description="Values that got a new revision.")
    unchanged: int = strawberry.field(description="Values equal to the stored ones.")


@strawberry.type(description="Result of acceptReport and returnReport.")
class ReviewReportPayload:
    errors: list[InputError] = strawberry.field(description="Why it was refused; empty on success.")
    report: Report | None = strawberry.field(description="The report after the review.")


@strawberry.type(description="Result of registerCrosswalk.")
class RegisterCrosswalkPayload:
    errors: list[InputError] = strawberry.field(description="Why it was refused; empty on success.")
    created: int = strawberry.field(description="Mappings added.")
    unchanged: int = strawberry.field(description="Mappings already registered.")


async def _report(info: Info, report_id: int) -> Report | None:
    found = (await reports.reports_by_ids([report_id], session=info.context.session))[0]
    return Report.from_record(found) if found else None


@strawberry.type
class ReportingMutation:
    @strawberry.mutation(
        description="Submit a report: validated against the catalog as a whole (every problem "
        "reported at once, nothing written if any), then stored as a new version."
    )
    async def submit_report(self, info: Info, input: SubmitReportInput) -> SubmitReportPayload:
        return await submit_draft(
            info,
            input.to_draft(),
            validate_only=input.validate_only,
            idempotency_key=input.idempotency_key,
            signature=input.signature,
        )

    @strawberry.mutation(
        description="Accept the report's current version: its values become public."
    )
    async def accept_report(self, info: Info, input: ReviewReportInput) -> ReviewReportPayload:
        return await _review(info, input, accept=True)

    @strawberry.mutation(
        description="Return the report's current version to its agency, with a comment saying why."
    )
    async def return_report(self, info: Info, input: ReviewReportInput) -> ReviewReportPayload:
        return await _review(info, input, accept=False)

    @strawberry.mutation(
        description="Register a connected system's local codes once; its reports may then use them."
    )
    async def register_crosswalk(
        self, info: Info, input: RegisterCrosswalkInput
    ) -> RegisterCrosswalkPayload:
        session = info.context.session
        try:
            outcome = await crosswalks.register_crosswalk(
                input.system,
                input.kind,
                input.to_entries(),
                session=session,
                actor=info.context.actor,
                token_id=info.context.principal.token_id,
                principal=info.context.principal,
            )
        except HubError as error:
            await rules.abandon(session, error)
            return RegisterCrosswalkPayload(errors=[_error(error)], created=0, unchanged=0)
        await session.commit()
        return RegisterCrosswalkPayload(
            errors=[], created=outcome.created, unchanged=outcome.unchanged
        )


async def submit_draft(
    info: Info,
    draft: SubmissionDraft,
    *,
    validate_only: bool,
    idempotency_key: str | None,
    signature: SignatureInput | None,
    locate: Callable[[Sequence[Problem]], list[InputError]] | None = None,
) -> SubmitReportPayload:
    """Submit `draft` for the caller through `submission.submit_report`, commit a success, and
    shape the payload; every way of submitting over GraphQL ends here. `locate` places the
    problems in the caller's input (rows of a file) instead of at their draft paths."""
    session = info.context.session
    try:
        outcome = await submission.submit_report(
            draft,
            session=session,
            actor=info.context.actor,
            validate_only=validate_only,
            idempotency_key=idempotency_key,
            limits=info.context.settings.limits,
            principal=info.context.principal,
            token_id=info.context.principal.token_id,
            signature=signature.to_signature() if signature else None,
            signature_policy=SignaturePolicy.ALWAYS
            if info.context.settings.require_signatures
            else SignaturePolicy.REGIME,
        )
    except HubError as error:
        await rules.abandon(session, error)
        return refused_submission(error, validate_only=validate_only)
    if outcome.problems or outcome.report is None:
        await rules.abandon_problems(
            session, info.context.principal, draft.agency, outcome.problems
        )
    else:
        await session.commit()
    report = await _report(info, outcome.report.id) if outcome.report else None
    version = None
    if outcome.version is not None and outcome.report is not None:
        versions = (await reports.versions_by_report([outcome.report.id], session=session))[0]
        version = next(
            (ReportVersion.from_record(v) for v in versions if v.id == outcome.version.id),
            None,
        )
    errors = (
        locate(outcome.problems)
        if locate is not None
        else [
            InputError(path=p.path, code=p.code.value, message=p.message) for p in outcome.problems
        ]
    )
    return SubmitReportPayload(
        errors=errors,
        report=report,
        version=version,
        replayed=outcome.replayed,
        validate_only=validate_only,
        observation_count=outcome.observation_count,
        created=outcome.created,
        revised=outcome.revised,
        unchanged=outcome.unchanged,
    )


def refused_submission(
    error: HubError | list[InputError], *, validate_only: bool
) -> SubmitReportPayload:
    """The payload of a submission refused before anything was checked or written."""
    errors = error if isinstance(error, list) else [_error(error)]
    return SubmitReportPayload(
        errors=errors,
        report=None,
        version=None,
        replayed=False,
        validate_only=validate_only,
        observation_count=0,
        created=0,
        revised=0,
        unchanged=0,
    )


async def _review(info: Info, input: ReviewReportInput, *, accept: bool) -> ReviewReportPayload:
    session = info.context.session
    principal = info.context.principal
    try:
        ref = input.to_ref()
        if accept:
            outcome = await workflow.accept_report(
                ref,
                session=session,
                actor=principal.actor,
                comment=input.comment,
                token_id=principal.token_id,
                principal=principal,
            )
        else:
            outcome = await workflow.return_report(
                ref,
                session=session,
                actor=principal.actor,
                comment=input.comment or "",
                token_id=principal.token_id,
                principal=principal,
            )
    except HubError as error:
        await rules.abandon(session, error)
        return ReviewReportPayload(errors=[_error(error)], report=None)
    await session.commit()
    return ReviewReportPayload(errors=[], report=await _report(info, outcome.report.id))
