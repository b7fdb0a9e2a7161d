"""Obligations are derived from the regime and the stored versions, right on the deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import (
    Agency,
    AgencyKind,
    Area,
    AreaLevel,
    Catalog,
    DataTable,
    DeadlineKind,
    DeadlineRule,
    Frequency,
    Indicator,
    Regime,
    RegimeKind,
    SubmissionMethod,
    TableItem,
    Text,
    Unit,
)
from hub.errors import InvalidInputError, NotFoundError
from hub.metadata import models as m
from hub.metadata.store import import_catalog
from hub.reporting import models as r
from hub.reporting.obligations import (
    Obligation,
    ObligationStatus,
    compliance,
    is_on_time,
    list_obligations,
)
from hub.reporting.report_models import Report, ReportStatus, ReportVersion, ReportVersionStatus

VN = timezone(timedelta(hours=7))
MONTHLY = "BC-M"
WORKING_DAYS = "BC-WD"
# 2026-M03: cut-off 15 Feb - 14 Mar, due on 20 March (a Friday) with no rolling.
PERIOD = "2026-M03"
DEADLINE = date(2026, 3, 20)
LAST_SECOND = datetime(2026, 3, 20, 23, 59, 59, tzinfo=VN)
FIRST_LATE_SECOND = datetime(2026, 3, 21, 0, 0, 0, tzinfo=VN)


def _province(number: str, valid_to: date | None = None) -> Agency:
    return Agency(
        f"UBND-{number}",
        Text(f"UBND tỉnh {number}", f"Province {number}"),
        AgencyKind.PROVINCE,
        jurisdiction=f"P{number}",
        valid_to=valid_to,
    )


def obligation_catalog() -> Catalog:
    """Four provinces obliged monthly; P4 ended before the period, so it owes nothing."""
    provinces = (
        _province("1"),
        _province("2"),
        _province("3"),
        _province("4", valid_to=date(2025, 12, 31)),
    )
    table = DataTable("B01", Text("Biểu 01"), (TableItem("POP"),))

    def regime(code: str, deadline: DeadlineRule) -> Regime:
        return Regime(
            code=code,
            name=Text("Báo cáo tháng"),
            legal_basis="Nghị định 09/2019/NĐ-CP",
            kind=RegimeKind.PERIODIC,
            frequency=Frequency.MONTHLY,
            content=Text("Tình hình"),
            reporting_agencies=tuple(p.code for p in provinces),
            recipient="VPCP",
            methods=(SubmissionMethod.REPORTING_SYSTEM,),
            deadline=deadline,
            tables=(table,),
        )

    return Catalog.of(
        agencies=(
            Agency("VPCP", Text("Văn phòng Chính phủ"), AgencyKind.MINISTERIAL_AGENCY),
            *provinces,
        ),
        areas=tuple(Area(f"P{n}", Text(f"Tỉnh {n}"), AreaLevel.PROVINCE, f"0{n}") for n in "1234"),
        units=(Unit("PERSON", Text("người"), "người", "count"),),
        indicators=(
            Indicator(
                "POP",
                Text("Dân số"),
                Text("Số người"),
                unit="PERSON",
                frequencies=(Frequency.MONTHLY,),
                agency="VPCP",
            ),
        ),
        regimes=(
            regime(
                MONTHLY, DeadlineRule(DeadlineKind.DAY_OF_MONTH, day=20, roll_to_working_day=False)
            ),
            regime(WORKING_DAYS, DeadlineRule(DeadlineKind.WORKING_DAYS_AFTER_CUTOFF, days=3)),
        ),
    )


async def _submit(
    session: AsyncSession,
    regime: str,
    agency: str,
    period: str,
    *times: datetime,
    reviewed_at: datetime | None = None,
) -> None:
    """Store a report with one version per submission time (W's tables, written directly)."""
    regime_id = await session.scalar(sa.select(r.Regime.id).where(r.Regime.code == regime))
    agency_id = await session.scalar(sa.select(m.Agency.id).where(m.Agency.code == agency))
    assert regime_id is not None and agency_id is not None
    report = Report(
        regime_id=regime_id,
        agency_id=agency_id,
        period=period,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        status=ReportStatus.SUBMITTED,
    )
    session.add(report)
    await session.flush()
    for number, at in enumerate(times, start=1):
        last = number == len(times)
        version = ReportVersion(
            report_id=report.id,
            version=number,
            status=ReportVersionStatus.ACCEPTED
            if last and reviewed_at
            else ReportVersionStatus.SUBMITTED,
            submitted_at=at,
            submitted_by="test",
            deadline=DEADLINE,
            on_time=is_on_time(at, DEADLINE),
            reviewed_by="reviewer" if last and reviewed_at else None,
            reviewed_at=reviewed_at if last else None,
        )
        session.add(version)
    await session.flush()


@pytest.fixture
async def catalog_session(session: AsyncSession) -> AsyncSession:
    await import_catalog(obligation_catalog(), session=session)
    return session


def _statuses(obligations: list[Obligation]) -> dict[str, ObligationStatus]:
    return {o.agency: o.status for o in obligations}


async def test_submission_in_the_last_second_of_the_deadline_day_is_on_time(
    catalog_session: AsyncSession,
) -> None:
    # given one report in the deadline's last second (Vietnam time), one a second later
    await _submit(catalog_session, MONTHLY, "UBND-1", PERIOD, LAST_SECOND)
    await _submit(catalog_session, MONTHLY, "UBND-2", PERIOD, FIRST_LATE_SECOND)

    # when the board is read a month later
    found = await list_obligations(
        session=catalog_session,
        regime=MONTHLY,
        period=PERIOD,
        as_of=datetime(2026, 5, 1, tzinfo=UTC),
    )

    # then
    assert _statuses(found) == {
        "UBND-1": ObligationStatus.SUBMITTED_ON_TIME,
        "UBND-2": ObligationStatus.SUBMITTED_LATE,
        "UBND-3": ObligationStatus.MISSING,
    }
    first = found[0]
    assert first.deadline == DEADLINE
    assert (first.cutoff_start, first.cutoff_end) == (date(2026, 2, 15), date(2026, 3, 14))
    assert first.first_submitted_at == LAST_SECOND
    assert first.latest_version == 1
    assert first.latest_status is ReportVersionStatus.SUBMITTED


async def test_utc_instants_are_judged_by_their_date_in_vietnam(
    catalog_session: AsyncSession,
) -> None:
    # given 17:00 UTC on the deadline day, which is already the next day in Vietnam
    await _submit(
        catalog_session, MONTHLY, "UBND-1", PERIOD, datetime(2026, 3, 20, 16, 59, 59, tzinfo=UTC)
    )
    await _submit(
        catalog_session, MONTHLY, "UBND-2", PERIOD, datetime(2026, 3, 20, 17, 0, 0, tzinfo=UTC)
    )

    found = await list_obligations(
        session=catalog_session,
        regime=MONTHLY,
        period=PERIOD,
        as_of=datetime(2026, 4, 1, tzinfo=UTC),
    )

    assert _statuses(found)["UBND-1"] is ObligationStatus.SUBMITTED_ON_TIME
    assert _statuses(found)["UBND-2"] is ObligationStatus.SUBMITTED_LATE


async def test_missing_flips_on_the_day_after_the_deadline(catalog_session: AsyncSession) -> None:
    # given nothing submitted
    # when read in the deadline's last second and in the next one
    before = await list_obligations(
        session=catalog_session, regime=MONTHLY, period=PERIOD, as_of=LAST_SECOND
    )
    after = await list_obligations(
        session=catalog_session, regime=MONTHLY, period=PERIOD, as_of=FIRST_LATE_SECOND
    )

    # then
    assert set(_statuses(before).values()) == {ObligationStatus.EXPECTED}
    assert set(_statuses(after).values()) == {ObligationStatus.MISSING}


async def test_a_report_submitted_after_as_of_does_not_count_yet(
    catalog_session: AsyncSession,
) -> None:
    # given a late report, resubmitted and then accepted
    late = FIRST_LATE_SECOND + timedelta(days=2)
    resubmitted = late + timedelta(days=3)
    accepted = resubmitted + timedelta(days=1)
    await _submit(
        catalog_session, MONTHLY, "UBND-1", PERIOD, late, resubmitted, reviewed_at=accepted
    )

    async def at(moment: datetime) -> Obligation:
        found = await list_obligations(
            session=catalog_session, regime=MONTHLY, period=PERIOD, agency="UBND-1", as_of=moment
        )
        assert len(found) == 1
        return found[0]

    # then the state at each moment is what it was then
    missing = await at(late - timedelta(seconds=1))
    assert missing.status is ObligationStatus.MISSING
    assert missing.report_id is None
    first = await at(late)
    assert first.status is ObligationStatus.SUBMITTED_LATE
    assert first.latest_version == 1
    pending = await at(accepted - timedelta(seconds=1))
    assert pending.latest_version == 2
    assert pending.latest_status is ReportVersionStatus.SUBMITTED
    assert pending.first_submitted_at == late
    done = await at(accepted)
    assert done.latest_status is ReportVersionStatus.ACCEPTED
    assert done.latest_submitted_at == resubmitted


async def test_status_filter_and_compliance_board(catalog_session: AsyncSession) -> None:
    await _submit(catalog_session, MONTHLY, "UBND-1", PERIOD, LAST_SECOND)
    await _submit(catalog_session, MONTHLY, "UBND-2", PERIOD, FIRST_LATE_SECOND)
    as_of = datetime(2026, 4, 1, tzinfo=UTC)

    late = await list_obligations(
        session=catalog_session,
        regime=MONTHLY,
        period=PERIOD,
        status=ObligationStatus.SUBMITTED_LATE,
        as_of=as_of,
    )
    board = await compliance(session=catalog_session, regime=MONTHLY, period=PERIOD, as_of=as_of)

    assert [o.agency for o in late] == ["UBND-2"]
    assert (board.obliged, board.on_time, board.late, board.missing, board.expected) == (
        3,
        1,
        1,
        1,
        0,
    )
    assert [o.agency for o in board.late_agencies] == ["UBND-2"]
    assert [o.agency for o in board.missing_agencies] == ["UBND-3"]
    assert board.deadline == DEADLINE


async def test_deadline_in_working_days_skips_tet(catalog_session: AsyncSession) -> None:
    # 2026-M02's window ends Saturday 14 Feb; Tết closes offices until 20 Feb (the library's
    # calendar), so three working days after the cut-off end on 25 Feb.
    board = await compliance(
        session=catalog_session,
        regime=WORKING_DAYS,
        period="2026-02",
        as_of=datetime(2026, 2, 25, 23, 0, tzinfo=VN),
    )

    assert board.deadline == date(2026, 2, 25)
    assert board.period == "2026-M02"
    assert board.expected == 3


async def test_unknown_regime_agency_and_bad_period_are_clear_errors(
    catalog_session: AsyncSession,
) -> None:
    as_of = datetime(2026, 4, 1, tzinfo=UTC)
    with pytest.raises(NotFoundError):
        await list_obligations(session=catalog_session, regime="NOPE", period=PERIOD, as_of=as_of)
    with pytest.raises(NotFoundError):
        await list_obligations(
            session=catalog_session, regime=MONTHLY, period=PERIOD, agency="NOPE", as_of=as_of
        )
    with pytest.raises(InvalidInputError, match="monthly"):
        await list_obligations(
            session=catalog_session, regime=MONTHLY, period="2026-Q1", as_of=as_of
        )
    with pytest.raises(InvalidInputError):
        await list_obligations(
            session=catalog_session, regime=MONTHLY, period="2026-13", as_of=as_of
        )
    with pytest.raises(InvalidInputError, match="time zone"):
        await compliance(
            session=catalog_session, regime=MONTHLY, period=PERIOD, as_of=datetime(2026, 4, 1)
        )


async def test_obligations_take_two_statements_whatever_the_number_of_agencies(
    catalog_session: AsyncSession,
) -> None:
    await _submit(catalog_session, MONTHLY, "UBND-1", PERIOD, LAST_SECOND)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    sync_engine = catalog_session.get_bind()
    sa.event.listen(sync_engine, "before_cursor_execute", count)
    try:
        await list_obligations(
            session=catalog_session, regime=MONTHLY, period=PERIOD, as_of=FIRST_LATE_SECOND
        )
    finally:
        sa.event.remove(sync_engine, "before_cursor_execute", count)

    assert len(statements) == 2
