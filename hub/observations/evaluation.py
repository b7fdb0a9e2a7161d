"""A formula applied to its inputs' values: one pass per output value, no SQL, no `eval`.

Inputs arrive as maps from a key (area, period, breakdown; `GroupKey`) to a `Value`, one map
per reference of the tree in the order `plans` lists them; `evaluate` walks the tree the
same way and combines the maps key by key:

- `+ - * /` join their operands on equal keys; a key missing on either side has no value,
  and a division by zero has none (never a zero);
- `growth(X)`: (X / X a year earlier - 1) x 100, at the same area and breakdown;
  `growth_prev(X)`: the same on the previous period of the same frequency;
- `share(X)`: X / D x 100, D the value of X at the area's parent where the parent has one,
  else the sum of X over the parent's children (the areas under the same parent that have
  a value for that period and breakdown).

Arithmetic is exact (200 significant digits for quotients); `final` rounds a result half
away from zero to `exact_sql.PLACES` places, as aggregates round their means.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from catalog.formula import Binary, Call, Negate, Node, Number, Reference
from catalog.model import Frequency
from catalog.periods import Period, PeriodError, parse_period
from hub.exact_sql import CONTEXT, rounded
from hub.observations.aggregation import GroupKey
from hub.observations.models import StatusFlag

# How final a status is: a derived value is as final as the least final of its inputs.
_RANK = {
    StatusFlag.NORMAL: 0,
    StatusFlag.PROVISIONAL: 1,
    StatusFlag.ESTIMATED: 2,
    StatusFlag.FORECAST: 3,
}
STATUS_BY_RANK = {rank: status for status, rank in _RANK.items()}


@dataclass(frozen=True, slots=True)
class Value:
    """A value with where it came from: the areas of the stored values it was computed from,
    how many stored values those were, and whether anything was computed (`derived`)."""

    value: Decimal
    sources: frozenset[str]
    count: int = 1
    derived: bool = False
    status: StatusFlag = StatusFlag.NORMAL
    recorded_at: datetime | None = None
    accepted_at: datetime | None = None


Values = dict[GroupKey, Value]


@dataclass(frozen=True)
class Plan:
    """One reference of a formula and how far its reads reach: `years_back` earlier for the
    growth functions above it, and the parents and siblings of the areas under `share`."""

    reference: Reference
    years_back: int
    widened: bool


@dataclass(frozen=True)
class Hierarchy:
    """Parents and children of the areas a `share` reads."""

    parent: Mapping[str, str]
    children: Mapping[str, tuple[str, ...]]


def plans(node: Node, years_back: int = 0, widened: bool = False) -> Iterator[Plan]:
    """The references of `node` in the order `evaluate` consumes their values."""
    if isinstance(node, Reference):
        yield Plan(node, years_back, widened)
    elif isinstance(node, Negate):
        yield from plans(node.operand, years_back, widened)
    elif isinstance(node, Binary):
        yield from plans(node.left, years_back, widened)
        yield from plans(node.right, years_back, widened)
    elif isinstance(node, Call):
        back = years_back + (node.function in ("growth", "growth_prev"))
        for argument in node.arguments:
            yield from plans(argument, back, widened or node.function == "share")


def functions(node: Node) -> set[str]:
    """The functions a formula calls."""
    found: set[str] = set()
    if isinstance(node, Call):
        found.add(node.function)
    children: tuple[Node, ...] = ()
    if isinstance(node, Negate):
        children = (node.operand,)
    elif isinstance(node, Binary):
        children = (node.left, node.right)
    elif isinstance(node, Call):
        children = node.arguments
    for child in children:
        found |= functions(child)
    return found


Operand = Values | Decimal


def evaluate(node: Node, fetched: Iterator[Values], hierarchy: Hierarchy | None = None) -> Operand:
    """The values of `node`; `fetched` yields each reference's values in `plans` order."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Reference):
        return next(fetched)
    if isinstance(node, Negate):
        return _apply(evaluate(node.operand, fetched, hierarchy), lambda a: CONTEXT.minus(a))
    if isinstance(node, Binary):
        left = evaluate(node.left, fetched, hierarchy)
        right = evaluate(node.right, fetched, hierarchy)
        return _binary(node.operator, left, right)
    (argument,) = node.arguments
    operand = evaluate(argument, fetched, hierarchy)
    if isinstance(operand, Decimal):
        return operand if node.function != "share" else Decimal(100)
    if node.function == "share":
        if hierarchy is None:
            raise ValueError("share needs the area hierarchy")
        return _share(operand, hierarchy)
    return _growth(operand, year_earlier if node.function == "growth" else previous_period)


def final(values: Operand) -> Values:
    """The result of a formula, rounded to `PLACES` places (exact when it has fewer)."""
    if isinstance(values, Decimal):
        return {}  # a formula of numbers alone has no key (the catalog refuses one)
    return {key: replace(v, value=rounded(v.value), derived=True) for key, v in values.items()}


def _apply(operand: Operand, apply: Callable[[Decimal], Decimal]) -> Operand:
    if isinstance(operand, Decimal):
        return apply(operand)
    return {key: replace(v, value=apply(v.value)) for key, v in operand.items()}


def _operate(operator: str, a: Decimal, b: Decimal) -> Decimal | None:
    if operator == "+":
        return CONTEXT.add(a, b)
    if operator == "-":
        return CONTEXT.subtract(a, b)
    if operator == "*":
        return CONTEXT.multiply(a, b)
    return None if b == 0 else CONTEXT.divide(a, b)


def _binary(operator: str, left: Operand, right: Operand) -> Operand:
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        found = _operate(operator, left, right)
        return Decimal(0) if found is None else found  # validated formulas never get here
    result: Values = {}
    if isinstance(left, Decimal):
        assert not isinstance(right, Decimal)
        for key, b in right.items():
            value = _operate(operator, left, b.value)
            if value is not None:
                result[key] = replace(b, value=value)
        return result
    if isinstance(right, Decimal):
        for key, a in left.items():
            value = _operate(operator, a.value, right)
            if value is not None:
                result[key] = replace(a, value=value)
        return result
    for key, a in left.items():
        other = right.get(key)
        if other is None:
            continue
        value = _operate(operator, a.value, other.value)
        if value is not None:
            result[key] = combine(value, (a, other))
    return result


def combine(value: Decimal, parts: tuple[Value, ...]) -> Value:
    """`value` computed from `parts`: their sources and counts, the least final status."""
    accepted = [p.accepted_at for p in parts if p.accepted_at is not None]
    recorded = [p.recorded_at for p in parts if p.recorded_at is not None]
    return Value(
        value=value,
        sources=frozenset().union(*(p.sources for p in parts)),
        count=sum(p.count for p in parts),
        derived=True,
        status=STATUS_BY_RANK[max(_RANK[p.status] for p in parts)],
        recorded_at=max(recorded) if recorded else None,
        accepted_at=max(accepted) if accepted else None,
    )


def _growth(values: Values, shift: Callable[[str], str | None]) -> Values:
    result: Values = {}
    hundred = Decimal(100)
    for key, now in values.items():
        if key.period is None:
            continue
        before_period = shift(key.period)
        before = None if before_period is None else values.get(replace(key, period=before_period))
        if before is None or before.value == 0:
            continue
        ratio = CONTEXT.divide(now.value, before.value)
        result[key] = combine(CONTEXT.multiply(CONTEXT.subtract(ratio, 1), hundred), (now, before))
    return result


def _share(values: Values, hierarchy: Hierarchy) -> Values:
    # Keys without their level (an aggregate's groups carry it): the parent's is another.
    plain = {replace(key, area_level=None): v for key, v in values.items()}
    # Sum of the children of each parent that have a value of their own (not one computed
    # across the reorganisation), per period and breakdown.
    sums: dict[GroupKey, list[Value]] = defaultdict(list)
    for key, v in plain.items():
        parent = hierarchy.parent.get(key.area or "")
        if parent is not None and v.sources == {key.area}:
            sums[replace(key, area=parent)].append(v)
    result: Values = {}
    hundred = Decimal(100)
    for key, v in values.items():
        parent = hierarchy.parent.get(key.area or "")
        if parent is None:
            continue
        parent_key = replace(key, area=parent, area_level=None)
        reported = plain.get(parent_key)
        parts = (reported,) if reported is not None else tuple(sums[parent_key])
        total = sum((p.value for p in parts), Decimal(0))
        if not parts or total == 0:
            continue
        share = CONTEXT.multiply(CONTEXT.divide(v.value, total), hundred)
        result[key] = combine(share, (v, *parts))
    return result


@cache
def period_of(code: str) -> Period:
    return parse_period(code)


def year_earlier(code: str) -> str | None:
    """The same period one year earlier (`2024-M07` for `2025-M07`); None if it has none."""
    period = period_of(code)
    try:
        if period.frequency is Frequency.DAILY:
            return date(period.year - 1, period.start.month, period.start.day).isoformat()
        return Period(period.frequency, period.year - 1, period.index).code
    except (ValueError, PeriodError):
        return None  # 29 February, week 53


def previous_period(code: str) -> str | None:
    try:
        return period_of(code).previous().code
    except PeriodError:
        return None
