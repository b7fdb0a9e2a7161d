"""`/sparql`: a read-only SPARQL 1.1 protocol endpoint over the catalog graph.

GET `?query=`, POST `application/sparql-query` (the query is the body) and POST
`application/x-www-form-urlencoded` (`query=`). SELECT and ASK answer
`application/sparql-results+json` (the default) or `text/csv` by `Accept`; CONSTRUCT and
DESCRIBE answer Turtle. Updates (INSERT, DELETE, LOAD, ...) are refused with 400, and so are
`SERVICE` and `FROM` / `FROM NAMED`: rdflib would fetch those IRIs, and the hub never
downloads at run time.

Limits (`Limits.sparql_*`): an answer holds at most `HUB_SPARQL_MAX_ROWS` rows (or triples),
and a cut answer says so in the `Hub-Results-Truncated: true` header; a query not answered
within `HUB_SPARQL_TIMEOUT_S` gets a 503. rdflib cannot interrupt a running query, so a query
that timed out keeps running in its worker thread until it ends; at most `MAX_RUNNING`
queries run at once (timed-out ones included), and a query beyond that gets a 503 at once,
so runaway queries cannot pile up. Reading results stops at the row limit, which bounds the
work of SELECTs rdflib evaluates lazily (no ORDER BY, no aggregates); ORDER BY, aggregates
and CONSTRUCT are evaluated whole before the cut, so the timeout is their only bound.
"""

from __future__ import annotations

import asyncio
import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import parse_qs

import orjson
from pyparsing import ParseBaseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node, Variable
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from catalog.mapping import serialize
from hub.linked.routes import _catalog_graph
from hub.settings import Limits

MAX_RUNNING = 2  # queries evaluated at once, including those past their timeout
SPARQL_JSON = "application/sparql-results+json"
SPARQL_QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
_running = threading.BoundedSemaphore(MAX_RUNNING)


class QueryRefused(ValueError):
    """The query cannot be run here; the message says why (a 400)."""


@dataclass(frozen=True)
class Answer:
    """What a query returned, cut at the row limit."""

    kind: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    variables: tuple[Variable, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False


def prepare(text: str, graph: Graph) -> Query:
    """The query `text` parsed for `graph`'s prefixes, or `QueryRefused` saying why not."""
    if not text.strip():
        raise QueryRefused("the query is empty: send it as `query=` or as the request body")
    try:
        parsed = parseQuery(text)
    except ParseBaseException as error:
        if _is_update(text):
            raise QueryRefused(
                "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, "
                "CREATE, DROP ...) are refused"
            ) from None
        raise QueryRefused(f"the query is malformed: {error}") from None
    try:
        query = translateQuery(parsed, initNs=dict(graph.namespaces()))
    except Exception as error:  # rdflib raises bare Exception for an unknown prefix
        raise QueryRefused(f"the query is malformed: {error}") from None
    if query.algebra.get("datasetClause"):
        raise QueryRefused("FROM and FROM NAMED are not supported: the hub's graph is the dataset")
    if _uses_service(query.algebra):
        raise QueryRefused("SERVICE is not supported: the endpoint never queries other services")
    return query


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseBaseException:
        return False
    return True


def _uses_service(node: Any) -> bool:
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_uses_service(value) for value in node.values())
    if isinstance(node, list | tuple):
        return any(_uses_service(value) for value in node)
    return False


def evaluate(query: Query, graph: Graph, max_rows: int) -> Answer:
    """Run `query` over `graph`, keeping at most `max_rows` rows or triples."""
    result: Result = graph.query(query)
    kind = query.algebra.name.removesuffix("Query").upper()
    if result.type == "ASK":
        return Answer("ASK", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        triples = list(islice(iter(result.graph), max_rows + 1))
        out = Graph()
        for prefix, namespace in graph.namespaces():
            out.bind(prefix, namespace)
        for triple in triples[:max_rows]:
            out.add(triple)
        return Answer(result.type, graph=out, truncated=len(triples) > max_rows)
    variables = tuple(result.vars or ())
    rows = [tuple(row) for row in islice(iter(result), max_rows + 1)]  # type: ignore[arg-type]
    return Answer(kind, variables, tuple(rows[:max_rows]), truncated=len(rows) > max_rows)


def _run_bounded(query: Query, graph: Graph, max_rows: int) -> Answer:
    try:
        return evaluate(query, graph, max_rows)
    finally:
        _running.release()


def _term_json(node: Node) -> dict[str, str]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    if isinstance(node, Literal):
        term = {"type": "literal", "value": str(node)}
        if node.language:
            term["xml:lang"] = node.language
        elif node.datatype:
            term["datatype"] = str(node.datatype)
        return term
    return {"type": "literal", "value": str(node)}


def results_json(answer: Answer) -> bytes:
    """The SPARQL 1.1 Query Results JSON of a SELECT or ASK answer."""
    if answer.kind == "ASK":
        return orjson.dumps({"head": {}, "boolean": answer.boolean})
    names = [str(v) for v in answer.variables]
    bindings = [
        {name: _term_json(term) for name, term in zip(names, row, strict=True) if term is not None}
        for row in answer.rows
    ]
    return orjson.dumps({"head": {"vars": names}, "results": {"bindings": bindings}})


def _csv_cell(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def results_csv(answer: Answer) -> str:
    """The SPARQL 1.1 Query Results CSV of a SELECT answer (ASK: a `boolean` column)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if answer.kind == "ASK":
        writer.writerows([["boolean"], ["true" if answer.boolean else "false"]])
        return out.getvalue()
    writer.writerow([str(v) for v in answer.variables])
    writer.writerows([_csv_cell(term) for term in row] for row in answer.rows)
    return out.getvalue()


def _accepted(accept: str | None) -> Iterator[str]:
    """Media types of an Accept header, best first (stable on ties)."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept or "").split(",")):
        media, *params = item.strip().split(";")
        quality = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media.strip() and quality > 0:
            weighted.append((-quality, position, media.strip().lower()))
    for _, _, media in sorted(weighted):
        yield media


def _results_format(accept: str | None) -> str | None:
    offered = {SPARQL_JSON: "json", "application/json": "json", "text/csv": "csv"}
    media_types = list(_accepted(accept))
    if not media_types:
        return "json"
    for media in media_types:
        if media in offered:
            return offered[media]
        if media in ("*/*", "application/*"):
            return "json"
        if media == "text/*":
            return "csv"
    return None


def _graph_format(accept: str | None) -> str | None:
    media_types = list(_accepted(accept))
    if not media_types:
        return "turtle"
    for media in media_types:
        if media in ("text/turtle", "application/x-turtle", "*/*", "text/*"):
            return "turtle"
        if media in ("application/ld+json", "application/json"):
            return "json-ld"
    return None


def _bad_request(message: str) -> Response:
    return PlainTextResponse(f"400 Bad Request: {message}", status_code=400)


async def _query_text(request: Request) -> str:
    if request.method == "GET":
        if "update" in request.query_params:
            raise QueryRefused("this endpoint is read-only: SPARQL updates are refused")
        return request.query_params.get("query", "")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == SPARQL_QUERY:
        body = await request.body()
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise QueryRefused("the query is not UTF-8 text") from None
    if media == FORM:
        # Parsed here: starlette's form parser needs python-multipart, not worth a dependency.
        try:
            form = parse_qs((await request.body()).decode("utf-8"), errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise QueryRefused("the form is not UTF-8 text") from None
        if "update" in form:
            raise QueryRefused("this endpoint is read-only: SPARQL updates are refused")
        return form.get("query", [""])[0]
    if media == "application/sparql-update":
        raise QueryRefused("this endpoint is read-only: SPARQL updates are refused")
    raise QueryRefused(
        f"POST a query as {SPARQL_QUERY} or as {FORM} with `query=`, not {media or 'no type'}"
    )


async def sparql_endpoint(request: Request) -> Response:
    """Answer a SPARQL query over the catalog graph (module docstring: the protocol)."""
    limits: Limits = request.app.state.settings.limits
    try:
        text = await _query_text(request)
        graph = await _catalog_graph(request)
        query = prepare(text, graph)
    except QueryRefused as error:
        return _bad_request(str(error))
    is_graph = query.algebra.name in ("ConstructQuery", "DescribeQuery")
    fmt = _graph_format(request.headers.get("accept")) if is_graph else None
    if not is_graph:
        fmt = _results_format(request.headers.get("accept"))
    if fmt is None:
        offered = "text/turtle, application/ld+json" if is_graph else f"{SPARQL_JSON}, text/csv"
        return PlainTextResponse(
            f"406 Not Acceptable: this query's results are available as {offered}",
            status_code=406,
        )
    if not _running.acquire(blocking=False):
        return PlainTextResponse(
            f"503 Service Unavailable: {MAX_RUNNING} SPARQL queries are running; retry later",
            status_code=503,
            headers={"Retry-After": str(limits.sparql_timeout_s)},
        )
    # Submitted at once, and shielded: a cancelled future that had not started would never
    # release the semaphore.
    work = asyncio.get_running_loop().run_in_executor(
        None, _run_bounded, query, graph, limits.sparql_max_rows
    )
    try:
        async with asyncio.timeout(limits.sparql_timeout_s):
            answer = await asyncio.shield(work)
    except TimeoutError:
        return PlainTextResponse(
            f"503 Service Unavailable: the query ran longer than {limits.sparql_timeout_s} s "
            "(HUB_SPARQL_TIMEOUT_S); narrow it or add a LIMIT",
            status_code=503,
        )
    except Exception as error:  # rdflib's evaluator raises bare Exceptions on bad queries
        return _bad_request(f"the query cannot be evaluated: {error}")
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["Hub-Results-Truncated"] = "true"
    if answer.graph is not None:
        media = "text/turtle" if fmt == "turtle" else "application/ld+json"
        return Response(
            serialize(answer.graph, fmt), media_type=f"{media}; charset=utf-8", headers=headers
        )
    if fmt == "csv":
        return Response(results_csv(answer), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(results_json(answer), media_type=SPARQL_JSON, headers=headers)


def sparql_routes() -> list[Route]:
    return [Route("/sparql", sparql_endpoint, methods=["GET", "POST"])]
