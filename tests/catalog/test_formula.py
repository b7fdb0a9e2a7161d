"""Formulas of derived indicators: the parser, and the catalog checks that use it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.formula import (
    Binary,
    Call,
    FormulaError,
    Negate,
    Node,
    Number,
    Reference,
    parse_formula,
    references,
    show,
)
from catalog.mapping import load_source_catalog
from catalog.validation import validate_catalog

codes = st.from_regex(r"[A-Z][A-Z0-9_]{0,5}|[0-9]{4}", fullmatch=True)
leaves = st.one_of(
    codes.map(Reference),
    st.decimals(min_value=0, max_value=10**6, places=2).map(lambda d: Number(d.normalize())),
)
trees: st.SearchStrategy[Node] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(Binary, st.sampled_from("+-*/"), inner, inner),
        st.builds(Negate, inner),
        st.builds(lambda a: Call("growth", (a,)), inner),
    ),
    max_leaves=12,
)


@given(trees)
def test_the_canonical_text_parses_back_to_the_same_text(tree: Node) -> None:
    assert show(parse_formula(show(tree))) == show(tree)


@given(st.text(max_size=40))
def test_any_text_parses_or_fails_with_a_position(text: str) -> None:
    try:
        parse_formula(text)
    except FormulaError as error:
        assert 0 <= error.position <= len(text)


def test_precedence_and_references() -> None:
    tree = parse_formula("[0501 PRICE_BASIS=CUR] / [0102] * 1000 - HUB-X")
    assert show(tree) == "[0501 PRICE_BASIS=CUR] / [0102] * 1000 - [HUB-X]"
    assert references(tree) == ("0501", "0102", "HUB-X")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("growth(0501)", "write an indicator code that starts with a digit in brackets"),
        ("eval(A)", "unknown function 'eval'"),
        ("A +", "expected a number"),
        ("(A", "expected '\\)'"),
        ("", "empty"),
        ("A ; B", "unexpected character ';'"),
        ("growth(A, B)", "takes 1 argument"),
    ],
)
def test_bad_formulas_say_what_and_where(text: str, reason: str) -> None:
    with pytest.raises(FormulaError, match=reason):
        parse_formula(text)


def _with_formula(code: str, formula: str, **changes: object) -> list[tuple[str, str]]:
    seed = load_source_catalog()
    indicator = replace(seed.indicators[code], formula=formula, **changes)  # type: ignore[arg-type]
    catalog = replace(seed, indicators={**seed.indicators, code: indicator})
    return [(i.focus, i.message) for i in validate_catalog(catalog) if i.path == "formula"]


def test_the_seed_formulas_are_sound() -> None:
    seed = load_source_catalog()
    derived = [i for i in seed.indicators.values() if i.formula]
    assert len(derived) >= 3
    assert [i for i in validate_catalog(seed) if i.path == "formula"] == []


def test_an_unknown_reference_is_named() -> None:
    assert _with_formula("0504", "[0501 PRICE_BASIS=CUR] / [NOPE] * 1000") == [
        ("indicator 0504", "indicator NOPE is not in the catalog")
    ]


def test_a_cycle_is_named_with_its_path() -> None:
    seed = load_source_catalog()
    a = replace(seed.indicators["HUB-EXPORTS_SHARE"], formula="share([HUB-EXPORTS_GROWTH])")
    b = replace(seed.indicators["HUB-EXPORTS_GROWTH"], formula="growth([HUB-EXPORTS_SHARE])")
    catalog = replace(seed, indicators={**seed.indicators, a.code: a, b.code: b})
    messages = [i.message for i in validate_catalog(catalog) if i.path == "formula"]
    assert messages == [
        "the formula links form a cycle: "
        "HUB-EXPORTS_GROWTH -> HUB-EXPORTS_SHARE -> HUB-EXPORTS_GROWTH"
    ]


def test_units_must_match_after_multipliers() -> None:
    # billion VND / persons is 1e9 VND per person; the unit is million VND.
    ((focus, message),) = _with_formula("0504", "[0501 PRICE_BASIS=CUR] / [0102]")
    assert focus == "indicator 0504"
    assert "VND x 1000000000" in message and "multiply the formula by 1000" in message
    # billion VND / thousand persons is exactly million VND per person.
    assert _with_formula("0504", "[0501 PRICE_BASIS=CUR] / [0201]") == []
    ((_, added),) = _with_formula("0504", "[0501 PRICE_BASIS=CUR] + [0102]")
    assert "adds values in different units" in added


def test_an_input_without_a_total_code_must_be_read_at_a_code() -> None:
    ((_, message),) = _with_formula("0504", "[0501] / [0102] * 1000")
    assert message.startswith("PRICE_BASIS of 0501 has no total code")
    assert Decimal(1)  # the seed's own formula says [0501 PRICE_BASIS=CUR]
