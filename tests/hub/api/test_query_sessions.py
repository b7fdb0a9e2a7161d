"""Database connections of GraphQL requests: a query holds one only while a statement runs
(on PostgreSQL), the pool's size is a setting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette

from hub.db import create_engine
from hub.graphql.context import Context
from hub.graphql.fast.extension import in_shadow_run
from hub.settings import Settings
from tests.hub.api.conftest import graphql


@contextmanager
def pool_events(app: Starlette) -> Iterator[dict[str, int]]:
    """Checkouts, checkins and SELECT statements of the app's engine meanwhile (not counting
    the fast path's shadow runs of differential mode)."""
    seen = {"checkout": 0, "checkin": 0, "statements": 0}
    engine = app.state.engine.sync_engine

    def note(kind: str) -> Any:
        def listener(*args: Any) -> None:
            # Statements: SELECTs (SQLite's transactions add BEGIN and COMMIT of their own).
            counts = kind != "statements" or str(args[2]).lstrip().upper().startswith("SELECT")
            if counts and not in_shadow_run():
                seen[kind] += 1

        return listener

    listeners = [
        (engine.pool, "checkout", note("checkout")),
        (engine.pool, "checkin", note("checkin")),
        (engine, "before_cursor_execute", note("statements")),
    ]
    for target, name, listener in listeners:
        sa.event.listen(target, name, listener)
    try:
        yield seen
    finally:
        for target, name, listener in listeners:
            sa.event.remove(target, name, listener)


NESTED = "{ indicators(first: 5) { edges { node { code unit { code } agency { code } } } } }"


@pytest.mark.postgresql_only
async def test_a_query_gives_its_connection_back_after_each_statement(
    client: httpx.AsyncClient, catalog_app: Starlette
) -> None:
    with pool_events(catalog_app) as seen:
        body = await graphql(client, NESTED)

    assert "errors" not in body
    assert seen["statements"] >= 3  # the page, then the units and agencies of its rows
    assert seen["checkout"] == seen["checkin"] == seen["statements"]
    assert catalog_app.state.engine.pool.checkedout() == 0


@pytest.mark.parametrize("read_only", [True, False])
async def test_only_a_query_session_on_postgresql_releases_between_statements(
    catalog_app: Starlette, read_only: bool
) -> None:
    state = catalog_app.state
    context = Context(
        settings=state.settings,
        session_factory=state.request_session_factory,
        read_only=read_only,
    )
    with pool_events(catalog_app) as seen:
        await context.session.execute(sa.select(sa.literal(1)))
        await context.session.scalar(sa.select(sa.literal(2)))
        await context.close()

    releases = read_only and state.engine.dialect.name == "postgresql"
    assert seen["statements"] == 2
    assert seen["checkout"] == seen["checkin"] == (2 if releases else 1)


def test_the_pool_size_is_a_setting(tmp_path: Any) -> None:
    settings = Settings.from_env(
        {
            "HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pool.sqlite3'}",
            "HUB_DB_POOL_SIZE": "3",
            "HUB_DB_MAX_OVERFLOW": "0",
        }
    )
    engine = create_engine(settings)

    assert (settings.db_pool_size, settings.db_max_overflow) == (3, 0)
    assert engine.pool.size() == 3  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 0  # type: ignore[attr-defined]
    assert Settings.from_env({}).db_pool_size == 20
