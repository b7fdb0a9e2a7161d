"""Reads of observations: latest accepted values, as of a past moment, series, history, changes.

The rows are written straight into the tables (reports, versions, observations, revisions) so
that every acceptance time is exact; the submission path has its own tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import (
    Agency,
    AgencyKind,
    Area,
    AreaLevel,
    Catalog,
    Code,
    Codelist,
    DataTable,
    DeadlineKind,
    DeadlineRule,
    Frequency,
    Indicator,
    PeriodAggregation,
    Regime,
    RegimeKind,
    SubmissionMethod,
    TableItem,
    Text,
    Unit,
)
from catalog.periods import parse_period
from hub.errors import InvalidInputError, LimitExceededError, NotFoundError
from hub.metadata import models as m
from hub.metadata.store import import_catalog
from hub.observations.aggregation import AggregateBy, AggregateRequest, aggregate
from hub.observations.models import (
    Observation,
    ObservationDimension,
    ObservationRevision,
    StatusFlag,
)
from hub.observations.records import (
    ChangeKind,
    ObservationCriteria,
    ObservationKey,
    ObservationRow,
)
from hub.observations.service import (
    list_changes,
    list_observations,
    list_revisions,
    list_series,
)
from hub.reporting import models as r
from hub.reporting.report_models import Report, ReportStatus, ReportVersion, ReportVersionStatus

T0 = datetime(2025, 1, 10, 3, 0, tzinfo=UTC)


def day(n: int) -> datetime:
    """`n` days after T0."""
    return T0 + timedelta(days=n)


def reads_catalog() -> Catalog:
    person = Unit("PERSON", Text("người"), "người", "count")
    thousand = Unit("K_PERSON", Text("nghìn người"), "nghìn", "count", "PERSON", Decimal(1000))
    return Catalog.of(
        agencies=(
            Agency("VPCP", Text("Văn phòng Chính phủ"), AgencyKind.MINISTERIAL_AGENCY),
            Agency("UBND-1", Text("UBND tỉnh Một"), AgencyKind.PROVINCE, jurisdiction="P1"),
        ),
        areas=(
            Area("P1", Text("Tỉnh Một", "Province One"), AreaLevel.PROVINCE, "01"),
            Area("P2", Text("Tỉnh Hai", "Province Two"), AreaLevel.PROVINCE, "02"),
        ),
        units=(person, thousand),
        codelists=(
            Codelist(
                "SEX",
                Text("Giới tính", "Sex"),
                (Code("T", Text("Tổng")), Code("M", Text("Nam")), Code("F", Text("Nữ"))),
                total_code="T",
            ),
        ),
        indicators=(
            Indicator(
                "POP",
                Text("Dân số", "Population"),
                Text("Số người"),
                unit="K_PERSON",
                frequencies=(Frequency.MONTHLY, Frequency.ANNUAL),
                agency="VPCP",
                dimensions=("SEX",),
            ),
            Indicator(
                "HIDDEN",
                Text("Chỉ tiêu đã rút"),
                Text("Không còn công bố"),
                unit="PERSON",
                frequencies=(Frequency.MONTHLY,),
                agency="VPCP",
            ),
        ),
        regimes=(
            Regime(
                code="BC-M",
                name=Text("Báo cáo tháng"),
                legal_basis="Nghị định 09/2019/NĐ-CP",
                kind=RegimeKind.PERIODIC,
                frequency=Frequency.MONTHLY,
                content=Text("Tình hình"),
                reporting_agencies=("UBND-1",),
                recipient="VPCP",
                methods=(SubmissionMethod.REPORTING_SYSTEM,),
                deadline=DeadlineRule(DeadlineKind.DAY_OF_MONTH, day=20),
                tables=(DataTable("B01", Text("Biểu 01"), (TableItem("POP", ("SEX",)),)),),
            ),
        ),
    )


@dataclass
class Writer:
    """Writes observations and their revisions as a submission and a review would."""

    session: AsyncSession
    ids: dict[tuple[str, str], int]

    async def version(self, period: str, number: int, *, accepted_at: datetime | None) -> int:
        report_id = await self.session.scalar(sa.select(Report.id).where(Report.period == period))
        if report_id is None:
            parsed = parse_period(period)
            report = Report(
                regime_id=self.ids["regime", "BC-M"],
                agency_id=self.ids["agency", "UBND-1"],
                period=period,
                period_start=parsed.start,
                period_end=parsed.end,
                status=ReportStatus.SUBMITTED,
            )
            self.session.add(report)
            await self.session.flush()
            report_id = report.id
        version = ReportVersion(
            report_id=report_id,
            version=number,
            status=ReportVersionStatus.ACCEPTED if accepted_at else ReportVersionStatus.SUBMITTED,
            submitted_at=(accepted_at or day(100)) - timedelta(hours=1),
            submitted_by="test",
            deadline=date(2030, 1, 1),
            on_time=True,
            reviewed_at=accepted_at,
        )
        self.session.add(version)
        await self.session.flush()
        return version.id

    async def value(
        self,
        version_id: int,
        indicator: str,
        area: str,
        period: str,
        value: str,
        *,
        sex: str | None = None,
        accepted_at: datetime | None,
        status: StatusFlag = StatusFlag.NORMAL,
    ) -> int:
        key = f"SEX={sex}" if sex else ""
        observation_id = await self.session.scalar(
            sa.select(Observation.id).where(
                Observation.indicator_id == self.ids["indicator", indicator],
                Observation.area_id == self.ids["area", area],
                Observation.period == period,
                Observation.dimension_key == key,
            )
        )
        if observation_id is None:
            parsed = parse_period(period)
            observation = Observation(
                indicator_id=self.ids["indicator", indicator],
                area_id=self.ids["area", area],
                period=parsed.code,
                period_start=parsed.start,
                period_end=parsed.end,
                frequency=parsed.frequency,
                dimension_key=key,
            )
            self.session.add(observation)
            await self.session.flush()
            observation_id = observation.id
            if sex:
                self.session.add(
                    ObservationDimension(
                        observation_id=observation_id,
                        codelist_id=self.ids["codelist", "SEX"],
                        code_id=self.ids["code", sex],
                    )
                )
        revision = 1 + (
            await self.session.scalar(
                sa.select(sa.func.count()).where(
                    ObservationRevision.observation_id == observation_id
                )
            )
            or 0
        )
        unit = "K_PERSON" if indicator == "POP" else "PERSON"
        self.session.add(
            ObservationRevision(
                observation_id=observation_id,
                revision=revision,
                report_version_id=version_id,
                indicator_version_id=self.ids["version", indicator],
                value=Decimal(value),
                reported_value=Decimal(value),
                reported_unit_id=self.ids["unit", unit],
                status_flag=status,
                recorded_at=(accepted_at or day(100)) - timedelta(hours=1),
                accepted_at=accepted_at,
            )
        )
        await self.session.flush()
        return observation_id


async def _ids(session: AsyncSession) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    for kind, table in (
        ("agency", m.Agency),
        ("area", m.Area),
        ("unit", m.Unit),
        ("codelist", m.Codelist),
        ("code", m.Code),
        ("indicator", m.Indicator),
        ("regime", r.Regime),
    ):
        for row in (await session.execute(sa.select(table.id, table.code))).all():
            ids[kind, row.code] = row.id
    versions = sa.select(m.Indicator.code, m.IndicatorVersion.id).join(
        m.Indicator, m.Indicator.id == m.IndicatorVersion.indicator_id
    )
    for row in (await session.execute(versions)).all():
        ids["version", row.code] = row.id
    return ids


@pytest.fixture
async def data(session: AsyncSession) -> Writer:
    """P1 reported POP for Jan-Mar 2025 by sex (Feb revised, Mar pending), P2 for January,
    and HIDDEN, whose definition is then retired (so it is not public any more)."""
    await import_catalog(reads_catalog(), session=session)
    writer = Writer(session, await _ids(session))
    jan = await writer.version("2025-M01", 1, accepted_at=day(1))
    for sex, value in (("T", "1000.5"), ("M", "490.25"), ("F", "510.25")):
        await writer.value(jan, "POP", "P1", "2025-M01", value, sex=sex, accepted_at=day(1))
    await writer.value(
        jan, "POP", "P2", "2025-M01", "0.000000000000000000001", sex="T", accepted_at=day(1)
    )
    await writer.value(jan, "HIDDEN", "P1", "2025-M01", "7", accepted_at=day(1))
    feb = await writer.version("2025-M02", 1, accepted_at=day(30))
    await writer.value(
        feb,
        "POP",
        "P1",
        "2025-M02",
        "1001",
        sex="T",
        accepted_at=day(30),
        status=StatusFlag.PROVISIONAL,
    )
    feb2 = await writer.version("2025-M02", 2, accepted_at=day(40))
    await writer.value(feb2, "POP", "P1", "2025-M02", "1002.75", sex="T", accepted_at=day(40))
    mar = await writer.version("2025-M03", 1, accepted_at=None)
    await writer.value(mar, "POP", "P1", "2025-M03", "1003", sex="T", accepted_at=None)
    await session.execute(
        sa.update(m.IndicatorVersion)
        .where(m.IndicatorVersion.id == writer.ids["version", "HIDDEN"])
        .values(status=m.VersionStatus.RETIRED)
    )
    return writer


def _values(rows: list[ObservationRow]) -> list[tuple[str, str, str, str]]:
    return [(row.area, row.period, row.dimension_key, str(row.value)) for row in rows]


async def test_default_read_is_the_latest_accepted_value_with_its_labels(
    session: AsyncSession, data: Writer
) -> None:
    rows, total = await list_observations(
        ObservationCriteria(), after=None, limit=50, session=session
    )

    assert _values(rows) == [
        ("P1", "2025-M01", "SEX=F", "510.25"),
        ("P1", "2025-M01", "SEX=M", "490.25"),
        ("P1", "2025-M01", "SEX=T", "1000.5"),
        ("P1", "2025-M02", "SEX=T", "1002.75"),
        ("P2", "2025-M01", "SEX=T", "1E-21"),
    ]
    assert total == 5
    assert rows[-1].value == Decimal("0.000000000000000000001")
    feb = rows[3]
    assert (feb.indicator, feb.indicator_name_vi, feb.indicator_name_en) == (
        "POP",
        "Dân số",
        "Population",
    )
    assert (feb.area_name_vi, feb.area_name_en, feb.unit) == (
        "Tỉnh Một",
        "Province One",
        "K_PERSON",
    )
    assert (feb.revision, feb.status_flag, feb.frequency) == (
        2,
        StatusFlag.NORMAL,
        Frequency.MONTHLY,
    )
    assert (feb.period_start, feb.period_end) == (date(2025, 2, 1), date(2025, 2, 28))
    assert feb.accepted_at == day(40)


async def test_as_of_reads_the_state_at_a_past_moment(session: AsyncSession, data: Writer) -> None:
    async def feb_at(moment: datetime) -> list[str]:
        criteria = ObservationCriteria(areas=("P1",), period_from="2025-02", as_of=moment)
        rows, _ = await list_observations(criteria, after=None, limit=10, session=session)
        return [str(row.value) for row in rows]

    assert await feb_at(day(30) - timedelta(microseconds=1)) == []
    assert await feb_at(day(30)) == ["1001"]
    assert await feb_at(day(40) - timedelta(seconds=1)) == ["1001"]
    assert await feb_at(day(40)) == ["1002.75"]
    assert await feb_at(day(400)) == ["1002.75"]


async def test_reviewers_see_pending_values_and_unpublished_indicators(
    session: AsyncSession, data: Writer
) -> None:
    criteria = ObservationCriteria(areas=("P1",), include_unaccepted=True)
    rows, total = await list_observations(criteria, after=None, limit=50, session=session)

    assert total == 6
    assert ("P1", "2025-M03", "SEX=T", "1003") in _values(rows)
    hidden = [row for row in rows if row.indicator == "HIDDEN"]
    assert hidden[0].indicator_name_vi == "Chỉ tiêu đã rút" and hidden[0].accepted_at is not None


async def test_keyset_pages_walk_the_whole_list(session: AsyncSession, data: Writer) -> None:
    everything, _ = await list_observations(
        ObservationCriteria(), after=None, limit=50, session=session
    )
    walked: list[ObservationRow] = []
    after = None
    while True:
        page, total = await list_observations(
            ObservationCriteria(), after=after, limit=2, session=session
        )
        assert total == 5
        walked.extend(page)
        if len(page) < 2:
            break
        after = page[-1].cursor

    assert walked == everything
    past_end, total = await list_observations(
        ObservationCriteria(), after=everything[-1].cursor, limit=2, session=session
    )
    assert (past_end, total) == ([], 5)


async def test_filters_narrow_the_list(session: AsyncSession, data: Writer) -> None:
    async def values(**criteria: Any) -> list[tuple[str, str, str, str]]:
        rows, total = await list_observations(
            ObservationCriteria(**criteria),
            after=None,
            limit=50,
            session=session,
        )
        assert total == len(rows)
        return _values(rows)

    assert await values(dimensions=(("SEX", "F"),)) == [("P1", "2025-M01", "SEX=F", "510.25")]
    assert await values(areas=("P2",)) == [("P2", "2025-M01", "SEX=T", "1E-21")]
    assert len(await values(period_from="2025-02", period_to="2025")) == 1
    assert len(await values(period_to="2025-01")) == 4
    assert await values(frequency=Frequency.ANNUAL) == []
    assert await values(indicators=("HIDDEN",)) == []
    provisional = await values(status_flags=(StatusFlag.PROVISIONAL,), as_of=day(35))
    assert provisional == [("P1", "2025-M02", "SEX=T", "1001")]


async def test_a_page_is_one_statement(session: AsyncSession, data: Writer) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    bind = session.get_bind()
    sa.event.listen(bind, "before_cursor_execute", count)
    try:
        await list_observations(ObservationCriteria(), after=None, limit=3, session=session)
    finally:
        sa.event.remove(bind, "before_cursor_execute", count)

    assert len(statements) == 1


async def test_bad_arguments_are_clear_errors(session: AsyncSession, data: Writer) -> None:
    for cursor in ("garbage", "[1,2]", '[1,2,"x","2025-M01",""]', '["a",2,"2025-01-01","p",""]'):
        with pytest.raises(InvalidInputError):
            await list_observations(ObservationCriteria(), after=cursor, limit=2, session=session)
    with pytest.raises(InvalidInputError):
        await list_observations(
            ObservationCriteria(period_from="2025-Q5"), after=None, limit=2, session=session
        )
    with pytest.raises(InvalidInputError):
        await list_observations(
            ObservationCriteria(as_of=datetime(2025, 1, 1)), after=None, limit=2, session=session
        )


async def test_series_are_one_per_area_and_disaggregation(
    session: AsyncSession, data: Writer
) -> None:
    series, formula = await list_series(session=session, indicator="POP", dimensions=[("SEX", "T")])
    _, nothing = await list_series(session=session, indicator="POP", areas=["NO-SUCH"])

    # Its rows say the indicator is stored (no formula); without rows they say nothing.
    assert (formula, nothing) == (False, None)
    assert [(s.area, s.dimensions, s.unit) for s in series] == [
        ("P1", (("SEX", "T"),), "K_PERSON"),
        ("P2", (("SEX", "T"),), "K_PERSON"),
    ]
    assert [(p.period, p.value) for p in series[0].points] == [
        ("2025-M01", Decimal("1000.5")),
        ("2025-M02", Decimal("1002.75")),
    ]
    # Typed as the observations' rows are: enums and dates, each point its source area.
    first = series[0]
    assert (first.indicator, first.frequency, first.area_name_vi) == (
        "POP",
        Frequency.MONTHLY,
        "Tỉnh Một",
    )
    assert [(p.period_start, p.status_flag, p.derived, p.sources) for p in first.points] == [
        (date(2025, 1, 1), StatusFlag.NORMAL, False, ("P1",)),
        (date(2025, 2, 1), StatusFlag.NORMAL, False, ("P1",)),
    ]
    everything, _ = await list_series(session=session, indicator="POP", areas=["P1"], as_of=day(35))
    assert [len(s.points) for s in everything] == [1, 1, 2]
    with pytest.raises(LimitExceededError):
        await list_series(session=session, indicator="POP", max_points=3)


async def test_revisions_keep_every_value(session: AsyncSession, data: Writer) -> None:
    key = ObservationKey("POP", "P1", "2025-02", (("SEX", "T"),))
    history = await list_revisions(key, session=session)

    assert [(h.revision, h.value, h.report_version, h.accepted_at) for h in history] == [
        (1, Decimal("1001"), 1, day(30)),
        (2, Decimal("1002.75"), 2, day(40)),
    ]
    assert history[0].status_flag is StatusFlag.PROVISIONAL
    assert history[0].report_version_status is ReportVersionStatus.ACCEPTED
    by_id = await list_revisions(history[0].observation_id, session=session)
    assert by_id == history

    pending = ObservationKey("POP", "P1", "2025-M03", (("SEX", "T"),))
    with pytest.raises(NotFoundError):
        await list_revisions(pending, session=session)
    assert len(await list_revisions(pending, session=session, include_unaccepted=True)) == 1
    with pytest.raises(NotFoundError):
        await list_revisions(ObservationKey("HIDDEN", "P1", "2025-M01"), session=session)


async def test_changes_since_a_moment(session: AsyncSession, data: Writer) -> None:
    changes = await list_changes(day(2), after=None, limit=10, session=session)

    assert [(c.kind, c.observation.period, str(c.observation.value)) for c in changes] == [
        (ChangeKind.ADDED, "2025-M02", "1001"),
        (ChangeKind.REVISED, "2025-M02", "1002.75"),
    ]
    everything = await list_changes(day(0), after=None, limit=10, session=session)
    assert len(everything) == 6
    first, rest = (
        everything[:1],
        await list_changes(
            day(0), after=everything[0].observation.cursor, limit=10, session=session
        ),
    )
    assert first + rest == everything
    assert await list_changes(day(40), after=None, limit=10, session=session) == []


async def test_into_a_year_days_roll_up_and_weeks_do_not(session: AsyncSession) -> None:
    # ISO weeks straddle years: an indicator reported weekly is refused a yearly aggregate,
    # and a weekly value of any other (written here as no submission would) stays out.
    base = reads_catalog()
    sales = Indicator(
        "SALES",
        Text("Doanh thu bán lẻ"),
        Text("Doanh thu"),
        unit="PERSON",
        frequencies=(Frequency.DAILY, Frequency.MONTHLY, Frequency.ANNUAL),
        agency="VPCP",
        period_aggregation=PeriodAggregation.SUM,
    )
    catalog = replace(base, indicators={**base.indicators, "SALES": sales})
    await import_catalog(catalog, session=session)
    writer = Writer(session, await _ids(session))
    version = await writer.version("2025-M01", 1, accepted_at=day(1))
    for area, period, value in (
        ("P1", "2025-01-15", "5"),
        ("P1", "2025-W03", "7"),
        ("P2", "2025-M01", "11"),
        ("P2", "2025-W03", "13"),
    ):
        await writer.value(version, "SALES", area, period, value, accepted_at=day(1))

    found = await aggregate(
        AggregateRequest(
            "SALES",
            group_by=frozenset({AggregateBy.AREA, AggregateBy.PERIOD}),
            frequency=Frequency.ANNUAL,
        ),
        session=session,
    )

    assert {(g.key.area, g.key.period): (g.value, g.count) for g in found.groups} == {
        ("P1", "2025"): (Decimal(5), 1),
        ("P2", "2025"): (Decimal(11), 1),
    }
