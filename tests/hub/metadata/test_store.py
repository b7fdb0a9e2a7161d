"""The catalog goes into the database and comes back equal; imports are idempotent."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from catalog.mapping import load_source_catalog
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
from hub.errors import InvalidInputError
from hub.metadata import models as m
from hub.metadata.store import import_catalog, load_catalog
from hub.reporting import models as r
from tests.catalog.samples import sample_catalog

# Parsing the Turtle sources takes a second or two: once per run, for both backends.
seed_catalog = functools.cache(load_source_catalog)

THIRD = Decimal("0.333333333333333333333333333333")


def small_catalog(*, provinces: int = 2) -> Catalog:
    """A catalog using every kind of entity; `provinces` scales it without changing its shape."""
    areas = [
        Area("VN", Text("Việt Nam", "Viet Nam"), AreaLevel.NATION, "00"),
        Area(
            "P00",
            Text("Tỉnh cũ"),
            AreaLevel.PROVINCE,
            "99",
            parent="VN",
            valid_from=date(1997, 1, 1),
            valid_to=date(2025, 6, 30),
            successors=(AreaSuccession("P02", THIRD), AreaSuccession("P01", 1 - THIRD)),
        ),
        *(
            Area(f"P{n:02}", Text(f"Tỉnh {n}"), AreaLevel.PROVINCE, f"{n:02}", parent="VN")
            for n in range(1, provinces + 1)
        ),
    ]
    agencies = [
        Agency("CP", Text("Chính phủ", "Government"), AgencyKind.GOVERNMENT),
        Agency(
            "BKHDT",
            Text("Bộ Kế hoạch và Đầu tư"),
            AgencyKind.MINISTRY,
            parent="CP",
            valid_to=date(2025, 2, 28),
            successors=("CP", "BTC"),
        ),
        Agency("BTC", Text("Bộ Tài chính"), AgencyKind.MINISTRY, abbreviation="BTC", parent="CP"),
        *(
            Agency(
                f"UB{n:02}", Text(f"UBND tỉnh {n}"), AgencyKind.PROVINCE, jurisdiction=f"P{n:02}"
            )
            for n in range(1, provinces + 1)
        ),
    ]
    units = [
        Unit("VND", Text("đồng"), "đ", "currency", qudt_exact="http://qudt.org/vocab/unit/VND"),
        Unit("BN_VND", Text("tỷ đồng", "billion dong"), "tỷ đ", "currency", "VND", Decimal("1E+9")),
        Unit("PERCENT", Text("phần trăm"), "%", "ratio"),
        Unit("PS", Text("người"), "người", "count", qudt_close="http://qudt.org/vocab/unit/NUM"),
    ]
    codelists = [
        Codelist(
            "SEX",
            Text("Giới tính", "Sex"),
            (Code("T", Text("Tổng")), Code("F", Text("Nữ")), Code("M", Text("Nam"), order=1)),
            description=Text("Phân tổ theo giới tính"),
            total_code="T",
        ),
        Codelist(
            "VSIC",
            Text("Ngành kinh tế"),
            (
                Code("A", Text("Nông nghiệp")),
                Code("A01", Text("Trồng trọt"), parent="A"),
                Code("B", Text("Khai khoáng"), order=2),
            ),
        ),
    ]
    groups = [
        IndicatorGroup("01", Text("Dân số")),
        IndicatorGroup("0101", Text("Quy mô dân số"), parent="01"),
    ]
    indicators = [
        Indicator(
            "0101",
            Text("Dân số", "Population"),
            Text("Số người thường trú", "Usual residents"),
            "PS",
            (Frequency.ANNUAL, Frequency.QUARTERLY),
            "BTC",
            group="0101",
            dimensions=("SEX",),
            min_value=Decimal(0),
            related=("0201",),
        ),
        Indicator(
            "0201",
            Text("Tỷ lệ nghèo"),
            Text("Tỷ lệ hộ nghèo"),
            "PERCENT",
            (Frequency.ANNUAL,),
            "BTC",
            method=Text("Chia số hộ nghèo cho tổng số hộ"),
            source=Text("Điều tra mức sống"),
            legal_basis="Nghị định 62/2024/NĐ-CP",
            dimensions=("VSIC", "SEX"),
            aggregation=AggregationRule.WEIGHTED,
            weight_indicator="0101",
            value_type=ValueType.PERCENT,
            min_value=Decimal("0.000"),
            max_value=Decimal("100.000000000000000000000001"),
            broader=("0101",),
            formula="[0202] / [0101]",
            national_code="X0201",
            is_code_provisional=True,
        ),
    ]
    regimes = [
        Regime(
            "BC01",
            Text("Báo cáo kinh tế - xã hội"),
            "Nghị định 09/2019/NĐ-CP",
            RegimeKind.PERIODIC,
            Frequency.QUARTERLY,
            Text("Tình hình kinh tế"),
            tuple(f"UB{n:02}" for n in range(provinces, 0, -1)),
            "CP",
            (SubmissionMethod.REPORTING_SYSTEM, SubmissionMethod.EMAIL),
            DeadlineRule(DeadlineKind.DAY_OF_MONTH, day=20, month_offset=1),
            cutoff=CutoffRule(CutoffKind.CALENDAR, day=1),
            outline=(
                OutlineSection("II", Text("Kết quả"), Text("Nêu kết quả")),
                OutlineSection("I", Text("Tình hình")),
            ),
            tables=(
                DataTable(
                    "B01",
                    Text("Biểu 01"),
                    (
                        TableItem("0201", ("SEX", "VSIC"), AreaLevel.PROVINCE),
                        TableItem("0101", (), AreaLevel.NATION),
                    ),
                ),
                DataTable("B02", Text("Biểu 02"), (TableItem("0101", ("SEX",)),)),
            ),
            guidance=Text("Hướng dẫn", "Guidance"),
            requires_signature=True,
            valid_from=date(2020, 1, 1),
        )
    ]
    return Catalog.of(
        agencies=agencies,
        areas=areas,
        units=units,
        codelists=codelists,
        groups=groups,
        indicators=indicators,
        regimes=regimes,
    )


def replace(catalog: Catalog, **entities: Any) -> Catalog:
    """`catalog` with some entities swapped for changed ones of the same code."""
    kinds = {f.name: dict(getattr(catalog, f.name)) for f in dataclasses.fields(catalog)}
    for kind, changed in entities.items():
        for entity in changed:
            kinds[kind][entity.code] = entity
    return Catalog(**kinds)


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_import_then_load_gives_the_same_catalog(session: AsyncSession) -> None:
    catalog = small_catalog()

    summary = await import_catalog(catalog, session=session)
    loaded = await load_catalog(session=session)

    assert loaded == catalog
    assert summary.indicators.created == ("0101", "0201")
    assert summary.areas.created == ("P00", "P01", "P02", "VN")
    assert summary.changed


async def test_the_sample_catalog_round_trips(session: AsyncSession) -> None:
    catalog = sample_catalog()

    await import_catalog(catalog, session=session)

    assert await load_catalog(session=session) == catalog


async def test_the_seed_catalog_round_trips(session: AsyncSession) -> None:
    # `catalog_to_graph` is a function of the catalog, so an equal catalog exports the same
    # graph as the sources (rdflib's isomorphism check would take seconds here).
    seed = seed_catalog()

    await import_catalog(seed, session=session)

    assert await load_catalog(session=session) == seed


async def test_one_import_can_create_and_update(session: AsyncSession) -> None:
    catalog = small_catalog()
    await import_catalog(catalog, session=session)
    renamed = dataclasses.replace(catalog.areas["P01"], name=Text("Tỉnh Một"), parent=None)
    new = Area("P09", Text("Tỉnh 9"), AreaLevel.PROVINCE, "09", parent="P01")
    agency = Agency(
        "UB09", Text("UBND tỉnh 9"), AgencyKind.PROVINCE, parent="CP", jurisdiction="P09"
    )

    summary = await import_catalog(
        replace(catalog, areas=[renamed, new], agencies=[agency]), session=session
    )

    assert (summary.areas.created, summary.areas.updated) == (("P09",), ("P01",))
    assert summary.agencies.created == ("UB09",)
    expected = replace(catalog, areas=[renamed, new], agencies=[agency])
    assert await load_catalog(session=session) == expected


async def test_a_second_import_changes_nothing(session: AsyncSession) -> None:
    catalog = small_catalog()
    await import_catalog(catalog, session=session)
    versions = await session.scalar(sa.select(sa.func.count()).select_from(m.IndicatorVersion))

    summary = await import_catalog(catalog, session=session)

    assert not summary.changed
    assert summary.indicators.unchanged == 2
    assert summary.regimes.unchanged == 1
    assert str(summary).startswith("agencies: 0 created, 0 updated, 5 unchanged;")
    assert await session.scalar(sa.select(sa.func.count()).select_from(m.IndicatorVersion)) == (
        versions
    )
    assert await load_catalog(session=session) == catalog


async def test_a_changed_indicator_gets_a_new_version(session: AsyncSession) -> None:
    catalog = small_catalog()
    await import_catalog(catalog, session=session)
    before = catalog.indicators["0201"]
    after = dataclasses.replace(before, name=Text("Tỷ lệ hộ nghèo đa chiều"), dimensions=("SEX",))

    summary = await import_catalog(replace(catalog, indicators=[after]), session=session)

    assert summary.indicators.updated == ("0201",)
    assert summary.indicators.unchanged == 1
    assert (await load_catalog(session=session)).indicators["0201"] == after
    versions = (
        await session.execute(
            sa.select(
                m.IndicatorVersion.version, m.IndicatorVersion.status, m.IndicatorVersion.name_vi
            )
            .join(m.Indicator, m.Indicator.id == m.IndicatorVersion.indicator_id)
            .where(m.Indicator.code == "0201")
            .order_by(m.IndicatorVersion.version)
        )
    ).all()
    assert [tuple(v) for v in versions] == [
        (1, m.VersionStatus.RETIRED, "Tỷ lệ nghèo"),
        (2, m.VersionStatus.PUBLISHED, "Tỷ lệ hộ nghèo đa chiều"),
    ]


async def test_version_1_keeps_its_own_dimensions(session: AsyncSession) -> None:
    catalog = small_catalog()
    await import_catalog(catalog, session=session)
    after = dataclasses.replace(catalog.indicators["0201"], dimensions=("SEX",))

    await import_catalog(replace(catalog, indicators=[after]), session=session)

    rows = (
        await session.execute(
            sa.select(m.IndicatorVersion.version, m.Codelist.code)
            .select_from(m.IndicatorVersion)
            .join(m.IndicatorDimension)
            .join(m.Codelist)
            .join(m.Indicator, m.Indicator.id == m.IndicatorVersion.indicator_id)
            .where(m.Indicator.code == "0201")
            .order_by(m.IndicatorVersion.version, m.IndicatorDimension.position)
        )
    ).all()
    assert [tuple(row) for row in rows] == [(1, "VSIC"), (1, "SEX"), (2, "SEX")]


async def test_decimals_keep_every_digit(session: AsyncSession) -> None:
    catalog = small_catalog()

    await import_catalog(catalog, session=session)
    loaded = await load_catalog(session=session)

    weights = [s.weight for s in loaded.areas["P00"].successors]
    assert [format(w, "f") for w in weights] == [format(THIRD, "f"), format(1 - THIRD, "f")]
    assert sum(weights) == 1
    assert format(loaded.units["BN_VND"].multiplier, "f") == "1000000000"
    assert str(loaded.indicators["0201"].max_value) == "100.000000000000000000000001"
    assert str(loaded.indicators["0201"].min_value) == "0.000"


async def test_absent_entities_are_reported_and_kept(session: AsyncSession) -> None:
    catalog = small_catalog()
    await import_catalog(catalog, session=session)
    smaller = Catalog.of(units=[catalog.units["VND"]])

    summary = await import_catalog(smaller, session=session)

    assert summary.units.missing == ("BN_VND", "PERCENT", "PS")
    assert summary.indicators.missing == ("0101", "0201")
    assert not summary.changed
    assert await load_catalog(session=session) == catalog


async def test_dropped_codes_are_withdrawn_and_can_come_back(session: AsyncSession) -> None:
    catalog = small_catalog()
    await import_catalog(catalog, session=session)
    sex = catalog.codelists["SEX"]
    without_total = dataclasses.replace(sex, codes=sex.codes[1:], total_code=None)

    summary = await import_catalog(replace(catalog, codelists=[without_total]), session=session)
    withdrawn = (await load_catalog(session=session)).codelists["SEX"]
    ids_after_withdrawal = dict(
        (await session.execute(sa.select(m.Code.code, m.Code.id).where(m.Code.code == "T"))).all()
    )
    await import_catalog(catalog, session=session)

    assert summary.codelists.updated == ("SEX",)
    assert withdrawn == without_total
    assert (await load_catalog(session=session)).codelists["SEX"] == sex
    ids_now = dict(
        (await session.execute(sa.select(m.Code.code, m.Code.id).where(m.Code.code == "T"))).all()
    )
    assert ids_now == ids_after_withdrawal  # the same row, so reported values still point at it


async def test_regime_changes_keep_form_parts_that_stay(session: AsyncSession) -> None:
    catalog = small_catalog()
    await import_catalog(catalog, session=session)
    regime = catalog.regimes["BC01"]
    table = regime.tables[0]
    changed = dataclasses.replace(
        regime,
        outline=regime.outline[:1],
        tables=(dataclasses.replace(table, items=table.items[::-1]),),
        methods=(SubmissionMethod.POST,),
    )
    section_ids = dict(
        (await session.execute(sa.select(r.OutlineSection.code, r.OutlineSection.id))).all()
    )

    summary = await import_catalog(replace(catalog, regimes=[changed]), session=session)

    assert summary.regimes.updated == ("BC01",)
    assert (await load_catalog(session=session)).regimes["BC01"] == changed
    rows = (
        await session.execute(
            sa.select(r.OutlineSection.code, r.OutlineSection.id, r.OutlineSection.withdrawn_at)
        )
    ).all()
    assert {code: id_ for code, id_, _ in rows} == section_ids
    assert {code: when is not None for code, _, when in rows} == {"II": False, "I": True}


async def test_unknown_references_are_refused_before_writing(session: AsyncSession) -> None:
    catalog = small_catalog()
    broken = dataclasses.replace(catalog.indicators["0101"], unit="NOPE", related=("GONE",))

    with pytest.raises(InvalidInputError) as raised:
        await import_catalog(replace(catalog, indicators=[broken]), session=session)

    assert "indicator 0101: no unit 'NOPE'" in raised.value.message
    assert "indicator 0101: no indicator 'GONE'" in raised.value.message
    assert await session.scalar(sa.select(sa.func.count()).select_from(m.Agency)) == 0


async def test_repeated_list_entries_are_refused(session: AsyncSession) -> None:
    catalog = small_catalog()
    regime = dataclasses.replace(catalog.regimes["BC01"], reporting_agencies=("UB01", "UB01"))

    with pytest.raises(InvalidInputError, match="reporting agencies lists an entry twice"):
        await import_catalog(replace(catalog, regimes=[regime]), session=session)


async def test_search_text_is_folded(session: AsyncSession) -> None:
    await import_catalog(small_catalog(), session=session)

    found = await session.scalars(
        sa.select(m.Indicator.code)
        .join(m.IndicatorVersion, m.IndicatorVersion.indicator_id == m.Indicator.id)
        .where(m.IndicatorVersion.search_text.contains("ty le ho ngheo"))
    )

    assert list(found) == ["0201"]


async def test_statements_do_not_grow_with_the_catalog(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    async def statements_for(catalog: Catalog) -> tuple[int, int]:
        with count_statements(engine) as imported:
            await import_catalog(catalog, session=session)
        with count_statements(engine) as loaded:
            assert await load_catalog(session=session) == catalog
        return len(imported), len(loaded)

    small = await statements_for(small_catalog(provinces=2))
    await session.rollback()  # back to the empty database, inside the test's transaction
    large = await statements_for(small_catalog(provinces=40))

    assert small == large
