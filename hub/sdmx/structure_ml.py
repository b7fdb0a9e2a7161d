"""SDMX-ML 2.1 structure messages: dataflows, DSDs, codelists, the concept and agency schemes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from catalog.model import Text
from hub.sdmx.sdmxml import (
    COMMON,
    MESSAGE,
    STRUCTURE,
    XSI,
    attr,
    header,
    names,
    ref,
    urn,
)
from hub.sdmx.structure import (
    CONCEPT_SCHEME,
    MAINTENANCE_AGENCY,
    MAINTENANCE_AGENCY_NAME,
    VERSION,
    Concept,
    Dataflow,
    DataStructure,
    Dimension,
    StructureCodelist,
)

_DATASTRUCTURE = "datastructure.DataStructure"
_CODELIST = "codelist.Codelist"
_CONCEPTS = "conceptscheme.ConceptScheme"
_ATTRIBUTE = "datastructure.DataAttribute"


@dataclass
class Structures:
    """What one structure message carries."""

    agencies: bool = False
    dataflows: list[Dataflow] = field(default_factory=list)
    structures: list[DataStructure] = field(default_factory=list)
    codelists: list[StructureCodelist] = field(default_factory=list)
    concepts: list[Concept] | None = None  # the concept scheme CS_HUB, when it is sent

    def is_empty(self) -> bool:
        return not (
            self.agencies or self.dataflows or self.structures or self.codelists or self.concepts
        )


def write_structures(message: Structures) -> str:
    """The SDMX-ML 2.1 `Structure` message of `message`, in the schema's section order."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<message:Structure xmlns:message={attr(MESSAGE)} xmlns:structure={attr(STRUCTURE)} "
        f"xmlns:common={attr(COMMON)} xmlns:xsi={attr(XSI)}>",
        header(),
        "<message:Structures>",
    ]
    if message.agencies:
        parts.append(_agency_scheme())
    if message.dataflows:
        parts.append("<structure:Dataflows>")
        parts.extend(_dataflow(flow) for flow in message.dataflows)
        parts.append("</structure:Dataflows>")
    if message.codelists:
        parts.append("<structure:Codelists>")
        parts.extend(_codelist(codelist) for codelist in message.codelists)
        parts.append("</structure:Codelists>")
    if message.concepts:
        parts.append(
            f"<structure:Concepts>{_concept_scheme(message.concepts)}</structure:Concepts>"
        )
    if message.structures:
        parts.append("<structure:DataStructures>")
        parts.extend(_data_structure(dsd) for dsd in message.structures)
        parts.append("</structure:DataStructures>")
    parts.append("</message:Structures></message:Structure>")
    return "".join(parts)


def _maintainable(tag: str, cls: str, id: str, label: Text, *, final: bool = True) -> str:
    return (
        f"<structure:{tag} id={attr(id)} urn={attr(urn(cls, id))} "
        f"agencyID={attr(MAINTENANCE_AGENCY)} version={attr(VERSION)} "
        f'isFinal="{"true" if final else "false"}">{names(label)}'
    )


def _agency_scheme() -> str:
    agency_urn = f"urn:sdmx:org.sdmx.infomodel.base.Agency={MAINTENANCE_AGENCY}"
    return (
        "<structure:OrganisationSchemes>"
        '<structure:AgencyScheme id="AGENCIES" agencyID="SDMX" version="1.0" isFinal="false" '
        'urn="urn:sdmx:org.sdmx.infomodel.base.AgencyScheme=SDMX:AGENCIES(1.0)">'
        '<common:Name xml:lang="en">SDMX Agency Scheme</common:Name>'
        f"<structure:Agency id={attr(MAINTENANCE_AGENCY)} urn={attr(agency_urn)}>"
        f"{names(MAINTENANCE_AGENCY_NAME)}</structure:Agency>"
        "</structure:AgencyScheme></structure:OrganisationSchemes>"
    )


def _dataflow(flow: Dataflow) -> str:
    return (
        _maintainable("Dataflow", "datastructure.Dataflow", flow.id, flow.name)
        + "<structure:Structure>"
        + ref(flow.structure.id, package="datastructure", cls="DataStructure")
        + "</structure:Structure></structure:Dataflow>"
    )


def _codelist(codelist: StructureCodelist) -> str:
    parts = [_maintainable("Codelist", _CODELIST, codelist.id, codelist.name)]
    for code in codelist.codes:
        code_urn = urn("codelist.Code", codelist.id, code.id)
        parts.append(f"<structure:Code id={attr(code.id)} urn={attr(code_urn)}>{names(code.name)}")
        if code.parent is not None:
            parts.append(f"<structure:Parent><Ref id={attr(code.parent)}/></structure:Parent>")
        parts.append("</structure:Code>")
    parts.append("</structure:Codelist>")
    return "".join(parts)


def _concept_scheme(concepts: Sequence[Concept]) -> str:
    label = Text("Khái niệm của hệ thống báo cáo", "Concepts of the reporting hub")
    parts = [_maintainable("ConceptScheme", _CONCEPTS, CONCEPT_SCHEME, label)]
    for concept in concepts:
        concept_urn = urn("conceptscheme.Concept", CONCEPT_SCHEME, concept.id)
        parts.append(
            f"<structure:Concept id={attr(concept.id)} urn={attr(concept_urn)}>"
            f"{names(concept.name)}"
            "</structure:Concept>"
        )
    parts.append("</structure:ConceptScheme>")
    return "".join(parts)


def _concept_identity(concept: str) -> str:
    return (
        "<structure:ConceptIdentity>"
        + ref(concept, package="conceptscheme", cls="Concept", maintainableParentID=CONCEPT_SCHEME)
        + "</structure:ConceptIdentity>"
    )


def _enumeration(codelist: str) -> str:
    return (
        "<structure:LocalRepresentation><structure:Enumeration>"
        + ref(codelist, package="codelist", cls="Codelist")
        + "</structure:Enumeration></structure:LocalRepresentation>"
    )


def _dimension(dsd: DataStructure, dimension: Dimension) -> str:
    if dimension.codelist is None:
        item_urn = urn("datastructure.TimeDimension", dsd.id, dimension.id)
        return (
            f"<structure:TimeDimension id={attr(dimension.id)} urn={attr(item_urn)} "
            f'position="{dimension.position}">{_concept_identity(dimension.concept)}'
            "<structure:LocalRepresentation>"
            '<structure:TextFormat textType="ObservationalTimePeriod"/>'
            "</structure:LocalRepresentation></structure:TimeDimension>"
        )
    item_urn = urn("datastructure.Dimension", dsd.id, dimension.id)
    return (
        f"<structure:Dimension id={attr(dimension.id)} urn={attr(item_urn)} "
        f'position="{dimension.position}">{_concept_identity(dimension.concept)}'
        f"{_enumeration(dimension.codelist)}</structure:Dimension>"
    )


def _data_structure(dsd: DataStructure) -> str:
    parts = [
        _maintainable("DataStructure", _DATASTRUCTURE, dsd.id, dsd.name),
        "<structure:DataStructureComponents>",
        '<structure:DimensionList id="DimensionDescriptor">',
        *(_dimension(dsd, d) for d in dsd.dimensions),
        "</structure:DimensionList>",
        '<structure:AttributeList id="AttributeDescriptor">',
    ]
    for attribute in dsd.attributes:
        status = "Mandatory" if attribute.mandatory else "Conditional"
        parts.append(
            f"<structure:Attribute id={attr(attribute.id)} "
            f"urn={attr(urn(_ATTRIBUTE, dsd.id, attribute.id))} "
            f'assignmentStatus="{status}">{_concept_identity(attribute.concept)}'
            f"{_enumeration(attribute.codelist)}"
            "<structure:AttributeRelationship><structure:PrimaryMeasure>"
            f"<Ref id={attr(dsd.measure)}/>"
            "</structure:PrimaryMeasure></structure:AttributeRelationship>"
            "</structure:Attribute>"
        )
    measure_urn = urn("datastructure.PrimaryMeasure", dsd.id, dsd.measure)
    parts += [
        "</structure:AttributeList>",
        '<structure:MeasureList id="MeasureDescriptor">',
        f"<structure:PrimaryMeasure id={attr(dsd.measure)} "
        f"urn={attr(measure_urn)}>"
        f"{_concept_identity(dsd.measure)}</structure:PrimaryMeasure>",
        "</structure:MeasureList>",
        "</structure:DataStructureComponents></structure:DataStructure>",
    ]
    return "".join(parts)
