"""Error contract of the GraphQL API: domain errors carry a code and field, others are masked.

Expected failures of mutations are union members of their payloads; this extension handles
what reaches the top-level `errors`: a `HubError` keeps its message with
`extensions: {code, field}`, anything unexpected is logged with the request id and masked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import StreamExecutionResult

from hub.db import is_statement_timeout
from hub.errors import HubError, LimitExceededError
from hub.graphql.context import Context

log = logging.getLogger("hub.graphql")
STATEMENT_TIMEOUT = LimitExceededError(
    "the request ran a database statement longer than the statement timeout "
    "(HUB_STATEMENT_TIMEOUT_MS); narrow it (filters, a smaller page)"
)


def _domain_error(error: GraphQLError, original: HubError) -> GraphQLError:
    extensions = {**(error.extensions or {}), "code": original.code}
    if original.field is not None:
        extensions["field"] = original.field
    return GraphQLError(
        original.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


# graphql-core's own errors carry no code; clients switch on one. A variable's value that
# does not fit its type says where: "Variable '$input' has invalid value at .rows[0].x: ..."
# (or "... got invalid value ... at 'input.rows[0].x'").
_VARIABLE = re.compile(r"^Variable '\$(\w+)'(?:[^:]*? at '?([\w.\[\]]+)'?)?")


def _coded(error: GraphQLError) -> GraphQLError:
    """A syntax, validation or variable error with its code (and, for a variable, field)."""
    if error.extensions and "code" in error.extensions:
        return error
    extensions = dict(error.extensions or {})
    variable = _VARIABLE.match(error.message)
    if variable:
        name, where = variable.group(1), variable.group(2) or ""
        field = where if where.startswith(name) else f"{name}{where}"
        extensions |= {"code": "INVALID_INPUT", "field": field}
    elif error.message.startswith("Variable"):  # e.g. "Variable values are nested too deeply."
        extensions["code"] = "INVALID_INPUT"
    elif error.message.startswith("Syntax Error"):
        extensions["code"] = "GRAPHQL_PARSE_FAILED"
    else:
        extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def _masked_error(error: GraphQLError, request_id: str) -> GraphQLError:
    return GraphQLError(
        f"Unexpected error; quote request id {request_id} to the operators.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": "INTERNAL_ERROR", "requestId": request_id},
    )


def contract_errors(errors: list[GraphQLError], request_id: str) -> list[GraphQLError]:
    """The errors as clients see them: domain errors with code and field, unexpected ones
    logged and masked. Idempotent (mapped errors keep no original error), so errors that
    escaped the operation hook can go through it again (`HubSchema.execute`)."""
    mapped: list[GraphQLError] = []
    for error in errors:
        original = error.original_error
        if original is None or (isinstance(original, GraphQLError) and error.path is None):
            mapped.append(_coded(error))  # syntax, validation and variable errors
        elif isinstance(original, GraphQLError):
            mapped.append(error)
        elif isinstance(original, HubError):
            mapped.append(_domain_error(error, original))
        elif is_statement_timeout(original):
            mapped.append(_domain_error(error, STATEMENT_TIMEOUT))
        else:
            log.error(
                "unexpected error in request %s at %s", request_id, error.path, exc_info=original
            )
            mapped.append(_masked_error(error, request_id))
    return mapped


class ErrorContract(SchemaExtension):
    """Maps errors after each operation (and each result a subscription sends) and closes
    the request's session."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override,unused-ignore]
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()
        self._map(self.execution_context.result)

    async def on_stream_result(  # type: ignore[override,unused-ignore]
        self, result: StreamExecutionResult
    ) -> AsyncIterator[None]:
        self._map(result)
        yield

    def _map(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if result is None or not errors:
            return
        context = self.execution_context.context
        request_id = context.request_id if isinstance(context, Context) else "-"
        result.errors = contract_errors(errors, request_id)  # type: ignore[attr-defined]
