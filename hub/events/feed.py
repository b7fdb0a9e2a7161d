"""The change feed of one process: committed events, in version order, to its subscribers.

The feed reads the outbox (`data_change`) on from the last version it delivered whenever it
is woken: by a NOTIFY from any process (PostgreSQL, `hub.events.postgres`), by a commit in
this process (`changes.on_commit`), or every `poll_interval` seconds, which is how it sees the
writes of other processes on SQLite (the CLI, a second worker). Reading the outbox rather than
trusting notifications alone means a listener that lost its connection catches up.

Each subscriber has a bounded queue: one that falls behind by more than its size is ended
with an error (re-subscribe and re-query) instead of holding memory or slowing the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.errors import LimitExceededError
from hub.events.changes import Event, on_commit
from hub.events.models import DATA_VERSION_ROW, DataChange, DataVersion
from hub.events.postgres import PostgresListener

log = logging.getLogger("hub.events")

READ_BATCH = 500
RETRY_SECONDS = 1.0


class SubscriberLagged(LimitExceededError):
    """A subscriber left more events unread than its queue holds."""

    def __init__(self, size: int) -> None:
        super().__init__(
            f"this subscription fell more than {size} events behind and was ended; subscribe "
            "again and re-query what you show"
        )


class FeedClosed(Exception):
    """The feed stopped (the server is shutting down)."""


_LAGGED = {"kind": "feed.lagged"}
_CLOSED = {"kind": "feed.closed"}


class Subscriber:
    """The events one subscription accepts, in commit order, as an async iterator."""

    def __init__(self, accept: Callable[[Event], bool], size: int) -> None:
        self.accept = accept
        self.size = size
        self._queue: asyncio.Queue[Event] = asyncio.Queue(size + 1)  # + room for the end mark
        self._ended = False

    def offer(self, event: Event) -> None:
        if self._ended:
            return
        try:
            accepted = self.accept(event)
        except Exception:  # a broken filter ends its own subscription, not the feed
            log.exception("subscription filter failed on %s", event.get("kind"))
            accepted = False
        if not accepted:
            return
        if self._queue.qsize() >= self.size:
            self._end(_LAGGED)
        else:
            self._queue.put_nowait(event)

    def close(self) -> None:
        self._end(_CLOSED)

    def _end(self, mark: Event) -> None:
        self._ended = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(mark)

    def __aiter__(self) -> Subscriber:
        return self

    async def __anext__(self) -> Event:
        event = await self._queue.get()
        if event is _LAGGED:
            raise SubscriberLagged(self.size)
        if event is _CLOSED:
            raise StopAsyncIteration
        return event


class ChangeFeed:
    """Delivers the events of committed changes to this process's subscribers."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        poll_interval: float,
        queue_size: int,
        listen_dsn: str | None = None,
    ) -> None:
        self.engine = engine
        self.poll_interval = poll_interval
        self.queue_size = queue_size
        self.listener = PostgresListener(listen_dsn, self._notified) if listen_dsn else None
        self.last_version = 0  # the last version delivered
        self._subscribers: set[Subscriber] = set()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stop_waking: Callable[[], None] | None = None
        self._started = False  # the version to start from is known

    @property
    def running(self) -> bool:
        return bool(self._tasks)

    @property
    def subscribers(self) -> int:
        """How many subscriptions this process serves now."""
        return len(self._subscribers)

    async def start(self) -> None:
        """Start from the current version: subscribers get what commits from now on. A
        database that cannot be read yet (down, not migrated) is retried, not fatal."""
        try:
            self.last_version = await self._current_version()
            self._started = True
        except Exception:
            log.warning("change feed: cannot read the data version; retrying", exc_info=True)
        self._stop_waking = on_commit(self.engine, self._notified)
        self._tasks.append(asyncio.create_task(self._run(), name="hub change feed"))
        if self.listener is not None:
            self._tasks.append(asyncio.create_task(self.listener.run(), name="hub listener"))

    async def stop(self) -> None:
        if self._stop_waking is not None:
            self._stop_waking()
            self._stop_waking = None
        for task in self._tasks:
            task.cancel()
        # gather, not `suppress(CancelledError)`: a cancel aimed at stop() itself goes on up.
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for subscriber in list(self._subscribers):
            subscriber.close()
        self._subscribers.clear()

    @asynccontextmanager
    async def subscribe(self, accept: Callable[[Event], bool]) -> AsyncIterator[Subscriber]:
        """The events `accept` lets through, from now until the block ends."""
        subscriber = Subscriber(accept, self.queue_size)
        if not self.running:
            subscriber.close()  # no feed (an app driven without its lifespan): nothing comes
        self._subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            self._subscribers.discard(subscriber)

    def _notified(self, version: int | None) -> None:
        """A change was committed (None: maybe several, while the listener was away)."""
        if version is None or version > self.last_version:
            self._wake.set()

    async def _run(self) -> None:
        while True:
            # asyncio.timeout, never wait_for: on Python 3.11, wait_for swallows a cancel
            # that lands as the wake-up completes, and stop() would then wait forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_interval):
                    await self._wake.wait()
            self._wake.clear()
            try:
                if not self._started:
                    self.last_version = await self._current_version()
                    self._started = True
                await self._catch_up()
            except Exception:  # the database is away: retry, the outbox keeps the changes
                log.warning("change feed: reading the outbox failed; retrying", exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)
                self._wake.set()

    async def _current_version(self) -> int:
        async with self.engine.connect() as connection:
            version = await connection.scalar(
                sa.select(DataVersion.version).where(DataVersion.id == DATA_VERSION_ROW)
            )
        return int(version or 0)

    async def _catch_up(self) -> None:
        async with self.engine.connect() as connection:
            current = int(
                await connection.scalar(
                    sa.select(DataVersion.version).where(DataVersion.id == DATA_VERSION_ROW)
                )
                or 0
            )
            if current < self.last_version:
                log.warning(
                    "the data version went back from %s to %s (database restored?)",
                    self.last_version,
                    current,
                )
                self.last_version = current
            while current > self.last_version:
                rows = (
                    await connection.execute(
                        sa.select(DataChange.version, DataChange.events)
                        .where(DataChange.version > self.last_version)
                        .order_by(DataChange.version)
                        .limit(READ_BATCH)
                    )
                ).all()
                if not rows:
                    break
                if rows[0].version > self.last_version + 1:
                    log.warning(
                        "change feed: changes %s..%s left the outbox before they were read",
                        self.last_version + 1,
                        rows[0].version - 1,
                    )
                for row in rows:
                    self._deliver(row.events)
                    self.last_version = row.version
            self.last_version = max(self.last_version, current)

    def _deliver(self, events: list[Event]) -> None:
        for event in events:
            for subscriber in list(self._subscribers):
                subscriber.offer(event)
