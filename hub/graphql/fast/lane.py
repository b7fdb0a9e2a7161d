"""The fast lane: a POST of a document a plan already answered skips strawberry's HTTP view.

Before a plan runs, strawberry's view and executor cost about a millisecond per request:
the request data, the context, the sub-response, the hooks of every extension (the parser
and validation caches, the limits, the operation and execution hooks). That is a third of
a small query's time (Q1 of the bench). Everything they check depends on the document text
alone (parsing, validation, the depth, alias, token and fragment limits, introspection, NUL
in literals, the operation being a query), and a plan is only ever made for a document that
passed them all (`extension.FastExecution` compiles it after them). So for a request whose
document and operation have a plan (`PlanCache.peek`), the lane runs only what depends on
the request: its context, NUL in its variables (`input_text.nul_in_request`), the plan
(with the variables' coercion), the JSON.

The lane takes a POST of `application/json` with no query string, no streaming `Accept`,
and a body that is a JSON object of `query` (a string), `variables` (an object or null) and
`operationName` (a string or null), nothing else (`extensions`: persisted queries go the
standard way). Anything else, and any failure of the plan, goes the standard way with the
same request (Starlette keeps its body), so every error is the standard one.

In differential mode (the test suite) the lane's answer is made, then the standard one, and
the two must be the same bytes with the same status and headers (`extension.differences`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from hub.graphql.fast import extension
from hub.graphql.fast.execute import execute
from hub.graphql.fast.extension import PlanCache
from hub.graphql.input_text import nul_in_request

# Accept headers asking for a stream (incremental delivery, server-sent events).
STREAMING = (b"multipart/mixed", b"text/event-stream")
BODY_KEYS = frozenset({"query", "variables", "operationName"})


class FastLane:
    """Answers the requests it covers (see the module's docstring), or says it did not."""

    def __init__(
        self,
        plans: PlanCache,
        schema: Any,
        context_of: Callable[[Request], Awaitable[Any]],
    ) -> None:
        self.plans = plans
        self.schema = schema
        self.context_of = context_of

    async def answer(
        self, request: Request, standard: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """The response to `request`: the lane's, or `standard(request)`'s."""
        body = await self._body(request) if _may_take(request) else None
        if body is None:
            return await standard(request)
        if not extension.is_differential():
            return await self._run(request, body) or await standard(request)
        with extension.shadow():
            fast = await self._run(request, body)
        answer = await standard(request)
        if fast is not None:
            _compare(fast, answer, body)
        return answer

    async def _body(self, request: Request) -> dict[str, Any] | None:
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        if not isinstance(body, dict) or not BODY_KEYS.issuperset(body):
            return None
        query, variables = body.get("query"), body.get("variables")
        name = body.get("operationName")
        if not isinstance(query, str) or not isinstance(variables, dict | None):
            return None
        if not isinstance(name, str | None):
            return None
        return body

    async def _run(self, request: Request, body: dict[str, Any]) -> Response | None:
        plan = self.plans.peek(body["query"], body.get("operationName"))
        variables = body.get("variables")
        if plan is None or nul_in_request(variables, None, None) is not None:
            return None
        context = await self.context_of(request)
        context.read_only = True
        try:
            data = await execute(
                plan,
                schema=self.schema,
                context=context,
                root_value=None,
                variable_values=variables,
            )
        except Exception:
            extension.stats["lane fallback"] += 1
            return None
        finally:
            await context.close()
        extension.stats["lane"] += 1
        return Response(orjson.dumps({"data": data}), media_type="application/json")


def _may_take(request: Request) -> bool:
    scope = request.scope  # read as is: `request.url` builds a URL object per request
    if scope["method"] != "POST" or scope.get("query_string"):
        return False
    content_type = accept = b""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif name == b"accept":
            accept = value
    if content_type.split(b";", 1)[0].strip().lower() != b"application/json":
        return False
    return not any(kind in accept.lower() for kind in STREAMING)


def _compare(fast: Response, standard: Response, body: dict[str, Any]) -> None:
    same = (
        fast.status_code == standard.status_code
        and fast.body == standard.body
        and fast.raw_headers == standard.raw_headers
    )
    if not same:
        extension.record_difference(
            f"the lane answered {body!r} with {fast.status_code} {fast.raw_headers!r} "
            f"{bytes(fast.body)[:300]!r}, the standard path with {standard.status_code} "
            f"{standard.raw_headers!r} {bytes(standard.body)[:300]!r}"
        )
