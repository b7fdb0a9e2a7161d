"""A hub under attack, shared by the hostile-input tests of one backend.

One database per backend and run holds the small submission catalog
(`tests/hub/reporting/catalog_fixture.py`), a token of every role and a registered Ed25519
key of the province; tests write to it (every case that writes uses its own report version or
entity) and compare row counts around what must write nothing. The rate limit is lifted: a
few hundred requests in a minute are the point here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from hub.access.signatures import register_key
from hub.app import create_app
from hub.db import create_engine, create_session_factory, import_models, run_migrations
from hub.settings import Limits, Settings
from tests.conftest import fresh_database, postgres_server
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.reporting.catalog_fixture import MINISTRY, PROVINCE, store_catalog
from tests.hub.security.keys import SigningKey, make_key

ROLES = {
    "admin": None,
    "reporter": PROVINCE,
    "reviewer": "VPCP",
    "curator": None,
    "reader": None,
    "ministry": MINISTRY,  # a reporter of the ministry
}


@dataclass
class Hub:
    """The app, a client of it, a token per role, and a look into its database."""

    settings: Settings
    app: Starlette
    client: httpx.AsyncClient
    session_factory: async_sessionmaker[AsyncSession]
    tokens: dict[str, dict[str, str]]
    key: SigningKey
    key_id: str

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, role: str | None = None
    ) -> httpx.Response:
        """POST one operation as `role` (anonymous when None)."""
        return await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.tokens[role] if role else None,
        )

    async def row_counts(self) -> dict[str, int]:
        """Rows of every table: equal before and after a request that must write nothing."""
        counts = sa.union_all(
            *(
                sa.select(
                    sa.literal(t.name).label("name"), sa.func.count().label("rows")
                ).select_from(t)
                for t in import_models().sorted_tables
            )
        )
        async with self.session_factory() as session:
            rows = (await session.execute(counts)).all()
        return {name: int(count) for name, count in rows}

    async def scalar(self, statement: sa.Select[Any]) -> Any:
        async with self.session_factory() as session:
            return await session.scalar(statement)


@asynccontextmanager
async def serve_hub(backend: str, directory: Path) -> AsyncIterator[Hub]:
    """A hub over a database of its own: the small catalog, a token per role, a key."""
    url, name = await fresh_database(backend, directory)
    await asyncio.to_thread(run_migrations, url)
    settings = replace(Settings().with_database(url), limits=Limits(requests_per_minute=1_000_000))
    engine = create_engine(settings)
    session_factory = create_session_factory(engine)
    key = make_key("ED25519")
    async with session_factory() as session:
        await store_catalog(session)
        registered = await register_key(
            session=session, agency=PROVINCE, public_key=key.public, algorithm=None, actor="test"
        )
        key_id = registered.fingerprint
        await session.commit()
    tokens = {
        role: bearer(
            await issue_token(session_factory, role.replace("ministry", "reporter"), agency)
        )
        for role, agency in ROLES.items()
    }
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield Hub(settings, app, client, session_factory, tokens, key, key_id)
    finally:
        await app.state.engine.dispose()
        await engine.dispose()
        if name is not None:
            await postgres_server().drop(name)


@pytest.fixture(scope="session")
async def hostile_hub(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Hub]:
    """The hub the hostile-input tests share (they keep to their own rows)."""
    async with serve_hub(database_backend, tmp_path_factory.mktemp("hostile")) as hub:
        yield hub
