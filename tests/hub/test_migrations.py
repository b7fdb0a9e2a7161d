"""Migrations build exactly the tables the models declare, and undo them, on every backend."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from hub.db import MIGRATIONS, alembic_config, create_engine, import_models, run_migrations
from hub.settings import Settings


async def _inspect(url: str, look: Any) -> Any:
    engine = create_engine(Settings(database_url=url), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(look)
    finally:
        await engine.dispose()


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, import_models()))


def _tables(connection: Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


async def test_upgrade_to_head_matches_the_models(empty_database_url: str) -> None:
    await asyncio.to_thread(run_migrations, empty_database_url)

    assert await _inspect(empty_database_url, _drift) == []
    # `alembic check` says the same: autogenerate would write nothing.
    await asyncio.to_thread(command.check, alembic_config(empty_database_url))


async def test_downgrade_to_base_removes_every_table(empty_database_url: str) -> None:
    await asyncio.to_thread(run_migrations, empty_database_url)

    await asyncio.to_thread(command.downgrade, alembic_config(empty_database_url), "base")

    assert await _inspect(empty_database_url, _tables) == {"alembic_version"}


async def test_upgrade_again_after_downgrade(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    await asyncio.to_thread(run_migrations, empty_database_url)
    await asyncio.to_thread(command.downgrade, config, "base")

    await asyncio.to_thread(run_migrations, empty_database_url)

    assert await _inspect(empty_database_url, _drift) == []


def test_revisions_form_one_line_of_date_prefixed_files() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())

    assert len(scripts.get_heads()) == 1
    for path in (MIGRATIONS / "versions").glob("*.py"):
        assert re.match(r"^\d{4}-\d{2}-\d{2}_[0-9a-f]+_\w+\.py$", path.name), path.name
