"""A filled Excel form (`hub.reporting.excel` layout) read into a draft for `submit_report`.

Like the bulk CSV: this module only turns cells into a `SubmissionDraft` and the validator's
problem paths (`observations[12].area`) back into cells (`Biểu 01!H5`). The submission goes
through the one validator and transaction; a workbook with any problem writes nothing.

Reading: every non-empty value cell of a data sheet (a sheet whose A3 is `table:<code>`)
is one observation: the row's hidden indicator, disaggregation and unit codes, the area code
above its column, the report's period, the row's status and comment. Numbers typed in
Excel are binary doubles holding at most 15 significant digits: they are read as the shortest
decimal that gives the same double (`480.125`, never `480.12499999...`). A value typed as
text (`'1.000000000000000000001`) is read exactly. Outline texts come from `Đề cương`.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.periods import PeriodError, parse_period
from hub.decimals import decimal_text
from hub.errors import InvalidInputError
from hub.reporting.drafts import ObservationDraft, SubmissionDraft
from hub.reporting.excel import (
    AREA_ROW,
    DIMENSIONS_COLUMN,
    FIRST_AREA_COLUMN,
    FIRST_ROW,
    HEADER_ROW,
    INDICATOR_COLUMN,
    INFO_ROWS,
    INFO_SHEET,
    OUTLINE_SHEET,
    STATUS_BY_LABEL,
    TABLE_MARK,
    UNIT_COLUMN,
)
from hub.reporting.problems import Problem
from hub.reporting.submission import SubmissionOutcome, submit_report

MAX_FORMAT_PROBLEMS = 1_000


@dataclass(frozen=True)
class ExcelProblem:
    """A problem of a workbook: the cell at fault (`Biểu 01!D12`; None for the report as a
    whole), a stable code and a message."""

    cell: str | None
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell or 'report'}: {self.message} [{self.code}]"


class ExcelFormatError(InvalidInputError):
    """The file cannot be read as a filled form: not .xlsx, not our layout, wrong report."""

    code = "EXCEL_FORMAT"

    def __init__(self, problems: Sequence[ExcelProblem]) -> None:
        first = str(problems[0]) if problems else "the workbook cannot be read"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more, field="file")
        self.problems = tuple(problems)


@dataclass(frozen=True)
class ObservationCells:
    """Where each field of one observation was read from."""

    value: str
    indicator: str
    dimensions: str
    unit: str
    area: str
    status: str
    comment: str

    def of(self, field: str) -> str:
        name = field.split(".")[0].split("[")[0]
        return {
            "indicator": self.indicator,
            "dimensions": self.dimensions,
            "unit": self.unit,
            "area": self.area,
            "status": self.status,
            "comment": self.comment,
        }.get(name, self.value)


@dataclass(frozen=True)
class ExcelDraft:
    """A draft read from a workbook, with the cells each observation and section came from."""

    draft: SubmissionDraft
    cells: tuple[ObservationCells, ...]  # cells[i]: where draft.observations[i] came from
    section_cells: tuple[str, ...] = ()  # section_cells[i]: draft.sections[i]'s text cell
    info_cells: dict[str, str] = field(default_factory=dict)  # regime/period/agency cells


@dataclass(frozen=True)
class ExcelLoadResult:
    """What loading a workbook did: the outcome and its problems located in cells."""

    outcome: SubmissionOutcome
    problems: tuple[ExcelProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _address(sheet: Worksheet, row: int, column: int) -> str:
    return f"{sheet.title}!{get_column_letter(column)}{row}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _value_text(value: Any) -> str | None:
    """The exact decimal text of a value cell; None when the cell cannot hold a number."""
    if isinstance(value, bool | datetime | date | time):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return decimal_text(value)
    return str(value).strip()


def _open(data: bytes) -> Any:
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ExcelFormatError(
            [ExcelProblem(None, "NOT_XLSX", f"the file is not an Excel .xlsx workbook ({error})")]
        ) from None


def read_workbook(
    data: bytes, *, regime: str, period: str, agency: str, system: str | None = None
) -> ExcelDraft:
    """The draft of report (`regime`, `period`, `agency`) filled in the workbook `data`.

    Raises `ExcelFormatError` with every problem found when the workbook is not a form of
    this report (another regime, period or agency, or not a form at all); the values
    themselves are checked later, by the validator.
    """
    book = _open(data)
    problems: list[ExcelProblem] = []
    info_cells: dict[str, str] = {}
    if INFO_SHEET not in book.sheetnames:
        raise ExcelFormatError(
            [
                ExcelProblem(
                    None,
                    "NOT_A_FORM",
                    f"the workbook has no sheet {INFO_SHEET!r}: download the form with "
                    "`hub form xlsx` or /forms/{regime}/{period}.xlsx",
                )
            ]
        )
    info = book[INFO_SHEET]
    try:
        period_code = parse_period(period).code
    except PeriodError as error:
        raise InvalidInputError(
            f"{period!r} is not a period: {error.reason}", field="period"
        ) from None
    expected = {"regime": regime, "period": period_code, "agency": agency}
    for key, row in INFO_ROWS.items():
        cell = _address(info, row, 2)
        info_cells[key] = cell
        found = _text(info.cell(row, 2).value)
        if key == "period" and found:
            with contextlib.suppress(PeriodError):  # a malformed one differs anyway
                found = parse_period(found).code
        if found and found != expected[key]:
            problems.append(
                ExcelProblem(
                    cell,
                    "WRONG_FORM",
                    f"the workbook is a form of {key} {found}, not {expected[key]}",
                )
            )
    if problems:
        raise ExcelFormatError(problems)
    sections: list[tuple[str, str]] = []
    section_cells: list[str] = []
    if OUTLINE_SHEET in book.sheetnames:
        outline = book[OUTLINE_SHEET]
        for row in range(FIRST_ROW, outline.max_row + 1):
            code, text = _text(outline.cell(row, 1).value), _text(outline.cell(row, 4).value)
            if code and text:
                sections.append((code, text))
                section_cells.append(_address(outline, row, 4))
    observations: list[ObservationDraft] = []
    cells: list[ObservationCells] = []
    for sheet in book.worksheets:
        if not _text(sheet["A3"].value).startswith(TABLE_MARK):
            continue
        _read_table(sheet, period_code, observations, cells, problems)
        if len(problems) >= MAX_FORMAT_PROBLEMS:
            break
    if problems:
        raise ExcelFormatError(problems)
    if not observations and not sections:
        raise ExcelFormatError([ExcelProblem(None, "EMPTY_FORM", "the form has no value filled")])
    draft = SubmissionDraft(
        regime=regime,
        period=period_code,
        agency=agency,
        system=system,
        sections=tuple(sections),
        observations=tuple(observations),
    )
    return ExcelDraft(draft, tuple(cells), tuple(section_cells), info_cells)


def _area_columns(sheet: Worksheet) -> list[int]:
    """The value columns: from FIRST_AREA_COLUMN up to the status column."""
    columns = []
    column = FIRST_AREA_COLUMN
    while _text(sheet.cell(HEADER_ROW, column).value) not in ("Tình trạng số liệu", ""):
        columns.append(column)
        column += 1
    return columns


def _read_table(
    sheet: Worksheet,
    period: str,
    observations: list[ObservationDraft],
    cells: list[ObservationCells],
    problems: list[ExcelProblem],
) -> None:
    areas = _area_columns(sheet)
    status_column = FIRST_AREA_COLUMN + len(areas)
    for row in range(FIRST_ROW, sheet.max_row + 1):
        indicator = _text(sheet.cell(row, INDICATOR_COLUMN).value)
        if not indicator:
            continue
        dimensions_text = _text(sheet.cell(row, DIMENSIONS_COLUMN).value)
        dimensions: list[tuple[str, str]] = []
        for part in filter(None, (p.strip() for p in dimensions_text.split(";"))):
            codelist, sep, code = part.partition("=")
            if not sep:
                problems.append(
                    ExcelProblem(
                        _address(sheet, row, DIMENSIONS_COLUMN),
                        "BAD_DISAGGREGATION",
                        f"{part!r} is not CODELIST=CODE",
                    )
                )
            dimensions.append((codelist.strip(), code.strip()))
        status_text = _text(sheet.cell(row, status_column).value)
        status = STATUS_BY_LABEL.get(status_text)
        comment = _text(sheet.cell(row, status_column + 1).value) or None
        for column in areas:
            raw = sheet.cell(row, column).value
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            value = _value_text(raw)
            address = _address(sheet, row, column)
            if value is None:
                problems.append(ExcelProblem(address, "NOT_A_NUMBER", f"{raw!r} is not a number"))
                continue
            observations.append(
                ObservationDraft(
                    indicator=indicator,
                    area=_text(sheet.cell(AREA_ROW, column).value),
                    period=period,
                    dimensions=tuple(dimensions),
                    value=value,
                    unit=_text(sheet.cell(row, UNIT_COLUMN).value),
                    status=status.value if status else (status_text or None),
                    comment=comment,
                )
            )
            cells.append(
                ObservationCells(
                    value=address,
                    indicator=_address(sheet, row, INDICATOR_COLUMN),
                    dimensions=_address(sheet, row, DIMENSIONS_COLUMN),
                    unit=_address(sheet, row, UNIT_COLUMN),
                    area=_address(sheet, AREA_ROW, column),
                    status=_address(sheet, row, status_column),
                    comment=_address(sheet, row, status_column + 1),
                )
            )


def locate(problems: Sequence[Problem], parsed: ExcelDraft) -> list[ExcelProblem]:
    """The submission's problems with their paths turned into cells of the workbook."""
    located = []
    for problem in problems:
        path = problem.path
        cell: str | None = None
        if path.startswith("observations["):
            index_text, _, rest = path[len("observations[") :].partition("]")
            if index_text.isdigit() and int(index_text) < len(parsed.cells):
                cell = parsed.cells[int(index_text)].of(rest.lstrip("."))
        elif path.startswith("sections["):
            index_text = path[len("sections[") :].partition("]")[0]
            if index_text.isdigit() and int(index_text) < len(parsed.section_cells):
                cell = parsed.section_cells[int(index_text)]
        elif path in parsed.info_cells:
            cell = parsed.info_cells[path]
        located.append(ExcelProblem(cell, str(problem.code), problem.message))
    return located


async def load_workbook_draft(
    parsed: ExcelDraft,
    *,
    session: AsyncSession,
    actor: str,
    validate_only: bool = False,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> ExcelLoadResult:
    """Submit a workbook's draft through `submit_report`; problems come back with cells.

    Nothing is written when any problem is found. Never commits.
    """
    outcome = await submit_report(
        parsed.draft,
        session=session,
        actor=actor,
        validate_only=validate_only,
        idempotency_key=idempotency_key,
        now=now,
    )
    return ExcelLoadResult(outcome, tuple(locate(outcome.problems, parsed)))
