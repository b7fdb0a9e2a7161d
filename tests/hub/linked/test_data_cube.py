"""The RDF Data Cube export of the demo data passes the W3C integrity constraints that apply,
and a deliberately broken graph fails the one it breaks."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import QB, RDF, SKOS
from rdflib.term import Node
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalog.mapping import graph_to_catalog, parse_sources
from catalog.namespaces import SDMX_ATTRIBUTE, SDMX_MEASURE
from hub.app import create_app
from hub.demo import load_demo
from hub.linked.cube import all_datasets_graph, normalize
from hub.metadata.store import import_catalog, load_catalog
from hub.reporting.submission import submit_report
from hub.reporting.workflow import accept_report
from hub.sdmx.structure import dataflows
from hub.settings import Settings
from tests.hub.linked.data_cube_constraints import CONSTRAINTS, PREFIXES
from tests.hub.reporting.catalog_fixture import NOW as FIXTURE_NOW
from tests.hub.reporting.catalog_fixture import REGIME, draft, observation, store_catalog

BASE = "https://hub.test/id"
NOW = datetime(2025, 8, 20, 3, 0, tzinfo=UTC)
IC12 = "IC-12 No duplicate observations"
IC11 = "IC-11 All dimensions required"
IC19 = "IC-19 Codes from code list (scheme)"
SAMPLE = 40  # observations per data set the pairwise IC-12 query compares


def violated(graph: Graph, names: Iterable[str] | None = None) -> list[str]:
    """The constraints (all but IC-12, or `names`) whose ASK query finds a violation."""
    chosen = [n for n in CONSTRAINTS if n != IC12] if names is None else list(names)
    return [name for name in chosen if graph.query(PREFIXES + CONSTRAINTS[name]).askAnswer]


def dimension_violations(graph: Graph) -> list[str]:
    """IC-11 and IC-19 (scheme) by their definitions, in Python: rdflib evaluates their ASK
    queries by nested loops (~18 s each over the demo cube), so those run on samples and
    this checks every observation: each has a value for every dimension of its structure,
    and each value of a dimension coded by a concept scheme is a concept of that scheme."""
    dimensions: dict[Node, list[tuple[Node, list[Node]]]] = {}
    for dataset in set(graph.objects(None, QB.dataSet)):
        found = dimensions[dataset] = []
        for dsd in graph.objects(dataset, QB.structure):
            for prop in graph.objects(dsd, QB.component / QB.componentProperty):
                if (prop, RDF.type, QB.DimensionProperty) in graph:
                    schemes = [
                        code_list
                        for code_list in graph.objects(prop, QB.codeList)
                        if (code_list, RDF.type, SKOS.ConceptScheme) in graph
                    ]
                    found.append((prop, schemes))
    broken: set[str] = set()
    for obs, dataset in graph.subject_objects(QB.dataSet):
        for prop, schemes in dimensions[dataset]:
            values = list(graph.objects(obs, prop))
            if not values:
                broken.add(IC11)
            for value, scheme in ((v, s) for v in values for s in schemes):
                if (value, RDF.type, SKOS.Concept) not in graph or (
                    value,
                    SKOS.inScheme,
                    scheme,
                ) not in graph:
                    broken.add(IC19)
    return sorted(broken)


def bounded(graph: Graph, sample: int = SAMPLE) -> Graph:
    """The graph with only the first `sample` observations (by IRI) of each data set."""
    kept: set[Node] = set()
    per_dataset: Counter[Node] = Counter()
    for obs in sorted(graph.subjects(RDF.type, QB.Observation)):
        dataset = graph.value(obs, QB.dataSet)
        if per_dataset[dataset] < sample:
            per_dataset[dataset] += 1
            kept.add(obs)
    out = Graph()
    observations = set(graph.subjects(RDF.type, QB.Observation))
    for triple in graph:
        if triple[0] not in observations or triple[0] in kept:
            out.add(triple)
    return out


def duplicates_by_ic12(graph: Graph) -> bool:
    """IC-12's own query; it compares every pair of observations: run it on bounded graphs."""
    return bool(graph.query(PREFIXES + CONSTRAINTS[IC12]).askAnswer)


@pytest.fixture(scope="module")
async def cube(engine: AsyncEngine) -> AsyncIterator[Graph]:
    """The cube of the demo data, built once per backend in a transaction rolled back after."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        try:
            await import_catalog(graph_to_catalog(parse_sources()), session=session)
            await load_demo(session=session, now=NOW)
            catalog = await load_catalog(session=session)
            assert dataflows(catalog)
            graph = await all_datasets_graph(catalog, base_iri=BASE, session=session)
        finally:
            await session.close()
            await transaction.rollback()
    # Through Turtle and back: what a harvester reads, not our objects.
    yield Graph().parse(data=graph.serialize(format="turtle"), format="turtle")


async def test_the_demo_cube_passes_the_integrity_constraints(cube: Graph) -> None:
    observations = set(cube.subjects(RDF.type, QB.Observation))
    datasets = set(cube.subjects(RDF.type, QB.DataSet))
    assert len(observations) > 100 and len(datasets) >= 2

    normalized = Graph()
    for triple in cube:
        normalized.add(triple)
    normalize(normalized)
    assert len(normalized) == len(cube)  # written already normalized
    assert violated(cube, [n for n in CONSTRAINTS if n not in (IC11, IC12, IC19)]) == []
    assert dimension_violations(cube) == []
    sample = bounded(cube)
    assert violated(sample, [IC11, IC19]) == []
    assert not duplicates_by_ic12(sample)
    # IC-12 over every observation, by its definition: no two share all dimension values.
    dimensions = {
        (dataset, prop)
        for dataset in datasets
        for prop in cube.objects(cube.value(dataset, QB.structure), QB.component / QB.dimension)  # type: ignore[operator]
    }
    keys = Counter(
        (
            cube.value(obs, QB.dataSet),
            tuple(
                sorted(
                    str(cube.value(obs, prop))
                    for ds, prop in dimensions
                    if ds == cube.value(obs, QB.dataSet)
                )
            ),
        )
        for obs in observations
    )
    assert max(keys.values()) == 1

    # Values: exact decimals with a unit (QUDT where the catalog has one) and a status.
    obs = next(iter(observations))
    value = cube.value(obs, SDMX_MEASURE.obsValue)
    assert isinstance(value, Literal) and value.datatype == URIRef(
        "http://www.w3.org/2001/XMLSchema#decimal"
    )
    units = {str(u) for u in cube.objects(None, SDMX_ATTRIBUTE.unitMeasure)}
    assert any(u.startswith("http://qudt.org/vocab/unit/") for u in units)


async def test_a_broken_cube_fails_the_constraint_it_breaks(cube: Graph) -> None:
    small = bounded(cube, 10)  # the constraints' answers do not depend on the size
    assert violated(small) == []
    observations = sorted(small.subjects(RDF.type, QB.Observation))
    first, second = observations[0], observations[1]
    broken = Graph()
    for triple in small:
        broken.add(triple)
    dataset = small.value(first, QB.dataSet)
    dsd = small.value(dataset, QB.structure)

    broken.remove((first, SDMX_MEASURE.obsValue, None))  # IC-14
    broken.remove((second, SDMX_ATTRIBUTE.unitMeasure, None))  # IC-13
    broken.add((observations[2], QB.dataSet, URIRef("https://hub.test/id/dataset/OTHER")))  # IC-1
    area_property = URIRef(f"{BASE}/cube/refArea")
    broken.remove((observations[3], area_property, None))  # IC-11
    broken.add((observations[4], area_property, URIRef(f"{BASE}/area/NOWHERE")))  # IC-19
    broken.add((dsd, QB.component, URIRef("https://hub.test/spec")))
    broken.add((URIRef("https://hub.test/spec"), QB.componentProperty, URIRef(f"{BASE}/cube/freq")))
    broken.add((URIRef("https://hub.test/spec"), QB.componentRequired, Literal(False)))  # IC-6
    dimension = URIRef(f"{BASE}/cube/freq")
    broken.remove((dimension, URIRef("http://www.w3.org/2000/01/rdf-schema#range"), None))  # IC-4

    assert set(violated(broken)) == {
        "IC-1 Unique DataSet",
        "IC-4 Dimensions have range",
        "IC-6 Only attributes may be optional",
        "IC-11 All dimensions required",
        "IC-13 Required attributes",
        "IC-14 All measures present",
        "IC-19 Codes from code list (scheme)",
    }
    assert dimension_violations(broken) == [IC11, IC19]  # the full-cube check finds them too

    twin = Graph()
    for triple in small:
        twin.add(triple)
    copy = URIRef(f"{first}-copy")
    for p, o in small.predicate_objects(first):
        twin.add((copy, p, o))
    assert duplicates_by_ic12(twin)
    assert SKOS.Concept  # the schemes stay SKOS


async def test_data_sets_are_served_by_negotiation_and_as_dumps(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as session:
        await store_catalog(session)
        outcome = await submit_report(
            draft(observation(), observation("REV", dimensions=(), value="2.5", unit="BVND")),
            session=session,
            actor="t",
            now=FIXTURE_NOW,
        )
        assert outcome.report is not None
        await accept_report(outcome.report.id, session=session, actor="r", now=FIXTURE_NOW)
        await session.commit()
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        turtle = await client.get(f"/id/dataset/{REGIME}", headers={"accept": "text/turtle"})
        jsonld = await client.get(
            f"/id/dataset/{REGIME}", headers={"accept": "application/ld+json"}
        )
        html = await client.get(f"/id/dataset/{REGIME}", headers={"accept": "text/html"})
        dump = await client.get(f"/datasets/{REGIME}.ttl")
        everything = await client.get("/data.ttl")
        missing = await client.get("/id/dataset/NOPE")
        catalog_entity = await client.get("/id/regime/BC-M", headers={"accept": "text/turtle"})
    await app.state.engine.dispose()

    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    dataset = URIRef(f"{settings.base_iri}/dataset/{REGIME}")
    assert (dataset, RDF.type, QB.DataSet) in graph
    values = sorted(str(v) for v in graph.objects(None, SDMX_MEASURE.obsValue))
    assert values == ["1000.0", "2.5"]
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)
    assert html.headers["content-type"].startswith("text/html") and REGIME in html.text
    assert len(Graph().parse(data=dump.text, format="turtle")) == len(graph)
    assert (dataset, RDF.type, QB.DataSet) in Graph().parse(data=everything.text, format="turtle")
    assert missing.status_code == 404
    assert catalog_entity.status_code == 200  # the catalog's own /id still resolves
    assert violated(graph) == []
