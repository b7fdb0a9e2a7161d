"""Obligations: which agency owes which report of a regime for a period, and how it stands.

Derived, never typed in: the regime's reporting agencies and calendar say who owes what and by
when; the stored report versions say what came and when. A reviewer's board (`compliance`) is
the same two statements as the list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import AgencyKind, CutoffRule, DeadlineRule
from catalog.periods import (
    Period,
    PeriodError,
    WorkingCalendar,
    cutoff_window,
    deadline,
    parse_period,
)
from hub.errors import InvalidInputError, NotFoundError
from hub.metadata import models as m
from hub.reporting import models as r
from hub.reporting import report_models as rm
from hub.reporting.validation import vietnam_date


class ObligationStatus(enum.Enum):
    """Where one agency stands with one report."""

    EXPECTED = "expected"  # nothing submitted yet, the deadline has not passed
    SUBMITTED_ON_TIME = "submitted_on_time"
    SUBMITTED_LATE = "submitted_late"
    MISSING = "missing"  # nothing submitted and the deadline has passed


@dataclass(frozen=True)
class PeriodSchedule:
    """The calendar of one period of a regime: the data it covers and when it is due."""

    period: Period
    cutoff_start: date
    cutoff_end: date
    deadline: date


@dataclass(frozen=True)
class Obligation:
    """One reporting agency's report for one regime and period, as of a moment."""

    regime: str
    period: str
    agency: str
    agency_name_vi: str
    agency_name_en: str | None
    agency_kind: AgencyKind
    status: ObligationStatus
    deadline: date
    cutoff_start: date
    cutoff_end: date
    report_id: int | None
    first_submitted_at: datetime | None  # the submission on-time is judged by
    latest_version: int | None
    latest_status: rm.ReportVersionStatus | None  # of the latest version, as it stood at `as_of`
    latest_submitted_at: datetime | None


@dataclass(frozen=True)
class Compliance:
    """The board a recipient office watches: counts per status, the late and the missing."""

    regime: str
    period: str
    as_of: datetime
    deadline: date
    cutoff_start: date
    cutoff_end: date
    obliged: int
    expected: int
    on_time: int
    late: int
    missing: int
    late_agencies: tuple[Obligation, ...]
    missing_agencies: tuple[Obligation, ...]


def is_on_time(submitted_at: datetime, due: date) -> bool:
    """Whether a submission at `submitted_at` meets a deadline of `due`: the whole deadline
    day counts, in Vietnam's time (a deadline is a day of the Vietnamese calendar)."""
    return vietnam_date(submitted_at) <= due


def period_schedule(
    period: Period,
    deadline_rule: DeadlineRule,
    cutoff_rule: CutoffRule,
    calendar: WorkingCalendar | None = None,
) -> PeriodSchedule:
    """The cut-off window and deadline of `period` under a regime's rules."""
    calendar = calendar or WorkingCalendar()
    start, end = cutoff_window(period, cutoff_rule)
    due = deadline(period, deadline_rule, cutoff_rule, calendar)
    return PeriodSchedule(period=period, cutoff_start=start, cutoff_end=end, deadline=due)


def regime_schedule(
    regime: r.Regime, period: Period, calendar: WorkingCalendar | None = None
) -> PeriodSchedule:
    """`period_schedule` with the rules stored on a regime row."""
    return period_schedule(
        period,
        DeadlineRule(
            kind=regime.deadline_kind,
            days=regime.deadline_days,
            day=regime.deadline_day,
            month_offset=regime.deadline_month_offset,
            roll_to_working_day=regime.deadline_roll_to_working_day,
        ),
        CutoffRule(kind=regime.cutoff_kind, day=regime.cutoff_day),
        calendar,
    )


async def list_obligations(
    *,
    session: AsyncSession,
    regime: str,
    period: str,
    as_of: datetime,
    agency: str | None = None,
    status: ObligationStatus | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[Obligation]:
    """Every obligation of `regime` for `period` as it stood at `as_of`, in the regime's order.

    The obliged agencies are the regime's reporting agencies that exist on the period's last
    day (an agency that ended within the period hands its reports to its successor). A
    version submitted after `as_of` does not count, and a review after `as_of` had not
    happened yet. Raises `NotFoundError` for an unknown regime or agency and
    `InvalidInputError` for a malformed period or one of another frequency.
    """
    _, obligations = await _evaluate(session, regime, period, as_of, agency, calendar)
    if status is not None:
        obligations = [o for o in obligations if o.status is status]
    return obligations


async def compliance(
    *,
    session: AsyncSession,
    regime: str,
    period: str,
    as_of: datetime,
    calendar: WorkingCalendar | None = None,
) -> Compliance:
    """Counts per status of `regime`'s obligations for `period` at `as_of`, with the late and
    the missing agencies listed (in the regime's order)."""
    schedule, obligations = await _evaluate(session, regime, period, as_of, None, calendar)

    def having(wanted: ObligationStatus) -> tuple[Obligation, ...]:
        return tuple(o for o in obligations if o.status is wanted)

    late = having(ObligationStatus.SUBMITTED_LATE)
    missing = having(ObligationStatus.MISSING)
    return Compliance(
        regime=regime,
        period=schedule.period.code,
        as_of=as_of,
        deadline=schedule.deadline,
        cutoff_start=schedule.cutoff_start,
        cutoff_end=schedule.cutoff_end,
        obliged=len(obligations),
        expected=len(having(ObligationStatus.EXPECTED)),
        on_time=len(having(ObligationStatus.SUBMITTED_ON_TIME)),
        late=len(late),
        missing=len(missing),
        late_agencies=late,
        missing_agencies=missing,
    )


async def _evaluate(
    session: AsyncSession,
    regime: str,
    period: str,
    as_of: datetime,
    agency: str | None,
    calendar: WorkingCalendar | None,
) -> tuple[PeriodSchedule, list[Obligation]]:
    """The period's schedule and obligations: the regime row, then one row per agency."""
    _check_aware(as_of)
    regime_row, parsed = await _regime_and_period(session, regime, period)
    schedule = regime_schedule(regime_row, parsed, calendar)
    if not _regime_valid_in(regime_row, parsed):
        return schedule, []
    statement = _obligation_rows(regime_row.id, parsed, as_of, agency)
    rows = (await session.execute(statement)).all()
    if agency is not None and not rows:
        # Nothing owed: tell an unknown agency from one the regime does not oblige.
        await _check_agency(session, agency)
    return schedule, [_obligation(row, regime_row.code, schedule, as_of) for row in rows]


def _check_aware(as_of: datetime) -> None:
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise InvalidInputError(f"as_of {as_of.isoformat()} has no time zone", field="asOf")


async def _regime_and_period(
    session: AsyncSession, regime: str, period: str
) -> tuple[r.Regime, Period]:
    row = await session.scalar(sa.select(r.Regime).where(r.Regime.code == regime))
    if row is None:
        raise NotFoundError("regime", regime, field="regime")
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        raise InvalidInputError(str(error), field="period") from None
    if parsed.frequency is not row.frequency:
        raise InvalidInputError(
            f"period {parsed.code} is {parsed.frequency.name.lower()}; regime {row.code} "
            f"is reported {row.frequency.name.lower()}",
            field="period",
        )
    return row, parsed


async def _check_agency(session: AsyncSession, agency: str) -> None:
    found = await session.scalar(sa.select(m.Agency.id).where(m.Agency.code == agency))
    if found is None:
        raise NotFoundError("agency", agency, field="agency")


def _regime_valid_in(regime: r.Regime, period: Period) -> bool:
    return (regime.valid_from is None or regime.valid_from <= period.end) and (
        regime.valid_to is None or period.start <= regime.valid_to
    )


def _obligation_rows(
    regime_id: int, period: Period, as_of: datetime, agency: str | None
) -> sa.Select[*tuple[Any, ...]]:
    """One row per obliged agency with its report's first and latest submission at `as_of`.

    The first submission and the latest version are correlated subqueries on
    `report_version (report_id, ...)`, so the statement touches only this period's reports.
    """
    version = sa.orm.aliased(rm.ReportVersion)
    submitted = sa.and_(
        version.report_id == rm.Report.id,
        version.status != rm.ReportVersionStatus.DRAFT,
        version.submitted_at <= as_of,
    )
    first_submitted = sa.select(sa.func.min(version.submitted_at)).where(submitted)
    latest_number = sa.select(sa.func.max(version.version)).where(submitted)
    latest = sa.orm.aliased(rm.ReportVersion)
    statement = (
        sa.select(
            m.Agency.code,
            m.Agency.name_vi,
            m.Agency.name_en,
            m.Agency.kind,
            rm.Report.id.label("report_id"),
            first_submitted.scalar_subquery().label("first_submitted_at"),
            latest.version.label("latest_version"),
            latest.status.label("latest_status"),
            latest.submitted_at.label("latest_submitted_at"),
            latest.reviewed_at.label("latest_reviewed_at"),
        )
        .select_from(r.RegimeReportingAgency)
        .join(m.Agency, m.Agency.id == r.RegimeReportingAgency.agency_id)
        .outerjoin(
            rm.Report,
            sa.and_(
                rm.Report.regime_id == r.RegimeReportingAgency.regime_id,
                rm.Report.agency_id == m.Agency.id,
                rm.Report.period == period.code,
            ),
        )
        .outerjoin(
            latest,
            sa.and_(
                latest.report_id == rm.Report.id,
                latest.version == latest_number.scalar_subquery(),
            ),
        )
        .where(
            r.RegimeReportingAgency.regime_id == regime_id,
            sa.or_(m.Agency.valid_from.is_(None), m.Agency.valid_from <= period.end),
            sa.or_(m.Agency.valid_to.is_(None), m.Agency.valid_to >= period.end),
        )
        .order_by(r.RegimeReportingAgency.position)
    )
    if agency is not None:
        statement = statement.where(m.Agency.code == agency)
    return statement


def _obligation(
    row: sa.Row[*tuple[Any, ...]], regime: str, schedule: PeriodSchedule, as_of: datetime
) -> Obligation:
    first: datetime | None = row.first_submitted_at
    if first is not None:
        status = (
            ObligationStatus.SUBMITTED_ON_TIME
            if is_on_time(first, schedule.deadline)
            else ObligationStatus.SUBMITTED_LATE
        )
    elif vietnam_date(as_of) > schedule.deadline:
        status = ObligationStatus.MISSING
    else:
        status = ObligationStatus.EXPECTED
    latest_status: rm.ReportVersionStatus | None = row.latest_status
    if latest_status is not None and (row.latest_reviewed_at or as_of) > as_of:
        # Reviewed after `as_of`: at that moment the version was still waiting for review.
        latest_status = rm.ReportVersionStatus.SUBMITTED
    return Obligation(
        regime=regime,
        period=schedule.period.code,
        agency=row.code,
        agency_name_vi=row.name_vi,
        agency_name_en=row.name_en,
        agency_kind=row.kind,
        status=status,
        deadline=schedule.deadline,
        cutoff_start=schedule.cutoff_start,
        cutoff_end=schedule.cutoff_end,
        report_id=row.report_id if first is not None else None,
        first_submitted_at=first,
        latest_version=row.latest_version,
        latest_status=latest_status,
        latest_submitted_at=row.latest_submitted_at,
    )
