"""SDMX-CSV import: what the data endpoint writes goes back in through `submit_report`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from hub.cli import app
from hub.observations.records import ObservationCriteria
from hub.observations.service import list_observations
from hub.reporting.bulk import CsvFormatError, load_csv
from hub.reporting.report_models import Report
from hub.sdmx.csv_import import read_sdmx_csv
from tests.hub.reporting.catalog_fixture import NOW, PROVINCE, REGIME, store_catalog
from tests.hub.sdmx.conftest import EXPECTED, RunningHub

CSV = "application/vnd.sdmx.data+csv;version=1.0.0"


async def _export(running_hub: RunningHub, key: str, period: str) -> bytes:
    async with httpx.AsyncClient(base_url=running_hub.sdmx) as http:
        response = await http.get(
            f"/data/{REGIME}/{key}",
            params={"startPeriod": period, "endPeriod": period},
            headers={"Accept": CSV},
        )
    assert response.status_code == 200, response.text
    return response.content


async def test_export_then_import_stores_the_same_values(
    running_hub: RunningHub, session: AsyncSession
) -> None:
    exported = await _export(running_hub, "M..P01..", "2025-M03")
    catalog = await store_catalog(session)
    parsed = read_sdmx_csv(exported, catalog, regime=REGIME, period="2025-M03", agency=PROVINCE)
    result = await load_csv(parsed, session=session, actor="test", now=NOW)
    assert result.ok, result.problems
    rows, _ = await list_observations(
        ObservationCriteria(include_unaccepted=True), after=None, limit=100, session=session
    )
    stored = {(r.indicator, r.area, r.period, r.dimensions): (r.value, r.unit) for r in rows}
    expected = {
        key: (Decimal(value), unit)
        for key, (value, unit, _) in EXPECTED.items()
        if key[1] == "P01" and key[2] == "2025-M03"
    }
    assert stored == expected
    statuses = {r.indicator: r.status_flag.value for r in rows}
    assert statuses["RATE"] == "estimated"


async def test_a_bad_code_is_reported_with_its_row_and_nothing_is_stored(
    running_hub: RunningHub, session: AsyncSession
) -> None:
    exported = (await _export(running_hub, "M.POP.P01..", "2025-M03")).decode()
    lines = exported.splitlines()
    lines[2] = lines[2].replace(",P01,", ",P99,")  # the second observation, row 3
    catalog = await store_catalog(session)
    parsed = read_sdmx_csv(
        "\n".join(lines).encode(), catalog, regime=REGIME, period="2025-M03", agency=PROVINCE
    )
    result = await load_csv(parsed, session=session, actor="test", now=NOW)
    assert not result.ok
    assert [(p.row, p.field) for p in result.problems] == [(3, "area")]
    assert "P99" in result.problems[0].message
    rows, total = await list_observations(
        ObservationCriteria(include_unaccepted=True), after=None, limit=10, session=session
    )
    assert rows == [] and total == 0


@pytest.mark.parametrize(
    ("text", "row", "field", "code"),
    [
        ("INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,AGE\n", 1, "AGE", "BAD_HEADER"),
        ("INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\n", 1, "UNIT_MEASURE", "BAD_HEADER"),
        (
            "DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\n"
            "RH:OTHER(1.0),POP,P01,2025-M03,1,PERSON\n",
            2,
            "DATAFLOW",
            "WRONG_DATAFLOW",
        ),
        (
            "FREQ,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\n"
            "Q,POP,P01,2025-M03,1,PERSON\n",
            2,
            "FREQ",
            "FREQ_MISMATCH",
        ),
    ],
)
async def test_a_file_that_is_not_the_flow_s_sdmx_csv_is_refused(
    session: AsyncSession, text: str, row: int, field: str, code: str
) -> None:
    catalog = await store_catalog(session)
    with pytest.raises(CsvFormatError) as raised:
        read_sdmx_csv(text.encode(), catalog, regime=REGIME, period="2025-M03", agency=PROVINCE)
    problem = raised.value.problems[0]
    assert (problem.row, problem.field, problem.code) == (row, field, code)


@pytest.fixture
async def stored_catalog(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[None]:
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    yield
    async with session_factory() as session:  # let the tables be emptied (report <-> version)
        await session.execute(sa.update(Report).values(current_version_id=None))
        await session.commit()


def test_hub_load_reads_sdmx_csv(
    database_url: str,
    stored_catalog: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    running_hub: RunningHub,
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    response = httpx.get(
        f"{running_hub.sdmx}/data/{REGIME}/M..P01..?startPeriod=2025-M03&endPeriod=2025-M03",
        headers={"Accept": CSV},
    )
    path = tmp_path / "report.csv"
    path.write_bytes(response.content)
    arguments = ["load", str(path), "--regime", REGIME, "--period", "2025-M03"]
    arguments += ["--agency", PROVINCE, "--format", "sdmx-csv"]

    result = CliRunner().invoke(app, arguments)
    wrong = CliRunner().invoke(app, [*arguments[:-1], "xlsx"])

    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "stored: BC-M/UBND-01/2025-M03 version 1, 5 observations" in output
    assert wrong.exit_code == 2 and "expected csv or sdmx-csv" in wrong.output
