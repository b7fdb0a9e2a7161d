"""A small catalog that uses every entity and every optional field, for mapping and rule tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from catalog.model import (
    Agency,
    AgencyKind,
    AggregationRule,
    Area,
    AreaLevel,
    AreaSuccession,
    Catalog,
    Code,
    Codelist,
    CutoffKind,
    CutoffRule,
    DataTable,
    DeadlineKind,
    DeadlineRule,
    Frequency,
    Indicator,
    IndicatorGroup,
    OutlineSection,
    Regime,
    RegimeKind,
    SubmissionMethod,
    TableItem,
    Text,
    Unit,
    ValueType,
)

QUDT_UNIT = "http://qudt.org/vocab/unit/"

AGENCIES = (
    Agency("CP", Text("Chính phủ", "Government"), AgencyKind.GOVERNMENT),
    Agency(
        "BTC",
        Text("Bộ Tài chính", "Ministry of Finance"),
        AgencyKind.MINISTRY,
        abbreviation="BTC",
        parent="CP",
        valid_from=date(2025, 3, 1),
    ),
    Agency(
        "BKHDT",
        Text("Bộ Kế hoạch và Đầu tư"),
        AgencyKind.MINISTRY,
        parent="CP",
        valid_to=date(2025, 2, 28),
        successors=("BTC", "CP"),  # deliberately not in code order
    ),
    Agency("VPCP", Text("Văn phòng Chính phủ"), AgencyKind.MINISTERIAL_AGENCY, parent="CP"),
    Agency("UBND-HT", Text("UBND tỉnh Hà Tây"), AgencyKind.PROVINCE, jurisdiction="HT"),
    Agency("UBND-HN", Text("UBND thành phố Hà Nội"), AgencyKind.PROVINCE, jurisdiction="HN"),
)

AREAS = (
    Area("VN", Text("Việt Nam", "Viet Nam"), AreaLevel.NATION, national_code="00"),
    Area(
        "HT",
        Text("Tỉnh Hà Tây"),
        AreaLevel.PROVINCE,
        national_code="28",
        parent="VN",
        valid_to=date(2008, 7, 31),
        successors=(AreaSuccession("HN", Decimal("0.75")), AreaSuccession("HB", Decimal("0.25"))),
    ),
    Area(
        "HN",
        Text("Hà Nội", "Ha Noi"),
        AreaLevel.PROVINCE,
        "01",
        parent="VN",
        valid_from=date(2008, 8, 1),
    ),
    Area(
        "HB",
        Text("Tỉnh Hòa Bình"),
        AreaLevel.PROVINCE,
        "17",
        parent="VN",
        valid_from=date(2008, 8, 1),
    ),
)

UNITS = (
    Unit("VND", Text("đồng", "dong"), "đ", "currency", qudt_exact=QUDT_UNIT + "CCY_VND"),
    Unit(
        "BN_VND",
        Text("tỷ đồng", "billion dong"),
        "tỷ đ",
        "currency",
        base="VND",
        multiplier=Decimal("1E+9"),
    ),
    Unit("PERSON", Text("người", "persons"), "người", "count", qudt_close=QUDT_UNIT + "NUM"),
    Unit(
        "K_PERSON",
        Text("nghìn người"),
        "nghìn người",
        "count",
        base="PERSON",
        multiplier=Decimal(1000),
    ),
    Unit("PCT", Text("phần trăm", "percent"), "%", "ratio", qudt_exact=QUDT_UNIT + "PERCENT"),
)

CODELISTS = (
    Codelist(
        "SEX",
        Text("Giới tính", "Sex"),
        (
            Code("T", Text("Tổng", "Total")),
            Code("M", Text("Nam", "Male"), parent="T", order=2),
            Code("F", Text("Nữ", "Female"), parent="T", order=1),
        ),
        description=Text("Phân tổ theo giới tính", "Breakdown by sex"),
        total_code="T",
    ),
    Codelist(
        "URBAN",
        Text("Thành thị/nông thôn"),
        (Code("U", Text("Thành thị")), Code("R", Text("Nông thôn"))),
    ),
)

GROUPS = (
    IndicatorGroup("POP", Text("Dân số", "Population")),
    IndicatorGroup("POP.LAB", Text("Lao động"), parent="POP"),
)

INDICATORS = (
    Indicator(
        "0101",
        Text("Dân số", "Population"),
        Text("Tổng số người", "Number of persons"),
        unit="K_PERSON",
        frequencies=(Frequency.ANNUAL,),
        agency="BTC",
        group="POP",
        dimensions=("URBAN", "SEX"),  # deliberately not in code order
    ),
    Indicator(
        "0102",
        Text("Tỷ lệ lao động nữ", "Share of women in the labour force"),
        Text("Lao động nữ chia cho tổng lao động"),
        unit="PCT",
        frequencies=(Frequency.QUARTERLY, Frequency.ANNUAL, Frequency.SEMIANNUAL),
        agency="BTC",
        group="POP.LAB",
        method=Text("Tử số chia mẫu số nhân 100", "Numerator over denominator times 100"),
        source=Text("Điều tra lao động việc làm", "Labour force survey"),
        legal_basis="Nghị định 62/2024/NĐ-CP",
        dimensions=("SEX",),
        aggregation=AggregationRule.WEIGHTED,
        weight_indicator="0101",
        value_type=ValueType.PERCENT,
        min_value=Decimal("0"),
        max_value=Decimal("100.0"),
        broader=("0104", "0101"),
        related=("0103", "0101"),
        formula="[0103] / [0101 URBAN=U] * 100",
        national_code="T0102",
        is_code_provisional=True,
    ),
    Indicator(
        "0103",
        Text("Lao động nữ"),
        Text("Số lao động nữ"),
        unit="K_PERSON",
        frequencies=(Frequency.MONTHLY, Frequency.WEEKLY, Frequency.DAILY),
        agency="BTC",
        aggregation=AggregationRule.AVERAGE,
        value_type=ValueType.LEVEL,
        min_value=Decimal("-1.50"),
    ),
    Indicator(
        "0104",
        Text("Chỉ số giá"),
        Text("Chỉ số giá tiêu dùng"),
        unit="PCT",
        frequencies=(Frequency.MONTHLY,),
        agency="BTC",
        aggregation=AggregationRule.NONE,
        value_type=ValueType.INDEX,
    ),
)

REGIMES = (
    Regime(
        code="BC-01",
        name=Text("Báo cáo kinh tế - xã hội", "Socio-economic report"),
        legal_basis="Nghị định 09/2019/NĐ-CP",
        kind=RegimeKind.PERIODIC,
        frequency=Frequency.QUARTERLY,
        content=Text("Tình hình kinh tế - xã hội", "Socio-economic situation"),
        reporting_agencies=("UBND-HN", "BTC"),
        recipient="VPCP",
        methods=(SubmissionMethod.REPORTING_SYSTEM, SubmissionMethod.EMAIL),
        deadline=DeadlineRule(
            DeadlineKind.DAY_OF_MONTH, day=20, month_offset=1, roll_to_working_day=False
        ),
        cutoff=CutoffRule(CutoffKind.CALENDAR, day=1),
        outline=(
            OutlineSection("II", Text("Kết quả"), guidance=Text("Nêu kết quả", "Results")),
            OutlineSection("I", Text("Tình hình", "Situation")),
        ),
        tables=(
            DataTable(
                "B2",
                Text("Lao động", "Labour"),
                (
                    TableItem("0103", area_level=AreaLevel.COMMUNE),
                    TableItem("0101", dimensions=("SEX", "URBAN")),
                ),
            ),
            DataTable("B1", Text("Dân số"), (TableItem("0102", dimensions=("SEX",)),)),
        ),
        guidance=Text("Hướng dẫn", "Guidance"),
        requires_signature=True,
        valid_from=date(2020, 1, 1),
        valid_to=date(2030, 12, 31),
    ),
    Regime(
        code="BC-02",
        name=Text("Báo cáo đột xuất"),
        legal_basis="Quyết định 1/2025",
        kind=RegimeKind.AD_HOC,
        frequency=Frequency.ANNUAL,
        content=Text("Nội dung"),
        reporting_agencies=("BTC",),
        recipient="CP",
        methods=(SubmissionMethod.POST,),
        deadline=DeadlineRule(DeadlineKind.WORKING_DAYS_AFTER_CUTOFF, days=5),
        outline=(OutlineSection("A", Text("Nội dung")),),
    ),
)


def sample_catalog() -> Catalog:
    """Every entity kind and every optional field, with tuples out of code order on purpose."""
    return Catalog.of(
        agencies=AGENCIES,
        areas=AREAS,
        units=UNITS,
        codelists=CODELISTS,
        groups=GROUPS,
        indicators=INDICATORS,
        regimes=REGIMES,
    )
