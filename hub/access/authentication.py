"""Request -> principal, as a pure ASGI middleware, then the rate limit of that principal.

`Authorization: Bearer <token>` names a token holder; no header means anonymous. A header
that is not a valid, active token is a 401, never silently anonymous: a system that thinks
it submits as itself must learn at once that it does not. WebSocket handshakes are treated
the same (the 401 as a denial response where the server supports it, else a refused
handshake); a WebSocket client may instead authenticate in its `connection_init` payload
(`hub.graphql.live`), checked by the same `principal_for_header`.
"""

from __future__ import annotations

from dataclasses import replace

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.access.principals import Principal, anonymous
from hub.access.rate_limit import SlidingWindow
from hub.access.tokens import AuthenticationError, authenticate

PRINCIPAL_KEY = "hub.principal"


def principal_of(scope: Scope) -> Principal:
    """The principal `Authentication` put in the scope; anonymous when it did not run."""
    principal = scope.get(PRINCIPAL_KEY)
    return principal if isinstance(principal, Principal) else anonymous()


class Authentication:
    """Resolves the bearer token of each HTTP request and applies the per-minute limit."""

    def __init__(
        self,
        app: ASGIApp,
        session_factory: async_sessionmaker[AsyncSession],
        requests_per_minute: int,
    ) -> None:
        self.app = app
        self.session_factory = session_factory
        self.window = SlidingWindow(requests_per_minute, seconds=60.0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else None
        header = None
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        if header is None:
            principal = anonymous(address)
        else:
            try:
                principal = await principal_for_header(header, self.session_factory)
            except AuthenticationError as error:
                await _refuse(
                    scope,
                    receive,
                    send,
                    401,
                    error.message,
                    "UNAUTHENTICATED",
                    [(b"www-authenticate", b'Bearer error="invalid_token"')],
                )
                return
            principal = replace(principal, client=address)
        retry_after = self.window.hit(rate_key(principal))
        if retry_after is not None:
            await _refuse(
                scope,
                receive,
                send,
                429,
                f"rate limit of {self.window.limit} requests per minute exceeded for "
                f"{principal.actor}; retry after {retry_after} s",
                "RATE_LIMITED",
                [(b"retry-after", str(retry_after).encode())],
            )
            return
        scope[PRINCIPAL_KEY] = principal
        await self.app(scope, receive, send)


def rate_key(principal: Principal) -> str:
    """Whom limits count for: the token, or the client address of an anonymous caller."""
    if principal.token_id is not None:
        return f"token:{principal.token_id}"
    return f"client:{principal.client}"


async def principal_for_header(
    header: str, session_factory: async_sessionmaker[AsyncSession]
) -> Principal:
    """The principal of an `Authorization` value; raises `AuthenticationError` saying why."""
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise AuthenticationError(
            "the Authorization header must be `Bearer <token>`", field="Authorization"
        )
    async with session_factory() as session:
        return await authenticate(secret.strip(), session=session)


async def _refuse(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    message: str,
    code: str,
    headers: list[tuple[bytes, bytes]],
) -> None:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    start = {
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
    }
    if scope["type"] == "http":
        await send({"type": "http.response.start", **start})
        await send({"type": "http.response.body", "body": body})
        return
    await receive()  # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", **start})
        await send({"type": "websocket.http.response.body", "body": body})
    else:  # no denial responses: a refused handshake (HTTP 403)
        await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
