"""Request -> principal, as a pure ASGI middleware, then the rate limit of that principal.

`Authorization: Bearer <token>` names a token holder; no header means anonymous. A header
that is not a valid, active token is a 401, never silently anonymous: a system that thinks
it submits as itself must learn at once that it does not.
"""

from __future__ import annotations

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
        if scope["type"] != "http":
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
                principal = await self._principal(header)
            except AuthenticationError as error:
                await _send_error(
                    send,
                    401,
                    error.message,
                    "UNAUTHENTICATED",
                    [(b"www-authenticate", b'Bearer error="invalid_token"')],
                )
                return
            principal = Principal(**{**principal.__dict__, "client": address})
        key = f"token:{principal.token_id}" if principal.token_id else f"client:{address}"
        retry_after = self.window.hit(key)
        if retry_after is not None:
            await _send_error(
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

    async def _principal(self, header: str) -> Principal:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(
                "the Authorization header must be `Bearer <token>`", field="Authorization"
            )
        async with self.session_factory() as session:
            return await authenticate(secret.strip(), session=session)


async def _send_error(
    send: Send, status: int, message: str, code: str, headers: list[tuple[bytes, bytes]]
) -> None:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
