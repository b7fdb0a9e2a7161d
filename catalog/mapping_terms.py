"""Triple-level building blocks of the mapping: the IRIs we mint, literals, and a strict reader.

The writing helpers keep the graph canonical (one lexical form per value) so that a graph
written, parsed and written again is the same graph. The reader turns every shape of bad input
into a `MappingError` naming the node and the property.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from catalog.model import LANGUAGES, CatalogError, Frequency, Text
from catalog.namespaces import DCTERMS, ORG, RDF, RH, SDMX_CODE, SKOS, XSD, bind_prefixes

KINDS = ("agency", "area", "unit", "codelist", "indicator-group", "indicator", "regime")

# How each kind of entity carries its code: agencies as ORG says, areas with dct:identifier
# (their skos:notation is the national admin code), everything else with skos:notation.
AGENCY_ID = ORG.identifier
AREA_ID = DCTERMS.identifier
NOTATION = SKOS.notation

FREQUENCY_IRIS: dict[Frequency, URIRef] = {f: SDMX_CODE[f"freq-{f.value}"] for f in Frequency}
_FREQUENCIES = {iri: f for f, iri in FREQUENCY_IRIS.items()}

EnumT = TypeVar("EnumT", bound=enum.Enum)


class MappingError(CatalogError):
    """A graph cannot be read as a catalog: `subject` and `property` say where, `message` why."""

    def __init__(self, subject: Node | str, property: str, message: str) -> None:
        self.subject = str(subject)
        self.property = property
        super().__init__(f"<{self.subject}> {property}", message)


def entity_iri(base_iri: str, kind: str, code: str) -> URIRef:
    """The IRI of a catalog entity: `{base_iri}/{kind}/{code}`."""
    if kind not in KINDS:
        raise ValueError(f"unknown entity kind {kind!r}; expected one of {', '.join(KINDS)}")
    return URIRef(f"{base_iri.rstrip('/')}/{kind}/{code}")


def code_iri(base_iri: str, codelist: str, code: str) -> URIRef:
    """The IRI of one code of a codelist: `{base_iri}/codelist/{codelist}/{code}`."""
    return URIRef(f"{entity_iri(base_iri, 'codelist', codelist)}/{code}")


def minted_iri(base_iri: str, *segments: str) -> URIRef:
    """An IRI the catalog mints for something that is not an entity (schemes, dimensions)."""
    return URIRef("/".join((base_iri.rstrip("/"), *segments)))


def part_iri(owner: URIRef, *segments: str) -> URIRef:
    """The IRI of a part owned by `owner` (a regime's table, an area's succession link)."""
    return URIRef("/".join((str(owner), *segments)))


SCHEME_LABELS = {
    "areas": Text("Danh mục đơn vị hành chính", en="Administrative units"),
    "indicator-groups": Text("Danh mục nhóm chỉ tiêu", en="Indicator groups"),
    "indicators": Text("Danh mục chỉ tiêu", en="Indicators"),
}


def add_scheme(graph: Graph, base_iri: str, name: str) -> URIRef:
    """Add the concept scheme `{base_iri}/scheme/{name}` with its fixed labels."""
    scheme = minted_iri(base_iri, "scheme", name)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    add_text(graph, scheme, SKOS.prefLabel, SCHEME_LABELS[name])
    return scheme


def add_concept(graph: Graph, scheme: URIRef, node: URIRef, broader: Sequence[URIRef]) -> None:
    """Put `node` in `scheme`; without a broader concept it is one of the scheme's tops."""
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, scheme))
    if not broader:
        graph.add((node, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, node))


def decimal_literal(value: Decimal) -> Literal:
    """An xsd:decimal in canonical form, which Turtle and JSON-LD round-trip unchanged."""
    # format(.., "f") is exact; Decimal.normalize() would round to the context's 28 digits.
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").removesuffix(".")
    return Literal(text + ".0" if "." not in text else text, datatype=XSD.decimal)


def add_text(graph: Graph, subject: URIRef, prop: URIRef, text: Text) -> None:
    """Add a vi (and, when present, en) literal."""
    graph.add((subject, prop, Literal(text.vi, lang="vi")))
    if text.en is not None:
        graph.add((subject, prop, Literal(text.en, lang="en")))


def plain_literal(value: str | None) -> Literal | None:
    """A plain string literal, or None for a missing value (see `add_optional`)."""
    return None if value is None else Literal(value)


def add_optional(graph: Graph, subject: URIRef, prop: URIRef, value: Node | None) -> None:
    if value is not None:
        graph.add((subject, prop, value))


def add_validity(
    graph: Graph, subject: URIRef, valid_from: date | None, valid_to: date | None
) -> None:
    add_optional(graph, subject, RH.validFrom, None if valid_from is None else Literal(valid_from))
    add_optional(graph, subject, RH.validTo, None if valid_to is None else Literal(valid_to))


def add_ordered(
    graph: Graph, subject: URIRef, prop: URIRef, list_prop: URIRef, objects: Sequence[Node]
) -> None:
    """Link each object directly (what queries use) and, for two or more, keep their order.

    The order goes in an rdf:List under `list_prop`, as bibo:authorList does beside
    dct:creator: the direct links stay plain SKOS/QB for consumers, the list makes the tuple
    round-trip.
    """
    for value in objects:
        graph.add((subject, prop, value))
    if len(objects) > 1:
        head = BNode()
        Collection(graph, head, list(objects))
        graph.add((subject, list_prop, head))


def _sort_key(node: Node) -> tuple[str, str]:
    return (type(node).__name__, str(node))


class GraphReader:
    """Typed, strict access to a graph; every failure is a MappingError naming node and property."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._names = bind_prefixes(Graph()).namespace_manager

    def name(self, prop: URIRef) -> str:
        return self._names.normalizeUri(prop)

    def error(self, subject: Node, prop: URIRef | str, message: str) -> MappingError:
        return MappingError(subject, self.name(prop) if isinstance(prop, URIRef) else prop, message)

    @contextmanager
    def entity(self, node: Node) -> Iterator[None]:
        """Report an invariant the dataclasses refuse as a MappingError on `node`."""
        try:
            yield
        except MappingError:
            raise
        except CatalogError as error:
            raise MappingError(node, error.path, error.message) from error

    def subjects_of_type(self, cls: URIRef) -> list[URIRef]:
        nodes: list[URIRef] = []
        for node in sorted(self.graph.subjects(RDF.type, cls), key=_sort_key):
            if not isinstance(node, URIRef):
                raise self.error(node, RDF.type, f"a {self.name(cls)} must be named by an IRI")
            nodes.append(node)
        return nodes

    def objects(self, subject: Node, prop: URIRef) -> list[Node]:
        return sorted(self.graph.objects(subject, prop), key=_sort_key)

    def optional(self, subject: Node, prop: URIRef) -> Node | None:
        values = self.objects(subject, prop)
        if len(values) > 1:
            shown = ", ".join(str(v) for v in values)
            raise self.error(subject, prop, f"expected at most one value, found {shown}")
        return values[0] if values else None

    def one(self, subject: Node, prop: URIRef) -> Node:
        value = self.optional(subject, prop)
        if value is None:
            raise self.error(subject, prop, "a value is required")
        return value

    def as_iri(self, subject: Node, prop: URIRef, value: Node) -> URIRef:
        if not isinstance(value, URIRef):
            raise self.error(subject, prop, f"expected an IRI, found {value!r}")
        return value

    def as_literal(self, subject: Node, prop: URIRef, value: Node) -> Literal:
        if not isinstance(value, Literal):
            raise self.error(subject, prop, f"expected a literal, found {value!r}")
        return value

    def iri(self, subject: Node, prop: URIRef) -> URIRef:
        return self.as_iri(subject, prop, self.one(subject, prop))

    def optional_iri(self, subject: Node, prop: URIRef) -> URIRef | None:
        value = self.optional(subject, prop)
        return None if value is None else self.as_iri(subject, prop, value)

    def iris(self, subject: Node, prop: URIRef) -> list[URIRef]:
        return [self.as_iri(subject, prop, v) for v in self.objects(subject, prop)]

    def as_string(self, subject: Node, prop: URIRef, value: Node) -> str:
        literal = self.as_literal(subject, prop, value)
        if literal.language is not None or literal.datatype not in (None, XSD.string):
            raise self.error(subject, prop, f"expected a plain string, found {literal.n3()}")
        return str(literal)

    def string(self, subject: Node, prop: URIRef) -> str:
        return self.as_string(subject, prop, self.one(subject, prop))

    def optional_string(self, subject: Node, prop: URIRef) -> str | None:
        value = self.optional(subject, prop)
        return None if value is None else self.as_string(subject, prop, value)

    def optional_text(self, subject: Node, prop: URIRef) -> Text | None:
        by_lang: dict[str, str] = {}
        for value in self.objects(subject, prop):
            literal = self.as_literal(subject, prop, value)
            lang = (literal.language or "").lower()
            if lang not in LANGUAGES:
                raise self.error(
                    subject, prop, f"{literal.n3()}: the language must be one of {LANGUAGES}"
                )
            if lang in by_lang:
                raise self.error(subject, prop, f"more than one value in language {lang!r}")
            by_lang[lang] = str(literal)
        if not by_lang:
            return None
        if "vi" not in by_lang:
            raise self.error(subject, prop, "the Vietnamese (@vi) value is missing")
        return Text(vi=by_lang["vi"], en=by_lang.get("en"))

    def text(self, subject: Node, prop: URIRef) -> Text:
        text = self.optional_text(subject, prop)
        if text is None:
            raise self.error(subject, prop, "a @vi value is required")
        return text

    def _typed(self, subject: Node, prop: URIRef, datatype: URIRef, kind: type) -> object | None:
        value = self.optional(subject, prop)
        if value is None:
            return None
        literal = self.as_literal(subject, prop, value)
        python = literal.value
        if literal.datatype != datatype or not isinstance(python, kind) or literal.ill_typed:
            raise self.error(subject, prop, f"expected an {self.name(datatype)}, found {value!r}")
        return python

    def optional_decimal(self, subject: Node, prop: URIRef) -> Decimal | None:
        value = self._typed(subject, prop, XSD.decimal, Decimal)
        return value if isinstance(value, Decimal) else None

    def decimal(self, subject: Node, prop: URIRef) -> Decimal:
        value = self.optional_decimal(subject, prop)
        if value is None:
            raise self.error(subject, prop, "a value is required")
        return value

    def optional_integer(self, subject: Node, prop: URIRef) -> int | None:
        value = self._typed(subject, prop, XSD.integer, int)
        return value if isinstance(value, int) else None

    def integer(self, subject: Node, prop: URIRef) -> int:
        value = self.optional_integer(subject, prop)
        if value is None:
            raise self.error(subject, prop, "a value is required")
        return value

    def boolean(self, subject: Node, prop: URIRef) -> bool:
        literal = self.as_literal(subject, prop, self.one(subject, prop))
        # Read the lexical form: rdflib maps anything unknown to False.
        if literal.datatype != XSD.boolean or str(literal) not in ("true", "false", "1", "0"):
            raise self.error(subject, prop, f"expected an xsd:boolean, found {literal.n3()}")
        return str(literal) in ("true", "1")

    def optional_date(self, subject: Node, prop: URIRef) -> date | None:
        value = self._typed(subject, prop, XSD.date, date)
        return value if isinstance(value, date) else None

    def as_choice(self, subject: Node, prop: URIRef, value: Node, choices: type[EnumT]) -> EnumT:
        text = self.as_string(subject, prop, value)
        for choice in choices:
            if choice.value == text:
                return choice
        allowed = ", ".join(str(c.value) for c in choices)
        raise self.error(subject, prop, f"{text!r} is not one of {allowed}")

    def choice(self, subject: Node, prop: URIRef, choices: type[EnumT]) -> EnumT:
        return self.as_choice(subject, prop, self.one(subject, prop), choices)

    def optional_choice(
        self, subject: Node, prop: URIRef, choices: type[EnumT], default: EnumT
    ) -> EnumT:
        value = self.optional(subject, prop)
        return default if value is None else self.as_choice(subject, prop, value, choices)

    def as_frequency(self, subject: Node, prop: URIRef, value: Node) -> Frequency:
        frequency = _FREQUENCIES.get(self.as_iri(subject, prop, value))
        if frequency is None:
            raise self.error(subject, prop, f"{value} is not an sdmx-code:freq code we support")
        return frequency

    def ordered(self, subject: Node, prop: URIRef, list_prop: URIRef) -> list[Node]:
        """The values of `prop` in the order `list_prop` gives (see `add_ordered`)."""
        direct = self.objects(subject, prop)
        head = self.optional(subject, list_prop)
        if head is None:
            return direct  # zero or one value; hand-written extras come sorted
        try:
            listed = list(self.graph.items(head))
        except ValueError as error:  # a cyclic rdf:rest chain
            raise self.error(subject, list_prop, str(error)) from error
        if set(listed) != set(direct):
            raise self.error(
                subject, list_prop, f"the list does not hold the same values as {self.name(prop)}"
            )
        return listed

    def code(self, subject: Node, prop: URIRef, target: Node, identifier: URIRef) -> str:
        """The code of the entity `subject` points at with `prop`, read from its identifier.

        A target outside the graph (the entity lives in another family file, or nowhere)
        falls back on the last segment of its IRI, so references survive a partial graph.
        """
        iri = self.as_iri(subject, prop, target)
        values = self.objects(iri, identifier)
        if len(values) > 1:
            raise self.error(iri, identifier, "expected one identifier, found several")
        if values:
            return self.as_string(iri, identifier, values[0])
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    def codes(
        self, subject: Node, prop: URIRef, list_prop: URIRef, identifier: URIRef
    ) -> tuple[str, ...]:
        return tuple(
            self.code(subject, prop, v, identifier) for v in self.ordered(subject, prop, list_prop)
        )

    def one_code(self, subject: Node, prop: URIRef, identifier: URIRef) -> str:
        return self.code(subject, prop, self.one(subject, prop), identifier)

    def optional_code(self, subject: Node, prop: URIRef, identifier: URIRef) -> str | None:
        value = self.optional(subject, prop)
        return None if value is None else self.code(subject, prop, value, identifier)

    def parts(self, owner: Node, prop: URIRef) -> list[URIRef]:
        """The parts `owner` links with `prop`, in their rh:position order."""
        return self.in_position_order(self.iris(owner, prop))

    def in_position_order(self, parts: list[URIRef]) -> list[URIRef]:
        by_position: dict[int, URIRef] = {}
        for part in parts:
            position = self.integer(part, RH.position)
            if position in by_position:
                raise self.error(
                    part, RH.position, f"position {position} is also {by_position[position]}"
                )
            by_position[position] = part
        return [by_position[p] for p in sorted(by_position)]


E = TypeVar("E")


def unique_codes(reader: GraphReader, prop: URIRef, read: list[tuple[URIRef, str, E]]) -> list[E]:
    """The entities, refusing two nodes that carry the same code."""
    seen: dict[str, URIRef] = {}
    for node, code, _ in read:
        if code in seen:
            raise reader.error(node, prop, f"code {code!r} is also the code of <{seen[code]}>")
        seen[code] = node
    return [entity for _, _, entity in read]
