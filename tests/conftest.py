"""Database fixtures: every test that asks for one runs on SQLite and, when configured, PostgreSQL.

Backends. SQLite (a temporary file) always; PostgreSQL when `HUB_TEST_POSTGRES_URL` points at
a server whose user may create databases, e.g.
`postgresql+asyncpg://postgres@127.0.0.1:5432/postgres`. Each test run creates its own
uniquely named databases there and drops them at the end. With `HUB_TEST_REQUIRE_POSTGRES=1`
(CI) a missing URL fails the PostgreSQL tests instead of leaving them out.

Each database is migrated once per run (`alembic upgrade head`, as `hub migrate` does). Tests
keep apart in one of two ways; pick by what the test drives:

- `session`: an `AsyncSession` inside a transaction that is rolled back after the test, so
  nothing is left behind (a `commit()` in the code under test only releases a SAVEPOINT).
  For service tests. It sees only its own writes: do not mix it with the fixtures below.
- `database_url` / `settings` / `session_factory`: the real database, committed to for real
  (API tests: `create_app(settings)`; seed through `session_factory`). Every table is
  emptied after the test.

    async def test_import(session): ...                        # rolled back
    async def test_api(settings, session_factory):             # committed, then emptied
        async with session_factory() as s:
            await import_catalog(catalog, session=s)
            await s.commit()
        app = create_app(settings) ...

Also: `database_backend` ("sqlite" / "postgresql"), `engine` (one per backend and run) and
`empty_database_url` (a fresh, unmigrated database of its own, for migration tests). A conftest
that needs a database of its own for a whole run (a read-only seeded catalog, say) uses
`fresh_database(backend, directory)`, `hub.db.run_migrations(url)` and, for PostgreSQL,
`postgres_server().drop(name)` at the end.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from hub.db import create_engine, create_session_factory, import_models, run_migrations
from hub.graphql.fast import extension as fast_path
from hub.settings import Settings

# Differential mode for the whole run: every query the suite sends to a hub is answered by
# the standard executor and, where a plan covers it, by the fast path too; any difference
# fails the test that sent it (`hub.graphql.fast.extension`).
fast_path.set_differential(True)

pytest_plugins = ["tests.hang_report"]

POSTGRES_URL = os.environ.get("HUB_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("HUB_TEST_REQUIRE_POSTGRES", "") == "1"
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL or REQUIRE_POSTGRES else ["sqlite"]


class PostgresServer:
    """Creates and drops throwaway databases on the server of `HUB_TEST_POSTGRES_URL`."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql+asyncpg")

    def database_url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    async def _execute(self, statement: str) -> None:
        engine = create_engine(
            Settings(database_url=self.database_url(self.url.database or "postgres")),
            isolation_level="AUTOCOMMIT",  # CREATE / DROP DATABASE refuse to run in a transaction
            poolclass=NullPool,
        )
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    async def create(self) -> str:
        name = f"hub_test_{uuid.uuid4().hex[:12]}"
        await self._execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        return name

    async def drop(self, name: str) -> None:
        await self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_server() -> PostgresServer:
    """The server of `HUB_TEST_POSTGRES_URL`; fails the test when it is not set."""
    if not POSTGRES_URL:
        pytest.fail("HUB_TEST_REQUIRE_POSTGRES=1 but HUB_TEST_POSTGRES_URL is not set")
    return PostgresServer(POSTGRES_URL)


async def fresh_database(backend: str, directory: Path) -> tuple[str, str | None]:
    """A new empty database: its URL and, for PostgreSQL, its name (for `.drop(name)`)."""
    if backend == "sqlite":
        path = directory / f"hub-{uuid.uuid4().hex[:8]}.sqlite3"
        return f"sqlite+aiosqlite:///{path}", None
    name = await postgres_server().create()
    return postgres_server().database_url(name), name


# The names a first conftest imported.


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgresql_only` (concurrency: SQLite has one writer) are not generated
    for SQLite at all, so a run shows no skips; in CI they always run on PostgreSQL."""
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_backend") if callspec else None
        if item.get_closest_marker("postgresql_only") and backend != "postgresql":
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(autouse=True)
def fast_path_agrees() -> Iterator[None]:
    """Fails a test whose queries the fast path answered otherwise than the standard one."""
    fast_path.clear_differences()
    yield
    found = fast_path.differences()
    assert not found, "the fast path differs from the standard executor:\n" + "\n".join(found)


@pytest.fixture(scope="session", params=BACKENDS)
def database_backend(request: pytest.FixtureRequest) -> str:
    """The database engine the test runs on: "sqlite" or "postgresql"."""
    backend: str = request.param
    return backend


@pytest.fixture(scope="session")
async def migrated_database_url(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database of this backend migrated to head, shared by the whole run."""
    url, name = await fresh_database(database_backend, tmp_path_factory.mktemp("db"))
    # In a thread: alembic's env.py runs its own event loop, as under `hub migrate`.
    await asyncio.to_thread(run_migrations, url)
    yield url
    if name is not None:
        await postgres_server().drop(name)


@pytest.fixture(scope="session")
async def engine(migrated_database_url: str) -> AsyncIterator[AsyncEngine]:
    """The engine of the migrated database (one per backend and run)."""
    engine = create_engine(Settings(database_url=migrated_database_url))
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose work, committed or not, is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


async def _empty_tables(engine: AsyncEngine) -> None:
    tables = import_models().sorted_tables
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            await connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            # report and report_version refer to each other: check keys once, at commit.
            await connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for table in reversed(tables):  # children before parents
                await connection.execute(sa.delete(table))


@pytest.fixture
async def database_url(migrated_database_url: str, engine: AsyncEngine) -> AsyncIterator[str]:
    """The URL of the migrated database; every table is emptied after the test."""
    yield migrated_database_url
    await _empty_tables(engine)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Default settings aimed at the test database (for `create_app(settings)`)."""
    return Settings().with_database(database_url)


@pytest.fixture
def session_factory(database_url: str, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that commit for real to the database of `settings`, emptied after the test."""
    return create_session_factory(engine)


@pytest.fixture
async def empty_database_url(database_backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database of its own, not migrated; dropped after the test."""
    url, name = await fresh_database(database_backend, tmp_path)
    yield url
    if name is not None:
        await postgres_server().drop(name)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many queries the fast path answered, and why the others fell back."""
    counts = fast_path.stats
    if counts:
        reasons = ", ".join(f"{k} {v}" for k, v in counts.most_common() if k not in ("fast",))
        terminalreporter.write_line(f"fast path: {counts['fast']} queries answered; {reasons}")
