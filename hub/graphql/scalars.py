"""Scalars: exact decimals travel as strings so no digit is lost to a float."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types.scalar import ScalarDefinition

from hub.decimals import parse_decimal


def _parse_decimal(value: object) -> Decimal:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError('a decimal is given as a string such as "1234.50"')
    try:
        return parse_decimal(str(value))
    except ValueError as error:
        raise ValueError(f"{value!r} is not a decimal: {error}") from None


def _serialize_decimal(value: Decimal) -> str:
    return format(value, "f")


DECIMAL = strawberry.scalar(
    name="Decimal",
    description='An exact decimal number, written as a string ("12345.678").',
    serialize=_serialize_decimal,
    parse_value=_parse_decimal,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {Decimal: DECIMAL}
