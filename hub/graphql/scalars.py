"""Scalars: exact decimals travel as strings so no digit is lost to a float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import strawberry
from strawberry.types.scalar import ScalarDefinition


def _parse_decimal(value: object) -> Decimal:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError('a decimal is given as a string such as "1234.50"')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _serialize_decimal(value: Decimal) -> str:
    return format(value, "f")


DECIMAL = strawberry.scalar(
    name="Decimal",
    description='An exact decimal number, written as a string ("12345.678").',
    serialize=_serialize_decimal,
    parse_value=_parse_decimal,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {Decimal: DECIMAL}
