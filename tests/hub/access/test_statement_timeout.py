"""HUB_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a statement that runs longer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from hub.db import create_engine
from hub.settings import Limits, Settings


async def test_a_statement_over_the_timeout_is_cancelled(
    database_backend: str, database_url: str
) -> None:
    if database_backend != "postgresql":
        pytest.skip("SQLite has no statement timeout (README, Security model)")
    engine = create_engine(
        Settings(database_url=database_url, limits=Limits(statement_timeout_ms=100))
    )
    try:
        async with engine.connect() as connection:
            setting = await connection.scalar(sa.text("SHOW statement_timeout"))
            quick = await connection.scalar(sa.text("SELECT 1 FROM pg_sleep(0.01)"))
            with pytest.raises(DBAPIError, match="statement timeout"):
                await connection.execute(sa.text("SELECT pg_sleep(2)"))
    finally:
        await engine.dispose()

    assert setting == "100ms" and quick == 1


def test_the_timeout_is_read_from_the_environment() -> None:
    settings = Settings.from_env({"HUB_STATEMENT_TIMEOUT_MS": "250"})

    assert settings.limits.statement_timeout_ms == 250
    assert Settings.from_env({}).limits.statement_timeout_ms == 30_000
