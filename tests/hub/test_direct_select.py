"""hub.direct_select: a query's column SELECT on PostgreSQL, run by asyncpg, answers as Core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog.model import Frequency
from hub import direct_select
from hub.app import create_app
from hub.db import UTCDateTime, create_engine, enum_type, is_statement_timeout
from hub.settings import Limits, Settings

pytestmark = pytest.mark.postgresql_only

FREQUENCY = enum_type(Frequency, "frequency")
HANOI = timezone(timedelta(hours=7))


@pytest.fixture
async def reading(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine of its own (one pooled connection at first), reading in autocommit."""
    engine = create_engine(
        Settings(database_url=database_url, limits=Limits(statement_timeout_ms=200))
    )
    yield engine.execution_options(isolation_level="AUTOCOMMIT")
    await engine.dispose()


def _typed_rows() -> sa.Select[Any]:
    """Columns whose values Core processes (an enum, an aware time, a number), with an
    expanding IN list."""
    n = sa.select(sa.func.generate_series(1, 5).label("n")).subquery()
    return (
        sa.select(
            n.c.n,
            sa.cast(sa.literal("M"), FREQUENCY).label("frequency"),
            sa.cast(sa.literal(datetime(2025, 3, 1, 8, 0, tzinfo=HANOI)), UTCDateTime()).label(
                "at"
            ),
            sa.cast(sa.literal("12.50"), sa.Numeric(10, 2)).label("value"),
        )
        .where(n.c.n.in_([2, 4, 5]))
        .order_by(n.c.n)
    )


async def test_rows_are_the_ones_core_returns(reading: AsyncEngine) -> None:
    statement = _typed_rows()
    direct = await direct_select.select(reading, statement)
    async with reading.connect() as connection:
        core = (await connection.execute(statement)).all()

    assert direct is not None
    rows = direct.all()
    assert [tuple(r) for r in rows] == [tuple(r) for r in core]
    assert [type(v) for v in rows[0]] == [type(v) for v in core[0]]
    first = rows[0]
    assert first.n == 2 and first.frequency is Frequency.MONTHLY
    assert first.at == datetime(2025, 3, 1, 1, 0, tzinfo=UTC) and first.at.tzinfo is UTC
    assert first.value == Decimal("12.50")
    n = statement.selected_columns.n  # rows are keyed by column too, as Core's
    assert [row._mapping[n] for row in rows] == [2, 4, 5]


async def test_its_records_with_their_processors_are_cores_values(reading: AsyncEngine) -> None:
    # What `row_reading` reads by position: each record's values through its column's
    # processor (None where Core has none) are Core's row, value for value and type for type.
    statement = _typed_rows()
    direct = await direct_select.select(reading, statement)
    async with reading.connect() as connection:
        core = (await connection.execute(statement)).all()

    assert isinstance(direct, direct_select.DirectResult)
    processed = [
        tuple(v if p is None else p(v) for v, p in zip(record, direct.processors, strict=True))
        for record in direct.records
    ]
    assert processed == [tuple(r) for r in core]
    assert [type(v) for v in processed[0]] == [type(v) for v in core[0]]
    assert direct.processors[0] is None  # an integer: asyncpg's value is Core's
    assert direct.records[0]["frequency"] == "M"  # the driver's, before the enum's processor


async def test_other_values_of_the_same_statement_shape_are_bound(reading: AsyncEngine) -> None:
    def evens_upto(limit: int) -> sa.Select[Any]:
        n = sa.select(sa.func.generate_series(1, 10).label("n")).subquery()
        return sa.select(n.c.n).where(n.c.n <= limit, n.c.n % 2 == 0).order_by(n.c.n)

    kept = evens_upto(4)  # as the hot reads keep theirs: bound once, run again
    four = await direct_select.select(reading, kept)
    eight = await direct_select.select(reading, evens_upto(8))
    four_again = await direct_select.select(reading, kept)

    assert four is not None and eight is not None and four_again is not None
    assert four.scalars().all() == [2, 4] == four_again.scalars().all()
    assert eight.scalars().all() == [2, 4, 6, 8]


async def test_a_statement_over_the_timeout_raises_as_core_does(reading: AsyncEngine) -> None:
    with pytest.raises(DBAPIError) as raised:
        await direct_select.select(reading, sa.select(sa.func.pg_sleep(2)))
    after = await direct_select.select(reading, sa.select(sa.literal(1).label("one")))

    assert is_statement_timeout(raised.value) and not raised.value.connection_invalidated
    assert after is not None and after.scalar() == 1


async def test_a_lost_connection_is_invalidated_and_replaced(
    reading: AsyncEngine, database_url: str
) -> None:
    pid = sa.select(sa.func.pg_backend_pid().label("pid"))
    first = await direct_select.select(reading, pid)
    assert first is not None
    lost = first.scalar()
    other = create_engine(Settings(database_url=database_url))
    try:  # another client ends the pooled connection
        async with other.connect() as connection:
            await connection.execute(sa.select(sa.func.pg_terminate_backend(lost)))
    finally:
        await other.dispose()

    with pytest.raises(DBAPIError) as raised:
        await direct_select.select(reading, pid)
    again = await direct_select.select(reading, pid)

    assert raised.value.connection_invalidated
    assert again is not None and again.scalar() != lost


async def test_cursor_listeners_see_the_statement_run_by_core(reading: AsyncEngine) -> None:
    seen: list[str] = []

    def capture(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    sa.event.listen(reading.sync_engine, "before_cursor_execute", capture)
    try:
        answer = await direct_select.select(reading, sa.select(sa.literal(1).label("one")))
    finally:
        sa.event.remove(reading.sync_engine, "before_cursor_execute", capture)

    assert answer is None and seen == []  # None: the caller executes it, with its listeners


async def test_without_a_connection_the_standard_way_raises_its_own_error(
    database_backend: str,
) -> None:
    nowhere = create_engine(Settings(database_url="postgresql+asyncpg://hub@127.0.0.1:1/hub"))
    statement = sa.select(sa.literal(1).label("one"))
    try:
        answer = await direct_select.select(nowhere, statement)
        with pytest.raises(OSError, match="Connect call failed"):  # as Core raises it
            async with nowhere.connect() as connection:
                await connection.execute(statement)
    finally:
        await nowhere.dispose()

    assert answer is None


async def test_statements_with_execution_options_run_the_standard_way(
    reading: AsyncEngine,
) -> None:
    statement = sa.select(sa.literal(1).label("one")).execution_options(yield_per=10)

    assert await direct_select.select(reading, statement) is None


async def test_a_query_reads_its_columns_through_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query's session on PostgreSQL reads columns here (`RequestSession.execute`), and
    answers as it does when every statement runs the standard way."""

    async def answer(direct: bool) -> tuple[Any, int]:
        calls: list[object] = []

        async def counting(engine: AsyncEngine, statement: sa.Select[Any]) -> Any:
            calls.append(statement)
            return await original(engine, statement) if direct else None

        monkeypatch.setattr(direct_select, "select", counting)
        app = create_app(settings)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as c:
                response = await c.post("/graphql", json={"query": QUERY})
        finally:
            await app.state.engine.dispose()
        return response.json(), len(calls)

    original = direct_select.select
    (with_direct, calls), (without, _) = await answer(True), await answer(False)

    assert calls >= 1
    assert with_direct == without == {"data": {"agencies": {"totalCount": 0}}}


QUERY = "{ agencies(first: 3) { totalCount } }"
