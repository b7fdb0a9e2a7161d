"""The catalog model <-> RDF, lossless both ways (SEMANTICS.md §3); the one place triples are made.

`catalog_to_graph(c, base)` then `graph_to_catalog` gives back `c`; a graph it wrote, read and
written again with the same base is isomorphic to the first. Reading goes by rdf:type and
identifiers (skos:notation, org:identifier, dct:identifier), never by taking IRIs apart, so a
graph written under any base IRI reads back. The modules `mapping_registers`,
`mapping_concepts` and `mapping_regimes` hold one family each; this one is the public face.

    >>> graph = catalog_to_graph(catalog, "https://hub.example.gov.vn/id")
    >>> serialize(graph, "turtle")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from catalog.mapping_concepts import (
    read_codelists,
    read_groups,
    read_indicators,
    write_codelists,
    write_groups,
    write_indicators,
)
from catalog.mapping_regimes import read_regimes, write_regimes
from catalog.mapping_registers import (
    read_agencies,
    read_areas,
    read_units,
    write_agencies,
    write_areas,
    write_units,
)
from catalog.mapping_terms import (
    KINDS,
    GraphReader,
    MappingError,
    code_iri,
    entity_iri,
)
from catalog.model import Catalog
from catalog.namespaces import bind_prefixes

__all__ = [
    "FAMILIES",
    "KINDS",
    "MappingError",
    "catalog_to_graph",
    "catalog_to_graphs_by_family",
    "code_iri",
    "entity_iri",
    "graph_to_catalog",
    "load_source_catalog",
    "parse_sources",
    "serialize",
]

SOURCES_DIRECTORY = Path(__file__).parent / "sources"


def _write_indicator_family(graph: Graph, base_iri: str, catalog: Catalog) -> None:
    write_groups(graph, base_iri, catalog.groups.values())
    write_indicators(graph, base_iri, catalog.indicators.values())


# One writer per family; the seed files are one Turtle file per family, in this order.
_FAMILY_WRITERS: dict[str, Callable[[Graph, str, Catalog], None]] = {
    "agencies": lambda g, base, c: write_agencies(g, base, c.agencies.values()),
    "areas": lambda g, base, c: write_areas(g, base, c.areas.values()),
    "units": lambda g, base, c: write_units(g, base, c.units.values()),
    "codelists": lambda g, base, c: write_codelists(g, base, c.codelists.values()),
    "indicators": _write_indicator_family,
    "regimes": lambda g, base, c: write_regimes(g, base, c.regimes.values()),
}
FAMILIES = tuple(_FAMILY_WRITERS)

# Serializer names by format name and media type; longturtle sorts and indents predictably,
# so a one-field edit is a one-line diff in git.
_SERIALIZERS = {
    "turtle": "longturtle",
    "ttl": "longturtle",
    "text/turtle": "longturtle",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "application/ld+json": "json-ld",
}


# Turtle prefixes for our entity IRIs; "unit" is QUDT's, so ours is "hubunit".
_ENTITY_PREFIXES = {"unit": "hubunit", "indicator-group": "indicatorgroup"}


def _new_graph(base_iri: str) -> Graph:
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    # Short, readable names for our own entities in Turtle output.
    for kind in KINDS:
        graph.bind(_ENTITY_PREFIXES.get(kind, kind), f"{base_iri.rstrip('/')}/{kind}/")
    return graph


def catalog_to_graph(catalog: Catalog, base_iri: str) -> Graph:
    """The whole catalog as one graph, with entity IRIs under `base_iri`."""
    graph = _new_graph(base_iri)
    for write in _FAMILY_WRITERS.values():
        write(graph, base_iri, catalog)
    return graph


def catalog_to_graphs_by_family(catalog: Catalog, base_iri: str) -> dict[str, Graph]:
    """One graph per family (`FAMILIES`); their union is `catalog_to_graph(catalog, base_iri)`."""
    graphs: dict[str, Graph] = {}
    for family, write in _FAMILY_WRITERS.items():
        graphs[family] = _new_graph(base_iri)
        write(graphs[family], base_iri, catalog)
    return graphs


def graph_to_catalog(graph: Graph) -> Catalog:
    """Read a catalog back from a graph; bad input raises MappingError naming node and property."""
    reader = GraphReader(graph)
    return Catalog.of(
        agencies=read_agencies(reader),
        areas=read_areas(reader),
        units=read_units(reader),
        codelists=read_codelists(reader),
        groups=read_groups(reader),
        indicators=read_indicators(reader),
        regimes=read_regimes(reader),
    )


def parse_sources(directory: Path | None = None) -> Graph:
    """Parse every `*.ttl` under `directory` (default: the package's `sources/`) into one graph."""
    directory = SOURCES_DIRECTORY if directory is None else directory
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a directory of Turtle sources")
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    for path in sorted(directory.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def load_source_catalog() -> Catalog:
    """The curated seed catalog shipped in `catalog/sources/`."""
    return graph_to_catalog(parse_sources())


def serialize(graph: Graph, format: str = "turtle") -> str:
    """`graph` as Turtle (rdflib's stable longturtle) or JSON-LD; also takes media types."""
    serializer = _SERIALIZERS.get(format.lower())
    if serializer is None:
        raise ValueError(f"unknown RDF format {format!r}; expected turtle or json-ld")
    if serializer == "json-ld":
        return graph.serialize(format="json-ld", auto_compact=True)
    return graph.serialize(format=serializer)
