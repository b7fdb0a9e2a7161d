"""Submitting a report: the one write path behind GraphQL, CSV, Excel and SDMX-CSV imports.

parse (the caller) -> map local codes -> validate against the catalog -> convert units -> in
the caller's transaction: the report (created on first submission), a new version, the
observation revisions, an audit event and a `report.submitted` event (published at commit).
A draft with any problem writes nothing; a replayed idempotency key returns the first result
and writes nothing.

Concurrency: the report row is created under its unique key inside a SAVEPOINT (a concurrent
first submission makes ours fail, roll back to the savepoint and read the winner's row), then
locked, so versions of one report are numbered one after the other; the idempotency key is
unique, so concurrent replays store it once and the others return the stored result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import Agency, Regime
from catalog.periods import Period, PeriodError, WorkingCalendar, deadline, parse_period
from hub.access import rules
from hub.access.audit import record_event
from hub.access.principals import LOCAL_OPERATOR, Principal
from hub.access.signatures import (
    DetachedSignature,
    SignaturePolicy,
    keep_signature,
    verify_submission,
)
from hub.db import utcnow
from hub.errors import InvalidInputError
from hub.metadata import models as m
from hub.metadata.crosswalks import load_crosswalk
from hub.metadata.snapshot import Snapshot, current_snapshot
from hub.nul import NUL, REASON
from hub.observations.recording import RecordCounts, record_observations
from hub.reporting import events
from hub.reporting import models as r
from hub.reporting.problems import Problem, ProblemCode
from hub.reporting.report_models import (
    ACTOR_LENGTH,
    IDEMPOTENCY_KEY_LENGTH,
    Report,
    ReportStatus,
    ReportVersion,
    ReportVersionStatus,
)
from hub.reporting.validation import (
    SubmissionDraft,
    ValidationContext,
    ValidationResult,
    text_problems,
    validate_submission,
    vietnam_date,
)
from hub.settings import Limits


@dataclass(frozen=True)
class SubmissionOutcome:
    """What `submit_report` did: problems (nothing written), or the stored report version.

    `replayed`: the idempotency key was used before; `report`/`version` are the ones stored
    then and the counts are theirs. With `validate_only` and no problem, `report` and
    `version` are None and `observation_count` says how many observations passed.
    """

    problems: tuple[Problem, ...] = ()
    report: Report | None = None
    version: ReportVersion | None = None
    replayed: bool = False
    observation_count: int = 0
    created: int = 0
    revised: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        """Whether the draft was accepted for storage (or would be, with `validate_only`)."""
        return not self.problems


def check_actor(actor: str) -> None:
    """Refuse an actor string the audit log and review fields cannot hold."""
    if not actor.strip() or len(actor) > ACTOR_LENGTH:
        raise InvalidInputError(
            f"the actor must be 1..{ACTOR_LENGTH} characters, not {len(actor)}", field="actor"
        )


def check_aware(moment: datetime, field: str) -> None:
    """Refuse a naive datetime: its meaning would depend on the machine's time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(f"{moment!r} has no time zone", field=field)


async def submit_report(
    draft: SubmissionDraft,
    *,
    session: AsyncSession,
    actor: str,
    validate_only: bool = False,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    token_id: int | None = None,
    calendar: WorkingCalendar | None = None,
    limits: Limits | None = None,
    signature: DetachedSignature | None = None,
    signature_policy: SignaturePolicy = SignaturePolicy.REGIME,
    principal: Principal = LOCAL_OPERATOR,
) -> SubmissionOutcome:
    """Validate `draft` and, unless `validate_only` or a problem is found, store it.

    Every problem of the draft comes back at once (`SubmissionOutcome.problems`) and nothing
    is written then. A stored submission is a new version of the report of (regime, agency,
    period) with its deadline and on-time flag (Vietnam's date of `now` against the regime's
    deadline), one revision per new or changed observation (`hub.observations.recording`), the
    report's status (submitted first, resubmitted after), and a `report.submit` audit event.
    `idempotency_key`: a key already stored returns that first result and writes nothing; a
    key stored for another report is a problem (`IDEMPOTENCY_KEY_REUSED`). Raises
    `InvalidInputError` for a bad actor, key or `now`. Never commits.
    `signature`/`signature_policy`: see `hub.access.signatures.verify_submission`; a signature
    problem is one more problem (path `signature`), and a verified one is kept with the version.
    `principal`: who submits (`hub.access.rules`; raises `AccessDenied`); the default is the
    local operator (CLI), who may submit for any agency.
    """
    now = now or utcnow()
    check_aware(now, "now")
    check_actor(actor)
    # Before anything is looked up, refused or audited with the draft's texts (`hub.nul`).
    text_refused = text_problems(draft)
    if text_refused:
        return SubmissionOutcome(problems=tuple(text_refused))
    if idempotency_key is not None and NUL in idempotency_key:
        raise InvalidInputError(f"idempotencyKey {REASON}", field="idempotencyKey")
    rules.check_submit(principal, draft.agency)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_LENGTH:
        raise InvalidInputError(
            f"an idempotency key has 1..{IDEMPOTENCY_KEY_LENGTH} characters",
            field="idempotencyKey",
        )
    if idempotency_key is not None:
        replay = await _replay(session, idempotency_key, draft)
        if replay is not None:
            return replay

    snapshot = await current_snapshot(session)
    crosswalk = await load_crosswalk(draft.system, session=session) if draft.system else None
    calendar = calendar or WorkingCalendar()
    context = ValidationContext(
        catalog=snapshot.catalog,
        now=now,
        calendar=calendar,
        crosswalk=crosswalk,
        max_observations=(limits or Limits()).max_observations_per_report,
    )
    result = validate_submission(draft, context)
    signature_problem, signed = await verify_submission(
        draft,
        signature,
        session=session,
        catalog=snapshot.catalog,
        policy=signature_policy,
        now=now,
    )
    refused = rules.responsibility_problems(principal, snapshot.catalog, draft, result)
    if result.problems or signature_problem or refused:
        extra = (signature_problem,) if signature_problem else ()
        return SubmissionOutcome(problems=(*result.problems, *refused, *extra))
    if validate_only:
        return SubmissionOutcome(observation_count=len(result.observations))
    # One savepoint around the writes: a submission that turns out to be a replay after all
    # (a concurrent one stored the key first) leaves no trace, not even a new empty report.
    savepoint = await session.begin_nested()
    try:
        outcome = await _store(
            result,
            session=session,
            snapshot=snapshot,
            actor=actor,
            idempotency_key=idempotency_key,
            now=now,
            token_id=token_id,
            calendar=calendar,
        )
    except BaseException:
        await savepoint.rollback()
        raise
    if outcome.replayed or outcome.problems:
        await savepoint.rollback()
    else:
        if signed is not None and outcome.version is not None:
            keep_signature(outcome.version, signed)
            await session.flush()
        await savepoint.commit()
    return outcome


async def _store(
    result: ValidationResult,
    *,
    session: AsyncSession,
    snapshot: Snapshot,
    actor: str,
    idempotency_key: str | None,
    now: datetime,
    token_id: int | None,
    calendar: WorkingCalendar,
) -> SubmissionOutcome:
    regime, agency, period = result.regime, result.agency, result.period
    assert regime is not None and agency is not None and period is not None
    report = await _get_or_create_report(
        session, snapshot.regime_ids[regime.code], snapshot.agency_ids[agency.code], period, now
    )
    if idempotency_key is not None:
        # A concurrent replay of the key may have committed while we waited for the lock.
        replay = await _replay(session, idempotency_key, None, regime, agency, period)
        if replay is not None:
            return replay

    number = (
        await session.scalar(
            sa.select(sa.func.max(ReportVersion.version)).where(
                ReportVersion.report_id == report.id
            )
        )
        or 0
    ) + 1
    due = deadline(period, regime.deadline, regime.cutoff, calendar)
    version = ReportVersion(
        report_id=report.id,
        version=number,
        status=ReportVersionStatus.SUBMITTED,
        sections=[{"code": code, "text": text} for code, text in result.sections],
        submitted_at=now,
        submitted_by=actor,
        deadline=due,
        # The whole deadline day counts, in Vietnam's time (UTC+7).
        on_time=vietnam_date(now) <= due,
        idempotency_key=idempotency_key,
        observation_count=len(result.observations),
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(version)
            await session.flush()
    except IntegrityError:
        # With the report locked, only the idempotency key can clash: a concurrent submission
        # of another report stored the same key first.
        if idempotency_key is None:
            raise
        replay = await _replay(session, idempotency_key, None, regime, agency, period)
        if replay is None:
            raise
        return replay

    counts = await record_observations(
        result.observations,
        session=session,
        snapshot=snapshot,
        report_version_id=version.id,
        now=now,
    )
    version.created_count = counts.created
    version.revised_count = counts.revised
    version.unchanged_count = counts.unchanged
    report.status = ReportStatus.SUBMITTED if number == 1 else ReportStatus.RESUBMITTED
    report.current_version_id = version.id
    report.updated_at = now
    await session.flush()
    await record_event(
        session=session,
        actor=actor,
        token_id=token_id,
        action="report.submit",
        entity_kind="report",
        entity_code=report_code(regime.code, agency.code, period.code),
        report_version_id=version.id,
        details={
            "version": number,
            "observations": len(result.observations),
            "created": counts.created,
            "revised": counts.revised,
            "unchanged": counts.unchanged,
            "on_time": version.on_time,
            "idempotency_key": idempotency_key,
        },
        at=now,
    )
    events.publish_report_event(
        session,
        events.SUBMITTED,
        report=report,
        regime=regime.code,
        agency=agency.code,
        recipient=regime.recipient,
        version=number,
        at=now,
    )
    return _outcome(report, version, counts, replayed=False)


def report_code(regime: str, agency: str, period: str) -> str:
    """The readable key of a report in audit events: `REGIME/AGENCY/PERIOD`."""
    return f"{regime}/{agency}/{period}"


def _outcome(
    report: Report, version: ReportVersion, counts: RecordCounts, *, replayed: bool
) -> SubmissionOutcome:
    return SubmissionOutcome(
        report=report,
        version=version,
        replayed=replayed,
        observation_count=version.observation_count,
        created=counts.created,
        revised=counts.revised,
        unchanged=counts.unchanged,
    )


async def locked_report(session: AsyncSession, where: sa.ColumnElement[bool]) -> Report | None:
    """The report matching `where`, locked for this transaction on PostgreSQL, fresh from the
    database (not a stale copy from the session's identity map)."""
    return await session.scalar(
        sa.select(Report).where(where).with_for_update().execution_options(populate_existing=True)
    )


async def _get_or_create_report(
    session: AsyncSession, regime_id: int, agency_id: int, period: Period, now: datetime
) -> Report:
    where = sa.and_(
        Report.regime_id == regime_id,
        Report.agency_id == agency_id,
        Report.period == period.code,
    )
    report = await locked_report(session, where)
    if report is not None:
        return report
    try:
        async with session.begin_nested():
            await session.execute(
                sa.insert(Report).values(
                    regime_id=regime_id,
                    agency_id=agency_id,
                    period=period.code,
                    period_start=period.start,
                    period_end=period.end,
                    status=ReportStatus.DRAFT,  # until its first version is stored below
                    created_at=now,
                    updated_at=now,
                )
            )
    except IntegrityError:
        pass  # a concurrent first submission created it and has committed: read it below
    report = await locked_report(session, where)
    if report is None:  # pragma: no cover - the insert failed for another reason than a race
        raise RuntimeError(f"report {period.code} could not be created nor found")
    return report


async def _replay(
    session: AsyncSession,
    key: str,
    draft: SubmissionDraft | None,
    regime: Regime | None = None,
    agency: Agency | None = None,
    period: Period | None = None,
) -> SubmissionOutcome | None:
    """The stored result of `key`, a problem if it belongs to another report, or None."""
    row = (
        await session.execute(
            sa.select(ReportVersion, Report, r.Regime.code, m.Agency.code)
            .join(Report, Report.id == ReportVersion.report_id)
            .join(r.Regime, r.Regime.id == Report.regime_id)
            .join(m.Agency, m.Agency.id == Report.agency_id)
            .where(ReportVersion.idempotency_key == key)
        )
    ).one_or_none()
    if row is None:
        return None
    version, report, regime_code, agency_code = row
    if draft is not None:
        wanted = (draft.regime, draft.agency, _canonical_period(draft.period))
    else:
        assert regime is not None and agency is not None and period is not None
        wanted = (regime.code, agency.code, period.code)
    if wanted != (regime_code, agency_code, report.period):
        stored = report_code(regime_code, agency_code, report.period)
        return SubmissionOutcome(
            problems=(
                Problem(
                    "idempotencyKey",
                    ProblemCode.IDEMPOTENCY_KEY_REUSED,
                    f"idempotency key {key!r} was used for report {stored}, not "
                    f"{report_code(*wanted)}; use a new key for each submission",
                ),
            )
        )
    counts = RecordCounts(version.created_count, version.revised_count, version.unchanged_count)
    return _outcome(report, version, counts, replayed=True)


def _canonical_period(text: str) -> str:
    try:
        return parse_period(text).code
    except PeriodError:
        return text
