"""Configured limits through the real app: each exceeded one is a clear error, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from hub.access.rate_limit import SlidingWindow
from hub.app import create_app
from hub.settings import Limits, Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME, store_catalog

ME = "{ me { tokenId } }"
SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } report { id } }
}
"""

AppFactory = Callable[..., Any]


@pytest.fixture
async def hub(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[AppFactory]:
    """`await hub(introspection=False, requests_per_minute=3)`: a client of a hub with those
    settings and limits, over the small submission catalog."""
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    apps: list[Starlette] = []
    clients: list[httpx.AsyncClient] = []

    async def build(introspection: bool = True, **limits: int) -> httpx.AsyncClient:
        app = create_app(replace(settings, introspection=introspection, limits=Limits(**limits)))
        apps.append(app)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hub.test"
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()
    for app in apps:
        await app.state.engine.dispose()


async def _post(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> httpx.Response:
    return await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


async def test_requests_over_the_rate_are_429_with_retry_after_per_token(
    hub: AppFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    client = await hub(requests_per_minute=3)
    first = bearer(await issue_token(session_factory, "reader", name="first"))
    second = bearer(await issue_token(session_factory, "reader", name="second"))

    allowed = [(await _post(client, ME, first)).status_code for _ in range(3)]
    refused = await _post(client, ME, first)
    other_token = await _post(client, ME, second)
    anonymous = await _post(client, ME)

    assert allowed == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert "3 requests per minute" in error["message"] and "first" in error["message"]
    assert other_token.status_code == 200 and anonymous.status_code == 200


async def test_anonymous_callers_are_limited_by_address(hub: AppFactory) -> None:
    client = await hub(requests_per_minute=2)

    codes = [(await client.get("/")).status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_the_window_slides() -> None:
    now = [0.0]
    window = SlidingWindow(2, seconds=60.0, clock=lambda: now[0])

    hits = [window.hit("k"), window.hit("k"), window.hit("k")]
    now[0] = 30.0
    still = window.hit("k")
    now[0] = 60.5
    again = window.hit("k")

    assert hits == [None, None, 60] and still == 30 and again is None


async def test_introspection_can_be_turned_off(hub: AppFactory) -> None:
    closed = await hub(introspection=False)
    open_ = await hub()

    refused = await _post(closed, "{ __schema { queryType { name } } }")
    answered = await _post(open_, "{ __schema { queryType { name } } }")
    ordinary = await _post(closed, "{ me { tokenId } }")

    assert refused.status_code == 200 and refused.json()["data"] is None
    assert "introspection has been disabled" in refused.json()["errors"][0]["message"].lower()
    assert answered.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    assert ordinary.json() == {"data": {"me": None}}


async def test_observations_per_report_are_bounded(
    hub: AppFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    client = await hub(max_observations_per_report=2)
    reporter = bearer(await issue_token(session_factory, "reporter", PROVINCE))
    observations = [
        {
            "indicator": "POP",
            "area": area,
            "period": PERIOD,
            "dimensions": [{"dimension": "SEX", "code": "T"}],
            "value": "1",
            "unit": "PERSON",
        }
        for area in ("P01", "P01-C1", "VN")
    ]
    report = {"regime": REGIME, "period": PERIOD, "agency": PROVINCE}

    refused = await _post(client, SUBMIT, reporter, input={**report, "observations": observations})
    allowed = await _post(
        client, SUBMIT, reporter, input={**report, "observations": observations[:2]}
    )

    payload = refused.json()["data"]["submitReport"]
    assert refused.status_code == 200 and payload["report"] is None
    assert [e["code"] for e in payload["errors"]] == ["TOO_MANY_OBSERVATIONS"]
    assert "2" in payload["errors"][0]["message"]
    assert allowed.json()["data"]["submitReport"]["errors"] == []


@pytest.mark.parametrize(
    ("limits", "query", "words"),
    [
        (
            {"max_query_depth": 3},
            "{ indicators { edges { node { unit { code } } } } }",
            "depth",
        ),
        (
            {"max_query_tokens": 20},
            "{ me { " + "tokenId " * 30 + "} }",
            "token",
        ),
        (
            {"max_query_aliases": 2},
            "{ a: me { tokenId } b: me { tokenId } c: me { tokenId } }",
            "alias",
        ),
        ({"max_page_size": 5}, "{ agencies(first: 6) { edges { node { code } } } }", "first"),
    ],
)
async def test_query_limits_are_clear_errors_not_500s(
    hub: AppFactory, limits: dict[str, int], query: str, words: str
) -> None:
    client = await hub(**limits)

    response = await _post(client, query)

    assert response.status_code == 200, response.text
    error = response.json()["errors"][0]
    assert response.json()["data"] is None
    assert words in error["message"].lower()
    assert error.get("extensions", {}).get("code") != "INTERNAL_ERROR"
