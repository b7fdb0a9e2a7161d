"""Live updates over WebSocket (`graphql-transport-ws` at /graphql): who may connect, how many
connections and subscriptions, and what a connection may run.

- Who: the upgrade request's `Authorization` header (checked by `hub.access.authentication`,
  a bad one refuses the handshake), or `{"Authorization": "Bearer rh_..."}` in the
  `connection_init` payload, which then wins; the same check as over HTTP. A bad token in
  the payload closes the connection with 4403 and a reason saying why. A connection of a
  token that is revoked (in any worker) or expires is closed the same way.
- How many, per worker process: `HUB_MAX_CONNECTIONS_PER_PRINCIPAL` open connections per
  token (per address for anonymous callers), 4429 past it; `HUB_MAX_SUBSCRIPTIONS_PER_
  CONNECTION` operations per connection, an `error` message for one too many.
- What: subscriptions only. Queries and mutations go over HTTP, where each has its own
  session and transaction (a connection's operations share one context).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Protocol, cast

from graphql import GraphQLError, OperationType
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)

from hub.access.authentication import principal_for_header, rate_key
from hub.access.principals import Principal
from hub.access.tokens import TOKEN_REVOKED, AuthenticationError
from hub.db import utcnow
from hub.events.feed import ChangeFeed
from hub.graphql.context import Context
from hub.graphql.documents import operation_type
from hub.graphql.persisted import PersistedQueries, PersistedQueryError
from hub.settings import Limits

CLOSE_BAD_REQUEST = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429
_REASON_BYTES = 123  # the longest close reason RFC 6455 allows


class ConnectionRefused(Exception):
    """A connection_init that is not accepted: closed with `code` and `reason`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason.encode()[:_REASON_BYTES].decode(errors="ignore")


@dataclass
class Live:
    """What the WebSocket handler needs of the app; one per app, shared by its connections."""

    limits: Limits
    session_factory: async_sessionmaker[AsyncSession]
    feed: ChangeFeed
    persisted: PersistedQueries

    def __post_init__(self) -> None:
        self.open: Counter[str] = Counter()  # open connections by `rate_key`

    async def admit(self, context: Context, payload: dict[str, Any]) -> str:
        """Authenticate a connection_init and count it; returns its key for `release`."""
        header = payload.get("Authorization", payload.get("authorization"))
        if header is not None:
            if not isinstance(header, str):
                raise ConnectionRefused(
                    CLOSE_BAD_REQUEST,
                    "connection_init payload: Authorization must be a string `Bearer <token>`",
                )
            try:
                principal = await principal_for_header(header, self.session_factory)
            except AuthenticationError as error:
                raise ConnectionRefused(
                    CLOSE_FORBIDDEN, f"UNAUTHENTICATED: {error.message}"
                ) from None
            context.principal = replace(principal, client=context.principal.client)
        key = rate_key(context.principal)
        limit = self.limits.max_connections_per_principal
        if self.open[key] >= limit:
            raise ConnectionRefused(
                CLOSE_TOO_MANY,
                f"{limit} connections already open for {context.principal.actor}"[:80]
                + " (HUB_MAX_CONNECTIONS_PER_PRINCIPAL)",
            )
        self.open[key] += 1
        return key

    def release(self, key: str) -> None:
        self.open[key] -= 1
        if self.open[key] <= 0:
            del self.open[key]

    def refusal(self, payload: object, running: int) -> GraphQLError | None:
        """Why a subscribe message may not run on this connection, if it may not."""
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return None  # malformed: the protocol handler closes the connection
        limit = self.limits.max_subscriptions_per_connection
        if running >= limit:
            return GraphQLError(
                f"at most {limit} subscriptions run on one connection "
                "(HUB_MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one or open another connection",
                extensions={"code": "LIMIT_EXCEEDED"},
            )
        query: str = payload["query"]
        try:
            self.persisted.check_allowed(query)
        except PersistedQueryError as error:
            return GraphQLError(error.message, extensions={"code": error.code})
        name = payload.get("operationName")
        kind = operation_type(
            query, name if isinstance(name, str) else None, self.limits.max_query_tokens
        )
        if kind is not None and kind is not OperationType.SUBSCRIPTION:
            return GraphQLError(
                f"only subscriptions run over WebSocket; send this {kind.value} with HTTP "
                "POST /graphql",
                extensions={"code": "SUBSCRIPTIONS_ONLY"},
            )
        return None


class LiveView(Protocol):
    live: Live


class LiveHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler with the hub's admission and limits."""

    _key: str | None = None
    _watch: asyncio.Task[None] | None = None

    @property
    def live(self) -> Live:
        return cast(LiveView, self.view).live

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload", {})
        if isinstance(payload, dict) and not self.connection_init_received:
            try:
                self._key = await self.live.admit(self.context, payload)
            except ConnectionRefused as refusal:
                self.connection_init_received = True
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                await self.websocket.close(code=refusal.code, reason=refusal.reason)
                return
            if self.context.principal.token_id is not None:
                self._watch = asyncio.create_task(self._close_when_token_ends())
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and message["id"] not in self.operations:
            refusal = self.live.refusal(message.get("payload"), len(self.operations))
            if refusal is not None:
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [refusal.formatted]}
                )
                return
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)  # see ChangeFeed.stop
        await super().shutdown()
        if self._key is not None:
            self.live.release(self._key)
            self._key = None

    async def _close_when_token_ends(self) -> None:
        principal: Principal = self.context.principal
        token = principal.token_id
        left = (principal.expires_at - utcnow()).total_seconds() if principal.expires_at else None
        async with self.live.feed.subscribe(
            lambda e: e["kind"] == TOKEN_REVOKED and e.get("token") == token
        ) as revocations:
            try:
                async with asyncio.timeout(left):
                    await anext(revocations)
                reason = f"UNAUTHENTICATED: token {token} was revoked"
            except TimeoutError:
                reason = f"UNAUTHENTICATED: token {token} expired"
            except StopAsyncIteration:
                return  # the feed stopped: the server is shutting down
        await self.websocket.close(code=CLOSE_FORBIDDEN, reason=reason)
