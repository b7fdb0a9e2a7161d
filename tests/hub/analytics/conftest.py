"""The hub the analytics tests read: the seed catalog and the demo reports as they stood at
the end of 2025, loaded once per database backend for the whole package (a demo load takes
seconds), and helpers that read values back through GraphQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from catalog.mapping import load_source_catalog
from hub.app import create_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.demo import load_demo
from hub.metadata.store import import_catalog
from hub.settings import Settings
from tests.conftest import fresh_database, postgres_server
from tests.hub.api.conftest import graphql

DEMO_AS_OF = datetime(2025, 12, 31, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

OBSERVATIONS = """
query Values($indicator: String!, $after: String, $asOf: DateTime) {
  observations(filter: {indicators: [$indicator]}, first: 500, after: $after, asOf: $asOf) {
    pageInfo { hasNextPage endCursor }
    edges { node { areaCode period periodStart frequency value dimensions { dimension code } } }
  }
}
"""
AGGREGATE = """
query Aggregate($indicator: String!, $groupBy: [AggregateBy!]!, $areaLevel: AreaLevel,
                $frequency: Frequency, $byDimensions: [String!], $asOf: DateTime,
                $areas: [String!], $acrossReorganisation: Boolean! = false) {
  aggregate(indicator: $indicator, groupBy: $groupBy, areaLevel: $areaLevel,
            frequency: $frequency, byDimensions: $byDimensions, asOf: $asOf, areas: $areas,
            acrossReorganisation: $acrossReorganisation) {
    indicatorCode rule periodRule unitCode
    groups {
      areaCode areaLevel period value count derived sourceAreas
      dimensions { dimension code }
    }
  }
}
"""
AVAILABILITY = """
query Availability($indicator: String!, $areas: [String!]) {
  availability(indicator: $indicator, areas: $areas) {
    count
    areas { areaCode count }
    periods { period count }
    codes { dimension code count }
  }
}
"""


@pytest.fixture(scope="package")
async def demo_app(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Starlette]:
    url, name = await fresh_database(database_backend, tmp_path_factory.mktemp("aggregates"))
    await asyncio.to_thread(run_migrations, url)
    settings = Settings().with_database(url)
    engine = create_engine(settings)
    async with create_session_factory(engine)() as session:
        await import_catalog(load_source_catalog(), session=session)
        await load_demo(session=session, now=DEMO_AS_OF)
        await session.commit()
    await engine.dispose()
    app = create_app(settings)
    yield app
    await app.state.engine.dispose()
    if name is not None:
        await postgres_server().drop(name)


@pytest.fixture
async def client(demo_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=demo_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client


async def stored(
    client: httpx.AsyncClient, indicator: str, as_of: str | None = None
) -> list[dict[str, Any]]:
    """Every accepted value of `indicator`, read page by page through `observations`."""
    values: list[dict[str, Any]] = []
    after = None
    while True:
        body = await graphql(
            client, OBSERVATIONS, {"indicator": indicator, "after": after, "asOf": as_of}
        )
        page = body["data"]["observations"]
        values += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return values
        after = page["pageInfo"]["endCursor"]


async def aggregate(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    body = await graphql(client, AGGREGATE, variables)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["aggregate"]
    return result


def rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP).normalize()
