"""The declarative base, column types that behave the same on SQLite and PostgreSQL, engines,
sessions and migrations.

Nothing here runs at import: `create_engine(settings)` is called by `create_app` and the CLI.
"""

from __future__ import annotations

import asyncio
import enum
import importlib
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Dialect, MetaData, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry

from hub.decimals import decimal_text
from hub.settings import Settings

# Deterministic constraint names: migrations can drop and alter them by name on both databases
# (alembic docs, "The Importance of Naming Constraints").
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_PACKAGE = Path(__file__).resolve().parent
_PROJECT = _PACKAGE.parent
MIGRATIONS = _PROJECT / "migrations"

SQLITE_BUSY_TIMEOUT_MS = 5_000
CODE_LENGTH = 64  # catalog.model.CODE_PATTERN allows at most 64 characters


class Base(DeclarativeBase):
    """Every table of the hub; `hub.<domain>.models` modules declare them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class ExactDecimal(sa.types.TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC (unbounded) on PostgreSQL, TEXT on SQLite.

    SQLite's NUMERIC affinity turns `0.1` into a float and keeps 15 digits at most, so there
    the value is stored as its plain decimal string (`decimals.decimal_text`, the same text
    PostgreSQL prints for NUMERIC: `1E+3` becomes `1000`, `1.50` keeps its zero). Both
    databases return the same `Decimal`. On SQLite compare and sum these in Python, not SQL:
    text order is not numeric order.
    """

    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        return dialect.type_descriptor(sa.Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"expected a Decimal, got {type(value).__name__}: floats are not exact")
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite decimal")
        if dialect.name == "sqlite":
            return decimal_text(value)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))

    def __repr__(self) -> str:
        return "ExactDecimal()"


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware instant, always returned in UTC.

    PostgreSQL stores TIMESTAMP WITH TIME ZONE. SQLite has no time zones: the value is
    converted to UTC and stored naive, and UTC is put back on the way out. Naive datetimes
    are refused, since their meaning depends on the machine that wrote them.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value!r} has no time zone; store aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def __repr__(self) -> str:
        return "UTCDateTime()"


def enum_type(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A closed set stored as VARCHAR + CHECK of the members' values (`"ministry"`, `"A"`):
    portable, readable in SQL, and a new member is a CHECK change instead of an ALTER TYPE."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(str(m.value)) for m in enum_class),
        values_callable=lambda members: [str(m.value) for m in members],
    )


def code_column() -> Mapped[str]:
    """The unique shared code of a catalog entity."""
    return mapped_column(sa.String(CODE_LENGTH), unique=True)


class Timestamps:
    """When a row was created and when an import or an edit last changed it."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def async_url(database_url: str) -> URL:
    """`database_url` with the async driver: `postgresql://` and `sqlite://` are accepted too."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        url = url.set(drivername="postgresql+asyncpg")
    elif url.drivername in ("sqlite", "sqlite+pysqlite"):
        url = url.set(drivername="sqlite+aiosqlite")
    if url.drivername not in ("postgresql+asyncpg", "sqlite+aiosqlite"):
        raise ValueError(
            f"unsupported database URL scheme {url.drivername!r}: "
            "use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db"
        )
    return url


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_engine(settings: Settings, **options: Any) -> AsyncEngine:
    """The engine for `settings.database_url`; extra `options` go to `create_async_engine`.

    SQLite gets foreign keys, WAL, a busy timeout and real transactions (see below); the
    directory of the database file is created when missing, so `var/hub.sqlite3` just works.
    """
    url = async_url(settings.database_url)
    path = _sqlite_file(url)
    if "poolclass" not in options and (url.get_backend_name() == "postgresql" or path):
        options.setdefault("pool_size", settings.db_pool_size)
        options.setdefault("max_overflow", settings.db_max_overflow)
    if url.get_backend_name() == "postgresql":
        connect_args = options.setdefault("connect_args", {})
        server_settings = connect_args.setdefault("server_settings", {})
        server_settings.setdefault("application_name", "reporting-hub")
        # A runaway statement is cancelled by the server instead of holding a connection.
        server_settings.setdefault("statement_timeout", str(settings.limits.statement_timeout_ms))
        engine = _create_async_engine(url, **options)
        if not options.get("pool_pre_ping") and "poolclass" not in options:
            _ping_when_idle(engine, PING_IDLE_S)
        return engine

    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = _create_async_engine(url, **options)
    _configure_sqlite(engine, wal=path is not None)
    return engine


PING_IDLE_S = 2.0


def _ping_when_idle(engine: AsyncEngine, idle_s: float) -> None:
    """Check a pooled connection before use when it sat unused for `idle_s` or more (a
    restarted server, a dropped link): a dead one is replaced, as SQLAlchemy's pre-ping
    does. Its pre-ping checks every checkout, which cost a round trip per statement once
    queries give their connection back after each one (`hub.graphql.context`); one used a
    moment ago is trusted, and a failure on it is the statement's error, once (SQLAlchemy
    then invalidates the pool)."""
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["hub_checked_in"] = time.monotonic()

    @event.listens_for(pool, "connect")
    def _connected(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["hub_checked_in"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("hub_checked_in", 0.0) < idle_s:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise sa.exc.DisconnectionError(str(error)) from error


def create_read_engine(settings: Settings, primary: AsyncEngine, **options: Any) -> AsyncEngine:
    """The engine reads are routed to: one on `settings.read_database_url` (a replica of the
    primary, same schema and limits), or `primary` itself when there is no replica."""
    if not settings.read_database_url:
        return primary
    return create_engine(settings.with_database(settings.read_database_url), **options)


def _configure_sqlite(engine: AsyncEngine, *, wal: bool) -> None:
    # Python < 3.12's sqlite3 starts no transaction before a SELECT or a SAVEPOINT, which
    # breaks repeatable reads and nested transactions. SQLAlchemy's documented recipe: turn
    # the driver's handling off and emit BEGIN ourselves (SQLite dialect docs, "Enabling
    # Non-Legacy SQLite Transactional Modes"). So driver-level AUTOCOMMIT is not available
    # on SQLite engines; PostgreSQL's is untouched.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # Off by default in SQLite; PostgreSQL always checks them.
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            if wal:
                # Readers do not block the writer, nor it them; NORMAL is durable with WAL.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()
        # Imported here: hub.exact_sql builds on this module's ExactDecimal.
        from hub.exact_sql import register_sqlite_functions

        register_sqlite_functions(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (rows become plain GraphQL objects)
    and whose commits publish their changes (`hub.events.changes`)."""
    return async_sessionmaker(
        engine, expire_on_commit=False, sync_session_class=change_tracking_session()
    )


def change_tracking_session() -> type[Session]:
    """The sync session class of every hub session: commits bump the data version."""
    # Imported here: hub.events' tables are declared on this module's Base.
    from hub.events.changes import ChangeTrackingSession

    return ChangeTrackingSession


# Table modules not named `*models.py`; better renamed than listed here.
EXTRA_MODEL_MODULES = ("hub.metadata.crosswalks",)


def import_models() -> MetaData:
    """Import every table module (`hub/<domain>/*models.py`) so that `Base.metadata` holds all
    tables.

    Migrations and tests compare the database with this metadata; a domain that adds a
    `models.py` (or `<family>_models.py`) is picked up without being listed anywhere.
    """
    found = [f"hub.{p.parent.name}.{p.stem}" for p in sorted(_PACKAGE.glob("*/*models.py"))]
    for name in (*found, *EXTRA_MODEL_MODULES):
        importlib.import_module(name)
    return Base.metadata


def alembic_config(
    database_url: str | None = None, *, connection: Connection | None = None
) -> Config:
    """The alembic configuration of this project, aimed at `database_url` or `connection`.

    With neither, `migrations/env.py` reads the URL from the environment (HUB_DATABASE_URL).
    Pass `connection` (a sync connection, e.g. inside `AsyncConnection.run_sync`) to migrate
    within a transaction the caller owns.
    """
    pyproject = _PROJECT / "pyproject.toml"
    config = Config(toml_file=pyproject) if pyproject.exists() else Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if database_url is not None:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def run_migrations(database_url: str, revision: str = "head") -> None:
    """Upgrade the database at `database_url` to `revision` (`alembic upgrade head`)."""
    command.upgrade(alembic_config(database_url), revision)


def run_coroutine_sync(factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine to completion from synchronous code, even inside a running event loop.

    Alembic's commands are synchronous but our drivers are async; when the caller already
    runs a loop (an async test, a notebook) the coroutine gets a loop of its own in a thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(factory())
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(factory())).result()


def is_statement_timeout(error: BaseException) -> bool:
    """Whether `error` is PostgreSQL cancelling a statement (SQLSTATE 57014, query_canceled),
    as `statement_timeout` does."""
    return isinstance(error, sa.exc.DBAPIError) and (
        getattr(error.orig, "sqlstate", None) == "57014"
    )
