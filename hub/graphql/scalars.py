"""Scalars: exact decimals travel as strings so no digit is lost to a float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry


def _parse_decimal(value: object) -> Decimal:
    if not isinstance(value, str | int):
        raise ValueError('a decimal is given as a string such as "1234.50"')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


DecimalScalar = strawberry.scalar(
    Decimal,
    name="Decimal",
    description='An exact decimal number, written as a string ("12345.678").',
    serialize=lambda value: format(value, "f"),
    parse_value=_parse_decimal,
)

# Any: strawberry's override map is keyed by Python type.
SCALAR_OVERRIDES: dict[object, Any] = {Decimal: DecimalScalar}
