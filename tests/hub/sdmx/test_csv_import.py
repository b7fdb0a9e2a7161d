"""SDMX-CSV import: what the data endpoint writes goes back in through `submit_report`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from hub.app import create_app
from hub.cli import app
from hub.observations.records import ObservationCriteria
from hub.observations.service import list_observations
from hub.reporting.bulk import CsvFormatError, load_csv
from hub.reporting.report_models import Report
from hub.sdmx.csv_import import read_sdmx_csv
from hub.settings import Settings
from tests.hub.access.token_fixture import bearer, issue_token
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


SUBMIT_SDMX_CSV = """
mutation Load($input: SubmitSdmxCsvInput!) {
  submitSdmxCsv(input: $input) {
    errors { path code message }
    observationCount created
    report { regimeCode agencyCode period status }
  }
}
"""


@pytest.fixture
async def reporter_client(
    settings: Settings, stored_catalog: None, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over the stored test catalog, called by a reporter of PROVINCE."""
    secret = await issue_token(session_factory, "reporter", PROVINCE)
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub.test", headers=bearer(secret)
    ) as client:
        yield client
    await app.state.engine.dispose()


async def _submit_sdmx_csv(client: httpx.AsyncClient, content: str) -> dict[str, Any]:
    variables = {
        "input": {"regime": REGIME, "period": "2025-M03", "agency": PROVINCE, "content": content}
    }
    response = await client.post(
        "/graphql", json={"query": SUBMIT_SDMX_CSV, "variables": variables}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["submitSdmxCsv"]
    return payload


async def _stored_values(session_factory: async_sessionmaker[AsyncSession]) -> dict[Any, Any]:
    async with session_factory() as session:
        rows, _ = await list_observations(
            ObservationCriteria(include_unaccepted=True), after=None, limit=100, session=session
        )
    return {(r.indicator, r.area, r.period, r.dimensions): (r.value, r.unit) for r in rows}


async def test_graphql_stores_an_sdmx_csv_export(
    running_hub: RunningHub,
    reporter_client: httpx.AsyncClient,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    exported = (await _export(running_hub, "M..P01..", "2025-M03")).decode()

    payload = await _submit_sdmx_csv(reporter_client, exported)

    assert payload["errors"] == []
    assert payload["observationCount"] == payload["created"] == 5
    assert payload["report"] == {
        "regimeCode": REGIME,
        "agencyCode": PROVINCE,
        "period": "2025-M03",
        "status": "SUBMITTED",
    }
    expected = {
        key: (Decimal(value), unit)
        for key, (value, unit, _) in EXPECTED.items()
        if key[1] == "P01" and key[2] == "2025-M03"
    }
    assert await _stored_values(session_factory) == expected


async def test_graphql_names_the_line_of_a_bad_code_and_stores_nothing(
    running_hub: RunningHub,
    reporter_client: httpx.AsyncClient,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    lines = (await _export(running_hub, "M.POP.P01..", "2025-M03")).decode().splitlines()
    lines[2] = lines[2].replace(",P01,", ",P99,")  # the second observation, line 3

    bad_code = await _submit_sdmx_csv(reporter_client, "\n".join(lines))
    bad_header = await _submit_sdmx_csv(reporter_client, "INDICATOR,NOPE\nPOP,1\n")

    assert [(e["path"], e["code"]) for e in bad_code["errors"]] == [
        ("content[3].area", "UNKNOWN_AREA")
    ]
    assert "P99" in bad_code["errors"][0]["message"]
    assert bad_code["report"] is None
    assert ("content[1].NOPE", "BAD_HEADER") in [
        (e["path"], e["code"]) for e in bad_header["errors"]
    ]
    assert await _stored_values(session_factory) == {}
