"""A JSON refusal sent straight from a pure ASGI middleware, before any route: the same
`{"errors": [{message, extensions: {code, field}}]}` shape as every other refusal."""

from __future__ import annotations

import orjson
from starlette.types import Send


async def send_error(send: Send, status: int, message: str, code: str, field: str) -> None:
    body = orjson.dumps(
        {"errors": [{"message": message, "extensions": {"code": code, "field": field}}]}
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
