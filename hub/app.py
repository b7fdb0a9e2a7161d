"""create_app(settings) -> the Starlette application: GraphQL, linked data, limits."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from hub.access.authentication import Authentication, principal_of
from hub.db import create_engine, create_session_factory
from hub.graphql.context import Context, create_request_session_factory
from hub.graphql.schema import build_schema
from hub.http_limits import BodySizeLimit
from hub.linked.cube import cube_routes
from hub.linked.routes import linked_data_routes
from hub.linked.sparql import sparql_routes
from hub.observations.export import export_observations_csv
from hub.portal.graphiql import render_graphiql
from hub.portal.routes import portal_routes
from hub.reporting.excel_routes import form_routes
from hub.sdmx.routes import sdmx_routes
from hub.settings import Settings


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI endpoint with our context and orjson responses; a browser's GET
    without a query gets GraphiQL from the hub's own assets (strawberry's page loads a CDN)."""

    def __init__(self, settings: Settings, app_state: object) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql")
        self.settings = settings
        self.app_state = app_state

    async def get_context(self, request: Request | WebSocket, response: object) -> Context:
        return Context(
            settings=self.settings,
            session_factory=self.app_state.request_session_factory,  # type: ignore[attr-defined]
            request=request if isinstance(request, Request) else None,
            principal=principal_of(request.scope),
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return render_graphiql(request)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson reports invalid UTF-8 as a JSONDecodeError (json's would raise
        # UnicodeDecodeError, which strawberry does not catch: a 500 instead of a 400).
        return orjson.loads(data)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the hub for `settings` (read from the environment when omitted)."""
    settings = settings or Settings.from_env()
    engine = create_engine(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Start-up objects live for the whole process: keep the collector off them (DESIGN §8).
        gc.freeze()
        yield
        await engine.dispose()

    app = Starlette(lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.request_session_factory = create_request_session_factory(engine)
    graphql = GraphQLEndpoint(settings, app.state)
    app.router.routes.extend(
        [
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *cube_routes(),  # before /id/{path}: /id/dataset/{code}
            *linked_data_routes(),
            *sdmx_routes(),
            *sparql_routes(),
            Route("/export/observations.csv", export_observations_csv, methods=["GET"]),
            *form_routes(),
            *portal_routes(),  # `/`: the dashboard, or the service description as JSON
        ]
    )
    app.add_middleware(
        Authentication,
        session_factory=app.state.session_factory,
        requests_per_minute=settings.limits.requests_per_minute,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.limits.max_body_bytes)
    return app
