"""Codelists (SKOS schemes + QB coded dimensions), indicator groups and indicators <-> triples."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef

from catalog.mapping_terms import (
    AGENCY_ID,
    FREQUENCY_IRIS,
    NOTATION,
    GraphReader,
    add_concept,
    add_optional,
    add_ordered,
    add_scheme,
    add_text,
    code_iri,
    decimal_literal,
    entity_iri,
    minted_iri,
    plain_literal,
    unique_codes,
)
from catalog.model import (
    AggregationRule,
    Code,
    Codelist,
    Indicator,
    IndicatorGroup,
    PeriodAggregation,
    ValueType,
)
from catalog.namespaces import DCTERMS, QB, RDF, RDFS, RH, SKOS


def write_codelists(graph: Graph, base: str, codelists: Iterable[Codelist]) -> None:
    for codelist in codelists:
        scheme = entity_iri(base, "codelist", codelist.code)
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, RDF.type, RH.Codelist))
        graph.add((scheme, NOTATION, Literal(codelist.code)))
        add_text(graph, scheme, SKOS.prefLabel, codelist.name)
        if codelist.description is not None:
            add_text(graph, scheme, DCTERMS.description, codelist.description)
        if codelist.total_code is not None:
            graph.add((scheme, RH.totalCode, code_iri(base, codelist.code, codelist.total_code)))
        _write_dimension(graph, base, codelist)
        for position, item in enumerate(codelist.codes, start=1):
            node = code_iri(base, codelist.code, item.code)
            parent = [] if item.parent is None else [code_iri(base, codelist.code, item.parent)]
            add_concept(graph, scheme, node, parent)
            graph.add((node, RDF.type, RH.Code))
            graph.add((node, NOTATION, Literal(item.code)))
            add_text(graph, node, SKOS.prefLabel, item.name)
            for broader in parent:
                graph.add((node, SKOS.broader, broader))
            graph.add((node, RH.position, Literal(position)))
            if item.order != 0:
                graph.add((node, RH.sortOrder, Literal(item.order)))


def _write_dimension(graph: Graph, base: str, codelist: Codelist) -> None:
    """The coded QB dimension property over the codelist, for the data cube (IC-4, IC-5)."""
    dimension = minted_iri(base, "dimension", codelist.code)
    concept = minted_iri(base, "concept", codelist.code)
    graph.add((dimension, RDF.type, QB.DimensionProperty))
    graph.add((dimension, RDF.type, QB.CodedProperty))
    graph.add((dimension, QB.codeList, entity_iri(base, "codelist", codelist.code)))
    graph.add((dimension, RDFS.range, SKOS.Concept))
    graph.add((dimension, QB.concept, concept))
    add_text(graph, dimension, RDFS.label, codelist.name)
    graph.add((concept, RDF.type, SKOS.Concept))
    add_text(graph, concept, SKOS.prefLabel, codelist.name)


def read_codelists(reader: GraphReader) -> list[Codelist]:
    codes_by_scheme: dict[URIRef, list[URIRef]] = {}
    for node in reader.subjects_of_type(RH.Code):
        scheme = reader.iri(node, SKOS.inScheme)
        if (scheme, RDF.type, RH.Codelist) not in reader.graph:
            raise reader.error(node, SKOS.inScheme, f"<{scheme}> is not an rh:Codelist")
        codes_by_scheme.setdefault(scheme, []).append(node)
    read: list[tuple[URIRef, str, Codelist]] = []
    for scheme in reader.subjects_of_type(RH.Codelist):
        with reader.entity(scheme):
            code = reader.string(scheme, NOTATION)
            codes = [
                _read_code(reader, node)
                for node in reader.in_position_order(codes_by_scheme.get(scheme, []))
            ]
            codelist = Codelist(
                code=code,
                name=reader.text(scheme, SKOS.prefLabel),
                codes=tuple(codes),
                description=reader.optional_text(scheme, DCTERMS.description),
                total_code=reader.optional_code(scheme, RH.totalCode, NOTATION),
            )
        read.append((scheme, code, codelist))
    return unique_codes(reader, NOTATION, read)


def _read_code(reader: GraphReader, node: URIRef) -> Code:
    with reader.entity(node):
        order = reader.optional_integer(node, RH.sortOrder)
        return Code(
            code=reader.string(node, NOTATION),
            name=reader.text(node, SKOS.prefLabel),
            parent=reader.optional_code(node, SKOS.broader, NOTATION),
            order=0 if order is None else order,
        )


def write_groups(graph: Graph, base: str, groups: Iterable[IndicatorGroup]) -> None:
    groups = list(groups)
    if not groups:
        return
    scheme = add_scheme(graph, base, "indicator-groups")
    for group in groups:
        node = entity_iri(base, "indicator-group", group.code)
        parent = [] if group.parent is None else [entity_iri(base, "indicator-group", group.parent)]
        add_concept(graph, scheme, node, parent)
        graph.add((node, RDF.type, RH.IndicatorGroup))
        graph.add((node, NOTATION, Literal(group.code)))
        add_text(graph, node, SKOS.prefLabel, group.name)
        for broader in parent:
            graph.add((node, SKOS.broader, broader))


def read_groups(reader: GraphReader) -> list[IndicatorGroup]:
    read: list[tuple[URIRef, str, IndicatorGroup]] = []
    for node in reader.subjects_of_type(RH.IndicatorGroup):
        with reader.entity(node):
            code = reader.string(node, NOTATION)
            group = IndicatorGroup(
                code=code,
                name=reader.text(node, SKOS.prefLabel),
                parent=reader.optional_code(node, SKOS.broader, NOTATION),
            )
        read.append((node, code, group))
    return unique_codes(reader, NOTATION, read)


def write_indicators(graph: Graph, base: str, indicators: Iterable[Indicator]) -> None:
    indicators = list(indicators)
    if not indicators:
        return
    scheme = add_scheme(graph, base, "indicators")
    for ind in indicators:
        node = entity_iri(base, "indicator", ind.code)
        broader = [entity_iri(base, "indicator", code) for code in ind.broader]
        add_concept(graph, scheme, node, broader)
        graph.add((node, RDF.type, RH.Indicator))
        graph.add((node, NOTATION, Literal(ind.code)))
        add_text(graph, node, SKOS.prefLabel, ind.name)
        add_text(graph, node, SKOS.definition, ind.definition)
        graph.add((node, RH.unit, entity_iri(base, "unit", ind.unit)))
        frequencies = [FREQUENCY_IRIS[f] for f in ind.frequencies]
        add_ordered(graph, node, RH.frequency, RH.frequencyList, frequencies)
        graph.add((node, RH.responsibleAgency, entity_iri(base, "agency", ind.agency)))
        if ind.group is not None:
            graph.add((node, RH.indicatorGroup, entity_iri(base, "indicator-group", ind.group)))
        if ind.method is not None:
            add_text(graph, node, RH.method, ind.method)
        if ind.source is not None:
            add_text(graph, node, DCTERMS.source, ind.source)
        add_optional(graph, node, RH.legalBasis, plain_literal(ind.legal_basis))
        dimensions = [entity_iri(base, "codelist", code) for code in ind.dimensions]
        add_ordered(graph, node, RH.disaggregation, RH.disaggregationList, dimensions)
        graph.add((node, RH.aggregation, Literal(ind.aggregation.value)))
        if ind.weight_indicator is not None:
            graph.add(
                (node, RH.weightIndicator, entity_iri(base, "indicator", ind.weight_indicator))
            )
        graph.add((node, RH.valueType, Literal(ind.value_type.value)))
        if ind.period_aggregation is not PeriodAggregation.NONE:
            graph.add((node, RH.periodAggregation, Literal(ind.period_aggregation.value)))
        if ind.min_value is not None:
            graph.add((node, RH.minValue, decimal_literal(ind.min_value)))
        if ind.max_value is not None:
            graph.add((node, RH.maxValue, decimal_literal(ind.max_value)))
        add_ordered(graph, node, SKOS.broader, RH.broaderList, broader)
        related = [entity_iri(base, "indicator", code) for code in ind.related]
        add_ordered(graph, node, SKOS.related, RH.relatedList, related)
        add_optional(graph, node, RH.formula, plain_literal(ind.formula))
        add_optional(graph, node, RH.nationalCode, plain_literal(ind.national_code))
        if ind.is_code_provisional:
            graph.add((node, RH.provisionalCode, Literal(True)))


def read_indicators(reader: GraphReader) -> list[Indicator]:
    read: list[tuple[URIRef, str, Indicator]] = []
    for node in reader.subjects_of_type(RH.Indicator):
        with reader.entity(node):
            code = reader.string(node, NOTATION)
            frequencies = reader.ordered(node, RH.frequency, RH.frequencyList)
            provisional = reader.optional(node, RH.provisionalCode)
            indicator = Indicator(
                code=code,
                name=reader.text(node, SKOS.prefLabel),
                definition=reader.text(node, SKOS.definition),
                unit=reader.one_code(node, RH.unit, NOTATION),
                frequencies=tuple(reader.as_frequency(node, RH.frequency, f) for f in frequencies),
                agency=reader.one_code(node, RH.responsibleAgency, AGENCY_ID),
                group=reader.optional_code(node, RH.indicatorGroup, NOTATION),
                method=reader.optional_text(node, RH.method),
                source=reader.optional_text(node, DCTERMS.source),
                legal_basis=reader.optional_string(node, RH.legalBasis),
                dimensions=reader.codes(node, RH.disaggregation, RH.disaggregationList, NOTATION),
                aggregation=reader.choice(node, RH.aggregation, AggregationRule),
                weight_indicator=reader.optional_code(node, RH.weightIndicator, NOTATION),
                value_type=reader.choice(node, RH.valueType, ValueType),
                period_aggregation=reader.optional_choice(
                    node, RH.periodAggregation, PeriodAggregation, PeriodAggregation.NONE
                ),
                min_value=reader.optional_decimal(node, RH.minValue),
                max_value=reader.optional_decimal(node, RH.maxValue),
                broader=reader.codes(node, SKOS.broader, RH.broaderList, NOTATION),
                related=reader.codes(node, SKOS.related, RH.relatedList, NOTATION),
                formula=reader.optional_string(node, RH.formula),
                national_code=reader.optional_string(node, RH.nationalCode),
                is_code_provisional=provisional is not None
                and reader.boolean(node, RH.provisionalCode),
            )
        read.append((node, code, indicator))
    return unique_codes(reader, NOTATION, read)
