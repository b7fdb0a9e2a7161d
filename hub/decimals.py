"""Exact decimals read from text: one set of rules for report values and Decimal arguments.

A decimal is what `_NUMBER` spells (no NaN, no infinities, no thousands separators), with at
most 100 significant digits and a magnitude within 1E±100: beyond that no statistic lives,
and PostgreSQL's NUMERIC and SQLite's text would no longer agree. Negative zero is zero: a
NUMERIC has no sign on zero, so `-0.0` is kept as `0.0` on both databases (the scale as sent).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_DIGITS = 100  # significant digits
MAX_MAGNITUDE = 100  # |decimal exponent| of the leading digit
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def decimal_text(value: Decimal) -> str:
    """`value` as exact positional text, never with an exponent (`1E+3` is `1000`): what
    every response, file and SQLite column writes. `str` writes an exponent only for large
    and small magnitudes and is otherwise the same text as `format(value, "f")`, at a third
    of its cost (a page of 1,000 values writes 1,000)."""
    text = str(value)
    return format(value, "f") if "E" in text else text


def parse_decimal(text: str) -> Decimal:
    """The exact decimal `text` spells, or `ValueError` saying why it is not one."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("the value is empty")
    if not _NUMBER.fullmatch(stripped):
        if "," in stripped:
            raise ValueError("use '.' as the decimal separator and no thousands separator")
        raise ValueError("not a finite decimal number")
    try:
        number = Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern lets only decimals through
        raise ValueError("not a decimal number") from None
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise ValueError(f"more than {MAX_DIGITS} significant digits")
    if number.is_zero():
        # 0E+400 or 0E-9999 is a zero with a scale no column keeps alike on both databases.
        exponent = int(number.as_tuple().exponent)
        if not -(MAX_DIGITS + MAX_MAGNITUDE) <= exponent <= MAX_MAGNITUDE:
            raise ValueError(f"its exponent is beyond 1E±{MAX_MAGNITUDE}")
        return number.copy_abs()
    if abs(number.adjusted()) > MAX_MAGNITUDE:
        raise ValueError(f"its magnitude is beyond 1E±{MAX_MAGNITUDE}")
    return number
