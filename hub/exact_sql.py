"""Exact decimal arithmetic inside SQL, the same on SQLite and PostgreSQL.

PostgreSQL's NUMERIC sums and multiplies exactly. SQLite has no decimal type (`ExactDecimal`
stores text there) and its SUM is binary floating point, so each SQLite connection gets
functions written with Python's `decimal` (`register_sqlite_functions`), and the constructs
below compile to them on SQLite and to plain SQL on PostgreSQL. The grouping stays in the
database either way; only SQLite's per-row arithmetic runs in the hub's process, as SQLite
runs every function.

Quotients are rounded half away from zero to `PLACES` decimal places on both databases
(PostgreSQL through exact integer division, not through its own division's scale), and
results that went through a division are shown canonically (`canonical`), so both give the
same strings.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util.concurrency import await_

from hub.db import ExactDecimal
from hub.decimals import decimal_text

PLACES = 6  # decimal places of averages, weighted averages and derived quotients
_SCALE = Decimal(10) ** -PLACES
# Sums of exact decimals need as many digits as they have; 200 is far beyond any figure.
_CONTEXT = Context(prec=200, rounding=ROUND_HALF_UP)
CONTEXT = _CONTEXT  # for arithmetic on values outside SQL (derived indicators)


def quotient(dividend: Decimal, divisor: Decimal) -> Decimal | None:
    """`dividend / divisor` rounded half away from zero to PLACES places; None for / 0."""
    if divisor == 0:
        return None
    return canonical(_CONTEXT.divide(dividend, divisor).quantize(_SCALE, context=_CONTEXT))


def rounded(value: Decimal) -> Decimal:
    """`value` rounded half away from zero to PLACES places, shown canonically."""
    return canonical(value.quantize(_SCALE, context=_CONTEXT))


def canonical(value: Decimal) -> Decimal:
    """No trailing zeros, no exponent, no signed zero: 12.5, not 12.500000 or 1.25E+1."""
    if value.is_zero():
        return Decimal(0)
    normal = value.normalize(_CONTEXT)
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return normal.quantize(Decimal(1), context=_CONTEXT)
    return normal


class exact_sum(sa.sql.functions.GenericFunction[Decimal]):
    """SUM of exact decimals."""

    type = ExactDecimal()
    inherit_cache = True


class exact_product(sa.sql.functions.GenericFunction[Decimal]):
    """a * b of two exact decimals."""

    type = ExactDecimal()
    inherit_cache = True


class exact_quotient(sa.sql.functions.GenericFunction[Decimal]):
    """a / b (b > 0) rounded half away from zero to PLACES places."""

    type = ExactDecimal()
    inherit_cache = True


@compiles(exact_sum)
def _sum(element: exact_sum, compiler: SQLCompiler, **kw: Any) -> str:
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(exact_sum, "sqlite")
def _sum_sqlite(element: exact_sum, compiler: SQLCompiler, **kw: Any) -> str:
    return f"hub_exact_sum({compiler.process(element.clauses, **kw)})"


@compiles(exact_product)
def _product(element: exact_product, compiler: SQLCompiler, **kw: Any) -> str:
    left, right = (compiler.process(c, **kw) for c in element.clauses)
    return f"(({left}) * ({right}))"


@compiles(exact_product, "sqlite")
def _product_sqlite(element: exact_product, compiler: SQLCompiler, **kw: Any) -> str:
    return f"hub_exact_product({compiler.process(element.clauses, **kw)})"


@compiles(exact_quotient)
def _quotient(element: exact_quotient, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    scale = 10**PLACES
    # Half away from zero: sign(a) * floor((2|a| * 10^P + b) / 2b) / 10^P, with div()'s exact
    # integer quotient instead of the division operator, whose result scale PostgreSQL picks.
    return f"(sign({a}) * div(2 * abs({a}) * {scale} + ({b}), 2 * ({b})) / {scale}::numeric)"


@compiles(exact_quotient, "sqlite")
def _quotient_sqlite(element: exact_quotient, compiler: SQLCompiler, **kw: Any) -> str:
    return f"hub_exact_quotient({compiler.process(element.clauses, **kw)})"


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


class _ExactSum:
    """SQLite aggregate: the exact sum of decimal texts (NULLs skipped, as SUM does)."""

    def __init__(self) -> None:
        self.total: Decimal | None = None

    def step(self, value: object) -> None:
        number = _decimal(value)
        if number is not None:
            self.total = number if self.total is None else _CONTEXT.add(self.total, number)

    def finalize(self) -> str | None:
        return _text(self.total)


def _exact_product(left: object, right: object) -> str | None:
    a, b = _decimal(left), _decimal(right)
    return None if a is None or b is None else _text(_CONTEXT.multiply(a, b))


def _exact_quotient(dividend: object, divisor: object) -> str | None:
    a, b = _decimal(dividend), _decimal(divisor)
    if a is None or b is None or b == 0:
        return None
    return _text(_CONTEXT.divide(a, b).quantize(_SCALE, context=_CONTEXT))


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Give an aiosqlite connection (as SQLAlchemy adapts it) the functions above.

    Any: SQLAlchemy's adapter of the aiosqlite connection. Functions are created on the
    connection's own thread, as SQLAlchemy does for `create_function`; aiosqlite has no
    `create_aggregate`, so that one is queued the same way aiosqlite queues its calls.
    """
    dbapi_connection.create_function("hub_exact_product", 2, _exact_product, deterministic=True)
    dbapi_connection.create_function("hub_exact_quotient", 2, _exact_quotient, deterministic=True)
    driver = dbapi_connection.driver_connection
    await_(driver._execute(driver._conn.create_aggregate, "hub_exact_sum", 1, _ExactSum))
