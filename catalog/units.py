"""Unit compatibility and exact decimal conversion between units of a catalog."""

from __future__ import annotations

from decimal import Context, Decimal, Inexact

from catalog.model import Catalog, Unit

# A quotient of multipliers that does not terminate (a unit of 1/3 of another) is rounded to at
# least this many significant digits; every other conversion is exact.
MIN_PRECISION = 50


class IncompatibleUnitsError(ValueError):
    """Values in `from_code` cannot be expressed in `to_code`; `reason` says why."""

    def __init__(self, from_code: str, to_code: str, reason: str) -> None:
        super().__init__(f"cannot convert unit {from_code!r} to {to_code!r}: {reason}")
        self.from_code = from_code
        self.to_code = to_code
        self.reason = reason


def is_compatible(from_unit: Unit, to_unit: Unit) -> bool:
    """Whether the two units measure on the same base (billion VND and VND; not VND and persons)."""
    return from_unit.base_code == to_unit.base_code


def _check_compatible(from_unit: Unit, to_unit: Unit) -> None:
    if not is_compatible(from_unit, to_unit):
        raise IncompatibleUnitsError(
            from_unit.code,
            to_unit.code,
            f"they have different bases, {from_unit.base_code!r} ({from_unit.quantity_kind}) "
            f"and {to_unit.base_code!r} ({to_unit.quantity_kind})",
        )


def _digits(number: Decimal) -> int:
    return len(number.as_tuple().digits)


def _scale(value: Decimal, multiply_by: Decimal, divide_by: Decimal) -> Decimal:
    """value x multiply_by / divide_by, exact whenever the quotient terminates."""
    # With this precision the product is exact, and so is the quotient when divide_by's
    # non-(2, 5) factors cancel: 1/(2^a 5^b) needs max(a, b) <= 4 x digits(divide_by) digits.
    precision = max(MIN_PRECISION, _digits(value) + _digits(multiply_by) + 4 * _digits(divide_by))
    context = Context(prec=precision, traps=[])
    result = context.divide(context.multiply(value, multiply_by), divide_by)
    if context.flags[Inexact] or not result.is_finite():
        return result
    # Exact results get one canonical form, so equal values read the same: no trailing zeros
    # (0.001, not 0.001000000), no exponent (1500, not 1.5E+3), no signed zero.
    result = result.normalize(context)
    if result.is_zero():
        return Decimal(0)
    exponent = result.as_tuple().exponent
    return Decimal(int(result)) if isinstance(exponent, int) and exponent > 0 else result


def conversion_factor(from_unit: Unit, to_unit: Unit) -> Decimal:
    """What a value in `from_unit` is multiplied by to express it in `to_unit`.

    Billion VND to million VND is exactly 1000; raises `IncompatibleUnitsError` across bases.
    """
    _check_compatible(from_unit, to_unit)
    return _scale(Decimal(1), from_unit.multiplier, to_unit.multiplier)


def convert(value: Decimal, from_unit: Unit, to_unit: Unit) -> Decimal:
    """`value` in `from_unit` expressed in `to_unit`, exactly (never through floats)."""
    _check_compatible(from_unit, to_unit)
    # Multiply before dividing so that one rounding at most happens, and none for decimal units.
    return _scale(value, from_unit.multiplier, to_unit.multiplier)


def _lookup(catalog: Catalog, code: str, from_code: str, to_code: str) -> Unit:
    unit = catalog.units.get(code)
    if unit is None:
        raise IncompatibleUnitsError(from_code, to_code, f"{code!r} is not a unit of the catalog")
    base = catalog.units.get(unit.base_code)
    # Multipliers are relative to a base unit: a chain (billion VND -> million VND -> VND)
    # would silently compare the wrong bases, so refuse it here.
    if base is None or base.base is not None:
        raise IncompatibleUnitsError(
            from_code, to_code, f"the base {unit.base_code!r} of {code!r} is not a base unit"
        )
    return unit


def convert_codes(catalog: Catalog, value: Decimal, from_code: str, to_code: str) -> Decimal:
    """`value` in the catalog unit `from_code` expressed in the catalog unit `to_code`.

    Raises `IncompatibleUnitsError` for an unknown unit as well as for different bases.
    """
    from_unit = _lookup(catalog, from_code, from_code, to_code)
    to_unit = _lookup(catalog, to_code, from_code, to_code)
    return convert(value, from_unit, to_unit)
