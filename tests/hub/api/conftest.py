"""A hub serving the seed catalog, shared read-only by the API tests of one backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette

from catalog.mapping import load_source_catalog
from hub.app import create_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.graphql.fast.extension import in_shadow_run
from hub.metadata.store import import_catalog
from hub.settings import Settings
from tests.conftest import fresh_database, postgres_server


@pytest.fixture(scope="session")
async def catalog_settings(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Settings]:
    """Settings of a database of its own holding the seed catalog (never written by tests)."""
    url, name = await fresh_database(database_backend, tmp_path_factory.mktemp("catalog"))
    await asyncio.to_thread(run_migrations, url)
    settings = Settings().with_database(url)
    engine = create_engine(settings)
    async with create_session_factory(engine)() as session:
        await import_catalog(load_source_catalog(), session=session)
        await session.commit()
    await engine.dispose()
    yield settings
    if name is not None:
        await postgres_server().drop(name)


@pytest.fixture(scope="session")
async def catalog_app(catalog_settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(catalog_settings)
    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def client(catalog_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client driving the real ASGI app."""
    transport = httpx.ASGITransport(app=catalog_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client


class StatementCounter:
    """Counts the SQL statements an engine executes while active (not those of the fast
    path's shadow runs: the suite runs in differential mode, `hub.graphql.fast`)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        if not in_shadow_run():
            self.count += 1


@contextmanager
def counting_statements(app: Starlette) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    with _listening(app, counter):
        yield counter


@contextmanager
def statements_run(app: Starlette) -> Iterator[list[str]]:
    """The SQL `app` runs meanwhile, in order (shadow runs included)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    with _listening(app, note):
        yield seen


@contextmanager
def _listening(app: Starlette, listener: Any) -> Iterator[None]:
    engine = app.state.engine.sync_engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST a GraphQL document (with `headers`, e.g. a bearer token); never a 5xx."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    return body


SOURCES = Path(__file__).resolve().parents[3] / "catalog" / "sources"
