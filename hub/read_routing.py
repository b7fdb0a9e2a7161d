"""Which requests read from the replica (HUB_READ_DATABASE_URL) and which from the primary.

Reads go to the replica: GraphQL queries, SDMX, CSV exports, Excel forms, linked data, the
data cube and SPARQL. Everything that writes, and everything in a request that writes (a
GraphQL mutation reads the catalog and locks rows in the transaction it writes in), goes to
the primary; so does a GraphQL document the router cannot read (a persisted query's hash, a
subscription, a malformed body: the endpoint answers those as usual). A replica lags the
primary by its replication delay; a client that must see its own write at once (a query
right after `submitReport`) sends `X-Hub-Read: primary`, and the request reads the primary.
"""

from __future__ import annotations

from functools import lru_cache

import orjson
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request

PRIMARY_HEADER = "x-hub-read"


def wants_primary(request: Request) -> bool:
    """Whether the client asked to read the primary (`X-Hub-Read: primary`)."""
    return request.headers.get(PRIMARY_HEADER, "").strip().lower() == "primary"


def read_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """The session factory of a request that only reads (SDMX, exports, linked data ...)."""
    state = request.app.state
    if wants_primary(request):
        factory: async_sessionmaker[AsyncSession] = state.session_factory
        return factory
    factory = state.read_session_factory
    return factory


@lru_cache(maxsize=512)
def _operation_types(query: str) -> dict[str | None, OperationType] | None:
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    found = {o.name.value if o.name else None: o.operation for o in operations}
    if len(operations) == 1:
        found[None] = operations[0].operation  # the one operation, whatever its name
    return found


async def is_graphql_read(request: Request) -> bool:
    """Whether the GraphQL request is a query (not a mutation or subscription) that may read
    the replica. Anything the router cannot tell is not."""
    if wants_primary(request):
        return False
    if request.method == "GET":
        query, name = request.query_params.get("query"), request.query_params.get("operationName")
    else:
        body = await request.body()  # Starlette keeps it: the endpoint reads it again for free
        if b"mutation" in body or b"subscription" in body:
            return False  # however it is spelt, not worth parsing to find out
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False
        if not isinstance(data, dict):
            return False
        query, name = data.get("query"), data.get("operationName")
    if not isinstance(query, str) or not (name is None or isinstance(name, str)):
        return False
    types = _operation_types(query)
    return types is not None and types.get(name) is OperationType.QUERY


async def graphql_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """The request-session factory for a GraphQL request: the replica's for queries."""
    state = request.app.state
    factory: async_sessionmaker[AsyncSession] = state.request_session_factory
    if state.read_engine is not state.engine and await is_graphql_read(request):
        factory = state.read_request_session_factory
    return factory
