"""Excel forms: generated from the regime, filled with openpyxl as an agency would, imported
through the one validator; errors come back with their cells and nothing is stored."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from hub.app import create_app
from hub.cli import app as cli
from hub.errors import InvalidInputError, NotFoundError
from hub.metadata.store import load_catalog
from hub.observations.models import Observation, ObservationRevision
from hub.reporting.excel import build_form, form_bytes
from hub.reporting.excel_import import ExcelFormatError, load_workbook_draft, read_workbook
from hub.reporting.report_models import Report
from hub.settings import Settings
from tests.hub.reporting.catalog_fixture import (
    MINISTRY,
    NOW,
    PERIOD,
    PROVINCE,
    REGIME,
    store_catalog,
    submission_catalog,
)


def row_of(sheet: object, indicator: str, dimensions: str) -> int:
    for row in range(6, sheet.max_row + 1):  # type: ignore[attr-defined]
        if (
            sheet.cell(row, 1).value == indicator  # type: ignore[attr-defined]
            and (sheet.cell(row, 2).value or "") == dimensions  # type: ignore[attr-defined]
        ):
            return row
    raise AssertionError(f"no row {indicator} {dimensions}")


def test_the_form_has_labelled_rows_codes_hidden_and_validation_lists() -> None:
    book = build_form(submission_catalog(), REGIME, PERIOD, PROVINCE)

    assert book.sheetnames == ["Thông tin", "Đề cương", "Danh mục", "Biểu 01"]
    sheet = book["Biểu 01"]
    assert sheet["A3"].value == "table:B01"
    for column in ("A", "B", "G"):
        assert sheet.column_dimensions[column].hidden
    assert book["Danh mục"].sheet_state == "hidden"
    # POP by SEX (3 codes), REV, RATE by SEX (3): seven rows, in form order.
    assert [sheet.cell(r, 1).value for r in range(6, 13)] == ["POP"] * 3 + ["REV"] + ["RATE"] * 3
    pop_male = row_of(sheet, "POP", "SEX=M")
    assert sheet.cell(pop_male, 4).value == "Chỉ tiêu POP"
    assert sheet.cell(pop_male, 5).value == "Giới tính: Nam"
    assert sheet.cell(pop_male, 6).value == "người"  # the unit, stated per row
    assert sheet.cell(4, 8).value == "Khu vực P01" and sheet.cell(5, 8).value == "P01"
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations["H5"].startswith("'Danh mục'!$A$1")
    assert validations["I6:I12"].startswith("'Danh mục'!$B$1")
    assert book["Đề cương"].cell(6, 1).value == "S1"


@pytest.mark.parametrize(
    ("regime", "period", "agency", "error"),
    [
        ("NOPE", PERIOD, None, NotFoundError),
        (REGIME, "2025-Q1", None, InvalidInputError),
        (REGIME, "March", None, InvalidInputError),
        (REGIME, PERIOD, "NOBODY", NotFoundError),
        (REGIME, PERIOD, "BYT", InvalidInputError),  # not obliged
    ],
)
def test_bad_form_requests_are_refused(
    regime: str, period: str, agency: str | None, error: type[Exception]
) -> None:
    with pytest.raises(error):
        build_form(submission_catalog(), regime, period, agency)


def fill(data: bytes, values: dict[tuple[str, str], object], **cells: object) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book["Biểu 01"]
    for (indicator, dimensions), value in values.items():
        sheet.cell(row_of(sheet, indicator, dimensions), 8, value)
    for address, value in cells.items():
        sheet_name, _, cell = address.rpartition("_")
        book[{"B01": "Biểu 01", "OUT": "Đề cương"}[sheet_name]][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILLED = {
    ("POP", "SEX=T"): 1000,
    ("POP", "SEX=M"): 480.125,
    ("POP", "SEX=F"): "519.875",
    ("REV", ""): "1.000000000000000000000000000001",  # typed as text: read exactly
    ("RATE", "SEX=F"): 12.5,
}


async def stored(session: AsyncSession) -> dict[tuple[str, str], Decimal]:
    from hub.metadata import models as m

    rows = await session.execute(
        sa.select(m.Indicator.code, Observation.dimension_key, ObservationRevision.value)
        .join(Observation, Observation.id == ObservationRevision.observation_id)
        .join(m.Indicator, m.Indicator.id == Observation.indicator_id)
    )
    return {(code, key): value for code, key, value in rows.all()}


async def test_generated_filled_imported_stores_exactly_the_values(session: AsyncSession) -> None:
    catalog = await store_catalog(session)
    data = form_bytes(await load_catalog(session=session), REGIME, PERIOD, PROVINCE)
    filled = fill(data, FILLED, B01_I8="Ước tính", OUT_D6="Tình hình ổn định.")

    parsed = read_workbook(filled, regime=REGIME, period=PERIOD, agency=PROVINCE)
    result = await load_workbook_draft(parsed, session=session, actor="excel", now=NOW)

    assert result.ok, result.problems
    assert catalog.regimes[REGIME].code == REGIME
    assert await stored(session) == {key: Decimal(str(v)) for key, v in FILLED.items()}
    assert parsed.draft.sections == (("S1", "Tình hình ổn định."),)
    assert parsed.draft.observations[2].status == "estimated"  # POP SEX=F, row 8


async def test_a_wrong_code_is_reported_at_its_cell_and_nothing_is_stored(
    session: AsyncSession,
) -> None:
    await store_catalog(session)
    data = form_bytes(await load_catalog(session=session), REGIME, PERIOD, PROVINCE)
    sheet = load_workbook(io.BytesIO(data))["Biểu 01"]
    rev_row = row_of(sheet, "REV", "")
    rate_row = row_of(sheet, "RATE", "SEX=F")
    filled = fill(
        data,
        FILLED,
        B01_H5="P99",  # no such area: every value of the column is at fault
        **{f"B01_B{rate_row}": "SEX=X", f"B01_H{rev_row}": "12,5"},
    )

    parsed = read_workbook(filled, regime=REGIME, period=PERIOD, agency=PROVINCE)
    result = await load_workbook_draft(parsed, session=session, actor="excel", now=NOW)

    assert not result.ok
    where = {(p.cell, p.code) for p in result.problems}
    assert ("Biểu 01!H5", "UNKNOWN_AREA") in where
    assert (f"Biểu 01!B{rate_row}", "UNKNOWN_CODE") in where
    assert (f"Biểu 01!H{rev_row}", "VALUE_NOT_A_NUMBER") in where
    assert str(result.problems[0]).startswith("Biểu 01!")
    assert await stored(session) == {}
    assert (await session.scalar(sa.select(sa.func.count()).select_from(Report))) == 0


def test_a_workbook_of_another_report_or_no_form_is_refused() -> None:
    data = form_bytes(submission_catalog(), REGIME, PERIOD, PROVINCE)
    with pytest.raises(ExcelFormatError) as wrong:
        read_workbook(data, regime=REGIME, period="2025-M04", agency=PROVINCE)
    assert wrong.value.problems[0].cell == "Thông tin!B4"

    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(ExcelFormatError, match="no sheet"):
        read_workbook(out.getvalue(), regime=REGIME, period=PERIOD, agency=PROVINCE)
    with pytest.raises(ExcelFormatError, match="not an Excel"):
        read_workbook(b"indicator,area\n", regime=REGIME, period=PERIOD, agency=PROVINCE)


@pytest.fixture
async def stored_catalog(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()


async def test_the_form_downloads_by_url(settings: Settings, stored_catalog: None) -> None:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        response = await client.get(f"/forms/{REGIME}/{PERIOD}.xlsx", params={"agency": MINISTRY})
        missing = await client.get(f"/forms/NOPE/{PERIOD}.xlsx")
        bad_period = await client.get(f"/forms/{REGIME}/2025-Q1.xlsx")
    await app.state.engine.dispose()

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert load_workbook(io.BytesIO(response.content))["Biểu 01"].cell(5, 8).value == "VN"
    assert missing.status_code == 404 and "NOPE" in missing.text
    assert bad_period.status_code == 400 and "period" in bad_period.text


def test_hub_form_xlsx_and_hub_load_of_the_filled_form(
    database_url: str, stored_catalog: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    form = tmp_path / "form.xlsx"
    runner = CliRunner()
    args = ["--regime", REGIME, "--period", PERIOD, "--agency", PROVINCE]
    made = runner.invoke(cli, ["form", "xlsx", *args, "--output", str(form)])
    assert made.exit_code == 0, made.output

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(fill(form.read_bytes(), {("POP", "SEX=T"): "-"}))
    refused = runner.invoke(cli, ["load", str(bad), *args])
    assert refused.exit_code == 1
    assert "Biểu 01!H6" in refused.output and "nothing was written" in refused.output

    good = tmp_path / "good.xlsx"
    good.write_bytes(fill(form.read_bytes(), FILLED))
    loaded = runner.invoke(cli, ["load", str(good), *args])
    assert loaded.exit_code == 0, loaded.output
    assert "stored" in loaded.output and "5 observations" in loaded.output
