"""SDMX-CSV 1.0 import: the layout `/sdmx/2.1/data/...` writes, read into a report draft.

    DATAFLOW,FREQ,INDICATOR,REF_AREA,SEX,URBAN,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS
    RH:BC-M(1.0),M,POP,P01,F,_Z,2025-M03,1000,PERSON,A

Columns by DSD id, in any order: INDICATOR, REF_AREA, TIME_PERIOD, OBS_VALUE and
UNIT_MEASURE are required; DATAFLOW (the regime's flow: `BC-M` or `RH:BC-M(1.0)`), FREQ
(checked against TIME_PERIOD), OBS_STATUS (A, E, P, F; empty = A) and OBS_COMMENT are
optional; every other column must be a disaggregation dimension of the regime's DSD, where
`_Z` or an empty cell means "not disaggregated by it". The draft then goes through
`submit_report` like any report (`hub.reporting.bulk.load_csv`): the same validator, row
numbers in its problems (the header is row 1), nothing written when anything is wrong.
"""

from __future__ import annotations

import csv
import io

from catalog.model import Catalog
from catalog.periods import PeriodError, period_frequency
from hub.reporting.bulk import MAX_FORMAT_PROBLEMS, CsvDraft, CsvFormatError, CsvProblem
from hub.reporting.drafts import ObservationDraft, SubmissionDraft
from hub.sdmx import structure as s

REQUIRED = (s.INDICATOR, s.REF_AREA, s.TIME_PERIOD, s.OBS_VALUE, s.UNIT_MEASURE)
OPTIONAL = ("DATAFLOW", s.FREQ, s.OBS_STATUS, "OBS_COMMENT")
_STATUS_NAMES = {code: flag.value for code, flag in s.STATUS_FLAGS.items()}


def read_sdmx_csv(
    data: bytes,
    catalog: Catalog,
    *,
    regime: str,
    period: str,
    agency: str,
    system: str | None = None,
) -> CsvDraft:
    """The draft of report (`regime`, `period`, `agency`) whose observations `data` holds.

    Raises `CsvFormatError` (rows and columns named) when the file is not SDMX-CSV of the
    regime's dataflow; codes and values are left to the validator.
    """
    flow = s.dataflow(catalog, regime)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvFormatError(
            [CsvProblem(line, None, "NOT_UTF8", f"byte {error.start} is not UTF-8")]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[CsvProblem] = []
    observations: list[ObservationDraft] = []
    rows: list[int] = []
    codes = _catalog_codes(catalog)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise CsvFormatError([CsvProblem(1, None, "EMPTY_FILE", "the file has no header")])
        columns = _columns([cell.strip() for cell in header], flow)
        flows = {flow.id, f"{s.MAINTENANCE_AGENCY}:{flow.id}({s.VERSION})"}
        last = reader.line_num
        for record in reader:
            line, last = last + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(
                    CsvProblem(
                        line,
                        None,
                        "RAGGED_ROW",
                        f"{len(record)} fields, the header has {len(header)}",
                    )
                )
            else:
                cells = {name: record[i].strip() for name, i in columns.items()}
                problem = _row_problem(line, cells, flows)
                if problem is not None:
                    problems.append(problem)
                else:
                    observations.append(_observation(cells, flow, codes))
                    rows.append(line)
            if len(problems) >= MAX_FORMAT_PROBLEMS:
                break
    except csv.Error as error:
        problems.append(CsvProblem(reader.line_num, None, "CSV_SYNTAX", str(error)))
    if problems:
        raise CsvFormatError(problems)
    if not observations:
        raise CsvFormatError([CsvProblem(None, None, "NO_ROWS", "the file has no observation")])
    draft = SubmissionDraft(
        regime=regime, period=period, agency=agency, system=system, observations=tuple(observations)
    )
    return CsvDraft(draft, tuple(rows))


def _catalog_codes(catalog: Catalog) -> dict[str, dict[str, str]]:
    """SDMX id -> catalog code, for indicators, areas and each codelist (ids have no '.')."""
    return {
        s.INDICATOR: {s.sdmx_id(c): c for c in catalog.indicators},
        s.REF_AREA: {s.sdmx_id(c): c for c in catalog.areas},
        s.UNIT_MEASURE: {s.sdmx_id(c): c for c in catalog.units},
        **{
            code: {s.sdmx_id(item.code): item.code for item in codelist.codes}
            for code, codelist in catalog.codelists.items()
        },
    }


def _columns(header: list[str], flow: s.Dataflow) -> dict[str, int]:
    disaggregations = {
        d.id for d in flow.structure.key_dimensions if d.role is s.ComponentRole.DISAGGREGATION
    }
    problems: list[CsvProblem] = []
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        if name in columns:
            problems.append(CsvProblem(1, name, "BAD_HEADER", f"column {name!r} appears twice"))
        elif name in REQUIRED or name in OPTIONAL or name in disaggregations:
            columns[name] = position
        else:
            known = ", ".join([*REQUIRED, *OPTIONAL, *sorted(disaggregations)])
            problems.append(
                CsvProblem(
                    1,
                    name or "(empty)",
                    "BAD_HEADER",
                    f"column {name!r} is not a component of {flow.structure.id} ({known})",
                )
            )
    for missing in (c for c in REQUIRED if c not in columns):
        problems.append(CsvProblem(1, missing, "BAD_HEADER", f"column {missing!r} is required"))
    if problems:
        raise CsvFormatError(problems)
    return columns


def _row_problem(line: int, cells: dict[str, str], flows: set[str]) -> CsvProblem | None:
    if cells.get("DATAFLOW") and cells["DATAFLOW"] not in flows:
        expected = " or ".join(sorted(flows))
        return CsvProblem(
            line, "DATAFLOW", "WRONG_DATAFLOW", f"{cells['DATAFLOW']!r} is not {expected}"
        )
    freq = cells.get(s.FREQ)
    if freq and cells[s.TIME_PERIOD]:
        try:
            actual = period_frequency(cells[s.TIME_PERIOD]).value
        except PeriodError:
            return None  # the validator names the bad period
        if freq != actual:
            return CsvProblem(
                line,
                s.FREQ,
                "FREQ_MISMATCH",
                f"FREQ {freq!r} does not match TIME_PERIOD {cells[s.TIME_PERIOD]!r} ({actual})",
            )
    return None


def _observation(
    cells: dict[str, str], flow: s.Dataflow, codes: dict[str, dict[str, str]]
) -> ObservationDraft:
    def code(kind: str, value: str) -> str:
        return codes.get(kind, {}).get(value, value)

    dimensions = []
    for dim in flow.structure.key_dimensions:
        value = cells.get(dim.id, "")
        if dim.catalog_codelist is not None and value not in ("", s.NOT_APPLICABLE):
            dimensions.append((dim.catalog_codelist, code(dim.catalog_codelist, value)))
    status = cells.get(s.OBS_STATUS) or None
    return ObservationDraft(
        indicator=code(s.INDICATOR, cells[s.INDICATOR]),
        area=code(s.REF_AREA, cells[s.REF_AREA]),
        period=cells[s.TIME_PERIOD],
        dimensions=tuple(dimensions),
        value=cells[s.OBS_VALUE],
        unit=code(s.UNIT_MEASURE, cells[s.UNIT_MEASURE]),
        status=_STATUS_NAMES.get(status, status) if status else None,
        comment=cells.get("OBS_COMMENT") or None,
    )
