"""The `series` field written as JSON straight from its records (`fast.projected`).

The resolver turns each `records.Series` into an `ObservationSeries` and each of its points
into a `SeriesPoint`, and the executor then completes every object field by field: for a
chart of 15 points, more Python than the statement's rows (Q1 of the bench). Here a plan
compiles, once, one function that writes the selected series from the records: a list
display of dict displays, the fields as `SERIES_VALUES` and `POINT_VALUES` compute them,
completed by the executor's own leaf and list completions. Covered: the series' plain
attributes, `points` with its points' attributes, and `__typename` at either level;
`areaName` (a resolver with an argument) leaves the field to the resolver.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from hub.graphql.fast.extension import stats
from hub.graphql.fast.plan import FieldPlan, Kind, Selection, Unsupported
from hub.graphql.fast.projected import (
    Compile,
    Completions,
    Projected,
    attribute_item,
    item_of,
    name_of,
    selection_of,
)
from hub.observations.records import Series
from hub.observations.types import POINT_VALUES, ROW_NAMES, SERIES_VALUES

ReadSeries = Callable[..., Awaitable[list[Series]]]


def series_projection(read_series: ReadSeries) -> Compile:
    """The projection of a list of series that `read_series` reads, with the resolver's
    keyword arguments (as `queries.read_series_of`)."""

    def compile_series(field: FieldPlan, completions: Completions) -> Projected:
        env: dict[str, Any] = dict(ROW_NAMES)
        series = _display(selection_of(item_of(field.output)), completions, env)
        source = f"def write(found, run):\n    return [{series} for s in found]\n"
        exec(compile(source, "<series>", "exec"), env)  # the text is made here
        write: Callable[[list[Series], Any], list[dict[str, Any]]] = env["write"]

        async def projected(run: Any, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
            found = await read_series(**kwargs)
            stats["projected series"] += 1
            return write(found, run)

        return projected

    return compile_series


def _display(
    selection: Selection,
    completions: Completions,
    env: dict[str, Any],
    *,
    point: bool = False,
) -> str:
    """The dict display of a series (`s`), or with `point` of a point (`p`)."""
    values, at = (POINT_VALUES, "p") if point else (SERIES_VALUES, "s")
    items = []
    for field in selection.fields:
        name = f"{at}{len(env)}"  # unique in `env` whatever the nesting
        if field.kind is Kind.TYPENAME:
            env[name] = selection.type.name
            items.append(f"{field.key!r}: {name}")
            continue
        if field.kind is not Kind.ATTRIBUTE or field.strawberry_field is None:
            raise Unsupported(f"{name_of(field)} on a series")
        attribute = field.strawberry_field.python_name
        if attribute == "points" and not point:
            points = _display(selection_of(item_of(field.output)), completions, env, point=True)
            items.append(f"{field.key!r}: [{points} for p in s.points]")
        elif attribute in values:
            items.append(attribute_item(field, values[attribute], name, completions, env))
        else:
            raise Unsupported(f"{name_of(field)} on a series")
    return "{" + ", ".join(items) + "}"
