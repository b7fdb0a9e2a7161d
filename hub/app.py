"""create_app(settings) -> the Starlette application: GraphQL (HTTP and WebSocket), linked
data, limits."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import OperationType as GraphQLOperationType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from hub.access.authentication import Authentication, principal_of
from hub.db import create_engine, create_read_engine, create_session_factory
from hub.events.feed import ChangeFeed
from hub.events.postgres import listen_dsn
from hub.graphql import http_cache
from hub.graphql.context import Context, create_request_session_factory
from hub.graphql.documents import operation_type
from hub.graphql.fast.lane import FastLane
from hub.graphql.http_errors import error_response, read_json
from hub.graphql.live import Live, LiveHandler
from hub.graphql.persisted import PersistedQueries, PersistedQueryError
from hub.graphql.response_cache import ResponseCache
from hub.graphql.schema import HubSchema, build_schema
from hub.http_limits import BodySizeLimit
from hub.linked.cube import cube_routes
from hub.linked.routes import linked_data_routes
from hub.linked.sparql import sparql_routes
from hub.metadata import read_cache
from hub.nul import RefuseNulInUrls
from hub.observations.export import export_observations_csv
from hub.portal.graphiql import render_graphiql
from hub.portal.routes import portal_routes
from hub.read_routing import graphql_sessions
from hub.reporting.excel_routes import form_routes
from hub.reporting.validation import vietnam_date
from hub.sdmx.routes import sdmx_routes
from hub.settings import Settings

# Where a request's scope keeps the moment its first GraphQL context was made.
REQUEST_NOW = "hub.now"
FULL_COLLECTION_EVERY = 100  # second-generation collections between full ones (default 10)
YOUNG_COLLECTION_AFTER = 50_000  # objects made (net of those freed) between young ones (700)


class Answer(Exception):
    """A request answered before (or instead of) execution: 304, 405, persisted-query errors."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def error_answer(
    status: int, message: str, code: str, headers: Mapping[str, str] | None = None
) -> Answer:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Answer(Response(orjson.dumps(body), status, headers, media_type="application/json"))


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI endpoint with our context, orjson responses and JSON refusals of bad
    requests (`hub.graphql.http_errors`), persisted queries
    (`hub.graphql.persisted`), HTTP caching of GET queries (`hub.graphql.http_cache`) and
    subscriptions over graphql-transport-ws only (`hub.graphql.live`); a browser's GET without
    a query gets GraphiQL from the hub's own assets (strawberry's page loads a CDN)."""

    graphql_transport_ws_handler_class = LiveHandler

    def __init__(self, settings: Settings, app_state: object) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=None,  # LiveHandler counts, with a clear error
        )
        self.settings = settings
        self.app_state = app_state
        self.persisted = PersistedQueries.from_settings(settings)
        self.answers = (
            ResponseCache(settings.response_cache_bytes) if settings.response_cache_bytes else None
        )
        # POSTs of documents a plan answered before (`hub.graphql.fast.lane`); a hub that
        # keeps answers sends every request the standard way, where they are kept.
        plans = self.schema.fast_plans if isinstance(self.schema, HubSchema) else None
        self.lane = (
            FastLane(plans, self.schema, self._lane_context)
            if plans is not None and self.answers is None
            else None
        )
        self.live = Live(
            limits=settings.limits,
            session_factory=app_state.session_factory,  # type: ignore[attr-defined]
            feed=app_state.change_feed,  # type: ignore[attr-defined]
            persisted=self.persisted,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            if self.lane is not None:
                response = await self.lane.answer(request, self.run)
            else:
                response = await self.run(request)
        except HTTPException as error:
            response = error_response(error)
        except Answer as answer:
            response = answer.response
        await response(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: object) -> Context:
        context = Context(
            settings=self.settings,
            session_factory=(
                await graphql_sessions(request)
                if isinstance(request, Request)
                else self.app_state.request_session_factory  # type: ignore[attr-defined]
            ),
            request=request if isinstance(request, Request) else None,
            principal=principal_of(request.scope),
            changes=self.app_state.change_feed,  # type: ignore[attr-defined]
        )
        # One "now" per request, however many contexts it gets: the fast lane's and, when
        # the lane gives way (or in differential mode), the standard path's.
        if isinstance(request, Request):
            context.now = request.scope.setdefault(REQUEST_NOW, context.now)
        return context

    async def _lane_context(self, request: Request) -> Context:
        return await self.get_context(request, None)

    async def render_graphql_ide(self, request: Request) -> Response:
        return render_graphiql(request)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET by persisted-query hash has no `query` either, and is no page request.
        return super().should_render_graphql_ide(request) and (
            "extensions" not in request.query_params
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        method = request_adapter.method
        try:
            request_data.query = self.persisted.resolve(request_data.query, request_data.extensions)
        except PersistedQueryError as error:
            raise error_answer(error.status, error.message, error.code, error.headers) from None
        if request_data.query is not None:
            kind = operation_type(
                request_data.query,
                request_data.operation_name,
                self.settings.limits.max_query_tokens,
            )
            context.read_only = kind is GraphQLOperationType.QUERY
            if method == "GET" or self.answers is not None:
                await self._cache(request, method, kind, sub_response, context, request_data)
        allowed = {OperationType.QUERY}
        if method == "POST":
            allowed.add(OperationType.MUTATION)
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as error:
            raise _refused(error.operation_type) from None
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from None
        except MissingQueryError:
            raise HTTPException(400, "No GraphQL query found in the request") from None

    async def _cache(
        self,
        request: Request,
        method: str,
        kind: GraphQLOperationType | None,
        sub_response: Response,
        context: Context,
        request_data: GraphQLRequestData,
    ) -> None:
        """ETag and Cache-Control of a GET query, or its 304 (`hub.graphql.http_cache`); a
        query's kept answer, when answers are kept (`hub.graphql.response_cache`)."""
        assert request_data.query is not None
        if kind is None:
            return  # it does not parse or names no operation: execution says why
        if kind is not GraphQLOperationType.QUERY:
            if method == "GET":
                raise _refused(OperationType(kind.value))
            return
        stamp = await read_cache.stamp_of(context.session)
        key = http_cache.cache_key(
            stamp,
            vietnam_date(context.now),
            context.principal,
            request_data.query,
            request_data.variables,
            request_data.operation_name,
        )
        headers: dict[str, str] = {}
        if method == "GET":
            headers = {
                "ETag": http_cache.etag(key),
                "Cache-Control": http_cache.cache_control(
                    context.principal, self.settings.cache_max_age_s
                ),
                "Vary": http_cache.VARY,
            }
            if http_cache.matches(request.headers.get("if-none-match"), headers["ETag"]):
                await context.close()
                raise Answer(Response(status_code=304, headers=headers))
            sub_response.headers.update(headers)
        if self.answers is not None:
            self.answers.seen(stamp.tag)
            answer = self.answers.get(key)
            if answer is not None:
                await context.close()
                raise Answer(Response(answer, headers=headers, media_type="application/json"))
            sub_response.hub_answer = (key, stamp.tag)  # type: ignore[attr-defined]

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if "etag" in response.headers and _has_internal_error(response_data):
            del response.headers["etag"]  # a masked failure is no answer to keep
            response.headers["cache-control"] = "no-store"
        kept = getattr(sub_response, "hub_answer", None)
        if kept is not None and self.answers is not None and _is_answer(response_data):
            self.answers.put(kept[0], kept[1], bytes(response.body))
        return response

    def parse_json(self, data: str | bytes) -> object:
        return read_json(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson reports invalid UTF-8 as a JSONDecodeError (json's would raise
        # UnicodeDecodeError, which strawberry does not catch: a 500 instead of a 400).
        return orjson.loads(data)


def _refused(kind: OperationType) -> Answer:
    """A mutation over GET (405, GraphQL over HTTP), or a subscription over HTTP."""
    if kind is OperationType.SUBSCRIPTION:
        return error_answer(
            400,
            "subscriptions run over WebSocket: connect to /graphql with the "
            "graphql-transport-ws protocol",
            "SUBSCRIPTIONS_NEED_WEBSOCKET",
        )
    return error_answer(
        405,
        "mutations are not allowed over GET (GraphQL over HTTP): send them with POST",
        "METHOD_NOT_ALLOWED",
        {"Allow": "POST"},
    )


def _is_answer(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    """A single result with data and no error: what may be kept for the next asker."""
    return isinstance(data, dict) and not data.get("errors") and data.get("data") is not None


def _has_internal_error(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    results = data if isinstance(data, list) else [data]
    return any(
        isinstance(error, dict) and (error.get("extensions") or {}).get("code") == "INTERNAL_ERROR"
        for result in results
        for error in result.get("errors") or []
    )


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the hub for `settings` (read from the environment when omitted)."""
    settings = settings or Settings.from_env()
    engine = create_engine(settings)
    read_engine = create_read_engine(settings, engine)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Start-up objects live for the whole process: keep the collector off them (DESIGN §8).
        gc.freeze()
        # Full collections ten times rarer: a page of 1,000 values makes ~100,000 objects,
        # and at concurrency 16 the default thresholds ran a full collection every ~3 pages
        # (13 of Q2's ~96 ms went to them, 2.5 with this). Young ones after 50,000 objects
        # rather than 700: a page's objects live until its answer is written, so every
        # young collection scanned them again (20 a page, 3 of Q2's ~23 ms of CPU); what
        # a request leaves behind is mostly freed by reference counting, not by these.
        _, second, _ = gc.get_threshold()
        gc.set_threshold(YOUNG_COLLECTION_AFTER, second, FULL_COLLECTION_EVERY)
        await app.state.change_feed.start()
        try:
            yield
        finally:
            await app.state.change_feed.stop()
            await engine.dispose()
            if read_engine is not engine:
                await read_engine.dispose()

    app = Starlette(lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.request_session_factory = create_request_session_factory(engine)
    app.state.change_feed = ChangeFeed(
        engine,
        poll_interval=settings.events_poll_ms / 1000,
        queue_size=settings.limits.max_pending_events,
        listen_dsn=listen_dsn(settings.database_url),
    )
    # Reads may go to a replica (HUB_READ_DATABASE_URL): `hub.read_routing` says which.
    app.state.read_engine = read_engine
    app.state.read_session_factory = create_session_factory(read_engine)
    app.state.read_request_session_factory = create_request_session_factory(read_engine)
    graphql = GraphQLEndpoint(settings, app.state)
    app.router.routes.extend(
        [
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
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
    app.add_middleware(RefuseNulInUrls)
    return app
