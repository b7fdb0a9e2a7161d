"""Exact decimals as text: what every response, file and SQLite column writes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hub.decimals import decimal_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1E+3", "1000"),
        ("1.0E+2", "100"),
        ("1E-7", "0.0000001"),
        ("0.000001", "0.000001"),
        ("1.50", "1.50"),
        ("-12.3400", "-12.3400"),
        ("0", "0"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
    ],
)
def test_decimal_text_is_positional(value: str, text: str) -> None:
    assert decimal_text(Decimal(value)) == text


@given(st.decimals(allow_nan=False, allow_infinity=False))
@example(Decimal("9.99E+99"))
@example(Decimal("-1E-100"))
def test_decimal_text_is_format_f(value: Decimal) -> None:
    text = decimal_text(value)
    assert text == format(value, "f")
    assert "E" not in text and Decimal(text) == value
