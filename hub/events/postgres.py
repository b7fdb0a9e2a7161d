"""LISTEN on PostgreSQL: a dedicated asyncpg connection that hears every process's commits.

The pool's connections cannot listen (a notification reaches only the session that asked,
and pooled sessions come and go), so the listener holds one connection of its own. When it
drops (server restart, network, `pg_terminate_backend`) the listener reconnects with a
growing delay and then asks for a catch-up (`notify(None)`): what was committed meanwhile
is in the outbox. A quiet connection is checked every `keepalive` seconds, so a half-open
socket is noticed too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy.engine import make_url

from hub.events.changes import CHANNEL

log = logging.getLogger("hub.events")

APPLICATION_NAME = "reporting-hub listener"


def listen_dsn(database_url: str) -> str | None:
    """The asyncpg DSN to listen on for a PostgreSQL `database_url`; None for SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresListener:
    """Calls `notify(version)` for each `hub_changes` notification, `notify(None)` after
    each (re)connection."""

    def __init__(
        self,
        dsn: str,
        notify: Callable[[int | None], None],
        *,
        retry: float = 0.25,
        max_retry: float = 5.0,
        keepalive: float = 30.0,
    ) -> None:
        self.dsn = dsn
        self.notify = notify
        self.retry = retry
        self.max_retry = max_retry
        self.keepalive = keepalive
        self.connections = 0  # how many times it connected: 1 plus the reconnections
        self.connected = asyncio.Event()

    async def run(self) -> None:
        delay = self.retry
        while True:
            try:
                connection = await asyncpg.connect(
                    self.dsn, server_settings={"application_name": APPLICATION_NAME}
                )
            except (TimeoutError, OSError, asyncpg.PostgresError) as error:
                log.warning("listener: cannot connect (%s); retrying in %.2f s", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_retry)
                continue
            delay = self.retry
            try:
                await self._listen(connection)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("listener: connection lost (%s); reconnecting", error)
            finally:
                self.connected.clear()
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(2):
                        await connection.close()

    async def _listen(self, connection: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _: lost.set())
        await connection.add_listener(CHANNEL, self._on_notification)
        self.connections += 1
        self.connected.set()
        self.notify(None)  # what committed while we were not listening is in the outbox
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.keepalive):
                    await lost.wait()
                break
            async with asyncio.timeout(self.keepalive):
                await connection.execute("SELECT 1")
        log.warning("listener: connection closed by the server; reconnecting")

    def _on_notification(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self.notify(int(payload) if payload.isdigit() else None)
