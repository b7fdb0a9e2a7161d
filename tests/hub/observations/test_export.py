"""CSV export: the stored values exactly, labels in vi or en, streamed page by page."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import hub.observations.export as export
from hub.app import create_app
from hub.observations.records import ObservationCriteria
from hub.reporting.submission import submit_report
from hub.reporting.workflow import accept_report
from hub.settings import Settings
from tests.hub.reporting.catalog_fixture import NOW, draft, observation, store_catalog

VALUES = {
    ("POP", "SEX=T"): "1000",
    ("POP", "SEX=M"): "480.125",
    ("POP", "SEX=F"): "519.875",
    ("REV", ""): "1.000000000000000000000000000001",  # more digits than a float or Decimal ctx
    ("RATE", "SEX=F"): "12.5",
}


@pytest.fixture
async def client(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with session_factory() as session:
        await store_catalog(session)
        observations = [
            observation(
                indicator,
                dimensions=tuple(tuple(key.split("=")) for key in [dims] if key),  # type: ignore[misc]
                value=value,
                unit={"POP": "PERSON", "REV": "BVND", "RATE": "PCT"}[indicator],
                status="estimated" if indicator == "RATE" else None,
            )
            for (indicator, dims), value in VALUES.items()
        ]
        outcome = await submit_report(draft(*observations), session=session, actor="t", now=NOW)
        assert outcome.ok, outcome.problems
        assert outcome.report is not None
        await accept_report(outcome.report.id, session=session, actor="reviewer", now=NOW)
        await session.commit()
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client
    await app.state.engine.dispose()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_rows_are_the_stored_values_exactly(client: httpx.AsyncClient) -> None:
    response = await client.get("/export/observations.csv")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    exported = rows(response.text)
    assert {(r["indicator"], r["disaggregation"]): r["value"] for r in exported} == VALUES
    assert all(
        Decimal(r["value"]) == Decimal(VALUES[r["indicator"], r["disaggregation"]])
        for r in exported
    )
    rate = next(r for r in exported if r["indicator"] == "RATE")
    assert rate["status"] == "estimated" and rate["unit"] == "PCT" and rate["period"] == "2025-M03"
    assert rate["area"] == "P01" and rate["frequency"] == "M" and rate["revision"] == "1"


async def test_lang_switches_labels(client: httpx.AsyncClient) -> None:
    vi = rows((await client.get("/export/observations.csv", params={"indicator": "POP"})).text)
    en = rows(
        (
            await client.get("/export/observations.csv", params={"indicator": "POP", "lang": "en"})
        ).text
    )

    assert {r["area_name"] for r in vi} == {"Khu vực P01"}
    assert {r["area_name"] for r in en} == {"Area P01"}
    assert {r["indicator_name"] for r in vi} == {"Chỉ tiêu POP"}
    assert {r["unit_name"] for r in vi} == {"người"}
    assert {r["disaggregation_name"] for r in vi} == {
        "Giới tính: Tổng",
        "Giới tính: Nam",
        "Giới tính: Nữ",
    }
    assert [r["value"] for r in vi] == [r["value"] for r in en]


async def test_filters_narrow_the_export(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/export/observations.csv",
        params=[("indicator", "POP,RATE"), ("dim", "SEX:F"), ("from", "2025-M01"), ("to", "2025")],
    )

    assert {(r["indicator"], r["value"]) for r in rows(response.text)} == {
        ("POP", "519.875"),
        ("RATE", "12.5"),
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lang": "fr"}, "lang"),
        ({"from": "2025-13"}, "from"),
        ({"asOf": "2025-01-01T00:00:00"}, "asOf"),
        ({"asOf": "yesterday"}, "asOf"),
        ({"frequency": "X"}, "frequency"),
        ({"dim": "SEX"}, "dim"),
        ({"status": "final"}, "status"),
        ({"indicatr": "POP"}, "indicatr"),
    ],
)
async def test_bad_parameters_get_400_naming_them(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await client.get("/export/observations.csv", params=params)

    assert response.status_code == 400
    assert field in response.text


async def test_a_large_export_streams_in_pages(
    client: httpx.AsyncClient,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with session_factory() as session:
        chunks = [
            chunk
            async for chunk in export.export_pages(
                export.ExportQuery(ObservationCriteria()), session=session, page=2
            )
        ]
    monkeypatch.setattr(export, "PAGE", 2)
    response = await client.get("/export/observations.csv")

    assert len(chunks) == 1 + 3  # the header, then pages of 2, 2 and 1 observations
    assert [len(rows(chunks[0] + chunk)) for chunk in chunks[1:]] == [2, 2, 1]
    assert response.text == "".join(chunks)
