"""An aggregate's catalog lookups are checked by the data stamp its own statement carries
(`hub.metadata.read_cache.optimistically`): no reading of the stamp of its own, and a
definition another worker changed is read at once, whichever way it changes the answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette

from catalog.model import AggregationRule
from hub.db import create_engine, create_session_factory
from hub.graphql.fast.extension import is_differential, set_differential
from hub.metadata.indicator_models import Indicator, IndicatorVersion, VersionStatus
from hub.settings import Settings
from tests.hub.analytics.conftest import AGGREGATE, aggregate
from tests.hub.api.conftest import graphql, statements_run

EXPORTS = {
    "indicator": "HUB-EXPORTS",
    "groupBy": ["PERIOD"],
    "areaLevel": "NATION",
    "frequency": "ANNUAL",
}


@pytest.fixture(autouse=True)
def one_run_per_query() -> Iterator[None]:
    """The differential mode off, as in production: its two runs of a query share the
    request's session, and the second would find the stamp the first read (the fast lane
    answers these queries; the standard path runs the same `aggregation`)."""
    differential = is_differential()
    set_differential(False)
    try:
        yield
    finally:
        set_differential(differential)


def without_begin(statements: list[str]) -> list[str]:
    """But SQLite's BEGIN: a query's session there keeps one transaction."""
    return [s for s in statements if s.strip() != "BEGIN"]


@asynccontextmanager
async def another_worker(app: Starlette) -> AsyncIterator[Any]:
    """Sessions of an engine of their own over the app's database, as another process's."""
    url = app.state.engine.url.render_as_string(hide_password=False)
    engine = create_engine(Settings().with_database(url))
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


def published_rule(code: str, rule: AggregationRule) -> sa.Update:
    """The published definition of `code` combines areas by `rule`."""
    indicator = sa.select(Indicator.id).where(Indicator.code == code).scalar_subquery()
    return (
        sa.update(IndicatorVersion)
        .where(
            IndicatorVersion.indicator_id == indicator,
            IndicatorVersion.status == VersionStatus.PUBLISHED,
        )
        .values(aggregation=rule)
    )


async def set_rule(sessions: Any, code: str, rule: AggregationRule) -> None:
    """`published_rule`, committed by a hub session: the data stamp changes."""
    async with sessions() as session:
        await session.execute(published_rule(code, rule))
        await session.commit()


async def set_rule_untracked(app: Starlette, code: str, rule: AggregationRule) -> None:
    """`published_rule`, committed outside the hub's sessions: the data stamp stays."""
    async with app.state.engine.begin() as connection:
        await connection.execute(published_rule(code, rule))


async def test_a_warm_aggregate_reads_the_stamp_in_its_own_statement(
    client: httpx.AsyncClient, demo_app: Starlette
) -> None:
    first = await aggregate(client, **EXPORTS)  # the definition looked up and kept

    with statements_run(demo_app) as seen:
        again = await aggregate(client, **EXPORTS)
    ran = without_begin(seen)

    assert again == first and first["groups"]
    assert len(ran) == 1, ran
    assert "hub_stamp_version" in ran[0] and "data_version" in ran[0]


async def test_an_empty_aggregate_reads_the_stamp_after_its_statement(
    client: httpx.AsyncClient, demo_app: Starlette
) -> None:
    await aggregate(client, **EXPORTS)
    with statements_run(demo_app) as seen:
        empty = await aggregate(client, **EXPORTS, asOf="2000-01-01T00:00:00+07:00")
    ran = without_begin(seen)

    assert empty["groups"] == []
    assert len(ran) == 2, ran
    assert "hub_stamp_version" in ran[0]
    assert "data_version" in ran[1] and "hub_stamp_version" not in ran[1]


async def test_a_definition_changed_by_another_worker_is_read_at_once(
    client: httpx.AsyncClient, demo_app: Starlette
) -> None:
    summed = await aggregate(client, **EXPORTS)  # SUM kept under the current stamp
    async with another_worker(demo_app) as sessions:
        try:
            # The kept SUM would still answer; the statement's stamp says it is stale.
            await set_rule(sessions, "HUB-EXPORTS", AggregationRule.NONE)
            refused = await graphql(client, AGGREGATE, EXPORTS)
            # Now NONE is kept, and refuses before any statement: the stamp read after says
            # it is stale, and the aggregate runs again.
            await set_rule(sessions, "HUB-EXPORTS", AggregationRule.SUM)
            summed_again = await aggregate(client, **EXPORTS)
        finally:
            await set_rule(sessions, "HUB-EXPORTS", AggregationRule.SUM)

    assert refused["data"] is None or refused["data"]["aggregate"] is None, refused
    assert refused["errors"][0]["extensions"]["code"] == "NOT_AGGREGABLE", refused
    assert summed_again == summed


async def test_an_aggregate_under_an_unchanged_stamp_keeps_its_lookups(
    client: httpx.AsyncClient, demo_app: Starlette
) -> None:
    # A write behind the hub's back leaves the stamp: the kept definition still answers,
    # which shows the lookups are kept, and that the stamp is what checks them.
    summed = await aggregate(client, **EXPORTS)
    await set_rule_untracked(demo_app, "HUB-EXPORTS", AggregationRule.NONE)
    try:
        kept = await aggregate(client, **EXPORTS)
    finally:
        await set_rule_untracked(demo_app, "HUB-EXPORTS", AggregationRule.SUM)

    assert kept == summed
