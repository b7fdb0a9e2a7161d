"""HUB_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a statement that runs longer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from hub.app import create_app
from hub.db import create_engine
from hub.settings import Limits, Settings


@pytest.mark.postgresql_only  # SQLite has no statement timeout (README, Security model)
async def test_a_statement_over_the_timeout_is_cancelled(database_url: str) -> None:
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


@pytest.mark.postgresql_only
async def test_a_request_over_the_timeout_is_a_clear_limit_error(settings: Settings) -> None:
    app = create_app(replace(settings, limits=Limits(statement_timeout_ms=100)))

    def slow_agencies(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> tuple[str, Any]:
        # Fault injection: the agency page query, made to run one second.
        if statement.lstrip().upper().startswith("SELECT") and "agency" in statement:
            statement = f"SELECT * FROM ({statement}) AS page, pg_sleep(1)"
        return statement, parameters

    sa.event.listen(
        app.state.engine.sync_engine, "before_cursor_execute", slow_agencies, retval=True
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            response = await client.post(
                "/graphql", json={"query": "{ agencies(first: 1) { edges { node { code } } } }"}
            )
    finally:
        await app.state.engine.dispose()

    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "statement timeout" in error["message"]
