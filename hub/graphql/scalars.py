"""Scalars: exact decimals travel as strings so no digit is lost to a float."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from hub.decimals import decimal_text, parse_decimal


def _parse_decimal(value: object) -> Decimal:
    # A coercion error (a GraphQLError), as strawberry's own scalars raise: a ValueError from
    # a literal would reach the error contract as an unexpected error, and be masked.
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise StrawberryInputCoercionError(
            f'Value cannot represent a Decimal: {value!r}. Give it as a string such as "1234.50".'
        )
    try:
        return parse_decimal(str(value))
    except ValueError as error:
        raise StrawberryInputCoercionError(
            f"Value cannot represent a Decimal: {value!r}. {error}."
        ) from None


DECIMAL = strawberry.scalar(
    name="Decimal",
    description='An exact decimal number, written as a string ("12345.678").',
    serialize=decimal_text,
    parse_value=_parse_decimal,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {Decimal: DECIMAL}
