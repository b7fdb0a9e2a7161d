"""Committed writes bump the data version and reach the change feed; rolled-back ones never.

Real databases, committed for real (`session_factory`); "another process" is a second engine
on the same database, whose commits this process's feed can only hear through the database
(NOTIFY on PostgreSQL, the outbox poll on SQLite).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.access.audit import record_event
from hub.db import create_engine, create_session_factory
from hub.events.changes import publish, read_data_stamp
from hub.events.feed import ChangeFeed, SubscriberLagged
from hub.events.models import DataChange
from hub.events.postgres import APPLICATION_NAME, listen_dsn
from hub.settings import Settings

WAIT = 10.0  # seconds a delivery may take on a loaded machine before the test fails


async def _write(session: AsyncSession, note: str) -> None:
    """A real write: one audit row."""
    await record_event(
        session=session, actor="test", action="test.write", entity_kind="test", entity_code=note
    )


async def _version(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session:
        return (await read_data_stamp(session)).version


async def _last_change(factory: async_sessionmaker[AsyncSession]) -> DataChange | None:
    async with factory() as session:
        return await session.scalar(sa.select(DataChange).order_by(DataChange.version.desc()))


@pytest.fixture
async def other_process(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions of a second engine: its commits do not wake this process's feeds directly."""
    engine = create_engine(Settings(database_url=database_url))
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def feed(database_url: str, engine: AsyncEngine) -> AsyncIterator[ChangeFeed]:
    dsn = listen_dsn(database_url)
    # On PostgreSQL the poll is too slow to matter: deliveries there prove LISTEN/NOTIFY.
    feed = ChangeFeed(engine, poll_interval=60 if dsn else 0.2, queue_size=10, listen_dsn=dsn)
    await feed.start()
    if feed.listener is not None:
        async with asyncio.timeout(WAIT):
            await feed.listener.connected.wait()
    yield feed
    await feed.stop()


async def test_a_committed_write_bumps_the_version_and_records_its_change(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    before = await _version(session_factory)

    async with session_factory() as session:
        await _write(session, "one")
        publish(session, {"kind": "test.happened", "n": 1})
        await session.commit()

    assert await _version(session_factory) == before + 1
    change = await _last_change(session_factory)
    assert change is not None
    assert change.version == before + 1
    assert change.tables == ["audit_event"]
    assert change.events == [{"kind": "test.happened", "n": 1}]


async def test_a_rolled_back_write_publishes_nothing(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    before = await _version(session_factory)

    async with session_factory() as session:
        await _write(session, "never")
        publish(session, {"kind": "test.never"})
        await session.rollback()
    async with session_factory() as session:
        await session.commit()  # a commit after the rollback has nothing left to publish

    assert await _version(session_factory) == before


async def test_a_read_only_transaction_leaves_the_version(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    before = await _version(session_factory)

    async with session_factory() as session:
        await session.execute(sa.select(DataChange.version))
        await session.commit()

    assert await _version(session_factory) == before


async def test_events_of_a_rolled_back_savepoint_are_dropped(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        publish(session, {"kind": "test.kept", "n": 1})
        savepoint = await session.begin_nested()
        await _write(session, "inner")
        publish(session, {"kind": "test.dropped"})
        await savepoint.rollback()
        async with session.begin_nested():
            publish(session, {"kind": "test.kept", "n": 2})
        await _write(session, "outer")
        await session.commit()

    change = await _last_change(session_factory)
    assert change is not None
    assert change.events == [{"kind": "test.kept", "n": 1}, {"kind": "test.kept", "n": 2}]


@pytest.mark.postgresql_only
async def test_concurrent_writers_get_consecutive_versions_in_commit_order(
    database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    engine = create_engine(Settings(database_url=database_url), pool_size=12)
    factory = create_session_factory(engine)
    before = await _version(session_factory)

    async def write(n: int) -> None:
        async with factory() as session:
            await _write(session, f"w{n}")
            publish(session, {"kind": "test.n", "n": n})
            await session.commit()

    try:
        await asyncio.gather(*(write(n) for n in range(12)))
    finally:
        await engine.dispose()

    async with session_factory() as session:
        versions = list(
            await session.scalars(sa.select(DataChange.version).where(DataChange.version > before))
        )
    assert sorted(versions) == list(range(before + 1, before + 13))
    assert await _version(session_factory) == before + 12


async def _next(subscriber: AsyncIterator[dict[str, object]]) -> dict[str, object]:
    async with asyncio.timeout(WAIT):
        return await anext(subscriber)


async def test_the_feed_delivers_commits_of_this_and_of_another_process_in_order(
    feed: ChangeFeed,
    session_factory: async_sessionmaker[AsyncSession],
    other_process: async_sessionmaker[AsyncSession],
) -> None:
    async with feed.subscribe(lambda e: e["kind"] == "test.seen") as events:
        async with session_factory() as session:
            publish(session, {"kind": "test.unseen"})
            publish(session, {"kind": "test.seen", "by": "this"})
            await session.commit()
        assert await _next(events) == {"kind": "test.seen", "by": "this"}

        async with other_process() as session:
            publish(session, {"kind": "test.seen", "by": "other", "n": 1})
            await session.commit()
        async with other_process() as session:
            publish(session, {"kind": "test.seen", "by": "other", "n": 2})
            await session.commit()

        assert await _next(events) == {"kind": "test.seen", "by": "other", "n": 1}
        assert await _next(events) == {"kind": "test.seen", "by": "other", "n": 2}


async def test_a_subscriber_that_falls_behind_is_ended_with_a_clear_error(
    feed: ChangeFeed, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with feed.subscribe(lambda e: True) as events:
        async with session_factory() as session:
            for n in range(feed.queue_size + 1):
                publish(session, {"kind": "test.flood", "n": n})
            await session.commit()

        with pytest.raises(SubscriberLagged, match="fell more than 10 events behind"):
            for _ in range(feed.queue_size + 1):
                await _next(events)


@pytest.mark.postgresql_only
async def test_the_listener_reconnects_and_catches_up_after_losing_its_connection(
    feed: ChangeFeed,
    other_process: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
) -> None:
    listener = feed.listener
    assert listener is not None and listener.connections == 1
    async with feed.subscribe(lambda e: e["kind"] == "test.after") as events:
        # The server drops the listener's connection, and a write commits meanwhile.
        async with engine.connect() as connection:
            await connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            )
            await connection.commit()
        async with other_process() as session:
            publish(session, {"kind": "test.after", "n": 1})
            await session.commit()

        assert await _next(events) == {"kind": "test.after", "n": 1}
        async with asyncio.timeout(WAIT):
            await listener.connected.wait()
        assert listener.connections == 2
        async with other_process() as session:
            publish(session, {"kind": "test.after", "n": 2})
            await session.commit()
        assert await _next(events) == {"kind": "test.after", "n": 2}


@pytest.mark.parametrize("turns", range(4))
async def test_the_feed_stops_even_when_stopped_as_a_wake_up_lands(
    engine: AsyncEngine, turns: int
) -> None:
    # A commit wakes the feed and, `turns` loop iterations later, the app shuts down. On
    # Python 3.11, `asyncio.wait_for` swallowed a cancel that arrived as its inner wait
    # completed (turns 0 and 1): the feed ran on and stop() never returned, which hung a
    # CI run in a fixture's teardown.
    feed = ChangeFeed(engine, poll_interval=60, queue_size=10)
    await feed.start()
    tasks = list(feed._tasks)
    await asyncio.sleep(0.1)  # the feed waits for a wake-up
    feed._notified(None)
    for _ in range(turns):
        await asyncio.sleep(0)

    stopping = asyncio.create_task(feed.stop())
    done, _ = await asyncio.wait([stopping], timeout=WAIT)

    for task in tasks:  # whatever happened, leave nothing running on the run's loop
        task.cancel()
    assert stopping in done, "stop() did not return"
    assert all(task.done() for task in tasks)
