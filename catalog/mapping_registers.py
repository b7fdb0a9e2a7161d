"""Agencies (ORG), areas (SKOS with weighted successions) and units (QUDT) <-> triples."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from catalog.mapping_terms import (
    AGENCY_ID,
    AREA_ID,
    NOTATION,
    GraphReader,
    add_concept,
    add_optional,
    add_ordered,
    add_scheme,
    add_text,
    add_validity,
    decimal_literal,
    entity_iri,
    part_iri,
    plain_literal,
    unique_codes,
)
from catalog.model import Agency, AgencyKind, Area, AreaLevel, AreaSuccession, CatalogError, Unit
from catalog.namespaces import DCTERMS, ORG, QUDT, RDF, RH, SKOS


def write_agencies(graph: Graph, base: str, agencies: Iterable[Agency]) -> None:
    for agency in agencies:
        node = entity_iri(base, "agency", agency.code)
        graph.add((node, RDF.type, ORG.FormalOrganization))
        graph.add((node, RDF.type, RH.Agency))
        graph.add((node, AGENCY_ID, Literal(agency.code)))
        add_text(graph, node, SKOS.prefLabel, agency.name)
        graph.add((node, RH.agencyKind, Literal(agency.kind.value)))
        add_optional(graph, node, RH.abbreviation, plain_literal(agency.abbreviation))
        if agency.parent is not None:
            graph.add((node, ORG.subOrganizationOf, entity_iri(base, "agency", agency.parent)))
        if agency.jurisdiction is not None:
            graph.add((node, RH.jurisdiction, entity_iri(base, "area", agency.jurisdiction)))
        add_validity(graph, node, agency.valid_from, agency.valid_to)
        successors = [entity_iri(base, "agency", code) for code in agency.successors]
        add_ordered(graph, node, DCTERMS.isReplacedBy, RH.successorList, successors)


def read_agencies(reader: GraphReader) -> list[Agency]:
    read: list[tuple[URIRef, str, Agency]] = []
    for node in reader.subjects_of_type(RH.Agency):
        with reader.entity(node):
            code = reader.string(node, AGENCY_ID)
            agency = Agency(
                code=code,
                name=reader.text(node, SKOS.prefLabel),
                kind=reader.choice(node, RH.agencyKind, AgencyKind),
                abbreviation=reader.optional_string(node, RH.abbreviation),
                parent=reader.optional_code(node, ORG.subOrganizationOf, AGENCY_ID),
                jurisdiction=reader.optional_code(node, RH.jurisdiction, AREA_ID),
                valid_from=reader.optional_date(node, RH.validFrom),
                valid_to=reader.optional_date(node, RH.validTo),
                successors=reader.codes(node, DCTERMS.isReplacedBy, RH.successorList, AGENCY_ID),
            )
        read.append((node, code, agency))
    return unique_codes(reader, AGENCY_ID, read)


def write_areas(graph: Graph, base: str, areas: Iterable[Area]) -> None:
    areas = list(areas)
    if not areas:
        return  # no empty scheme: an empty catalog is an empty graph
    scheme = add_scheme(graph, base, "areas")
    for area in areas:
        node = entity_iri(base, "area", area.code)
        parent = [] if area.parent is None else [entity_iri(base, "area", area.parent)]
        add_concept(graph, scheme, node, parent)
        graph.add((node, RDF.type, RH.Area))
        graph.add((node, AREA_ID, Literal(area.code)))
        graph.add((node, SKOS.notation, Literal(area.national_code, datatype=RH.VNAdminCode)))
        add_text(graph, node, SKOS.prefLabel, area.name)
        graph.add((node, RH.level, Literal(area.level.value)))
        for broader in parent:
            graph.add((node, SKOS.broader, broader))
        add_validity(graph, node, area.valid_from, area.valid_to)
        seen: set[str] = set()
        for position, link in enumerate(area.successors, start=1):
            if link.successor in seen:
                # The link's IRI is named after the successor: a second one would merge into it.
                raise CatalogError(
                    f"area {area.code}", f"successor {link.successor} is listed twice"
                )
            seen.add(link.successor)
            successor = entity_iri(base, "area", link.successor)
            succession = part_iri(node, "successor", link.successor)
            graph.add((node, DCTERMS.isReplacedBy, successor))
            graph.add((node, RH.succession, succession))
            graph.add((succession, RDF.type, RH.Succession))
            graph.add((succession, RH.successor, successor))
            graph.add((succession, RH.weight, decimal_literal(link.weight)))
            graph.add((succession, RH.position, Literal(position)))


def read_areas(reader: GraphReader) -> list[Area]:
    read: list[tuple[URIRef, str, Area]] = []
    for node in reader.subjects_of_type(RH.Area):
        with reader.entity(node):
            code = reader.string(node, AREA_ID)
            notation = reader.as_literal(node, SKOS.notation, reader.one(node, SKOS.notation))
            if notation.datatype != RH.VNAdminCode:
                raise reader.error(
                    node, SKOS.notation, "the national code must be typed rh:VNAdminCode"
                )
            successions = [
                AreaSuccession(
                    successor=reader.one_code(link, RH.successor, AREA_ID),
                    weight=reader.decimal(link, RH.weight),
                )
                for link in reader.parts(node, RH.succession)
            ]
            replaced_by = {
                reader.code(node, DCTERMS.isReplacedBy, v, AREA_ID)
                for v in reader.objects(node, DCTERMS.isReplacedBy)
            }
            if replaced_by != {s.successor for s in successions}:
                raise reader.error(
                    node, DCTERMS.isReplacedBy, "must name exactly the successors of rh:succession"
                )
            area = Area(
                code=code,
                name=reader.text(node, SKOS.prefLabel),
                level=reader.choice(node, RH.level, AreaLevel),
                national_code=str(notation),
                parent=reader.optional_code(node, SKOS.broader, AREA_ID),
                valid_from=reader.optional_date(node, RH.validFrom),
                valid_to=reader.optional_date(node, RH.validTo),
                successors=tuple(successions),
            )
        read.append((node, code, area))
    return unique_codes(reader, AREA_ID, read)


def write_units(graph: Graph, base: str, units: Iterable[Unit]) -> None:
    for unit in units:
        node = entity_iri(base, "unit", unit.code)
        graph.add((node, RDF.type, QUDT.Unit))
        graph.add((node, RDF.type, RH.Unit))
        graph.add((node, NOTATION, Literal(unit.code)))
        add_text(graph, node, SKOS.prefLabel, unit.name)
        graph.add((node, QUDT.symbol, Literal(unit.symbol)))
        graph.add((node, RH.quantityKind, Literal(unit.quantity_kind)))
        if unit.base is not None:
            # QUDT's own pattern for a scaled unit (SEMANTICS.md: billion VND).
            graph.add((node, QUDT.scalingOf, entity_iri(base, "unit", unit.base)))
        if unit.base is not None or unit.multiplier != 1:
            graph.add((node, QUDT.conversionMultiplier, decimal_literal(unit.multiplier)))
        if unit.qudt_exact is not None:
            graph.add((node, SKOS.exactMatch, URIRef(unit.qudt_exact)))
        if unit.qudt_close is not None:
            graph.add((node, SKOS.closeMatch, URIRef(unit.qudt_close)))


def read_units(reader: GraphReader) -> list[Unit]:
    read: list[tuple[URIRef, str, Unit]] = []
    for node in reader.subjects_of_type(RH.Unit):
        with reader.entity(node):
            code = reader.string(node, NOTATION)
            multiplier = reader.optional_decimal(node, QUDT.conversionMultiplier)
            exact = reader.optional_iri(node, SKOS.exactMatch)
            close = reader.optional_iri(node, SKOS.closeMatch)
            unit = Unit(
                code=code,
                name=reader.text(node, SKOS.prefLabel),
                symbol=reader.string(node, QUDT.symbol),
                quantity_kind=reader.string(node, RH.quantityKind),
                base=reader.optional_code(node, QUDT.scalingOf, NOTATION),
                multiplier=Decimal(1) if multiplier is None else multiplier,
                qudt_exact=None if exact is None else str(exact),
                qudt_close=None if close is None else str(close),
            )
        read.append((node, code, unit))
    return unique_codes(reader, NOTATION, read)
