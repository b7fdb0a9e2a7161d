"""The per-request GraphQL context: settings, one database session, per-request DataLoaders."""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from strawberry.dataloader import DataLoader

from hub import direct_select
from hub.access.principals import Principal, anonymous
from hub.db import change_tracking_session, utcnow
from hub.events.changes import has_pending_changes
from hub.events.feed import ChangeFeed
from hub.metadata import read_cache
from hub.settings import Settings

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BatchLoad = Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]


class RequestSession(AsyncSession):
    """The request's one session, safe to share between resolvers that run concurrently.

    graphql-core resolves sibling fields concurrently (root fields, loaders of different
    kinds), and an AsyncSession refuses concurrent operations; a lock takes them in turn.
    Methods that call `execute` themselves (`scalars`) are left unlocked to avoid re-entry.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = asyncio.Lock()
        # A query's session (`Context.read_only`): see `_release`.
        self.release_after_read = False

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            if self._reads_columns(args, kwargs):
                # A query's SELECT of columns on PostgreSQL: run on a pooled connection of
                # its own, given back at once. The ORM adds nothing to rows of columns, and
                # its per-statement work (the transaction begun and committed around each
                # statement of `_release`, result loading) was a third of a small query's
                # time (Q1 of the bench). The rows are buffered before the connection goes.
                # Without parameters, asyncpg runs it as Core would (`direct_select`): Core's
                # own execution was a fifth of Q1's time again.
                engine: AsyncEngine = self.bind  # type: ignore[assignment]
                if len(args) == 1 and not kwargs:
                    direct = await direct_select.select(engine, args[0])
                    if direct is not None:
                        return direct
                async with engine.connect() as connection:
                    return await connection.execute(*args, **kwargs)
            result = await super().execute(*args, **kwargs)
            await self._release()
            return result

    def _reads_columns(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        """Whether `execute(*args, **kwargs)` is a plain SELECT of columns (no entities,
        ORM options or execution options) by a query's session that wrote nothing."""
        if not self.release_after_read or len(args) > 2 or set(kwargs) - {"params"}:
            return False
        statement = args[0] if args else kwargs.get("statement")
        if not isinstance(statement, sa.Select) or statement._with_options:
            return False
        if not all(isinstance(c, sa.ColumnElement) for c in statement._raw_columns):
            return False
        return not self._wrote()

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            result = await super().scalar(*args, **kwargs)
            await self._release()
            return result

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            result = await super().get(*args, **kwargs)
            await self._release()
            return result

    async def _release(self) -> None:
        """A query's session gives its connection back to the pool as soon as a statement's
        rows are read (they are buffered), instead of holding it through the Python work
        that follows (a page's objects, its labels): at concurrency 16 a slow page held
        every connection of the pool. The next statement takes one again. Nothing is
        lost: the transaction only read (a session that wrote anything keeps it), objects
        stay loaded (no expiry on commit), and each statement already saw its own
        snapshot (READ COMMITTED; these reads run in autocommit)."""
        if self.release_after_read and not self._wrote():
            await super().commit()

    def _wrote(self) -> bool:
        sync = self.sync_session
        return bool(sync.new or sync.dirty or sync.deleted) or has_pending_changes(sync)

    async def close(self) -> None:
        # A session whose reads all ran on connections of their own (`_reads_columns`) never
        # began a transaction nor loaded an object: there is nothing to give back, and the
        # close (identity map, transaction, through the greenlet) cost a tenth of Q1's time.
        sync = self.sync_session
        if not sync.in_transaction() and not sync.identity_map and not sync.new:
            return
        await super().close()

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        async with self._turn:
            await super().flush(*args, **kwargs)

    async def commit(self) -> None:
        async with self._turn:
            await super().commit()

    async def rollback(self) -> None:
        async with self._turn:
            await super().rollback()


def create_request_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for GraphQL requests (see `RequestSession`)."""
    return async_sessionmaker(
        engine,
        class_=RequestSession,
        expire_on_commit=False,
        sync_session_class=change_tracking_session(),
    )


# PostgreSQL engines in autocommit, for sessions that only read: no BEGIN and ROLLBACK
# around their statements, and a pool's pre-ping is one round trip instead of three.
_AUTOCOMMIT: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def _reading_session(factory: async_sessionmaker[AsyncSession]) -> AsyncSession:
    """A query's session: its catalog lookups shared with other queries (`read_cache`); on
    PostgreSQL in autocommit, giving its connection back after each statement. (SQLite
    keeps its one transaction per request: its connections are local files, and releasing
    would cost a BEGIN and a COMMIT per statement.)"""
    engine = factory.kw.get("bind")
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "postgresql":
        plain = factory()
        read_cache.mark_read_only(plain)
        return plain
    reading = _AUTOCOMMIT.get(engine)
    if reading is None:
        reading = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    session = factory(bind=reading)
    read_cache.mark_read_only(session)
    if isinstance(session, RequestSession):
        session.release_after_read = True
    return session


@dataclass
class Context:
    """What every resolver may use; built fresh for each request."""

    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    request: Request | None = None
    principal: Principal = field(default_factory=anonymous)
    # The process's change feed, for subscriptions (`hub.events.feed`).
    changes: ChangeFeed | None = None
    # Any: the connection_init payload of a WebSocket connection, as the client sent it.
    connection_params: dict[str, Any] | None = None
    # The request's one "now": what a read "as of now" reads, whoever asks within it.
    now: datetime = field(default_factory=utcnow)
    # A query (`hub.app.GraphQLEndpoint` knows before it runs): its session holds a
    # connection only while a statement runs (`RequestSession._release`).
    read_only: bool = False
    _session: AsyncSession | None = None
    # Any: loaders of many key and value types share one cache, keyed by their batch function.
    _loaders: dict[Callable[..., Any], DataLoader[Any, Any]] = field(default_factory=dict)
    _request_id: str | None = None

    @property
    def request_id(self) -> str:
        """The id a masked error quotes and the log names; made when first asked, since
        most requests never ask (a uuid4 was ~5 us of a small query's ~500)."""
        if self._request_id is None:
            self._request_id = uuid.uuid4().hex[:16]
        return self._request_id

    @property
    def actor(self) -> str:
        """Who is acting, for the audit log: `token:<id>:<name>`, or `anonymous@<address>`."""
        return self.principal.actor

    @property
    def session(self) -> AsyncSession:
        """The request's one session, opened on first use and closed after the operation."""
        if self._session is None:
            if self.read_only:
                self._session = _reading_session(self.session_factory)
            else:
                self._session = self.session_factory()
        return self._session

    def loader(self, batch_load: BatchLoad[K, V]) -> DataLoader[K, V]:
        """The request's DataLoader for `batch_load`, which gets the session and a batch of keys.

        One loader per batch function per request, so every nested lookup of a page is
        batched into one query however many rows ask for it.
        """
        existing = self._loaders.get(batch_load)
        if existing is None:

            async def load(keys: list[K]) -> Sequence[V]:
                return await batch_load(self.session, keys)

            existing = DataLoader(load_fn=load)
            self._loaders[batch_load] = existing
        return cast(DataLoader[K, V], existing)

    async def reset(self) -> None:
        """Forget what the request loaded (its loaders, its transaction), as if nothing had
        run yet: the standard executor runs after a fast path that gave up."""
        self._loaders.clear()
        if self._session is not None:
            await self._session.rollback()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
