from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.model import Catalog, Text, Unit
from catalog.units import (
    IncompatibleUnitsError,
    conversion_factor,
    convert,
    convert_codes,
    is_compatible,
)

VND = Unit("VND", Text("đồng", "dong"), "đ", "currency")
MILLION_VND = Unit(
    "MN_VND", Text("triệu đồng"), "tr.đ", "currency", base="VND", multiplier=Decimal(10**6)
)
BILLION_VND = Unit(
    "BN_VND", Text("tỷ đồng"), "tỷ đ", "currency", base="VND", multiplier=Decimal("1E+9")
)
PERSON = Unit("PERSON", Text("người", "persons"), "người", "count")
THOUSAND_PERSONS = Unit(
    "TH_PERSON",
    Text("nghìn người"),
    "nghìn người",
    "count",
    base="PERSON",
    multiplier=Decimal(1000),
)
THIRD = Unit("THIRD", Text("một phần ba"), "⅓", "count", base="PERSON", multiplier=Decimal(1) / 3)
CATALOG = Catalog.of(units=[VND, MILLION_VND, BILLION_VND, PERSON, THOUSAND_PERSONS])


def test_billion_to_million_vnd_multiplies_by_exactly_1000() -> None:
    assert conversion_factor(BILLION_VND, MILLION_VND) == 1000
    assert convert(Decimal("12.345"), BILLION_VND, MILLION_VND) == Decimal("12345")


def test_persons_and_thousand_persons_convert_both_ways() -> None:
    assert convert(Decimal("98506.2"), THOUSAND_PERSONS, PERSON) == Decimal("98506200")
    assert convert(Decimal(1234), PERSON, THOUSAND_PERSONS) == Decimal("1.234")


def test_converting_to_the_same_unit_keeps_the_value() -> None:
    assert conversion_factor(VND, VND) == 1
    assert convert(Decimal("7.25"), MILLION_VND, MILLION_VND) == Decimal("7.25")


def test_results_have_a_canonical_form() -> None:
    # Multipliers written as 1E+9 or 1000000 give plain numbers without trailing zeros.
    assert str(convert(Decimal("1.5"), BILLION_VND, MILLION_VND)) == "1500"
    assert str(conversion_factor(MILLION_VND, BILLION_VND)) == "0.001"
    assert str(convert(Decimal("-0.00"), THOUSAND_PERSONS, PERSON)) == "0"


def test_precision_is_kept_beyond_float_and_default_decimal_precision() -> None:
    value = Decimal("123456789012345678901234567890.123456789")
    assert convert(value, BILLION_VND, VND) == Decimal("123456789012345678901234567890123456789")
    assert convert(convert(value, BILLION_VND, VND), VND, BILLION_VND) == value


def test_a_non_terminating_factor_keeps_at_least_50_digits() -> None:
    factor = conversion_factor(PERSON, THIRD)
    assert abs(factor * conversion_factor(THIRD, PERSON) - 1) < Decimal("1E-45")


def test_different_bases_are_incompatible_with_a_clear_message() -> None:
    assert not is_compatible(VND, PERSON)
    with pytest.raises(IncompatibleUnitsError) as raised:
        convert(Decimal(1), BILLION_VND, THOUSAND_PERSONS)
    assert raised.value.from_code == "BN_VND"
    assert raised.value.to_code == "TH_PERSON"
    assert str(raised.value) == (
        "cannot convert unit 'BN_VND' to 'TH_PERSON': they have different bases, "
        "'VND' (currency) and 'PERSON' (count)"
    )
    with pytest.raises(IncompatibleUnitsError):
        conversion_factor(PERSON, VND)


def test_convert_codes_looks_units_up_in_the_catalog() -> None:
    assert convert_codes(CATALOG, Decimal(2), "BN_VND", "MN_VND") == 2000


def test_convert_codes_refuses_an_unknown_unit() -> None:
    with pytest.raises(IncompatibleUnitsError, match="'USD' is not a unit of the catalog"):
        convert_codes(CATALOG, Decimal(1), "USD", "VND")


def test_convert_codes_refuses_a_chain_of_bases() -> None:
    # Multipliers are relative to a base unit; a unit based on a non-base unit is a curation bug.
    chained = Unit("K_BN_VND", Text("nghìn tỷ đồng"), "nghìn tỷ", "currency", base="BN_VND")
    catalog = CATALOG.merge(Catalog.of(units=[chained]))
    with pytest.raises(IncompatibleUnitsError, match="'BN_VND' of 'K_BN_VND' is not a base unit"):
        convert_codes(catalog, Decimal(1), "K_BN_VND", "VND")


# Multipliers with only the prime factors 2 and 5 (what decimal units use: 1000, 0.01, 1E+9,
# 0.5 ...) so that every quotient terminates and conversions are exact both ways.
MULTIPLIERS = st.builds(
    lambda twos, fives: Decimal(2) ** twos * Decimal(5) ** fives,
    st.integers(-12, 12),
    st.integers(-12, 12),
)
VALUES = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 40 if d else True
)


def _unit(code: str, multiplier: Decimal) -> Unit:
    return Unit(code, Text(code), code, "count", base="PERSON", multiplier=multiplier)


@given(VALUES, MULTIPLIERS, MULTIPLIERS)
def test_converting_there_and_back_is_the_identity(
    value: Decimal, first: Decimal, second: Decimal
) -> None:
    a, b = _unit("A", first), _unit("B", second)
    assert convert(convert(value, a, b), b, a) == value


@given(MULTIPLIERS, MULTIPLIERS)
def test_factors_both_ways_multiply_to_one(first: Decimal, second: Decimal) -> None:
    a, b = _unit("A", first), _unit("B", second)
    assert conversion_factor(a, b) * conversion_factor(b, a) == 1


@given(VALUES, MULTIPLIERS, MULTIPLIERS, MULTIPLIERS)
def test_converting_through_a_third_unit_is_converting_directly(
    value: Decimal, first: Decimal, second: Decimal, third: Decimal
) -> None:
    a, b, c = _unit("A", first), _unit("B", second), _unit("C", third)
    assert convert(convert(value, a, b), b, c) == convert(value, a, c)
