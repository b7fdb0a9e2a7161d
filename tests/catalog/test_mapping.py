"""The model <-> RDF mapping: lossless both ways, base-independent, strict on bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

import catalog
from catalog.mapping import (
    FAMILIES,
    MappingError,
    catalog_to_graph,
    catalog_to_graphs_by_family,
    code_iri,
    entity_iri,
    graph_to_catalog,
    load_source_catalog,
    parse_sources,
    serialize,
)
from catalog.model import (
    Area,
    AreaLevel,
    AreaSuccession,
    Catalog,
    CatalogError,
    Text,
)
from catalog.namespaces import DCTERMS, RDF, RH, SDMX_CODE, SKOS, SOURCE_BASE_IRI, XSD
from catalog.validation import format_report, validate_graph
from tests.catalog.samples import sample_catalog
from tests.catalog.strategies import catalogs

BASE = "https://hub.example.gov.vn/id"
SOURCE_FILES = sorted((Path(catalog.__file__).parent / "sources").rglob("*.ttl"))


def test_entity_iri_is_base_kind_and_code() -> None:
    assert entity_iri(BASE, "indicator", "0501") == URIRef(f"{BASE}/indicator/0501")
    assert entity_iri(BASE + "/", "indicator-group", "A") == URIRef(f"{BASE}/indicator-group/A")
    assert code_iri(BASE, "SEX", "F") == URIRef(f"{BASE}/codelist/SEX/F")


def test_entity_iri_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown entity kind"):
        entity_iri(BASE, "indicators", "0501")


def test_a_catalog_survives_the_round_trip() -> None:
    given_catalog = sample_catalog()

    read_back = graph_to_catalog(catalog_to_graph(given_catalog, BASE))

    assert read_back == given_catalog
    # tuples keep the order they were given in, not code order
    assert read_back.indicators["0101"].dimensions == ("URBAN", "SEX")
    assert read_back.regimes["BC-01"].outline[0].code == "II"


def test_a_written_graph_is_written_again_identically() -> None:
    graph = catalog_to_graph(sample_catalog(), BASE)

    again = catalog_to_graph(graph_to_catalog(graph), BASE)

    assert isomorphic(graph, again)


def test_reading_does_not_depend_on_the_base_iri() -> None:
    given_catalog = sample_catalog()
    elsewhere = catalog_to_graph(given_catalog, "http://localhost:8000/id")

    assert graph_to_catalog(elsewhere) == given_catalog
    assert not isomorphic(elsewhere, catalog_to_graph(given_catalog, BASE))


def test_an_empty_catalog_is_an_empty_graph() -> None:
    assert len(catalog_to_graph(Catalog(), BASE)) == 0
    assert graph_to_catalog(Graph()) == Catalog()


def test_regime_parts_are_named_under_the_regime_without_blank_nodes() -> None:
    graph = catalog_to_graph(sample_catalog(), BASE)
    regime = f"{BASE}/regime/BC-01"

    assert (URIRef(f"{regime}/table/B2"), RH.item, URIRef(f"{regime}/table/B2/item/0101")) in graph
    assert (URIRef(regime), RH.outlineSection, URIRef(f"{regime}/section/II")) in graph
    assert (URIRef(regime), RH.deadlineRule, URIRef(f"{regime}/deadline")) in graph
    link = URIRef(f"{BASE}/area/HT/successor/HN")
    assert (link, RH.weight, Literal("0.75", datatype=XSD.decimal)) in graph
    # blank nodes appear only as the rdf:List cells that keep an order
    for subject in graph.subjects():
        if isinstance(subject, BNode):
            assert set(graph.predicates(subject)) <= {RDF.first, RDF.rest}


def test_indicators_are_skos_concepts_with_sdmx_frequencies() -> None:
    graph = catalog_to_graph(sample_catalog(), BASE)
    indicator = entity_iri(BASE, "indicator", "0102")

    assert (indicator, RDF.type, SKOS.Concept) in graph
    assert (indicator, SKOS.inScheme, URIRef(f"{BASE}/scheme/indicators")) in graph
    assert (indicator, RH.frequency, SDMX_CODE["freq-Q"]) in graph
    assert (indicator, RH.provisionalCode, Literal(True)) in graph
    assert (indicator, RH.disaggregation, entity_iri(BASE, "codelist", "SEX")) in graph
    assert (entity_iri(BASE, "indicator", "0101"), RH.provisionalCode, None) not in graph


def test_areas_carry_the_national_code_in_a_named_scheme() -> None:
    graph = catalog_to_graph(sample_catalog(), BASE)
    hanoi = entity_iri(BASE, "area", "HN")

    assert (hanoi, SKOS.notation, Literal("01", datatype=RH.VNAdminCode)) in graph
    assert (hanoi, DCTERMS.identifier, Literal("HN")) in graph
    assert (entity_iri(BASE, "area", "HT"), DCTERMS.isReplacedBy, hanoi) in graph


def test_families_split_the_graph_and_each_reads_back_alone() -> None:
    given_catalog = sample_catalog()
    families = catalog_to_graphs_by_family(given_catalog, BASE)
    union = Graph()
    for family in families.values():
        union += family

    assert tuple(families) == FAMILIES
    assert isomorphic(union, catalog_to_graph(given_catalog, BASE))
    # references to entities of other families survive by their IRI
    assert graph_to_catalog(families["indicators"]).indicators == given_catalog.indicators
    assert graph_to_catalog(families["regimes"]).regimes == given_catalog.regimes


def test_turtle_round_trips_and_is_stable_whatever_the_entity_order() -> None:
    given_catalog = sample_catalog()
    reversed_catalog = Catalog.of(
        **{
            kind: list(reversed(list(getattr(given_catalog, kind).values())))
            for kind in ("agencies", "areas", "units", "codelists", "groups", "indicators")
        },
        regimes=list(reversed(list(given_catalog.regimes.values()))),
    )
    graph = catalog_to_graph(given_catalog, BASE)

    text = serialize(graph, "turtle")

    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)
    assert serialize(catalog_to_graph(reversed_catalog, BASE), "text/turtle") == text
    assert "PREFIX indicator:" in text and "_:" not in text


# rdflib's own JSON-LD parser builds a ConjunctiveGraph, which it has deprecated.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_json_ld_round_trips() -> None:
    graph = catalog_to_graph(sample_catalog(), BASE)

    text = serialize(graph, "json-ld")

    assert isomorphic(Graph().parse(data=text, format="json-ld"), graph)


def test_serialize_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown RDF format"):
        serialize(Graph(), "rdf/xml")


def test_parse_sources_reads_every_turtle_file_of_a_directory(tmp_path: Path) -> None:
    given_catalog = sample_catalog()
    for family, graph in catalog_to_graphs_by_family(given_catalog, SOURCE_BASE_IRI).items():
        (tmp_path / f"{family}.ttl").write_text(serialize(graph, "turtle"), encoding="utf-8")
    (tmp_path / "README.md").write_text("not Turtle", encoding="utf-8")

    graph = parse_sources(tmp_path)

    assert graph_to_catalog(graph) == given_catalog
    assert isomorphic(graph, catalog_to_graph(given_catalog, SOURCE_BASE_IRI))


def test_parse_sources_refuses_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        parse_sources(tmp_path / "nowhere")


def test_an_area_cannot_name_the_same_successor_twice() -> None:
    area = Area(
        "A",
        Text("A"),
        AreaLevel.PROVINCE,
        "01",
        valid_to=date(2025, 6, 30),
        successors=(AreaSuccession("B", Decimal("0.5")), AreaSuccession("B", Decimal("0.5"))),
    )

    with pytest.raises(CatalogError, match="listed twice"):
        catalog_to_graph(Catalog.of(areas=[area]), BASE)


# ---------------------------------------------------------------- malformed graphs

Mutation = Callable[[Graph], None]


def _node(kind: str, code: str) -> URIRef:
    return entity_iri(BASE, kind, code)


def _replace(subject: URIRef, prop: URIRef, *values: URIRef | BNode | Literal) -> Mutation:
    def mutate(graph: Graph) -> None:
        graph.remove((subject, prop, None))
        for value in values:
            graph.add((subject, prop, value))

    return mutate


def _add(subject: URIRef, prop: URIRef, value: URIRef | Literal) -> Mutation:
    def mutate(graph: Graph) -> None:
        graph.add((subject, prop, value))

    return mutate


def _cyclic_list(graph: Graph) -> None:
    head, tail = BNode(), BNode()
    graph.add((head, RDF.first, _node("codelist", "URBAN")))
    graph.add((head, RDF.rest, tail))
    graph.add((tail, RDF.first, _node("codelist", "SEX")))
    graph.add((tail, RDF.rest, head))
    _replace(_node("indicator", "0101"), RH.disaggregationList, head)(graph)


def _wrong_list(graph: Graph) -> None:
    head = BNode()
    Collection(graph, head, [_node("codelist", "URBAN")])
    _replace(_node("indicator", "0101"), RH.disaggregationList, head)(graph)


TABLE_B2 = URIRef(f"{BASE}/regime/BC-01/table/B2")

MALFORMED: dict[str, tuple[Mutation, URIRef, str]] = {
    "no vi label": (
        _replace(_node("unit", "PCT"), SKOS.prefLabel, Literal("percent", lang="en")),
        _node("unit", "PCT"),
        "skos:prefLabel",
    ),
    "a label in another language": (
        _add(_node("unit", "PCT"), SKOS.prefLabel, Literal("pour cent", lang="fr")),
        _node("unit", "PCT"),
        "skos:prefLabel",
    ),
    "a literal for a reference": (
        _replace(_node("indicator", "0101"), RH.unit, Literal("K_PERSON")),
        _node("indicator", "0101"),
        "rh:unit",
    ),
    "two units": (
        _add(_node("indicator", "0101"), RH.unit, _node("unit", "PCT")),
        _node("indicator", "0101"),
        "rh:unit",
    ),
    "no unit": (
        _replace(_node("indicator", "0101"), RH.unit),
        _node("indicator", "0101"),
        "rh:unit",
    ),
    "an ill-typed decimal": (
        _replace(_node("indicator", "0103"), RH.minValue, Literal("low", datatype=XSD.decimal)),
        _node("indicator", "0103"),
        "rh:minValue",
    ),
    "a number where a decimal belongs": (
        _replace(
            _node("unit", "BN_VND"),
            URIRef("http://qudt.org/schema/qudt/conversionMultiplier"),
            Literal(1e9),
        ),
        _node("unit", "BN_VND"),
        "qudt:conversionMultiplier",
    ),
    "an unknown aggregation": (
        _replace(_node("indicator", "0101"), RH.aggregation, Literal("median")),
        _node("indicator", "0101"),
        "rh:aggregation",
    ),
    "a frequency outside sdmx-code": (
        _replace(_node("indicator", "0104"), RH.frequency, URIRef("http://example.org/monthly")),
        _node("indicator", "0104"),
        "rh:frequency",
    ),
    "two codes on one unit": (
        _add(_node("unit", "PCT"), SKOS.notation, Literal("PERCENT")),
        _node("unit", "PCT"),
        "skos:notation",
    ),
    "an order list that disagrees": (
        _wrong_list,
        _node("indicator", "0101"),
        "rh:disaggregationList",
    ),
    "a cyclic order list": (_cyclic_list, _node("indicator", "0101"), "rh:disaggregationList"),
    "an untyped national code": (
        _replace(_node("area", "HN"), SKOS.notation, Literal("01")),
        _node("area", "HN"),
        "skos:notation",
    ),
    "a succession not in dct:isReplacedBy": (
        _replace(_node("area", "HT"), DCTERMS.isReplacedBy, _node("area", "HN")),
        _node("area", "HT"),
        "dct:isReplacedBy",
    ),
    "a code reused by a second indicator": (
        _replace(_node("indicator", "0104"), SKOS.notation, Literal("0103")),
        _node("indicator", "0104"),
        "skos:notation",
    ),
    "a code outside any codelist": (
        _replace(code_iri(BASE, "SEX", "F"), SKOS.inScheme, URIRef(f"{BASE}/scheme/areas")),
        code_iri(BASE, "SEX", "F"),
        "skos:inScheme",
    ),
    "two table items at one position": (
        _replace(URIRef(f"{TABLE_B2}/item/0101"), RH.position, Literal(1)),
        URIRef(f"{TABLE_B2}/item/0103"),  # the second one met at position 1
        "rh:position",
    ),
    "a boolean that is not one": (
        _replace(_node("regime", "BC-01"), RH.requiresSignature, Literal("yes")),
        _node("regime", "BC-01"),
        "rh:requiresSignature",
    ),
    "a missing deadline": (
        _replace(_node("regime", "BC-02"), RH.deadlineRule),
        _node("regime", "BC-02"),
        "rh:deadlineRule",
    ),
    "a regime content without vi": (
        _replace(_node("regime", "BC-02"), DCTERMS.description, Literal("Content", lang="en")),
        _node("regime", "BC-02"),
        "dct:description",
    ),
    "a model invariant (weighted without weight)": (
        _replace(_node("indicator", "0102"), RH.weightIndicator),
        _node("indicator", "0102"),
        "indicator 0102",
    ),
    "a cut-off day out of range": (
        _replace(URIRef(f"{BASE}/regime/BC-01/cutoff"), RH.day, Literal(31)),
        URIRef(f"{BASE}/regime/BC-01/cutoff"),
        "cutoff.day",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_graph_raises_a_mapping_error_naming_the_node(case: str) -> None:
    mutate, subject, prop = MALFORMED[case]
    graph = catalog_to_graph(sample_catalog(), BASE)
    mutate(graph)

    with pytest.raises(MappingError) as raised:
        graph_to_catalog(graph)

    assert raised.value.subject == str(subject)
    assert raised.value.property == prop
    assert str(subject) in str(raised.value)


def test_an_entity_must_be_named_by_an_iri() -> None:
    graph = Graph()
    graph.add((BNode(), RDF.type, RH.Unit))

    with pytest.raises(MappingError, match="must be named by an IRI"):
        graph_to_catalog(graph)


# ---------------------------------------------------------------- any catalog round-trips


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_any_catalog_survives_the_round_trip(given_catalog: Catalog) -> None:
    graph = catalog_to_graph(given_catalog, BASE)

    read_back = graph_to_catalog(graph)

    assert read_back == given_catalog
    assert isomorphic(catalog_to_graph(read_back, BASE), graph)


# ---------------------------------------------------------------- the curated seed catalog


@pytest.mark.skipif(not SOURCE_FILES, reason="catalog/sources/*.ttl not written yet")
def test_the_seed_sources_parse_validate_and_round_trip() -> None:
    graph = parse_sources()

    violations = [i for i in validate_graph(graph) if i.severity == "violation"]
    seed = load_source_catalog()

    assert not violations, format_report(violations)
    assert isomorphic(catalog_to_graph(seed, SOURCE_BASE_IRI), graph)
