"""Bulk CSV: a report's observations, one a row, read into a draft for `submit_report`.

The file goes through the same validator and transaction as a GraphQL submission; this
module only turns text into a `SubmissionDraft` and problems' paths back into row numbers.

Format: UTF-8 (a byte-order mark is fine), RFC 4180 quoting, comma-separated; a header
with more semicolons than commas makes it semicolon-separated (Excel's CSV in locales with a
decimal comma). Columns, in any order, names in any case:

    indicator,area,period,value,unit,status,comment,dim.SEX,dim.URBAN_RURAL
    0102,01,2025,1234.5,PERSON,,,F,U

`indicator`, `area`, `period`, `value` and `unit` are required. `status` (normal, estimated,
provisional, forecast; empty = normal) and `comment` are optional. Disaggregations are one
`dim.<CODELIST>` column each, the codelist code as the catalog spells it: a spreadsheet
filters and fills such a column like any other, and it is the layout of SDMX-CSV. An empty
cell means the row is not disaggregated by that codelist. Blank lines are skipped; row
numbers are the file's line numbers (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.errors import InvalidInputError
from hub.reporting.drafts import ObservationDraft, SubmissionDraft
from hub.reporting.problems import Problem
from hub.reporting.submission import SubmissionOutcome, submit_report

REQUIRED_COLUMNS = ("indicator", "area", "period", "value", "unit")
OPTIONAL_COLUMNS = ("status", "comment")
DIMENSION_PREFIX = "dim."
MAX_FORMAT_PROBLEMS = 1_000  # a wholly wrong file stops being read after this many
PROGRESS_EVERY = 1_000  # rows between two progress callbacks

_OBSERVATION_PATH = re.compile(r"observations\[(\d+)\]\.?(.*)")


@dataclass(frozen=True)
class CsvProblem:
    """A problem of a CSV file: its row (line number; None for the report as a whole), the
    column or field at fault, a stable code and a message."""

    row: int | None
    field: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = "report" if self.row is None else f"row {self.row}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message} [{self.code}]"


class CsvFormatError(InvalidInputError):
    """The file cannot be read as a report: bad encoding, bad header, ragged rows."""

    code = "CSV_FORMAT"

    def __init__(self, problems: Sequence[CsvProblem]) -> None:
        first = str(problems[0]) if problems else "the file cannot be read"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more, field="file")
        self.problems = tuple(problems)


@dataclass(frozen=True)
class CsvDraft:
    """A draft read from a file, with the line each observation came from."""

    draft: SubmissionDraft
    rows: tuple[int, ...]  # rows[i]: line number of draft.observations[i]


@dataclass(frozen=True)
class LoadResult:
    """What loading a file did: the submission's outcome and its problems located in rows."""

    outcome: SubmissionOutcome
    problems: tuple[CsvProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_csv(
    data: bytes,
    *,
    regime: str,
    period: str,
    agency: str,
    system: str | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> CsvDraft:
    """The draft of report (`regime`, `period`, `agency`) whose observations `data` holds.

    `on_rows(n)` is told every so often that `n` more lines were read. Raises
    `CsvFormatError` with every problem found when the file is not a readable CSV report;
    the values themselves are checked later, by the validator.
    """
    text = _decode(data)
    lines = io.StringIO(text, newline="")
    header_line = lines.readline()
    if not header_line.strip():
        raise CsvFormatError([CsvProblem(1, None, "EMPTY_FILE", "the file has no header")])
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    lines.seek(0)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    problems: list[CsvProblem] = []
    observations: list[ObservationDraft] = []
    rows: list[int] = []
    reported = 0
    try:
        columns = _columns(next(reader))
        last_line = reader.line_num
        for record in reader:
            line, last_line = last_line + 1, reader.line_num
            if on_rows is not None and last_line - reported >= PROGRESS_EVERY:
                on_rows(last_line - reported)
                reported = last_line
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(columns.names):
                problems.append(
                    CsvProblem(
                        line,
                        None,
                        "RAGGED_ROW",
                        f"{len(record)} fields where the header has {len(columns.names)}",
                    )
                )
                if len(problems) >= MAX_FORMAT_PROBLEMS:
                    break
                continue
            observations.append(columns.observation(record))
            rows.append(line)
    except csv.Error as error:
        problems.append(CsvProblem(reader.line_num, None, "CSV_SYNTAX", str(error)))
    if on_rows is not None and reader.line_num > reported:
        on_rows(reader.line_num - reported)
    if problems:
        raise CsvFormatError(problems)
    if not observations:
        raise CsvFormatError([CsvProblem(None, None, "NO_ROWS", "the file has no observation")])
    draft = SubmissionDraft(
        regime=regime,
        period=period,
        agency=agency,
        system=system,
        observations=tuple(observations),
    )
    return CsvDraft(draft, tuple(rows))


def locate(problems: Sequence[Problem], rows: Sequence[int]) -> list[CsvProblem]:
    """The submission's problems with `observations[i].x` paths turned into rows and fields."""
    located: list[CsvProblem] = []
    for problem in problems:
        matched = _OBSERVATION_PATH.fullmatch(problem.path)
        if matched and int(matched[1]) < len(rows):
            row, field = rows[int(matched[1])], matched[2] or None
        else:
            row, field = None, problem.path
        located.append(CsvProblem(row, field, str(problem.code), problem.message))
    return located


async def load_csv(
    parsed: CsvDraft,
    *,
    session: AsyncSession,
    actor: str,
    validate_only: bool = False,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> LoadResult:
    """Submit a file's draft through `submit_report`; problems come back with row numbers.

    Like every submission: nothing is written when any problem is found. Never commits.
    """
    outcome = await submit_report(
        parsed.draft,
        session=session,
        actor=actor,
        validate_only=validate_only,
        idempotency_key=idempotency_key,
        now=now,
    )
    return LoadResult(outcome, tuple(locate(outcome.problems, parsed.rows)))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvFormatError(
            [
                CsvProblem(
                    line,
                    None,
                    "NOT_UTF8",
                    f"byte {error.start} is not UTF-8 ({error.reason}); save the file as CSV UTF-8",
                )
            ]
        ) from None


@dataclass(frozen=True)
class _Columns:
    """Where each field sits in a row."""

    names: tuple[str, ...]
    fields: dict[str, int]
    dimensions: tuple[tuple[str, int], ...]  # (codelist, position)

    def observation(self, record: list[str]) -> ObservationDraft:
        def cell(name: str) -> str | None:
            position = self.fields.get(name)
            value = record[position].strip() if position is not None else ""
            return value or None

        return ObservationDraft(
            indicator=cell("indicator") or "",
            area=cell("area") or "",
            period=cell("period") or "",
            dimensions=tuple(
                (codelist, record[position].strip())
                for codelist, position in self.dimensions
                if record[position].strip()
            ),
            value=record[self.fields["value"]],
            unit=cell("unit") or "",
            status=cell("status"),
            comment=cell("comment"),
        )


def _columns(header: list[str]) -> _Columns:
    problems: list[CsvProblem] = []
    fields: dict[str, int] = {}
    dimensions: dict[str, int] = {}
    names: list[str] = []
    for position, raw in enumerate(header):
        name = raw.strip()
        lowered = name.lower()
        names.append(name)
        if lowered.startswith(DIMENSION_PREFIX):
            codelist = name[len(DIMENSION_PREFIX) :].strip()
            if not codelist:
                problems.append(_header_problem(name, "names no codelist (dim.SEX, dim.AGE ...)"))
            elif codelist in dimensions:
                problems.append(_header_problem(name, "appears twice"))
            else:
                dimensions[codelist] = position
        elif lowered in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            if lowered in fields:
                problems.append(_header_problem(name, "appears twice"))
            fields[lowered] = position
        else:
            known = ", ".join((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, "dim.<CODELIST>"))
            problems.append(_header_problem(name, f"is not a column of a report ({known})"))
    for missing in (c for c in REQUIRED_COLUMNS if c not in fields):
        problems.append(_header_problem(missing, "is required but missing"))
    if problems:
        raise CsvFormatError(problems)
    return _Columns(tuple(names), fields, tuple(dimensions.items()))


def _header_problem(column: str, message: str) -> CsvProblem:
    return CsvProblem(1, column or "(empty)", "BAD_HEADER", f"column {column!r} {message}")
