"""Engines and column types behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import async_url, create_engine
from hub.metadata.models import Unit
from hub.settings import Settings


def _unit(code: str, multiplier: Decimal) -> Unit:
    now = datetime.now(UTC)
    return Unit(
        code=code,
        name_vi=code,
        symbol=code,
        quantity_kind="count",
        multiplier=multiplier,
        created_at=now,
        updated_at=now,
    )


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0.1", "0.1"),
        ("1.50", "1.50"),  # the scale is kept, as PostgreSQL's NUMERIC keeps it
        ("1E+9", "1000000000"),
        ("-0.000000000000000000000000000001", "-1E-30"),
        ("123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"),
    ],
)
async def test_exact_decimal_keeps_every_digit(
    session: AsyncSession, given: str, stored: str
) -> None:
    session.add(_unit("U", Decimal(given)))
    await session.flush()

    value = await session.scalar(
        sa.select(Unit.multiplier).execution_options(populate_existing=True)
    )

    assert value == Decimal(given)
    assert format(value, "f") == format(Decimal(stored), "f")


async def test_exact_decimal_refuses_floats(session: AsyncSession) -> None:
    session.add(_unit("U", 0.1))  # type: ignore[arg-type]

    with pytest.raises(StatementError, match="floats are not exact"):
        await session.flush()


async def test_timestamps_come_back_aware_in_utc(session: AsyncSession) -> None:
    hanoi = timezone(timedelta(hours=7))
    unit = _unit("U", Decimal(1))
    unit.created_at = datetime(2025, 7, 1, 8, 30, 15, 123456, tzinfo=hanoi)
    session.add(unit)
    await session.flush()
    session.expunge_all()

    created = await session.scalar(sa.select(Unit.created_at))

    assert created == datetime(2025, 7, 1, 1, 30, 15, 123456, tzinfo=UTC)
    assert created is not None and created.utcoffset() == timedelta(0)


async def test_naive_timestamps_are_refused(session: AsyncSession) -> None:
    unit = _unit("U", Decimal(1))
    unit.created_at = datetime(2025, 7, 1, 8, 30)
    session.add(unit)

    with pytest.raises(StatementError, match="no time zone"):
        await session.flush()


async def test_foreign_keys_are_enforced(session: AsyncSession) -> None:
    unit = _unit("U", Decimal(1))
    unit.base_id = 999_999
    session.add(unit)

    with pytest.raises(IntegrityError):
        await session.flush()


async def test_sqlite_database_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "var" / "hub.sqlite3"
    engine = create_engine(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
    try:
        async with engine.connect() as connection:
            mode = await connection.scalar(sa.text("PRAGMA journal_mode"))
            foreign_keys = await connection.scalar(sa.text("PRAGMA foreign_keys"))
    finally:
        await engine.dispose()

    assert path.exists()
    assert (mode, foreign_keys) == ("wal", 1)


def test_sync_driver_urls_get_the_async_driver() -> None:
    assert async_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert async_url("sqlite:///var/hub.sqlite3").drivername == "sqlite+aiosqlite"
    with pytest.raises(ValueError, match="unsupported"):
        async_url("mysql://u@h/db")
