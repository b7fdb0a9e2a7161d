"""A regime's report form as an Excel workbook, for agencies that fill their reports in Excel.

`build_form(catalog, regime, period, agency)` lays the form out the way Decree 09 forms look
on paper, in Vietnamese, and `excel_import` reads a filled one back through the same
validator as every other way in. The layout is the contract between the two:

- sheet `Thông tin` (INFO_SHEET): regime, period and agency codes in column B (rows
  `INFO_ROWS`), with their names; the import checks them against what the loader is told.
- sheet `Đề cương` (OUTLINE_SHEET): one row per outline section from row `FIRST_ROW`: the
  section code (hidden column A), its title (B), guidance (C) and the text to fill (D).
- one sheet per data table, titled like the table (`Biểu 01`): one row per indicator and
  combination of the codes it must be disaggregated by, from row `FIRST_ROW`. Hidden
  columns hold the codes (A indicator, B disaggregation as `SEX=M;URBAN=U`, G unit); the
  visible ones the row number, indicator name, disaggregation labels and unit name. One
  value column per area from column H: the area name in the header row, its code in the
  `AREA_ROW` below (filled for an agency with a jurisdiction, else the nation; a list of
  area codes to choose from), then the status (a list) and comment columns. Cell A3 of
  a data sheet holds `table:<code>`, which is how the import finds the data sheets.
- a hidden sheet `Danh mục` with the lists the validations offer.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from catalog.model import AreaLevel, Catalog, Regime, TableItem
from catalog.periods import PeriodError, parse_period
from hub.errors import InvalidInputError, NotFoundError
from hub.observations.models import StatusFlag

INFO_SHEET = "Thông tin"
OUTLINE_SHEET = "Đề cương"
LISTS_SHEET = "Danh mục"
INFO_ROWS = {"regime": 3, "period": 4, "agency": 5}  # their code is in column B
TABLE_MARK = "table:"  # cell A3 of a data sheet: table:<code>
HEADER_ROW = 4
AREA_ROW = 5
FIRST_ROW = 6
INDICATOR_COLUMN, DIMENSIONS_COLUMN, UNIT_COLUMN = 1, 2, 7
FIRST_AREA_COLUMN = 8
STATUS_LABELS = {
    StatusFlag.NORMAL: "Chính thức",
    StatusFlag.ESTIMATED: "Ước tính",
    StatusFlag.PROVISIONAL: "Sơ bộ",
    StatusFlag.FORECAST: "Dự báo",
}
STATUS_BY_LABEL = {label: flag for flag, label in STATUS_LABELS.items()}
_BOLD = Font(bold=True)
_INPUT = PatternFill("solid", fgColor="FFF8DC")  # the cells an agency fills
_INVALID_TITLE = str.maketrans({c: "-" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class FormRow:
    """One row of a data sheet: an indicator and one combination of its required codes."""

    indicator: str
    dimensions: tuple[tuple[str, str], ...]  # (codelist, code), sorted by codelist
    label: str  # "Giới tính: Nam; Thành thị/nông thôn: Thành thị"


def dimension_text(dimensions: Sequence[tuple[str, str]]) -> str:
    """The hidden-cell spelling of a disaggregation: `SEX=M;URBAN=U` ("" for none)."""
    return ";".join(f"{codelist}={code}" for codelist, code in dimensions)


def sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name for `title`: at most 31 characters, none of []:*?/\\, unique."""
    base = title.translate(_INVALID_TITLE).strip("' ")[:31] or "Biểu"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def form_rows(catalog: Catalog, item: TableItem) -> list[FormRow]:
    """The rows of a table item: every combination of its required codelists' codes."""
    lists = [
        catalog.codelists[code] for code in sorted(item.dimensions) if code in catalog.codelists
    ]
    per_list = [sorted(codelist.codes, key=lambda c: c.order) for codelist in lists]
    rows = []
    for combination in itertools.product(*per_list):
        pairs = tuple((lst.code, code.code) for lst, code in zip(lists, combination, strict=True))
        label = "; ".join(
            f"{lst.name.vi}: {code.name.vi}" for lst, code in zip(lists, combination, strict=True)
        )
        rows.append(FormRow(item.indicator, pairs, label))
    return rows


def form_areas(catalog: Catalog, agency: str | None) -> list[str]:
    """The area columns: the agency's jurisdiction, or the nation (national agencies)."""
    if agency is not None and (jurisdiction := catalog.agencies[agency].jurisdiction):
        return [jurisdiction]
    nations = [a.code for a in catalog.areas.values() if a.level is AreaLevel.NATION]
    return nations[:1]


def _check(catalog: Catalog, regime_code: str, period: str, agency: str | None) -> Regime:
    regime = catalog.regimes.get(regime_code)
    if regime is None:
        raise NotFoundError("regime", regime_code, field="regime")
    if not regime.tables and not regime.outline:
        raise InvalidInputError(f"regime {regime_code} has no form", field="regime")
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        raise InvalidInputError(f"{period!r} is not a period: {error}", field="period") from None
    if parsed.frequency is not regime.frequency:
        raise InvalidInputError(
            f"{period} is not a {regime.frequency.name.lower()} period of {regime_code}",
            field="period",
        )
    if agency is not None:
        if agency not in catalog.agencies:
            raise NotFoundError("agency", agency, field="agency")
        if agency not in regime.reporting_agencies:
            raise InvalidInputError(
                f"agency {agency} does not report under {regime_code}", field="agency"
            )
    return regime


def build_form(catalog: Catalog, regime_code: str, period: str, agency: str | None) -> Workbook:
    """The workbook of `regime_code`'s form for `period` (and `agency`, when given).

    Raises `NotFoundError` for an unknown regime or agency and `InvalidInputError` for a
    period that is not one of the regime's or an agency the regime does not oblige.
    """
    regime = _check(catalog, regime_code, period, agency)
    period_code = parse_period(period).code
    book = Workbook()
    info = book.active
    info.title = INFO_SHEET
    _write_info(info, catalog, regime, period_code, agency)
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    area_codes = sorted(catalog.areas)
    for row, code in enumerate(area_codes, start=1):
        lists.cell(row, 1, code)
    for row, label in enumerate(STATUS_LABELS.values(), start=1):
        lists.cell(row, 2, label)
    area_list = f"'{LISTS_SHEET}'!$A$1:$A${max(len(area_codes), 1)}"
    status_list = f"'{LISTS_SHEET}'!$B$1:$B${len(STATUS_LABELS)}"
    taken = {INFO_SHEET.lower(), LISTS_SHEET.lower(), OUTLINE_SHEET.lower()}
    if regime.outline:
        _write_outline(book.create_sheet(OUTLINE_SHEET, 1), regime)
    areas = form_areas(catalog, agency)
    for table in regime.tables:
        sheet = book.create_sheet(sheet_title(table.title.vi, taken))
        rows = [
            row
            for item in table.items
            if item.indicator in catalog.indicators  # a withdrawn indicator has no row
            for row in form_rows(catalog, item)
        ]
        _write_table(sheet, catalog, regime, table.code, table.title.vi, period_code, rows, areas)
        _validate(sheet, area_list, status_list, len(areas), len(rows))
    return book


def form_bytes(catalog: Catalog, regime_code: str, period: str, agency: str | None) -> bytes:
    """`build_form` saved as .xlsx bytes."""
    out = io.BytesIO()
    build_form(catalog, regime_code, period, agency).save(out)
    return out.getvalue()


def _write_info(
    sheet: Worksheet, catalog: Catalog, regime: Regime, period: str, agency: str | None
) -> None:
    sheet["A1"] = f"BÁO CÁO: {regime.name.vi}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"Căn cứ: {regime.legal_basis}"
    agency_name = catalog.agencies[agency].name.vi if agency else "(điền mã đơn vị báo cáo)"
    values = {
        "regime": ("Mã chế độ báo cáo", regime.code, regime.name.vi),
        "period": ("Kỳ báo cáo", period, ""),
        "agency": ("Mã đơn vị báo cáo", agency or "", agency_name),
    }
    for key, row in INFO_ROWS.items():
        label, code, name = values[key]
        sheet.cell(row, 1, label).font = _BOLD
        sheet.cell(row, 2, code)
        sheet.cell(row, 3, name)
    sheet.cell(7, 1, "Điền số liệu vào các ô màu vàng; không sửa các cột mã ẩn.")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["C"].width = 60


def _write_outline(sheet: Worksheet, regime: Regime) -> None:
    sheet["B1"] = f"ĐỀ CƯƠNG BÁO CÁO: {regime.name.vi}"
    sheet["B1"].font = Font(bold=True, size=13)
    sheet["A3"] = "outline"
    for column, title in enumerate(("Mã mục", "Mục", "Hướng dẫn", "Nội dung báo cáo"), 1):
        sheet.cell(HEADER_ROW, column, title).font = _BOLD
    for row, section in enumerate(regime.outline, start=FIRST_ROW):
        sheet.cell(row, 1, section.code)
        sheet.cell(row, 2, section.title.vi)
        sheet.cell(row, 3, section.guidance.vi if section.guidance else "")
        cell = sheet.cell(row, 4)
        cell.fill = _INPUT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].hidden = True
    for letter, width in (("B", 36), ("C", 40), ("D", 80)):
        sheet.column_dimensions[letter].width = width


def _write_table(
    sheet: Worksheet,
    catalog: Catalog,
    regime: Regime,
    table: str,
    title: str,
    period: str,
    rows: Sequence[FormRow],
    areas: Sequence[str],
) -> None:
    sheet["C1"] = f"{title.upper()}: {regime.name.vi}"
    sheet["C1"].font = Font(bold=True, size=13)
    sheet["C2"] = f"Kỳ báo cáo: {period}"
    sheet["A3"] = f"{TABLE_MARK}{table}"
    status_column = FIRST_AREA_COLUMN + len(areas)
    headers = {
        INDICATOR_COLUMN: "Mã chỉ tiêu",
        DIMENSIONS_COLUMN: "Mã phân tổ",
        3: "STT",
        4: "Chỉ tiêu",
        5: "Phân tổ",
        6: "Đơn vị tính",
        UNIT_COLUMN: "Mã đơn vị tính",
        status_column: "Tình trạng số liệu",
        status_column + 1: "Ghi chú",
    }
    for position, area in enumerate(areas):
        headers[FIRST_AREA_COLUMN + position] = catalog.areas[area].name.vi
        code = sheet.cell(AREA_ROW, FIRST_AREA_COLUMN + position, area)
        code.fill = _INPUT
    sheet.cell(AREA_ROW, 6, "Mã địa bàn →").font = Font(italic=True)
    for column, text in headers.items():
        cell = sheet.cell(HEADER_ROW, column, text)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for number, row in enumerate(rows, start=1):
        r = FIRST_ROW + number - 1
        indicator = catalog.indicators[row.indicator]
        unit = catalog.units.get(indicator.unit)
        sheet.cell(r, INDICATOR_COLUMN, row.indicator)
        sheet.cell(r, DIMENSIONS_COLUMN, dimension_text(row.dimensions))
        sheet.cell(r, 3, number)
        sheet.cell(r, 4, indicator.name.vi)
        sheet.cell(r, 5, row.label)
        sheet.cell(r, 6, unit.name.vi if unit else indicator.unit)
        sheet.cell(r, UNIT_COLUMN, indicator.unit)
        for column in range(FIRST_AREA_COLUMN, status_column + 2):
            sheet.cell(r, column).fill = _INPUT
    for column in (INDICATOR_COLUMN, DIMENSIONS_COLUMN, UNIT_COLUMN):
        sheet.column_dimensions[get_column_letter(column)].hidden = True
    for column, width in ((3, 5), (4, 48), (5, 30), (6, 14), (status_column + 1, 30)):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for position in range(len(areas) + 1):
        sheet.column_dimensions[get_column_letter(FIRST_AREA_COLUMN + position)].width = 18
    sheet.freeze_panes = sheet.cell(FIRST_ROW, FIRST_AREA_COLUMN)


def _validate(
    sheet: Worksheet, area_list: str, status_list: str, area_count: int, row_count: int
) -> None:
    first, last = (
        get_column_letter(FIRST_AREA_COLUMN),
        get_column_letter(FIRST_AREA_COLUMN + area_count - 1),
    )
    areas = DataValidation(
        type="list",
        formula1=area_list,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Mã địa bàn",
        error="Chọn một mã địa bàn trong danh mục.",
    )
    areas.add(f"{first}{AREA_ROW}:{last}{AREA_ROW}")
    sheet.add_data_validation(areas)
    status_letter = get_column_letter(FIRST_AREA_COLUMN + area_count)
    status = DataValidation(
        type="list",
        formula1=status_list,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Tình trạng số liệu",
        error="Chọn: " + ", ".join(STATUS_LABELS.values()),
    )
    last_row = FIRST_ROW + max(row_count, 1) - 1
    status.add(f"{status_letter}{FIRST_ROW}:{status_letter}{last_row}")
    sheet.add_data_validation(status)
