"""The per-request GraphQL context: settings, one database session, per-request DataLoaders."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from strawberry.dataloader import DataLoader

from hub.access.principals import Principal, anonymous
from hub.db import change_tracking_session, utcnow
from hub.events.feed import ChangeFeed
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

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().scalar(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().get(*args, **kwargs)

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
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    # The request's one "now": what a read "as of now" reads, whoever asks within it.
    now: datetime = field(default_factory=utcnow)
    _session: AsyncSession | None = None
    # Any: loaders of many key and value types share one cache, keyed by their batch function.
    _loaders: dict[Callable[..., Any], DataLoader[Any, Any]] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        """Who is acting, for the audit log: `token:<id>:<name>`, or `anonymous@<address>`."""
        return self.principal.actor

    @property
    def session(self) -> AsyncSession:
        """The request's one session, opened on first use and closed after the operation."""
        if self._session is None:
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
