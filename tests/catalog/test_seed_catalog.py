"""The curated seed catalog in catalog/sources/ loads and meets the bar the hub relies on."""

import re
from datetime import date, timedelta

import pytest

from catalog.mapping import load_source_catalog
from catalog.model import AreaLevel, Catalog, SubmissionMethod

LAST_DAY_OF_63 = date(2025, 6, 30)
FIRST_DAY_OF_34 = LAST_DAY_OF_63 + timedelta(days=1)
NSIS_CODE = re.compile(r"^[0-9]{4}$")
ELECTRONIC = {SubmissionMethod.REPORTING_SYSTEM, SubmissionMethod.EMAIL}


@pytest.fixture(scope="module")
def seed() -> Catalog:
    return load_source_catalog()


def provinces_on(catalog: Catalog, day: date) -> list[str]:
    return [
        area.code
        for area in catalog.areas.values()
        if area.level is AreaLevel.PROVINCE and area.is_valid_on(day)
    ]


def test_every_family_is_seeded(seed: Catalog) -> None:
    for family in ("agencies", "areas", "units", "codelists", "groups", "indicators", "regimes"):
        assert getattr(seed, family), f"no {family} in catalog/sources"


def test_at_least_40_indicators_each_fully_described(seed: Catalog) -> None:
    assert len(seed.indicators) >= 40
    for indicator in seed.indicators.values():
        where = f"indicator {indicator.code}"
        assert indicator.name.vi.strip() and indicator.name.en, where
        assert indicator.definition.vi.strip() and indicator.definition.en, where
        assert indicator.unit in seed.units, where
        assert indicator.group in seed.groups, where
        assert all(code in seed.codelists for code in indicator.dimensions), where
        agency = seed.agencies[indicator.agency]
        assert agency.valid_to is None, f"{where}: responsible agency {agency.code} is retired"
        for other in (*indicator.broader, *indicator.related):
            assert other in seed.indicators, f"{where}: links to unknown {other}"
        if indicator.weight_indicator is not None:
            assert indicator.weight_indicator in seed.indicators, where


def test_provisional_codes_cannot_pass_for_official_ones(seed: Catalog) -> None:
    for indicator in seed.indicators.values():
        if indicator.is_code_provisional:
            assert indicator.code.startswith("HUB-"), indicator.code
            assert indicator.national_code is None, indicator.code
        else:
            assert NSIS_CODE.match(indicator.code), indicator.code
    assert any(not i.is_code_provisional for i in seed.indicators.values())


def test_units_share_a_base_that_exists(seed: Catalog) -> None:
    for unit in seed.units.values():
        if unit.base is not None:
            assert seed.units[unit.base].base is None, unit.code
    assert seed.units["VND_BN"].base == "VND"
    assert seed.units["PERSON_TH"].base == "PERSON"


def test_63_provinces_until_the_reorganisation_and_34_after(seed: Catalog) -> None:
    assert len(provinces_on(seed, LAST_DAY_OF_63)) == 63
    assert len(provinces_on(seed, FIRST_DAY_OF_34)) == 34
    for area in seed.areas.values():
        if area.level is AreaLevel.PROVINCE:
            assert area.parent == "VN", area.code


def test_every_retired_area_has_successors_valid_the_next_day(seed: Catalog) -> None:
    retired = [area for area in seed.areas.values() if area.valid_to is not None]
    assert retired
    for area in retired:
        assert area.successors, area.code
        for link in area.successors:
            successor = seed.areas[link.successor]
            assert successor.is_valid_on(area.valid_to + timedelta(days=1)), area.code


def test_areas_and_their_people_s_committees_match(seed: Catalog) -> None:
    committees = {a.jurisdiction: a for a in seed.agencies.values() if a.jurisdiction}
    for code in provinces_on(seed, LAST_DAY_OF_63) + provinces_on(seed, FIRST_DAY_OF_34):
        agency = committees[code]
        area = seed.areas[code]
        assert (agency.valid_from, agency.valid_to) == (area.valid_from, area.valid_to), code


def test_every_retired_agency_has_successors(seed: Catalog) -> None:
    for agency in seed.agencies.values():
        if agency.valid_to is not None:
            assert agency.successors, agency.code
            assert all(code in seed.agencies for code in agency.successors), agency.code


def test_every_regime_has_the_elements_decree_09_requires(seed: Catalog) -> None:
    assert len(seed.regimes) >= 3
    assert sum(bool(r.tables) for r in seed.regimes.values()) >= 3
    for regime in seed.regimes.values():
        where = f"regime {regime.code}"
        assert regime.name.vi and regime.name.en, where
        assert regime.content.vi and regime.content.en, where
        assert regime.legal_basis.strip(), where
        assert regime.recipient in seed.agencies, where
        assert regime.methods and regime.deadline and regime.cutoff and regime.frequency, where
        assert regime.outline, f"{where}: no report outline"
        assert all(section.guidance for section in regime.outline), where
        assert regime.guidance is not None, where
        if ELECTRONIC & set(regime.methods):
            assert regime.requires_signature, f"{where}: electronic reports are signed"
        for code in regime.reporting_agencies:
            # Obliged for some of the regime's periods: in office after the regime started.
            agency = seed.agencies[code]
            started = regime.valid_from
            assert agency.valid_to is None or started is None or agency.valid_to >= started, (
                f"{where}: {code} left office before the regime started"
            )


def test_regime_tables_ask_only_for_what_the_indicators_allow(seed: Catalog) -> None:
    for regime in seed.regimes.values():
        for table in regime.tables:
            for item in table.items:
                where = f"regime {regime.code} table {table.code}: {item.indicator}"
                indicator = seed.indicators[item.indicator]
                assert regime.frequency in indicator.frequencies, where
                assert set(item.dimensions) <= set(indicator.dimensions), where
