"""Formulas applied to values: the arithmetic, the functions and what gives no value."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from catalog.formula import parse_formula
from hub.observations.aggregation import GroupKey
from hub.observations.evaluation import (
    Hierarchy,
    Value,
    Values,
    evaluate,
    final,
    plans,
    previous_period,
    year_earlier,
)
from hub.observations.models import StatusFlag


def values(*items: tuple[str, str, str]) -> Values:
    return {
        GroupKey(area=area, period=period, dimensions=()): Value(Decimal(v), frozenset((area,)))
        for area, period, v in items
    }


def run(
    formula: str, *inputs: Values, hierarchy: Hierarchy | None = None
) -> dict[tuple[str, str], str]:
    found = final(evaluate(parse_formula(formula), iter(inputs), hierarchy))
    return {(k.area or "", k.period or ""): str(v.value) for k, v in found.items()}


def test_a_ratio_joins_its_inputs_on_area_and_period_and_rounds_half_away_from_zero() -> None:
    gdp = values(("01", "2024", "10"), ("79", "2024", "2"), ("22", "2024", "5"))
    people = values(("01", "2024", "3"), ("79", "2024", "16"), ("46", "2024", "7"))

    found = run("[0501] / [0102] * 1000", gdp, people)

    expected = (Decimal(10) / Decimal(3) * 1000).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    assert found == {("01", "2024"): str(expected), ("79", "2024"): "125"}


def test_a_missing_input_or_a_division_by_zero_gives_no_value_never_zero() -> None:
    a = values(("01", "2024", "1"), ("79", "2024", "4"))
    b = values(("01", "2024", "0"), ("22", "2024", "2"))

    assert run("[A] / [B]", a, b) == {}
    assert run("[A] - [B]", a, b) == {("01", "2024"): "1"}


def test_growth_compares_with_the_same_period_a_year_earlier_and_growth_prev_with_the_last() -> (
    None
):
    exports = values(
        ("01", "2024-M07", "200"),
        ("01", "2025-M06", "240"),
        ("01", "2025-M07", "250"),
        ("01", "2025-M08", "100"),
    )

    assert run("growth([X])", exports) == {("01", "2025-M07"): "25"}
    assert run("growth_prev([X])", exports) == {
        ("01", "2025-M07"): "4.166667",
        ("01", "2025-M08"): "-60",
    }


def test_growth_on_a_zero_base_has_no_value() -> None:
    assert run("growth([X])", values(("01", "2024", "0"), ("01", "2025", "5"))) == {}


def test_share_divides_by_the_parent_s_value_or_else_the_sum_of_its_children() -> None:
    hierarchy = Hierarchy({"01": "VN", "79": "VN", "P1": "01"}, {"VN": ("01", "79"), "01": ("P1",)})
    exports = values(
        ("01", "2025-M07", "30"),
        ("79", "2025-M07", "90"),
        ("01", "2025-Q3", "100"),
        ("79", "2025-Q3", "200"),
        ("VN", "2025-Q3", "400"),
    )

    found = run("share([X])", exports, hierarchy=hierarchy)

    assert found == {
        ("01", "2025-M07"): "25",  # 30 of the 120 the children reported: no national month
        ("79", "2025-M07"): "75",
        ("01", "2025-Q3"): "25",  # 100 of the 400 the nation reported itself
        ("79", "2025-Q3"): "50",
    }


def test_a_value_is_as_final_as_its_least_final_input_and_names_every_source() -> None:
    a = {GroupKey("79", None, "2024", ()): Value(Decimal(6), frozenset(("P63-79", "P63-74")))}
    b = {
        GroupKey("79", None, "2024", ()): Value(
            Decimal(3), frozenset(("P63-77",)), status=StatusFlag.ESTIMATED
        )
    }

    (found,) = final(evaluate(parse_formula("[A] / [B]"), iter((a, b)))).values()

    assert found.value == 2 and found.derived
    assert found.status is StatusFlag.ESTIMATED
    assert found.sources == {"P63-79", "P63-74", "P63-77"}


def test_references_under_growth_read_a_year_further_back_and_under_share_more_areas() -> None:
    steps = list(plans(parse_formula("growth(share([A])) + [B]")))

    assert [(p.reference.code, p.years_back, p.widened) for p in steps] == [
        ("A", 1, True),
        ("B", 0, False),
    ]


def test_periods_a_year_earlier() -> None:
    assert year_earlier("2025-M07") == "2024-M07"
    assert year_earlier("2025-Q3") == "2024-Q3"
    assert year_earlier("2025") == "2024"
    assert year_earlier("2024-02-29") is None
    assert previous_period("2025-M01") == "2024-M12"
