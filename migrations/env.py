"""Alembic environment: migrates the hub's database (SQLite or PostgreSQL) with async drivers.

The URL comes, first found: from `config.attributes["database_url"]` (`hub.db.run_migrations`),
from `alembic -x url=...`, or from the environment (`HUB_DATABASE_URL`, `hub.settings`). A caller
that owns a connection passes it as `config.attributes["connection"]` (`hub.db.alembic_config`).
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, pool
from sqlalchemy.engine import Connection

from hub.db import ExactDecimal, UTCDateTime, create_engine, import_models, run_coroutine_sync
from hub.settings import Settings

config = context.config
target_metadata = import_models()


def database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return str(url)
    url = context.get_x_argument(as_dictionary=True).get("url")
    if url:
        return url
    return Settings.from_env().database_url


def process_revision_directives(
    migration_context: MigrationContext, revision: Any, directives: list[MigrationScript]
) -> None:
    # Netflix/dispatch's guard: an autogenerate that finds no change writes no empty revision.
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops is not None and script.upgrade_ops.is_empty():
            directives[:] = []


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Our column types render as importable `hub.db.X()` in revision files.
    if kind == "type" and isinstance(obj, ExactDecimal | UTCDateTime):
        autogen_context.imports.add("import hub.db")
        return f"hub.db.{obj!r}"
    return False


def do_run_migrations(connection: Connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters a table by copying it ("batch" mode); PostgreSQL alters in place.
        render_as_batch=is_sqlite,
        compare_type=True,
        process_revision_directives=process_revision_directives,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
        if is_sqlite:
            # Foreign keys were off while tables were rebuilt (SQLite's documented procedure
            # for schema changes); check them before committing.
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration leaves broken foreign keys: {broken[:10]}")


async def run_async_migrations() -> None:
    engine = create_engine(Settings().with_database(database_url()), poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":
        # Batch mode drops and renames tables, which foreign keys would cascade or refuse.
        # The pragma only takes effect outside a transaction, hence at connect time.
        @event.listens_for(engine.sync_engine, "connect")
        def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.close()

    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
    else:
        run_coroutine_sync(run_async_migrations)


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run them against a database")
run_migrations_online()
