"""Linked-data routes: `/id/{kind}/{code}` by content negotiation, and whole-catalog dumps."""

from __future__ import annotations

from rdflib import Graph, URIRef
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from catalog.mapping import catalog_to_graph, serialize
from hub.linked.descriptions import describe, render_html
from hub.linked.negotiation import BY_SUFFIX, HTML, JSON_LD, OFFERED, TURTLE, Format, negotiate
from hub.metadata.service import catalog_fingerprint
from hub.metadata.store import load_catalog
from hub.read_routing import read_sessions
from hub.settings import Settings


async def _catalog_graph(request: Request) -> Graph:
    """The catalog as a graph, rebuilt only when the stored catalog has changed."""
    settings: Settings = request.app.state.settings
    async with read_sessions(request)() as session:
        fingerprint = await catalog_fingerprint(session=session)
        cached: tuple[tuple[object, ...], Graph] | None = getattr(
            request.app.state, "catalog_graph", None
        )
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        catalog = await load_catalog(session=session)
    graph = catalog_to_graph(catalog, settings.base_iri)
    request.app.state.catalog_graph = (fingerprint, graph)
    return graph


def _not_acceptable() -> Response:
    offered = ", ".join(sorted(OFFERED))
    return PlainTextResponse(
        f"406 Not Acceptable: this resource is available as {offered}", status_code=406
    )


def _requested_format(request: Request) -> Format | None:
    suffix = request.query_params.get("format")
    if suffix is not None:
        return BY_SUFFIX.get(suffix)
    return negotiate(request.headers.get("accept"))


def _rdf_response(graph: Graph, fmt: Format) -> Response:
    return Response(
        serialize(graph, fmt.name),
        media_type=f"{fmt.media_type}; charset=utf-8",
        headers={"Vary": "Accept"},
    )


async def resolve_identifier(request: Request) -> Response:
    """Describe the catalog entity behind `/id/...` in the negotiated format."""
    fmt = _requested_format(request)
    if fmt is None:
        return _not_acceptable()
    settings: Settings = request.app.state.settings
    path = request.path_params["path"].strip("/")
    iri = URIRef(f"{settings.base_iri}/{path}")
    description = describe(await _catalog_graph(request), iri)
    if len(description) == 0:
        return PlainTextResponse(
            f"404 Not Found: the catalog has no entity at /id/{path}", status_code=404
        )
    if fmt is HTML:
        link_base = str(request.base_url).rstrip("/") + "/id"
        page = render_html(description, iri, local_base=settings.base_iri, link_base=link_base)
        return HTMLResponse(page, headers={"Vary": "Accept"})
    return _rdf_response(description, fmt)


async def catalog_turtle(request: Request) -> Response:
    return _rdf_response(await _catalog_graph(request), TURTLE)


async def catalog_jsonld(request: Request) -> Response:
    return _rdf_response(await _catalog_graph(request), JSON_LD)


def linked_data_routes() -> list[Route]:
    return [
        Route("/id/{path:path}", resolve_identifier, methods=["GET", "HEAD"]),
        Route("/catalog.ttl", catalog_turtle, methods=["GET", "HEAD"]),
        Route("/catalog.jsonld", catalog_jsonld, methods=["GET", "HEAD"]),
    ]
