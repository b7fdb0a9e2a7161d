"""Reading across a reorganisation with a split and a merge, for each area rule.

A small catalog: OLD was split into A (0.4) and B (0.6); M1 and M2 were merged into N; all
on 2025-07-01. Values are written straight into the tables (one accepted report version),
read back through `observations` and each expectation is computed here from them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import (
    Agency,
    AgencyKind,
    AggregationRule,
    Area,
    AreaLevel,
    AreaSuccession,
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
from catalog.periods import parse_period
from hub.errors import InvalidInputError, NotAggregableError
from hub.metadata import models as m
from hub.metadata.store import import_catalog
from hub.observations.aggregation import AggregateBy, AggregateRequest, aggregate
from hub.observations.models import Observation, ObservationRevision, StatusFlag
from hub.observations.reads import read_observations, read_series
from hub.observations.records import ObservationCriteria
from hub.reporting import models as r
from hub.reporting.report_models import Report, ReportStatus, ReportVersion, ReportVersionStatus

ACCEPTED = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)
CHANGE = date(2025, 7, 1)
ENDED = date(2025, 6, 30)


def split_catalog() -> Catalog:
    person = Unit("PERSON", Text("người"), "người", "count")
    percent = Unit("PCT", Text("phần trăm"), "%", "ratio")
    old = dict(level=AreaLevel.PROVINCE, parent="VN", valid_to=ENDED)
    new = dict(level=AreaLevel.PROVINCE, parent="VN", valid_from=CHANGE)
    annual = dict(frequencies=(Frequency.ANNUAL,), agency="VPCP")
    return Catalog.of(
        agencies=(Agency("VPCP", Text("Văn phòng Chính phủ"), AgencyKind.MINISTERIAL_AGENCY),),
        areas=(
            Area("VN", Text("Việt Nam"), AreaLevel.NATION, "VN"),
            Area(
                "OLD",
                Text("Tỉnh Cũ"),
                national_code="90",
                successors=(
                    AreaSuccession("A", Decimal("0.4")),
                    AreaSuccession("B", Decimal("0.6")),
                ),
                **old,  # type: ignore[arg-type]
            ),
            Area(
                "M1", Text("Tỉnh Một"), national_code="91", successors=(AreaSuccession("N"),), **old
            ),  # type: ignore[arg-type]
            Area(
                "M2", Text("Tỉnh Hai"), national_code="92", successors=(AreaSuccession("N"),), **old
            ),  # type: ignore[arg-type]
            Area("A", Text("Tỉnh A"), national_code="93", **new),  # type: ignore[arg-type]
            Area("B", Text("Tỉnh B"), national_code="94", **new),  # type: ignore[arg-type]
            Area("N", Text("Tỉnh Mới"), national_code="95", **new),  # type: ignore[arg-type]
        ),
        units=(person, percent),
        indicators=(
            Indicator("POP", Text("Dân số"), Text("Số người"), unit="PERSON", **annual),  # type: ignore[arg-type]
            Indicator(
                "RATE",
                Text("Tỷ lệ"),
                Text("Bình quân giản đơn"),
                unit="PCT",
                aggregation=AggregationRule.AVERAGE,
                **annual,  # type: ignore[arg-type]
            ),
            Indicator(
                "WRATE",
                Text("Tỷ lệ gia quyền"),
                Text("Gia quyền theo dân số"),
                unit="PCT",
                aggregation=AggregationRule.WEIGHTED,
                weight_indicator="POP",
                **annual,  # type: ignore[arg-type]
            ),
            Indicator(
                "INDEX",
                Text("Chỉ số"),
                Text("Không cộng được"),
                unit="PCT",
                aggregation=AggregationRule.NONE,
                **annual,  # type: ignore[arg-type]
            ),
        ),
        regimes=(
            Regime(
                code="BC-A",
                name=Text("Báo cáo năm"),
                legal_basis="Nghị định 09/2019/NĐ-CP",
                kind=RegimeKind.PERIODIC,
                frequency=Frequency.ANNUAL,
                content=Text("Tình hình"),
                reporting_agencies=("VPCP",),
                recipient="VPCP",
                methods=(SubmissionMethod.REPORTING_SYSTEM,),
                deadline=DeadlineRule(DeadlineKind.DAY_OF_MONTH, day=20),
                tables=(DataTable("B01", Text("Biểu 01"), (TableItem("POP"),)),),
            ),
        ),
    )


# indicator: {(area, year): value}
VALUES = {
    "POP": {
        ("OLD", "2024"): "1000",
        ("M1", "2024"): "300",
        ("M2", "2024"): "200",
        ("A", "2025"): "420",
        ("B", "2025"): "630",
        ("N", "2025"): "520",
        ("A", "2026"): "430",  # B did not report for 2026
    },
    "RATE": {
        ("OLD", "2024"): "10",
        ("M1", "2024"): "4",
        ("M2", "2024"): "8",
        ("A", "2025"): "11",
        ("B", "2025"): "9",
    },
    "WRATE": {
        ("OLD", "2024"): "5",
        ("M1", "2024"): "2",
        ("M2", "2024"): "6",
        ("A", "2025"): "4",
        ("B", "2025"): "8",
        ("M1", "2023"): "1",  # M2 sent nothing for 2023
    },
    "INDEX": {("OLD", "2024"): "101"},
}


@pytest.fixture
async def split(session: AsyncSession) -> None:
    await import_catalog(split_catalog(), session=session)
    ids = {
        (kind, row.code): row.id
        for kind, table in (("area", m.Area), ("indicator", m.Indicator), ("unit", m.Unit))
        for row in (await session.execute(sa.select(table.id, table.code))).all()
    }
    versions = dict(
        (
            await session.execute(
                sa.select(m.Indicator.code, m.IndicatorVersion.id).join(
                    m.Indicator, m.Indicator.id == m.IndicatorVersion.indicator_id
                )
            )
        ).all()
    )
    regime = await session.scalar(sa.select(r.Regime.id))
    agency = await session.scalar(sa.select(m.Agency.id))
    report = Report(
        regime_id=regime,
        agency_id=agency,
        period="2024",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        status=ReportStatus.ACCEPTED,
    )
    session.add(report)
    await session.flush()
    version = ReportVersion(
        report_id=report.id,
        version=1,
        status=ReportVersionStatus.ACCEPTED,
        submitted_at=ACCEPTED,
        submitted_by="test",
        deadline=date(2030, 1, 1),
        on_time=True,
        reviewed_at=ACCEPTED,
    )
    session.add(version)
    await session.flush()
    for indicator, values in VALUES.items():
        unit = "PERSON" if indicator == "POP" else "PCT"
        for (area, year), value in values.items():
            period = parse_period(year)
            observation = Observation(
                indicator_id=ids["indicator", indicator],
                area_id=ids["area", area],
                period=period.code,
                period_start=period.start,
                period_end=period.end,
                frequency=period.frequency,
                dimension_key="",
            )
            session.add(observation)
            await session.flush()
            session.add(
                ObservationRevision(
                    observation_id=observation.id,
                    revision=1,
                    report_version_id=version.id,
                    indicator_version_id=versions[indicator],
                    value=Decimal(value),
                    reported_value=Decimal(value),
                    reported_unit_id=ids["unit", unit],
                    status_flag=StatusFlag.NORMAL,
                    recorded_at=ACCEPTED,
                    accepted_at=ACCEPTED,
                )
            )
    await session.flush()


async def read_back(session: AsyncSession, *indicators: str) -> dict[tuple[str, str, str], Decimal]:
    rows, _ = await read_observations(
        ObservationCriteria(indicators=indicators), after=None, limit=500, session=session
    )
    assert rows and not any(row.derived for row in rows)
    return {(row.indicator, row.area, row.period): row.value for row in rows}


async def across(
    session: AsyncSession, indicator: str, areas: tuple[str, ...]
) -> dict[tuple[str, str], tuple[Decimal, tuple[str, ...]]]:
    rows, total = await read_observations(
        ObservationCriteria(indicators=(indicator,), areas=areas),
        across_reorganisation=True,
        after=None,
        limit=500,
        session=session,
    )
    assert total == len(rows)
    return {(row.area, row.period): (row.value, row.sources) for row in rows if row.derived}


async def test_a_split_part_takes_its_weight_of_a_sum_and_the_whole_is_its_parts(
    session: AsyncSession, split: None
) -> None:
    v = await read_back(session, "POP")

    found = await across(session, "POP", ("A", "B", "OLD", "N", "M1"))

    assert found == {
        ("A", "2024"): (Decimal("0.4") * v["POP", "OLD", "2024"], ("OLD",)),
        ("B", "2024"): (Decimal("0.6") * v["POP", "OLD", "2024"], ("OLD",)),
        ("OLD", "2025"): (v["POP", "A", "2025"] + v["POP", "B", "2025"], ("A", "B")),
        ("N", "2024"): (v["POP", "M1", "2024"] + v["POP", "M2", "2024"], ("M1", "M2")),
    }  # no OLD for 2026 (B is missing), nothing for M1 after the merge


async def test_an_average_is_the_link_weighted_mean_and_a_weighted_rate_weights_by_its_weight(
    session: AsyncSession, split: None
) -> None:
    v = await read_back(session, "POP", "RATE", "WRATE")

    means = await across(session, "RATE", ("A", "OLD", "N"))
    weighted = await across(session, "WRATE", ("A", "OLD", "N", "M1"))

    assert means == {
        ("A", "2024"): (v["RATE", "OLD", "2024"], ("OLD",)),
        ("OLD", "2025"): (
            Decimal("0.4") * v["RATE", "A", "2025"] + Decimal("0.6") * v["RATE", "B", "2025"],
            ("A", "B"),
        ),
        ("N", "2024"): ((v["RATE", "M1", "2024"] + v["RATE", "M2", "2024"]) / 2, ("M1", "M2")),
    }

    def mean(rates: list[tuple[str, str, Decimal]]) -> Decimal:
        vw = sum(v["WRATE", a, y] * v["POP", a, y] * s for a, y, s in rates)
        return vw / sum(v["POP", a, y] * s for a, y, s in rates)

    one = Decimal(1)
    assert weighted == {
        ("A", "2024"): (mean([("OLD", "2024", Decimal("0.4"))]), ("OLD",)),
        ("OLD", "2025"): (mean([("A", "2025", one), ("B", "2025", one)]), ("A", "B")),
        ("N", "2024"): (mean([("M1", "2024", one), ("M2", "2024", one)]), ("M1", "M2")),
    }  # N has no 2023: M2 reported nothing then


async def test_series_and_aggregates_read_the_same_values_across(
    session: AsyncSession, split: None
) -> None:
    v = await read_back(session, "POP")

    (series,) = await read_series(
        session=session, indicator="POP", areas=("OLD",), across_reorganisation=True
    )
    found = await aggregate(
        AggregateRequest(
            "POP",
            group_by=frozenset({AggregateBy.PERIOD}),
            areas=("A", "N"),
            across_reorganisation=True,
        ),
        session=session,
    )

    assert [(p.period, p.value, p.derived, p.sources) for p in series.points] == [
        ("2024", v["POP", "OLD", "2024"], False, ("OLD",)),
        ("2025", v["POP", "A", "2025"] + v["POP", "B", "2025"], True, ("A", "B")),
    ]
    assert {g.key.period: (g.value, g.derived) for g in found.groups} == {
        "2024": (
            Decimal("0.4") * v["POP", "OLD", "2024"]
            + v["POP", "M1", "2024"]
            + v["POP", "M2", "2024"],
            True,
        ),
        "2025": (v["POP", "A", "2025"] + v["POP", "N", "2025"], False),
        "2026": (v["POP", "A", "2026"], False),
    }


async def test_the_area_rule_average_is_the_mean_of_the_areas_values(
    session: AsyncSession, split: None
) -> None:
    v = await read_back(session, "RATE")

    found = await aggregate(
        AggregateRequest(
            "RATE", group_by=frozenset({AggregateBy.PERIOD}), area_level=AreaLevel.NATION
        ),
        session=session,
    )

    expected: dict[str, list[Decimal]] = {}
    for (_, _, year), value in v.items():
        expected.setdefault(year, []).append(value)
    six = Decimal("0.000001")
    assert {g.key.period: (g.value, g.count) for g in found.groups} == {
        year: (
            (sum(values, Decimal(0)) / len(values)).quantize(six, ROUND_HALF_UP).normalize(),
            len(values),
        )
        for year, values in expected.items()
    }  # 2024: (10 + 4 + 8) / 3 rounded to six places


async def test_an_indicator_that_does_not_combine_and_a_read_without_areas_are_refused(
    session: AsyncSession, split: None
) -> None:
    with pytest.raises(NotAggregableError, match="INDEX"):
        await read_series(
            session=session, indicator="INDEX", areas=("A",), across_reorganisation=True
        )
    with pytest.raises(InvalidInputError, match="areas"):
        await read_series(session=session, indicator="POP", across_reorganisation=True)
