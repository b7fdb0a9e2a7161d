"""SDMX REST 2.1 under `/sdmx/2.1/`: structure queries in SDMX-ML, data in four formats.

    /sdmx/2.1/{dataflow|datastructure|codelist|conceptscheme|agencyscheme}[/{agency}[/{id}[/{version}]]]
        ?references=none|parents|parentsandsiblings|children|descendants|all
    /sdmx/2.1/data/{flow}[/{key}[/{provider}]]
        ?startPeriod&endPeriod&updatedAfter&firstNObservations&lastNObservations
        &dimensionAtObservation=TIME_PERIOD|AllDimensions&detail=full|dataonly|serieskeysonly|nodata
        &format=genericdata|structurespecificdata|jsondata|csvdata  (or by Accept)

The agency is `all` or `RH` (every structure is the hub's); the version `latest`, `all` or
`1.0`. A flow is a regime code, or `RH,<regime>,1.0`. Status codes follow SDMX REST: 404 no
such structure or no data, 400 a malformed query (the body says which parameter and why), 406
an Accept the hub cannot answer, 413 too many observations, 414 a key too long, 501 a resource
or parameter the hub does not implement.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from catalog.model import Catalog
from hub.errors import HubError, InvalidInputError, NotFoundError
from hub.metadata.service import catalog_fingerprint
from hub.metadata.store import load_catalog
from hub.read_routing import read_sessions
from hub.sdmx import structure as s
from hub.sdmx.data import DataQuery, TooManyObservationsError, read_series
from hub.sdmx.data_csv import write_csv
from hub.sdmx.data_json import write_json
from hub.sdmx.data_ml import ALL_DIMENSIONS, write_generic, write_structure_specific
from hub.sdmx.keys import KeyTooLongError, parse_key
from hub.sdmx.sdmxml import DATA_CSV, DATA_JSON, GENERIC_XML, SPECIFIC_XML, STRUCTURE_XML
from hub.sdmx.structure_ml import Structures, write_structures

PREFIX = "/sdmx/2.1"
STRUCTURE_RESOURCES = ("dataflow", "datastructure", "codelist", "conceptscheme", "agencyscheme")
# SDMX 2.1 REST resources the hub does not implement: 501, as the standard asks.
UNIMPLEMENTED = (
    "metadata",
    "schema",
    "availableconstraint",
    "metadatastructure",
    "metadataflow",
    "provisionagreement",
    "structure",
    "categoryscheme",
    "contentconstraint",
    "actualconstraint",
    "allowedconstraint",
    "attachmentconstraint",
    "categorisation",
    "dataproviderscheme",
    "dataconsumerscheme",
    "organisationunitscheme",
    "organisationscheme",
    "hierarchicalcodelist",
    "reportingtaxonomy",
    "process",
    "structureset",
    "transformationscheme",
)
REFERENCES = ("none", "parents", "parentsandsiblings", "children", "descendants", "all")
DETAILS = ("full", "dataonly", "serieskeysonly", "nodata")
FORMATS = {
    "genericdata": GENERIC_XML,
    "generic": GENERIC_XML,
    "xml": GENERIC_XML,
    "structurespecificdata": SPECIFIC_XML,
    "structurespecific": SPECIFIC_XML,
    "jsondata": DATA_JSON,
    "json": DATA_JSON,
    "sdmx-json": DATA_JSON,
    "csvdata": DATA_CSV,
    "csv": DATA_CSV,
    "sdmx-csv": DATA_CSV,
}
# Accepted media types (type/subtype, lower case) and what each answers with.
_ACCEPT = {
    "application/vnd.sdmx.genericdata+xml": GENERIC_XML,
    "application/vnd.sdmx.structurespecificdata+xml": SPECIFIC_XML,
    "application/vnd.sdmx.data+json": DATA_JSON,
    "application/json": DATA_JSON,
    "application/vnd.sdmx.data+csv": DATA_CSV,
    "text/csv": DATA_CSV,
    "application/xml": GENERIC_XML,
    "text/xml": GENERIC_XML,
    "application/*": GENERIC_XML,
    "*/*": GENERIC_XML,
}


class Unimplemented(HubError):
    """A resource or parameter value the hub does not implement (HTTP 501)."""


class NotAcceptable(HubError):
    """The Accept header names no format the hub writes (HTTP 406)."""


def sdmx_routes() -> list[BaseRoute]:
    return [
        Route(f"{PREFIX}/data/{{flow}}", data, methods=["GET"]),
        Route(f"{PREFIX}/data/{{flow}}/{{key}}", data, methods=["GET"]),
        Route(f"{PREFIX}/data/{{flow}}/{{key}}/{{provider}}", data, methods=["GET"]),
        Route(f"{PREFIX}/{{resource}}", structures, methods=["GET"]),
        Route(f"{PREFIX}/{{resource}}/{{agency}}", structures, methods=["GET"]),
        Route(f"{PREFIX}/{{resource}}/{{agency}}/{{id}}", structures, methods=["GET"]),
        Route(f"{PREFIX}/{{resource}}/{{agency}}/{{id}}/{{version}}", structures, methods=["GET"]),
        Route(f"{PREFIX}/{{rest:path}}", unknown, methods=["GET"]),
    ]


def _error(status: int, message: str) -> Response:
    reason = {400: "Bad Request", 404: "Not Found", 406: "Not Acceptable", 413: "Too Large"}
    reason |= {414: "URI Too Long", 501: "Not Implemented"}
    return PlainTextResponse(f"{status} {reason[status]}: {message}", status_code=status)


def _answer_error(error: HubError) -> Response:
    if isinstance(error, NotFoundError):
        return _error(404, error.message)
    if isinstance(error, Unimplemented):
        return _error(501, error.message)
    if isinstance(error, NotAcceptable):
        return _error(406, error.message)
    if isinstance(error, KeyTooLongError):
        return _error(414, error.message)
    if isinstance(error, TooManyObservationsError):
        return _error(413, error.message)
    field = f"{error.field}: " if error.field else ""
    return _error(400, field + error.message)


async def _catalog(request: Request) -> Catalog:
    """The stored catalog, reloaded only when it has changed."""
    async with read_sessions(request)() as session:
        fingerprint = await catalog_fingerprint(session=session)
        cached: tuple[tuple[object, ...], Catalog] | None = getattr(
            request.app.state, "sdmx_catalog", None
        )
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        catalog = await load_catalog(session=session)
    request.app.state.sdmx_catalog = (fingerprint, catalog)
    return catalog


async def unknown(request: Request) -> Response:
    return _error(404, f"{request.url.path} is not an SDMX REST 2.1 resource of this hub")


# -- structures ------------------------------------------------------------------------


async def structures(request: Request) -> Response:
    try:
        message = _select(request, await _catalog(request))
    except HubError as error:
        return _answer_error(error)
    return Response(write_structures(message), media_type=STRUCTURE_XML)


def _check_maintainable(params: dict[str, str]) -> str:
    """The resource id of a structure path, after checking its agency and version."""
    agency = params.get("agency", "all")
    id = params.get("id", "all")
    version = params.get("version", "latest")
    if agency not in ("all", s.MAINTENANCE_AGENCY):
        raise NotFoundError("maintenance agency", agency, field="agencyID")
    if version not in ("all", "latest", s.VERSION):
        raise NotFoundError("version", version, field="version")
    return id


def _select(request: Request, catalog: Catalog) -> Structures:
    params = dict(request.path_params)
    resource = params["resource"]
    if resource in UNIMPLEMENTED:
        raise Unimplemented(f"the {resource} resource is not implemented by this hub")
    if resource not in STRUCTURE_RESOURCES:
        raise NotFoundError("SDMX resource", resource, field="resource")
    references = request.query_params.get("references", "none")
    if references not in REFERENCES:
        raise InvalidInputError(
            f"{references!r} is not one of {', '.join(REFERENCES)}", field="references"
        )
    detail = request.query_params.get("detail", "full")
    if detail != "full":
        raise Unimplemented(f"detail={detail} is not implemented (only full)")
    id = _check_maintainable(params)
    if resource == "agencyscheme":
        if id not in ("all", "AGENCIES"):
            raise NotFoundError("agency scheme", id, field="resourceID")
        return Structures(agencies=True)
    if resource == "conceptscheme":
        if id not in ("all", s.CONCEPT_SCHEME):
            raise NotFoundError("concept scheme", id, field="resourceID")
        return Structures(concepts=s.concepts(catalog))
    if resource == "codelist":
        lists = [c for c in s.codelists(catalog) if id in ("all", c.id)]
        if not lists:
            raise NotFoundError("codelist", id, field="resourceID")
        return Structures(codelists=lists)
    flows = s.dataflows(catalog)
    if resource == "dataflow":
        flows = [f for f in flows if id in ("all", f.id)]
        if not flows:
            raise NotFoundError("dataflow", id, field="resourceID")
        message = Structures(dataflows=flows)
        if references in ("children", "descendants", "all"):
            message.structures = [f.structure for f in flows]
        if references in ("descendants", "all"):
            _add_descendants(message, catalog)
        return message
    flows = [f for f in flows if id in ("all", f.structure.id)]
    if not flows:
        raise NotFoundError("data structure", id, field="resourceID")
    message = Structures(structures=[f.structure for f in flows])
    if references in ("children", "descendants", "all"):
        _add_descendants(message, catalog)
    if references in ("parents", "parentsandsiblings", "all"):
        message.dataflows = flows
    return message


def _add_descendants(message: Structures, catalog: Catalog) -> None:
    """The codelists and the concept scheme the message's DSDs use."""
    lists: dict[str, s.StructureCodelist] = {}
    for dsd in message.structures:
        lists.update(dsd.codelists)
    message.codelists = [lists[id] for id in sorted(lists)]
    message.concepts = s.concepts(catalog)


# -- data ------------------------------------------------------------------------------


async def data(request: Request) -> Response:
    try:
        media_type = _data_format(request)
        catalog = await _catalog(request)
        flow = s.dataflow(catalog, _flow_id(request.path_params["flow"]))
        provider = request.path_params.get("provider", "all")
        if provider not in ("all", s.MAINTENANCE_AGENCY):
            raise Unimplemented("data providers are not modelled: use the provider 'all'")
        params = request.query_params
        detail = params.get("detail", "full")
        if detail not in DETAILS:
            raise InvalidInputError(
                f"{detail!r} is not one of {', '.join(DETAILS)}", field="detail"
            )
        at_observation = params.get("dimensionAtObservation", s.TIME_PERIOD)
        if at_observation not in (s.TIME_PERIOD, ALL_DIMENSIONS):
            if flow.structure.dimension(at_observation) is None:
                raise InvalidInputError(
                    f"{at_observation!r} is not a dimension of {flow.structure.id}",
                    field="dimensionAtObservation",
                )
            raise Unimplemented(
                "dimensionAtObservation is implemented for TIME_PERIOD and AllDimensions only"
            )
        if media_type == DATA_CSV:
            at_observation = ALL_DIMENSIONS
        for unsupported in ("includeHistory",):
            if params.get(unsupported, "false").lower() not in ("false", ""):
                raise Unimplemented(f"{unsupported} is not implemented")
        query = DataQuery(
            key=parse_key(request.path_params.get("key"), flow.structure),
            start_period=params.get("startPeriod"),
            end_period=params.get("endPeriod"),
            updated_after=_moment(params.get("updatedAfter")),
            first_n=_count(params.get("firstNObservations"), "firstNObservations"),
            last_n=_count(params.get("lastNObservations"), "lastNObservations"),
        )
        async with read_sessions(request)() as session:
            try:
                series = await read_series(flow, query, session=session)
            except InvalidInputError as error:  # a period the hub cannot read
                if error.field in ("periodFrom", "periodTo"):
                    error.field = "startPeriod" if error.field == "periodFrom" else "endPeriod"
                raise
    except HubError as error:
        return _answer_error(error)
    if not series:
        return _error(404, f"no data in {flow.id} for this query")
    if media_type == DATA_JSON:
        return Response(
            write_json(flow, series, at_observation=at_observation, detail=detail),
            media_type=DATA_JSON,
        )
    chunks: Iterator[str]
    if media_type == DATA_CSV:
        chunks = write_csv(flow, series, detail=detail)
    elif media_type == SPECIFIC_XML:
        chunks = write_structure_specific(
            flow, series, at_observation=at_observation, detail=detail
        )
    else:
        chunks = write_generic(flow, series, at_observation=at_observation, detail=detail)
    return StreamingResponse((chunk.encode() for chunk in chunks), media_type=media_type)


def _flow_id(text: str) -> str:
    """`BC-M` or `RH,BC-M,1.0` (agency and version as in structure paths)."""
    parts = text.split(",")
    if len(parts) == 1:
        return parts[0]
    if len(parts) not in (2, 3):
        raise InvalidInputError(
            f"{text!r} is not a flow reference (ID or AGENCY,ID[,VERSION])", field="flowRef"
        )
    agency, id, version = (*parts, "latest") if len(parts) == 2 else parts
    _check_maintainable({"agency": agency, "id": id, "version": version})
    return id


def _data_format(request: Request) -> str:
    chosen = request.query_params.get("format")
    if chosen is not None:
        if chosen.lower() not in FORMATS:
            raise InvalidInputError(
                f"{chosen!r} is not one of {', '.join(FORMATS)}", field="format"
            )
        return FORMATS[chosen.lower()]
    accept = request.headers.get("accept", "")
    if not accept.strip():
        return GENERIC_XML
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in _ACCEPT:
            return _ACCEPT[media]
    raise NotAcceptable(
        f"{accept!r}: data is available as {GENERIC_XML}, {SPECIFIC_XML}, {DATA_JSON}, {DATA_CSV}"
    )


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputError(
            f"{text!r} is not an ISO 8601 date-time (2025-03-18T09:30:00+07:00)",
            field="updatedAfter",
        ) from None
    if moment.tzinfo is None:
        raise InvalidInputError(f"{text!r} has no time zone", field="updatedAfter")
    return moment


def _count(text: str | None, field: str) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or len(text) > 9:
        raise InvalidInputError(f"{text!r} is not a non-negative integer", field=field)
    return int(text)
