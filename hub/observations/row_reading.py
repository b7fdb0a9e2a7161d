"""`ObservationRow`s from the rows of a result, by one function compiled per shape of result.

A page makes a thousand rows of twenty-five fields. Through Core's `Row`s (its row getter
runs each column's result processor, one call per column) and then the records picked out
of them, that was a third of Q2's Python time in the bench. A reader is compiled once per
shape, the result's keys and each column's result processor, as one list comprehension
with one tuple display per row; it reads the driver's records that `direct_select` hands
back unprocessed (the processors applied inline, only where a column has one), or Core's
rows elsewhere (processed already: no processors).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Result

from hub import direct_select
from hub.observations.records import ObservationRow, parse_dimension_key

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


@dataclass(frozen=True)
class ResultRows:
    """A buffered result's rows (records or Core's rows, by position), keys, processors."""

    rows: Sequence[Any]
    keys: tuple[str, ...]
    processors: tuple[Processor, ...]

    def observations(self, position: Sequence[str] = ()) -> list[ObservationRow]:
        """Every row as an `ObservationRow` whose position is its columns `position`."""
        return reader(self.keys, self.processors, tuple(position))(self.rows)

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


@lru_cache(maxsize=64)
def reader(
    keys: tuple[str, ...], processors: tuple[Processor, ...], position: tuple[str, ...]
) -> Reader:
    """The function making the rows of a result of this shape (our column names only)."""
    where = {key: index for index, key in enumerate(keys)}
    namespace: dict[str, Any] = {
        "new": tuple.__new__,  # from one tuple: no __new__ of 25 arguments
        "Row": ObservationRow,
        "parse": parse_dimension_key,
    }

    def value(key: str) -> str:
        index = where[key]
        process = processors[index]
        if process is None:
            return f"r[{index}]"
        namespace[f"p{index}"] = process
        return f"p{index}(r[{index}])"

    fields = [
        *(value(key) for key in _HEAD),
        f"parse({value('dimension_key')})",
        *(value(key) for key in _TAIL),
        "(" + "".join(f"{value(key)}, " for key in position) + ")",
        "False",  # not derived
        "()",  # no sources
    ]
    source = f"def read(rows):\n    return [new(Row, ({', '.join(fields)})) for r in rows]\n"
    exec(source, namespace)
    read: Reader = namespace["read"]
    return read
