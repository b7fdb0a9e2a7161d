"""U+0000 (NUL) is refused in every text the hub takes in, wherever it comes from.

PostgreSQL cannot store NUL in a text column (SQLite can), so a NUL that reached the database
would be stored on one and crash on the other. Refused at each way in instead, with the field
named: GraphQL strings (`hub.graphql.input_text`), URLs (`RefuseNulInUrls`), decoded ids and
cursors, report drafts from files (`hub.reporting.validation`) and catalog texts (the model).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send

from hub.asgi_errors import send_error

NUL = "\x00"
REASON = "contains U+0000 (NUL), which no text may contain"


def nul_path(value: object, path: str) -> str | None:
    """The path (`$input.sections[0].text`) of the first string holding NUL in a JSON value
    (dicts, lists, strings, numbers) below `path`, or None when there is none."""
    # A loop, not recursion: variables may nest as deep as the JSON parser allows (1,024).
    # Each item waits with its container's path and its key there: a path is written only
    # for a container opened or a NUL found, not for every string (86 area codes: 40 -> 25 us).
    pending: list[tuple[object, str, str, object]] = [(value, path, "", None)]
    while pending:
        item, parent, step, key = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                return _below(parent, step, key)
        elif isinstance(item, Mapping):
            where = _below(parent, step, key)
            for name, child in reversed(list(item.items())):
                if isinstance(name, str) and NUL in name:
                    return f"{where}.{name!r}"
                pending.append((child, where, ".", name))
        elif isinstance(item, list):
            where = _below(parent, step, key)
            pending.extend((child, where, "[", i) for i, child in reversed(list(enumerate(item))))
    return None


def _below(parent: str, step: str, key: object) -> str:
    """The path of the item at `key` of the container at `parent` (`step` "." or "["), or
    `parent` itself (no step)."""
    if not step:
        return parent
    return f"{parent}.{key}" if step == "." else f"{parent}[{key}]"


class RefuseNulInUrls:
    """A 400 for a NUL in the path or query string of any HTTP request, before any route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            NUL in scope.get("path", "") or b"%00" in scope.get("query_string", b"")
        ):
            await send_error(send, 400, f"the URL {REASON}", "INVALID_INPUT", "url")
            return
        await self.app(scope, receive, send)
