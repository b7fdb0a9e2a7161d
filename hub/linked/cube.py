"""RDF Data Cube export: one `qb:DataSet` per dataflow (= reporting regime) with its DSD.

The structure comes from `hub.sdmx.structure` (the one derivation of a regime's dimensions,
attributes and measure, shared with the SDMX endpoints); this module only writes it in QB:

- the data set `{base}/dataset/{regime}`: `qb:DataSet` and `dcat:Dataset`, `dcat:inSeries`
  the regime (a `dcat:DatasetSeries` in the catalog), `qb:structure` its DSD
  `{base}/dataset/{regime}/structure`, with one `qb:ComponentSpecification` per component
  (`qb:order` for dimensions in key order, `qb:componentRequired` for attributes);
- dimension properties: FREQ `{base}/cube/freq` (sub-property of `sdmx-dimension:freq`,
  codes `sdmx-code:freq-*`), INDICATOR `{base}/cube/indicator` (codes: the catalog's
  indicator scheme), REF_AREA `{base}/cube/refArea` (sub-property of
  `sdmx-dimension:refArea`, codes: the area scheme), each disaggregation the catalog's own
  `{base}/dimension/{codelist}`, and TIME_PERIOD `{base}/cube/timePeriod` (sub-property of
  `sdmx-dimension:timePeriod`, the period as the hub spells it). A value not disaggregated
  by a codelist carries its `_Z` "not applicable" code (as in SDMX), a concept minted in
  the codelist's scheme, so every observation has every dimension (IC-11) and every code
  is in its list (IC-19);
- attributes `sdmx-attribute:unitMeasure` (required: the QUDT IRI of the unit; a scaled
  unit such as billion VND is its base's QUDT IRI with `sdmx-attribute:unitMult` 9; a unit
  without a QUDT match is the catalog's own `qudt:Unit`), `sdmx-attribute:unitMult` and
  `sdmx-attribute:obsStatus` (`sdmx-code:obsStatus-A/E/P/F`);
- the measure `sdmx-measure:obsValue`, an exact `xsd:decimal`;
- one `qb:Observation` per public value (the latest accepted revision of a published
  indicator of the form), `{dataset}/observation/{series key}/{period}`.

The graph is written already normalized (the W3C normalization algorithm adds nothing but
what `normalize` would), so the integrity constraints apply to it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, QB, RDF, RDFS, SKOS, XSD
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from catalog.mapping import catalog_to_graph
from catalog.mapping_concepts import write_codelists
from catalog.mapping_terms import (
    FREQUENCY_IRIS,
    add_text,
    code_iri,
    decimal_literal,
    entity_iri,
    minted_iri,
)
from catalog.model import Catalog, Codelist, Frequency, Unit
from catalog.namespaces import (
    DCAT,
    SDMX_ATTRIBUTE,
    SDMX_CODE,
    SDMX_CONCEPT,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    bind_prefixes,
)
from hub.errors import LimitExceededError, NotFoundError
from hub.linked.descriptions import render_html
from hub.linked.negotiation import HTML, TURTLE
from hub.linked.routes import _not_acceptable, _rdf_response, _requested_format
from hub.metadata.store import load_catalog
from hub.observations.models import StatusFlag
from hub.observations.records import ObservationCriteria
from hub.observations.service import list_observations
from hub.read_routing import read_sessions
from hub.sdmx.structure import (
    NOT_APPLICABLE,
    OBS_STATUS_CODES,
    ComponentRole,
    Dataflow,
    Dimension,
    dataflow,
    dataflows,
    observation_key,
)

STATUS_IRIS: dict[StatusFlag, URIRef] = {
    flag: URIRef(f"{SDMX_CODE.obsStatus}-{code}") for flag, code in OBS_STATUS_CODES.items()
}
PAGE = 5_000  # observations read per statement
MAX_OBSERVATIONS = 200_000  # in one graph; more is a LimitExceededError (HTTP 413)

# The normalization algorithm of the QB Recommendation (§10.3), phases 1 and 2 (data-set
# attachments; the hub publishes no slices). `normalize` runs it on graphs from elsewhere.
NORMALIZATION = (
    "INSERT { ?o a qb:Observation } WHERE { [] qb:observation ?o }",
    "INSERT { ?o a qb:Observation } WHERE { ?o qb:dataSet [] }",
    "INSERT { ?s a qb:Slice } WHERE { [] qb:slice ?s }",
    "INSERT { ?cs qb:componentProperty ?p . ?p a qb:DimensionProperty } "
    "WHERE { ?cs qb:dimension ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p a qb:MeasureProperty } WHERE { ?cs qb:measure ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p a qb:AttributeProperty } "
    "WHERE { ?cs qb:attribute ?p }",
    "INSERT { ?obs ?comp ?value } WHERE { ?spec qb:componentProperty ?comp ; "
    "qb:componentAttachment qb:DataSet . ?dataset qb:structure [qb:component ?spec] ; "
    "?comp ?value . ?obs qb:dataSet ?dataset }",
)


def normalize(graph: Graph) -> None:
    """Apply the QB normalization algorithm (phases 1 and 2) to `graph` in place."""
    for update in NORMALIZATION:
        graph.update(update, initNs={"qb": QB})


def dataset_iri(base_iri: str, code: str) -> URIRef:
    return minted_iri(base_iri, "dataset", code)


def cube_property(base_iri: str, name: str) -> URIRef:
    return minted_iri(base_iri, "cube", name)


def unit_attributes(catalog: Catalog, base_iri: str, code: str) -> tuple[URIRef, int | None]:
    """The `sdmx-attribute:unitMeasure` value of a catalog unit and its `unitMult`, if any."""
    unit = catalog.units.get(code)
    if unit is None:
        return entity_iri(base_iri, "unit", code), None
    if unit.qudt_exact:
        return URIRef(unit.qudt_exact), None
    base: Unit | None = catalog.units.get(unit.base) if unit.base else None
    exponent = _power_of_ten(unit.multiplier)
    if base is not None and base.qudt_exact and exponent is not None:
        return URIRef(base.qudt_exact), exponent
    return entity_iri(base_iri, "unit", code), None


def _power_of_ten(value: Decimal) -> int | None:
    normal = value.normalize()
    if normal > 0 and normal.as_tuple().digits == (1,):
        return normal.adjusted()
    return None


def _dimension_property(base_iri: str, dimension: Dimension) -> URIRef:
    if dimension.role is ComponentRole.DISAGGREGATION:
        assert dimension.catalog_codelist is not None
        return minted_iri(base_iri, "dimension", dimension.catalog_codelist)
    names = {
        ComponentRole.FREQUENCY: "freq",
        ComponentRole.INDICATOR: "indicator",
        ComponentRole.AREA: "refArea",
        ComponentRole.TIME: "timePeriod",
    }
    return cube_property(base_iri, names[dimension.role])


def _write_properties(graph: Graph, base_iri: str) -> None:
    """The hub's own dimension properties and the SDMX attributes and measure it uses."""
    coded = {
        "freq": (SDMX_DIMENSION.freq, SDMX_CODE.freq, SDMX_CONCEPT.freq, "Tần suất", "Frequency"),
        "indicator": (
            None,
            minted_iri(base_iri, "scheme", "indicators"),
            None,
            "Chỉ tiêu",
            "Indicator",
        ),
        "refArea": (
            SDMX_DIMENSION.refArea,
            minted_iri(base_iri, "scheme", "areas"),
            SDMX_CONCEPT.refArea,
            "Địa bàn",
            "Reference area",
        ),
    }
    for name, (parent, scheme, concept, vi, en) in coded.items():
        prop = cube_property(base_iri, name)
        graph.add((prop, RDF.type, QB.DimensionProperty))
        graph.add((prop, RDF.type, QB.CodedProperty))
        graph.add((prop, RDF.type, QB.ComponentProperty))
        graph.add((prop, RDFS.range, SKOS.Concept))
        graph.add((prop, QB.codeList, scheme))
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((prop, RDFS.label, Literal(vi, lang="vi")))
        graph.add((prop, RDFS.label, Literal(en, lang="en")))
        if parent is not None:
            graph.add((prop, RDFS.subPropertyOf, parent))
        if concept is not None:
            graph.add((prop, QB.concept, concept))
    time = cube_property(base_iri, "timePeriod")
    graph.add((time, RDF.type, QB.DimensionProperty))
    graph.add((time, RDF.type, QB.ComponentProperty))
    graph.add((time, RDFS.subPropertyOf, SDMX_DIMENSION.timePeriod))
    graph.add((time, RDFS.range, XSD.string))
    graph.add((time, QB.concept, SDMX_CONCEPT.timePeriod))
    graph.add((time, RDFS.label, Literal("Kỳ", lang="vi")))
    graph.add((time, RDFS.label, Literal("Time period", lang="en")))
    for attribute in (
        SDMX_ATTRIBUTE.unitMeasure,
        SDMX_ATTRIBUTE.unitMult,
        SDMX_ATTRIBUTE.obsStatus,
    ):
        graph.add((attribute, RDF.type, QB.AttributeProperty))
        graph.add((attribute, RDF.type, QB.ComponentProperty))
    graph.add((SDMX_ATTRIBUTE.unitMeasure, QB.concept, SDMX_CONCEPT.unitMeasure))
    graph.add((SDMX_ATTRIBUTE.unitMult, QB.concept, SDMX_CONCEPT.unitMult))
    graph.add((SDMX_ATTRIBUTE.obsStatus, QB.concept, SDMX_CONCEPT.obsStatus))
    graph.add((SDMX_MEASURE.obsValue, RDF.type, QB.MeasureProperty))
    graph.add((SDMX_MEASURE.obsValue, RDF.type, QB.ComponentProperty))
    graph.add((SDMX_MEASURE.obsValue, QB.concept, SDMX_CONCEPT.obsValue))
    graph.add((SDMX_CODE.freq, RDF.type, SKOS.ConceptScheme))
    graph.add((SDMX_CODE.obsStatus, RDF.type, SKOS.ConceptScheme))


def _write_structure(graph: Graph, catalog: Catalog, base_iri: str, flow: Dataflow) -> URIRef:
    dataset = dataset_iri(base_iri, flow.id)
    dsd = URIRef(f"{dataset}/structure")
    structure = flow.structure
    graph.add((dsd, RDF.type, QB.DataStructureDefinition))
    graph.add((dsd, DCTERMS.identifier, Literal(structure.id)))
    add_text(graph, dsd, RDFS.label, structure.name)

    def component(name: str) -> URIRef:
        spec = URIRef(f"{dsd}/component/{quote(name, safe='')}")
        graph.add((dsd, QB.component, spec))
        graph.add((spec, RDF.type, QB.ComponentSpecification))
        return spec

    for dimension in structure.dimensions:
        spec = component(dimension.id)
        prop = _dimension_property(base_iri, dimension)
        graph.add((spec, QB.dimension, prop))
        graph.add((spec, QB.componentProperty, prop))
        graph.add((spec, QB.order, Literal(dimension.position)))
    attributes = (
        (SDMX_ATTRIBUTE.unitMeasure, "UNIT_MEASURE", True),
        (SDMX_ATTRIBUTE.unitMult, "UNIT_MULT", False),
        (SDMX_ATTRIBUTE.obsStatus, "OBS_STATUS", False),
    )
    for prop, name, required in attributes:
        spec = component(name)
        graph.add((spec, QB.attribute, prop))
        graph.add((spec, QB.componentProperty, prop))
        graph.add((spec, QB.componentRequired, Literal(required)))
        graph.add((spec, QB.componentAttachment, QB.Observation))
    spec = component(structure.measure)
    graph.add((spec, QB.measure, SDMX_MEASURE.obsValue))
    graph.add((spec, QB.componentProperty, SDMX_MEASURE.obsValue))

    disaggregations: list[Codelist] = [
        catalog.codelists[d.catalog_codelist]
        for d in structure.dimensions
        if d.catalog_codelist is not None and d.catalog_codelist in catalog.codelists
    ]
    write_codelists(graph, base_iri, disaggregations)
    for codelist in disaggregations:
        scheme = entity_iri(base_iri, "codelist", codelist.code)
        node = code_iri(base_iri, codelist.code, NOT_APPLICABLE)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.notation, Literal(NOT_APPLICABLE)))
        graph.add((node, SKOS.prefLabel, Literal("Không áp dụng", lang="vi")))
        graph.add((node, SKOS.prefLabel, Literal("Not applicable", lang="en")))

    graph.add((dataset, RDF.type, QB.DataSet))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, QB.structure, dsd))
    graph.add((dataset, DCTERMS.identifier, Literal(flow.id)))
    add_text(graph, dataset, DCTERMS.title, flow.name)
    add_text(graph, dataset, RDFS.label, flow.name)
    graph.add((dataset, DCAT.inSeries, entity_iri(base_iri, "regime", flow.id)))
    graph.add((dataset, DCTERMS.publisher, entity_iri(base_iri, "agency", flow.regime.recipient)))
    graph.add((dataset, DCTERMS.conformsTo, dsd))
    return dataset


def _add_concept(
    graph: Graph, node: URIRef, scheme: URIRef, code: str, label: Iterable[Literal]
) -> None:
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, scheme))
    graph.add((node, SKOS.notation, Literal(code)))
    for literal in label:
        graph.add((node, SKOS.prefLabel, literal))


def new_graph(base_iri: str) -> Graph:
    """An empty graph with the catalog's prefixes and `cube:` / `dataset:` for ours."""
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    for prefix, namespace in catalog_to_graph(Catalog(), base_iri).namespaces():
        graph.bind(prefix, namespace, override=False)
    graph.bind("qb", QB)
    graph.bind("dcat", DCAT)
    graph.bind("cube", f"{base_iri.rstrip('/')}/cube/")
    graph.bind("dataset", f"{base_iri.rstrip('/')}/dataset/")
    return graph


async def write_dataset(
    graph: Graph,
    catalog: Catalog,
    flow: Dataflow,
    *,
    base_iri: str,
    session: AsyncSession,
    max_observations: int = MAX_OBSERVATIONS,
) -> int:
    """Add `flow`'s data set, structure and observations to `graph`; how many observations.

    Raises `LimitExceededError` past `max_observations` (counted across calls on `graph`
    is the caller's business).
    """
    _write_properties(graph, base_iri)
    dataset = _write_structure(graph, catalog, base_iri, flow)
    structure = flow.structure
    key_properties = [_dimension_property(base_iri, d) for d in structure.key_dimensions]
    time = _dimension_property(base_iri, structure.time_dimension)
    indicator_scheme = minted_iri(base_iri, "scheme", "indicators")
    area_scheme = minted_iri(base_iri, "scheme", "areas")
    seen_indicators: set[str] = set()
    seen_areas: set[str] = set()
    units: dict[str, tuple[URIRef, int | None]] = {}
    count = 0
    after: str | None = None
    criteria = ObservationCriteria(indicators=flow.indicators)
    while True:
        rows, _ = await list_observations(
            criteria, after=after, limit=PAGE, session=session, with_total=False
        )
        for row in rows:
            key = observation_key(
                structure,
                frequency=row.frequency,
                indicator=row.indicator,
                area=row.area,
                dimensions=row.dimensions,
            )
            if key is None:  # a disaggregation the flow has no dimension for
                continue
            count += 1
            if count > max_observations:
                raise LimitExceededError(
                    f"data set {flow.id} has more than {max_observations} observations",
                    field="dataset",
                )
            path = ".".join(quote(part, safe="") for part in key)
            obs = URIRef(f"{dataset}/observation/{path}/{quote(row.period, safe='')}")
            graph.add((obs, RDF.type, QB.Observation))
            graph.add((obs, QB.dataSet, dataset))
            codes = dict(row.dimensions)
            for dimension, prop in zip(structure.key_dimensions, key_properties, strict=True):
                graph.add(
                    (
                        obs,
                        prop,
                        _value(
                            base_iri, dimension, row.frequency.value, row.indicator, row.area, codes
                        ),
                    )
                )
            graph.add((obs, time, Literal(row.period)))
            unit, multiplier = units.setdefault(
                row.unit, unit_attributes(catalog, base_iri, row.unit)
            )
            graph.add((obs, SDMX_ATTRIBUTE.unitMeasure, unit))
            if multiplier is not None:
                graph.add((obs, SDMX_ATTRIBUTE.unitMult, Literal(multiplier)))
            status = STATUS_IRIS[row.status_flag]
            graph.add((obs, SDMX_ATTRIBUTE.obsStatus, status))
            graph.add((obs, SDMX_MEASURE.obsValue, decimal_literal(row.value)))
            if row.indicator not in seen_indicators:
                seen_indicators.add(row.indicator)
                _add_concept(
                    graph,
                    entity_iri(base_iri, "indicator", row.indicator),
                    indicator_scheme,
                    row.indicator,
                    _labels(row.indicator_name_vi, row.indicator_name_en),
                )
            if row.area not in seen_areas:
                seen_areas.add(row.area)
                _add_concept(
                    graph,
                    entity_iri(base_iri, "area", row.area),
                    area_scheme,
                    row.area,
                    _labels(row.area_name_vi, row.area_name_en),
                )
            freq = FREQUENCY_IRIS[row.frequency]
            graph.add((freq, RDF.type, SKOS.Concept))
            graph.add((freq, SKOS.inScheme, SDMX_CODE.freq))
            graph.add((status, RDF.type, SKOS.Concept))
            graph.add((status, SKOS.inScheme, SDMX_CODE.obsStatus))
        if len(rows) < PAGE:
            break
        after = rows[-1].cursor
    return count


def _labels(vi: str, en: str | None) -> list[Literal]:
    labels = [Literal(vi, lang="vi")]
    if en:
        labels.append(Literal(en, lang="en"))
    return labels


def _value(
    base_iri: str,
    dimension: Dimension,
    frequency: str,
    indicator: str,
    area: str,
    codes: dict[str, str],
) -> URIRef:
    if dimension.role is ComponentRole.FREQUENCY:
        return FREQUENCY_IRIS[Frequency(frequency)]
    if dimension.role is ComponentRole.INDICATOR:
        return entity_iri(base_iri, "indicator", indicator)
    if dimension.role is ComponentRole.AREA:
        return entity_iri(base_iri, "area", area)
    assert dimension.catalog_codelist is not None
    code = codes.get(dimension.catalog_codelist, NOT_APPLICABLE)
    return code_iri(base_iri, dimension.catalog_codelist, code)


async def dataset_graph(
    catalog: Catalog,
    flow: Dataflow,
    *,
    base_iri: str,
    session: AsyncSession,
    max_observations: int = MAX_OBSERVATIONS,
) -> Graph:
    """The data set of one dataflow with its structure and observations."""
    graph = new_graph(base_iri)
    await write_dataset(
        graph, catalog, flow, base_iri=base_iri, session=session, max_observations=max_observations
    )
    return graph


async def all_datasets_graph(
    catalog: Catalog,
    *,
    base_iri: str,
    session: AsyncSession,
    max_observations: int = MAX_OBSERVATIONS,
) -> Graph:
    """Every dataflow's data set in one graph (the `/data.ttl` dump)."""
    graph = new_graph(base_iri)
    left = max_observations
    for flow in dataflows(catalog):
        left -= await write_dataset(
            graph, catalog, flow, base_iri=base_iri, session=session, max_observations=left
        )
    return graph


__all__ = [
    "NORMALIZATION",
    "all_datasets_graph",
    "cube_routes",
    "dataset_graph",
    "dataset_iri",
    "normalize",
    "unit_attributes",
    "write_dataset",
]


async def _graph_for(request: Request, code: str | None) -> Graph | Response:
    settings = request.app.state.settings
    async with read_sessions(request)() as session:
        catalog = await load_catalog(session=session)
        try:
            if code is None:
                return await all_datasets_graph(
                    catalog, base_iri=settings.base_iri, session=session
                )
            flow = dataflow(catalog, code)
            return await dataset_graph(catalog, flow, base_iri=settings.base_iri, session=session)
        except NotFoundError:
            return PlainTextResponse(
                f"404 Not Found: no data set {code!r} (a data set is a regime with data tables)",
                status_code=404,
            )
        except LimitExceededError as error:
            return PlainTextResponse(
                f"413 Content Too Large: {error.message}; use the SDMX data endpoint by key",
                status_code=413,
            )


async def dataset_resource(request: Request) -> Response:
    """`/id/dataset/{code}`: the data set, its structure and observations, negotiated."""
    fmt = _requested_format(request)
    if fmt is None:
        return _not_acceptable()
    code = request.path_params["code"]
    graph = await _graph_for(request, code)
    if isinstance(graph, Response):
        return graph
    if fmt is HTML:
        base_iri = request.app.state.settings.base_iri
        link_base = str(request.base_url).rstrip("/") + "/id"
        page = render_html(
            graph, dataset_iri(base_iri, code), local_base=base_iri, link_base=link_base
        )
        return HTMLResponse(page, headers={"Vary": "Accept"})
    return _rdf_response(graph, fmt)


async def dataset_dump(request: Request) -> Response:
    """`/datasets/{code}.ttl`: one data set as Turtle."""
    graph = await _graph_for(request, request.path_params["code"])
    return graph if isinstance(graph, Response) else _rdf_response(graph, TURTLE)


async def data_dump(request: Request) -> Response:
    """`/data.ttl`: every data set as Turtle (the catalog itself is `/catalog.ttl`)."""
    graph = await _graph_for(request, None)
    return graph if isinstance(graph, Response) else _rdf_response(graph, TURTLE)


def cube_routes() -> list[Route]:
    """Mounted before `/id/{path}`, which serves the catalog's own entities."""
    return [
        Route("/id/dataset/{code}", dataset_resource, methods=["GET", "HEAD"]),
        Route("/datasets/{code}.ttl", dataset_dump, methods=["GET", "HEAD"]),
        Route("/data.ttl", data_dump, methods=["GET", "HEAD"]),
    ]
