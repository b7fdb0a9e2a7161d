"""A small hand-made catalog for submission tests (not the seed files, which change).

One monthly regime `BC-M` (due on the 20th of the period's month, no rolling; Decree 09
cut-off from the 15th), provinces before and after the 2025 merger, a national ministry, and
indicators with units that convert (billion/million VND, persons/thousand persons), a
disaggregated one and a bounded rate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import (
    Agency,
    AgencyKind,
    Area,
    AreaLevel,
    AreaSuccession,
    Catalog,
    Code,
    Codelist,
    DataTable,
    DeadlineKind,
    DeadlineRule,
    Frequency,
    Indicator,
    OutlineSection,
    Regime,
    RegimeKind,
    SubmissionMethod,
    TableItem,
    Text,
    Unit,
)
from hub.metadata.store import import_catalog
from hub.reporting.validation import ObservationDraft, SubmissionDraft

VN = timezone(timedelta(hours=7))
REGIME = "BC-M"
PERIOD = "2025-M03"
DEADLINE = date(2025, 3, 20)
# A moment inside the window of 2025-M03 (15 Feb - 14 Mar) and before its deadline.
NOW = datetime(2025, 3, 18, 9, 30, tzinfo=VN)
PROVINCE = "UBND-01"  # jurisdiction P01 (and commune P01-C1)
OTHER_PROVINCE = "UBND-02"  # jurisdiction P02
MINISTRY = "BTC"  # national: any area
NOT_OBLIGED = "BYT"


def _area(
    code: str,
    level: AreaLevel,
    parent: str | None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    successors: tuple[AreaSuccession, ...] = (),
) -> Area:
    return Area(
        code,
        Text(f"Khu vực {code}", f"Area {code}"),
        level,
        code,
        parent,
        valid_from=valid_from,
        valid_to=valid_to,
        successors=successors,
    )


def areas(communes: int = 1) -> list[Area]:
    """The nation, provinces P01/P02, the merged P63-08 -> P34-05, and P01's communes."""
    return [
        _area("VN", AreaLevel.NATION, None),
        _area("P01", AreaLevel.PROVINCE, "VN"),
        _area("P02", AreaLevel.PROVINCE, "VN"),
        _area(
            "P63-08",
            AreaLevel.PROVINCE,
            "VN",
            valid_to=date(2025, 6, 30),
            successors=(AreaSuccession("P34-05"),),
        ),
        _area("P34-05", AreaLevel.PROVINCE, "VN", valid_from=date(2025, 7, 1)),
        *(_area(f"P01-C{n}", AreaLevel.COMMUNE, "P01") for n in range(1, communes + 1)),
    ]


def agencies() -> list[Agency]:
    def province(code: str, area: str) -> Agency:
        return Agency(code, Text(f"UBND {area}"), AgencyKind.PROVINCE, jurisdiction=area)

    return [
        Agency("VPCP", Text("Văn phòng Chính phủ"), AgencyKind.GOVERNMENT_AGENCY),
        Agency(MINISTRY, Text("Bộ Tài chính"), AgencyKind.MINISTRY),
        Agency(NOT_OBLIGED, Text("Bộ Y tế"), AgencyKind.MINISTRY),
        province(PROVINCE, "P01"),
        province(OTHER_PROVINCE, "P02"),
        province("UBND-3405", "P34-05"),
    ]


def units() -> list[Unit]:
    return [
        Unit("VND", Text("đồng"), "₫", "currency"),
        Unit("MVND", Text("triệu đồng"), "tr.₫", "currency", "VND", Decimal("1e6")),
        Unit("BVND", Text("tỷ đồng"), "tỷ ₫", "currency", "VND", Decimal("1e9")),
        Unit("PERSON", Text("người"), "người", "count"),
        Unit("KPERSON", Text("nghìn người"), "nghìn người", "count", "PERSON", Decimal(1000)),
        Unit("PCT", Text("phần trăm"), "%", "ratio"),
    ]


def codelists() -> list[Codelist]:
    return [
        Codelist(
            "SEX",
            Text("Giới tính"),
            (Code("T", Text("Tổng")), Code("M", Text("Nam")), Code("F", Text("Nữ"))),
            total_code="T",
        ),
        Codelist(
            "URBAN",
            Text("Thành thị/nông thôn"),
            (Code("T", Text("Tổng")), Code("U", Text("Thành thị")), Code("R", Text("Nông thôn"))),
            total_code="T",
        ),
        Codelist("AGE", Text("Nhóm tuổi"), (Code("Y15-24", Text("15-24")),)),
    ]


def indicators() -> list[Indicator]:
    def indicator(code: str, unit: str, *frequencies: Frequency, **extra: Any) -> Indicator:
        return Indicator(
            code,
            Text(f"Chỉ tiêu {code}"),
            Text(f"Định nghĩa {code}"),
            unit=unit,
            frequencies=frequencies,
            agency="VPCP",
            **extra,
        )

    return [
        indicator(
            "POP",
            "PERSON",
            Frequency.MONTHLY,
            Frequency.ANNUAL,
            dimensions=("SEX", "URBAN"),
            min_value=Decimal(0),
        ),
        indicator("REV", "BVND", Frequency.MONTHLY, Frequency.QUARTERLY),
        indicator(
            "RATE",
            "PCT",
            Frequency.MONTHLY,
            dimensions=("SEX",),
            min_value=Decimal(0),
            max_value=Decimal(100),
        ),
        indicator("GDP", "BVND", Frequency.QUARTERLY, Frequency.MONTHLY),  # not in the form
    ]


def regime() -> Regime:
    return Regime(
        code=REGIME,
        name=Text("Báo cáo tháng"),
        legal_basis="Nghị định 09/2019/NĐ-CP",
        kind=RegimeKind.PERIODIC,
        frequency=Frequency.MONTHLY,
        content=Text("Tình hình kinh tế - xã hội"),
        reporting_agencies=(PROVINCE, OTHER_PROVINCE, "UBND-3405", MINISTRY),
        recipient="VPCP",
        valid_from=date(2020, 1, 1),
        methods=(SubmissionMethod.REPORTING_SYSTEM,),
        deadline=DeadlineRule(DeadlineKind.DAY_OF_MONTH, day=20, roll_to_working_day=False),
        outline=(
            OutlineSection("S1", Text("Tình hình")),
            OutlineSection("S2", Text("Kiến nghị")),
        ),
        tables=(
            DataTable(
                "B01",
                Text("Biểu 01"),
                (
                    TableItem("POP", ("SEX",)),
                    TableItem("REV"),
                    TableItem("RATE", ("SEX",)),
                ),
            ),
        ),
    )


def submission_catalog(communes: int = 1) -> Catalog:
    """The test catalog; `communes` sets how many communes P01 has (for large reports)."""
    return Catalog.of(
        agencies=agencies(),
        areas=areas(communes),
        units=units(),
        codelists=codelists(),
        indicators=indicators(),
        regimes=(regime(),),
    )


async def store_catalog(session: AsyncSession, communes: int = 1) -> Catalog:
    """Import the test catalog through the catalog store, as production does."""
    catalog = submission_catalog(communes)
    await import_catalog(catalog, session=session)
    return catalog


def observation(
    indicator: str = "POP",
    area: str = "P01",
    period: str = PERIOD,
    dimensions: tuple[tuple[str, str], ...] = (("SEX", "T"),),
    value: str = "1000",
    unit: str = "PERSON",
    status: str | None = None,
    comment: str | None = None,
) -> ObservationDraft:
    return ObservationDraft(indicator, area, period, dimensions, value, unit, status, comment)


def draft(
    *observations: ObservationDraft,
    agency: str = PROVINCE,
    period: str = PERIOD,
    regime: str = REGIME,
    sections: tuple[tuple[str, str], ...] = (("S1", "Tình hình ổn định."),),
    system: str | None = None,
) -> SubmissionDraft:
    """A valid report of P01 for 2025-M03 unless told otherwise."""
    return SubmissionDraft(
        regime=regime,
        period=period,
        agency=agency,
        system=system,
        sections=sections,
        observations=observations or (observation(),),
    )


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
