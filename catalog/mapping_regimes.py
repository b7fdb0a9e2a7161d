"""Reporting regimes and their form (outline sections, data tables, rules) <-> triples.

Every part of a regime gets an IRI under the regime's own (`{regime}/table/{t}/item/{i}` ...),
never a blank node, so that two versions of a regime diff line by line and `/id/regime/X`
describes the whole form.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef

from catalog.mapping_terms import (
    AGENCY_ID,
    FREQUENCY_IRIS,
    NOTATION,
    GraphReader,
    add_ordered,
    add_text,
    add_validity,
    entity_iri,
    part_iri,
    unique_codes,
)
from catalog.model import (
    AreaLevel,
    CutoffKind,
    CutoffRule,
    DataTable,
    DeadlineKind,
    DeadlineRule,
    OutlineSection,
    Regime,
    RegimeKind,
    SubmissionMethod,
    TableItem,
)
from catalog.namespaces import DCAT, DCTERMS, RDF, RH, SKOS


def write_regimes(graph: Graph, base: str, regimes: Iterable[Regime]) -> None:
    for regime in regimes:
        node = entity_iri(base, "regime", regime.code)
        graph.add((node, RDF.type, RH.ReportingRegime))
        graph.add((node, RDF.type, DCAT.DatasetSeries))
        graph.add((node, NOTATION, Literal(regime.code)))
        add_text(graph, node, SKOS.prefLabel, regime.name)
        graph.add((node, RH.legalBasis, Literal(regime.legal_basis)))
        graph.add((node, RH.regimeKind, Literal(regime.kind.value)))
        graph.add((node, RH.frequency, FREQUENCY_IRIS[regime.frequency]))
        add_text(graph, node, DCTERMS.description, regime.content)
        agencies = [entity_iri(base, "agency", code) for code in regime.reporting_agencies]
        add_ordered(graph, node, RH.reportingAgency, RH.reportingAgencyList, agencies)
        graph.add((node, RH.recipient, entity_iri(base, "agency", regime.recipient)))
        methods = [Literal(method.value) for method in regime.methods]
        add_ordered(graph, node, RH.submissionMethod, RH.submissionMethodList, methods)
        graph.add((node, RH.requiresSignature, Literal(regime.requires_signature)))
        if regime.guidance is not None:
            add_text(graph, node, RH.guidance, regime.guidance)
        add_validity(graph, node, regime.valid_from, regime.valid_to)
        _write_cutoff(graph, node, regime.cutoff)
        _write_deadline(graph, node, regime.deadline)
        for position, section in enumerate(regime.outline, start=1):
            _write_section(graph, node, position, section)
        for position, table in enumerate(regime.tables, start=1):
            _write_table(graph, base, node, position, table)


def _write_cutoff(graph: Graph, regime: URIRef, cutoff: CutoffRule) -> None:
    node = part_iri(regime, "cutoff")
    graph.add((regime, RH.cutoffRule, node))
    graph.add((node, RDF.type, RH.CutoffRule))
    graph.add((node, RH.cutoffKind, Literal(cutoff.kind.value)))
    graph.add((node, RH.day, Literal(cutoff.day)))


def _write_deadline(graph: Graph, regime: URIRef, deadline: DeadlineRule) -> None:
    node = part_iri(regime, "deadline")
    graph.add((regime, RH.deadlineRule, node))
    graph.add((node, RDF.type, RH.DeadlineRule))
    graph.add((node, RH.deadlineKind, Literal(deadline.kind.value)))
    # Counts that do not apply to the kind stay 0 in the model; leave them out of the graph.
    for prop, value in ((RH.days, deadline.days), (RH.day, deadline.day)):
        if value != 0:
            graph.add((node, prop, Literal(value)))
    if deadline.month_offset != 0:
        graph.add((node, RH.monthOffset, Literal(deadline.month_offset)))
    graph.add((node, RH.rollToWorkingDay, Literal(deadline.roll_to_working_day)))


def _write_section(graph: Graph, regime: URIRef, position: int, section: OutlineSection) -> None:
    node = part_iri(regime, "section", section.code)
    graph.add((regime, RH.outlineSection, node))
    graph.add((node, RDF.type, RH.OutlineSection))
    graph.add((node, NOTATION, Literal(section.code)))
    add_text(graph, node, SKOS.prefLabel, section.title)
    if section.guidance is not None:
        add_text(graph, node, RH.guidance, section.guidance)
    graph.add((node, RH.position, Literal(position)))


def _write_table(graph: Graph, base: str, regime: URIRef, position: int, table: DataTable) -> None:
    node = part_iri(regime, "table", table.code)
    graph.add((regime, RH.dataTable, node))
    graph.add((node, RDF.type, RH.DataTable))
    graph.add((node, NOTATION, Literal(table.code)))
    add_text(graph, node, SKOS.prefLabel, table.title)
    graph.add((node, RH.position, Literal(position)))
    for item_position, item in enumerate(table.items, start=1):
        item_node = part_iri(node, "item", item.indicator)
        graph.add((node, RH.item, item_node))
        graph.add((item_node, RDF.type, RH.TableItem))
        graph.add((item_node, RH.indicator, entity_iri(base, "indicator", item.indicator)))
        dimensions = [entity_iri(base, "codelist", code) for code in item.dimensions]
        add_ordered(graph, item_node, RH.disaggregation, RH.disaggregationList, dimensions)
        graph.add((item_node, RH.areaLevel, Literal(item.area_level.value)))
        graph.add((item_node, RH.position, Literal(item_position)))


def read_regimes(reader: GraphReader) -> list[Regime]:
    read: list[tuple[URIRef, str, Regime]] = []
    for node in reader.subjects_of_type(RH.ReportingRegime):
        with reader.entity(node):
            code = reader.string(node, NOTATION)
            methods = reader.ordered(node, RH.submissionMethod, RH.submissionMethodList)
            regime = Regime(
                code=code,
                name=reader.text(node, SKOS.prefLabel),
                legal_basis=reader.string(node, RH.legalBasis),
                kind=reader.choice(node, RH.regimeKind, RegimeKind),
                frequency=reader.as_frequency(node, RH.frequency, reader.one(node, RH.frequency)),
                content=reader.text(node, DCTERMS.description),
                reporting_agencies=reader.codes(
                    node, RH.reportingAgency, RH.reportingAgencyList, AGENCY_ID
                ),
                recipient=reader.one_code(node, RH.recipient, AGENCY_ID),
                methods=tuple(
                    reader.as_choice(node, RH.submissionMethod, m, SubmissionMethod)
                    for m in methods
                ),
                deadline=_read_deadline(reader, reader.iri(node, RH.deadlineRule)),
                cutoff=_read_cutoff(reader, reader.iri(node, RH.cutoffRule)),
                outline=tuple(
                    _read_section(reader, s) for s in reader.parts(node, RH.outlineSection)
                ),
                tables=tuple(_read_table(reader, t) for t in reader.parts(node, RH.dataTable)),
                guidance=reader.optional_text(node, RH.guidance),
                requires_signature=reader.boolean(node, RH.requiresSignature),
                valid_from=reader.optional_date(node, RH.validFrom),
                valid_to=reader.optional_date(node, RH.validTo),
            )
        read.append((node, code, regime))
    return unique_codes(reader, NOTATION, read)


def _read_cutoff(reader: GraphReader, node: URIRef) -> CutoffRule:
    with reader.entity(node):
        return CutoffRule(
            kind=reader.choice(node, RH.cutoffKind, CutoffKind), day=reader.integer(node, RH.day)
        )


def _read_deadline(reader: GraphReader, node: URIRef) -> DeadlineRule:
    with reader.entity(node):
        return DeadlineRule(
            kind=reader.choice(node, RH.deadlineKind, DeadlineKind),
            days=reader.optional_integer(node, RH.days) or 0,
            day=reader.optional_integer(node, RH.day) or 0,
            month_offset=reader.optional_integer(node, RH.monthOffset) or 0,
            roll_to_working_day=reader.boolean(node, RH.rollToWorkingDay),
        )


def _read_section(reader: GraphReader, node: URIRef) -> OutlineSection:
    with reader.entity(node):
        return OutlineSection(
            code=reader.string(node, NOTATION),
            title=reader.text(node, SKOS.prefLabel),
            guidance=reader.optional_text(node, RH.guidance),
        )


def _read_table(reader: GraphReader, node: URIRef) -> DataTable:
    with reader.entity(node):
        items = [
            TableItem(
                indicator=reader.one_code(item, RH.indicator, NOTATION),
                dimensions=reader.codes(item, RH.disaggregation, RH.disaggregationList, NOTATION),
                area_level=reader.choice(item, RH.areaLevel, AreaLevel),
            )
            for item in reader.parts(node, RH.item)
        ]
        return DataTable(
            code=reader.string(node, NOTATION),
            title=reader.text(node, SKOS.prefLabel),
            items=tuple(items),
        )
