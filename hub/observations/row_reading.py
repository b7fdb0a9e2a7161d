"""`ObservationRow`s, or `Series`, from the rows of a result, by one function compiled per
shape of result.

A page makes a thousand rows of twenty-five fields. Through Core's `Row`s (its row getter
runs each column's result processor, one call per column) and then the records picked out
of them, that was a third of Q2's Python time in the bench. A reader is compiled once per
shape, the result's keys and each column's result processor, as one list comprehension
with one tuple display per row; it reads the driver's records that `direct_select` hands
back unprocessed (the processors applied inline, only where a column has one), or Core's
rows elsewhere (processed already: no processors).

A series' rows go to its points straight, without a row of twenty-five fields between: Q1 of
the bench made 15 rows, grouped them by their enums (each hashed in Python), then made the
points. The series' reader groups by the columns' raw values and runs the frequency's
processor and the dimensions' parsing once per series: Q1's CPU in process, ~570 -> ~540 us.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Result

from hub import direct_select
from hub.observations.records import ObservationRow, Series, SeriesPoint, parse_dimension_key

# `ObservationRow`'s fields in order, as a `statements.labelled` row names them: those
# before `dimensions` (parsed from `dimension_key`), those after it; then its position.
_HEAD = (
    *("id", "indicator", "indicator_name_vi", "indicator_name_en", "area", "area_name_vi"),
    *("area_name_en", "period", "period_start", "period_end", "frequency", "dimension_key"),
)
_TAIL = (
    *("value", "unit", "status_flag", "comment", "revision", "report_version_id"),
    *("definition_version", "recorded_at", "accepted_at"),
)

Processor = Callable[[Any], Any] | None
Reader = Callable[[Sequence[Any]], list[ObservationRow]]
SeriesReader = Callable[[Sequence[Any]], list[Series]]


@dataclass(frozen=True)
class ResultRows:
    """A buffered result's rows (records or Core's rows, by position), keys, processors."""

    rows: Sequence[Any]
    keys: tuple[str, ...]
    processors: tuple[Processor, ...]

    def observations(self, position: Sequence[str] = ()) -> list[ObservationRow]:
        """Every row as an `ObservationRow` whose position is its columns `position`."""
        return reader(self.keys, self.processors, tuple(position))(self.rows)

    def series(self) -> list[Series]:
        """The rows grouped by area, disaggregation and frequency, each group a `Series`.
        Rows arrive grouped and by period (`service._series_statement`): series come in
        the rows' order, and so do their points."""
        return series_reader(self.keys, self.processors)(self.rows)

    def column(self, key: str) -> list[Any]:
        """The values of one column, processed."""
        index = self.keys.index(key)
        process = self.processors[index]
        if process is None:
            return [row[index] for row in self.rows]
        return [process(row[index]) for row in self.rows]


def rows_of(result: Result[Any]) -> ResultRows:
    """The rows of `result`, read to the end."""
    keys = tuple(result.keys())
    if isinstance(result, direct_select.DirectResult):
        return ResultRows(result.records, keys, result.processors)
    return ResultRows(result.all(), keys, (None,) * len(keys))


class _Expressions:
    """Python expressions reading a record `r` of one shape: a column by position, through
    its result processor where it has one (bound by name in `namespace`)."""

    def __init__(self, keys: tuple[str, ...], processors: tuple[Processor, ...]) -> None:
        self.where = {key: index for index, key in enumerate(keys)}
        self.processors = processors
        self.namespace: dict[str, Any] = {"new": tuple.__new__, "parse": parse_dimension_key}

    def raw(self, key: str) -> str:
        return f"r[{self.where[key]}]"

    def __call__(self, key: str) -> str:
        index = self.where[key]
        process = self.processors[index]
        if process is None:
            return f"r[{index}]"
        self.namespace[f"p{index}"] = process
        return f"p{index}(r[{index}])"

    def compile(self, source: str) -> Any:
        exec(source, self.namespace)
        return self.namespace["read"]


@lru_cache(maxsize=64)
def reader(
    keys: tuple[str, ...], processors: tuple[Processor, ...], position: tuple[str, ...]
) -> Reader:
    """The function making the rows of a result of this shape (our column names only)."""
    value = _Expressions(keys, processors)
    value.namespace["Row"] = ObservationRow
    fields = [
        *(value(key) for key in _HEAD),
        f"parse({value('dimension_key')})",
        *(value(key) for key in _TAIL),
        "(" + "".join(f"{value(key)}, " for key in position) + ")",
        "False",  # not derived
        "()",  # no sources
    ]
    # `new` makes each from one tuple: no __new__ of 25 arguments.
    source = f"def read(rows):\n    return [new(Row, ({', '.join(fields)})) for r in rows]\n"
    read: Reader = value.compile(source)
    return read


@lru_cache(maxsize=16)
def series_reader(keys: tuple[str, ...], processors: tuple[Processor, ...]) -> SeriesReader:
    """The function making the series of a result of this shape (a series statement's)."""
    value = _Expressions(keys, processors)
    value.namespace.update(Point=SeriesPoint, Series=Series)
    point = ", ".join(
        (
            *(value(key) for key in ("period", "period_start", "period_end", "value", "unit")),
            value("status_flag"),
            "False",  # not derived
            f"({value('area')},)",  # its sources: the stored value's own area
        )
    )
    source = f"""def read(rows):
    groups = {{}}
    for r in rows:
        key = ({value.raw("area")}, {value.raw("dimension_key")}, {value.raw("frequency")})
        group = groups.get(key)
        if group is None:
            groups[key] = [r]
        else:
            group.append(r)
    made = []
    for group in groups.values():
        points = tuple([new(Point, ({point})) for r in group])
        r = group[0]
        made.append(Series(
            indicator={value("indicator")},
            area={value("area")},
            area_name_vi={value("area_name_vi")},
            area_name_en={value("area_name_en")},
            dimensions=parse({value("dimension_key")}),
            frequency={value("frequency")},
            unit=points[-1].unit,
            points=points,
        ))
    return made
"""
    read: SeriesReader = value.compile(source)
    return read
