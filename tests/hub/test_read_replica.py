"""Reads routed to a replica (HUB_READ_DATABASE_URL), writes to the primary.

A second database stands in for the replica: it holds the same catalog, except that one area
is named differently there, so every answer says which database it was read from.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.app import create_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.metadata.models import Area
from hub.read_routing import PRIMARY_HEADER
from hub.reporting.report_models import Report
from hub.settings import Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME, store_catalog

AREA = """query { area(code: "P01") { name } }"""
SUBMIT = """
mutation($input: SubmitReportInput!) { submitReport(input: $input) { errors { code } created } }
"""
REPLICA_NAME = "Khu vực P01 (bản sao)"


@pytest.fixture
async def replica_url(empty_database_url: str) -> AsyncIterator[str]:
    """A database with the primary's catalog, one area renamed."""
    await asyncio.to_thread(run_migrations, empty_database_url)
    engine = create_engine(Settings(database_url=empty_database_url))
    async with create_session_factory(engine)() as session:
        await store_catalog(session)
        await session.execute(
            sa.update(Area).where(Area.code == "P01").values(name_vi=REPLICA_NAME)
        )
        await session.commit()
    await engine.dispose()
    yield empty_database_url


@pytest.fixture
async def client(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], replica_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    reporter = await issue_token(session_factory, "reporter", PROVINCE)
    app = create_app(replace(settings, read_database_url=replica_url))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub.test", headers=bearer(reporter)
    ) as client:
        yield client
    await app.state.engine.dispose()
    await app.state.read_engine.dispose()


async def _area_name(client: httpx.AsyncClient, **headers: str) -> Any:
    response = await client.post("/graphql", json={"query": AREA}, headers=headers)
    return response.json()["data"]["area"]["name"]


async def test_graphql_queries_read_the_replica(client: httpx.AsyncClient) -> None:
    assert await _area_name(client) == REPLICA_NAME


async def test_a_client_may_ask_to_read_the_primary(client: httpx.AsyncClient) -> None:
    assert await _area_name(client, **{PRIMARY_HEADER: "primary"}) == "Khu vực P01"


async def test_mutations_write_the_primary(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    report = {
        "regime": REGIME,
        "period": PERIOD,
        "agency": PROVINCE,
        "observations": [
            {
                "indicator": "POP",
                "area": "P01",
                "period": PERIOD,
                "dimensions": [{"dimension": "SEX", "code": "T"}],
                "value": "1000",
                "unit": "PERSON",
            }
        ],
    }

    response = await client.post("/graphql", json={"query": SUBMIT, "variables": {"input": report}})

    assert response.json()["data"]["submitReport"] == {"errors": [], "created": 1}
    async with session_factory() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1


async def test_linked_data_reads_the_replica(client: httpx.AsyncClient) -> None:
    response = await client.get("/id/area/P01", headers={"Accept": "text/turtle"})

    assert response.status_code == 200
    assert REPLICA_NAME in response.text


async def test_without_a_replica_everything_reads_the_primary(settings: Settings) -> None:
    app = create_app(settings)

    assert app.state.read_engine is app.state.engine
    await app.state.engine.dispose()


def test_the_replica_is_a_setting() -> None:
    env = {"HUB_READ_DATABASE_URL": "postgresql+asyncpg://hub@replica/hub"}

    assert Settings.from_env(env).read_database_url == env["HUB_READ_DATABASE_URL"]
    assert Settings.from_env({}).read_database_url is None
