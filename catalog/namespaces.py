"""The vocabularies the catalog is written in: our own `RH` terms plus the standard ones we reuse.

Closed namespaces (`_fail = True`) turn a misspelt term into an AttributeError in tests instead
of a bogus IRI in published data. Unit and quantity-kind IRIs are open-ended, so those two are
plain namespaces.
"""

# No `from __future__ import annotations`: DefinedNamespace reads its terms from the class
# annotations and expects them to be real types, not strings.
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT as _DCAT2
from rdflib.namespace import (
    DCTERMS,
    ORG,
    PROV,
    QB,
    RDF,
    RDFS,
    SH,
    SKOS,
    XSD,
    DefinedNamespace,
    Namespace,
)

__all__ = [
    "DCAT",
    "DCTERMS",
    "ORG",
    "PROV",
    "QB",
    "QUANTITYKIND",
    "QUDT",
    "RDF",
    "RDFS",
    "RH",
    "SDMX_ATTRIBUTE",
    "SDMX_CODE",
    "SDMX_CONCEPT",
    "SDMX_DIMENSION",
    "SDMX_MEASURE",
    "SH",
    "SKOS",
    "SOURCE_BASE_IRI",
    "UNIT",
    "XSD",
    "bind_prefixes",
]

# The base IRI the curated Turtle in `catalog/sources/` is written with. A deployment serves
# the same entities under its own HUB_BASE_IRI: mapping reads by notation, never by IRI.
SOURCE_BASE_IRI = "https://reporting-hub.example/id"


class RH(DefinedNamespace):
    """reporting-hub's own vocabulary, for what SKOS, QB, QUDT, ORG and DCAT do not say."""

    _fail = True

    # Classes: each catalog entity also carries an rh: type so readers find it by type alone.
    Agency: URIRef  # a reporting or recipient agency (also an org:FormalOrganization)
    Area: URIRef  # an administrative unit (also a skos:Concept in the area scheme)
    Unit: URIRef  # a unit of measure of the catalog (also a qudt:Unit)
    Codelist: URIRef  # a disaggregation codelist (also a skos:ConceptScheme)
    Code: URIRef  # one code of a codelist (also a skos:Concept)
    IndicatorGroup: URIRef  # a topic grouping indicators (also a skos:Concept)
    Indicator: URIRef  # one indicator definition (also a skos:Concept)
    ReportingRegime: URIRef  # a reporting regime (also a dcat:DatasetSeries)
    OutlineSection: URIRef  # a free-text section of a regime's report outline
    DataTable: URIRef  # a data form of a regime
    TableItem: URIRef  # a row of a data form: an indicator and its required breakdowns
    CutoffRule: URIRef  # how a regime's data cut-off window is computed
    DeadlineRule: URIRef  # how a regime's submission deadline is computed
    Succession: URIRef  # a weighted "went (partly) into" link between two areas
    VNAdminCode: URIRef  # datatype of codes in Vietnam's national list of administrative units

    # Shared
    validFrom: URIRef  # first day an entity is valid (xsd:date)
    validTo: URIRef  # last day an entity is valid (xsd:date)
    position: URIRef  # 1-based position of a part among its owner's parts (order is data)
    legalBasis: URIRef  # the legal document an indicator or regime rests on (string)
    frequency: URIRef  # an SDMX frequency code (sdmx-code:freq-A ...)
    frequencyList: URIRef  # the rh:frequency values in order (rdf:List)
    disaggregation: URIRef  # a codelist the subject is (or may be) disaggregated by
    disaggregationList: URIRef  # the rh:disaggregation values in order (rdf:List)
    guidance: URIRef  # filling-in guidance of a regime or an outline section (vi/en)

    # Agencies
    abbreviation: URIRef  # the agency's usual abbreviation (string)
    agencyKind: URIRef  # ministry, province, ... (the AgencyKind value)
    jurisdiction: URIRef  # the area a province agency answers for
    successorList: URIRef  # the dct:isReplacedBy successors in order (rdf:List)

    # Areas
    level: URIRef  # nation, province, district or commune (the AreaLevel value)
    succession: URIRef  # a weighted rh:Succession from this area to a successor
    successor: URIRef  # the area a rh:Succession leads to
    weight: URIRef  # share of the predecessor that went into the successor (xsd:decimal)

    # Units
    quantityKind: URIRef  # the catalog's quantity kind name (currency, count, ...)

    # Codelists
    totalCode: URIRef  # the code of a codelist that means "all"
    sortOrder: URIRef  # a code's display order when it is not 0 (xsd:integer)

    # Indicators
    indicatorGroup: URIRef  # the topic group of an indicator
    unit: URIRef  # the unit an indicator is reported in
    responsibleAgency: URIRef  # the agency answering for an indicator (like dct:publisher)
    method: URIRef  # computation method (vi/en)
    aggregation: URIRef  # how values combine across areas (the AggregationRule value)
    weightIndicator: URIRef  # the indicator weighting a weighted aggregation
    periodAggregation: URIRef  # how values combine over time (the PeriodAggregation value)
    valueType: URIRef  # level, percent, rate, index or ratio (the ValueType value)
    minValue: URIRef  # smallest plausible value (xsd:decimal)
    maxValue: URIRef  # largest plausible value (xsd:decimal)
    broaderList: URIRef  # the skos:broader indicators in order (rdf:List)
    relatedList: URIRef  # the skos:related indicators in order (rdf:List)
    formula: URIRef  # expression over other indicator codes the hub derives values from
    nationalCode: URIRef  # the national statistical indicator system's code, when different
    provisionalCode: URIRef  # true when the hub minted the code (not an official one)

    # Regimes
    regimeKind: URIRef  # periodic, thematic or ad hoc (the RegimeKind value)
    reportingAgency: URIRef  # an agency obliged to report under a regime
    reportingAgencyList: URIRef  # the rh:reportingAgency values in order (rdf:List)
    recipient: URIRef  # the agency receiving a regime's reports
    submissionMethod: URIRef  # a Decree 09 submission channel (the SubmissionMethod value)
    submissionMethodList: URIRef  # the rh:submissionMethod values in order (rdf:List)
    requiresSignature: URIRef  # whether reports must be signed (xsd:boolean)
    cutoffRule: URIRef  # the regime's rh:CutoffRule
    deadlineRule: URIRef  # the regime's rh:DeadlineRule
    cutoffKind: URIRef  # decree09 or calendar (the CutoffKind value)
    deadlineKind: URIRef  # how the deadline counts (the DeadlineKind value)
    day: URIRef  # a day of the month used by a cut-off or deadline rule (xsd:integer)
    days: URIRef  # a number of (working) days after the cut-off (xsd:integer)
    monthOffset: URIRef  # months after the period's last month (xsd:integer)
    rollToWorkingDay: URIRef  # whether a deadline on a day off moves to the next working day
    outlineSection: URIRef  # a rh:OutlineSection of the regime's report outline
    dataTable: URIRef  # a rh:DataTable of the regime's form
    item: URIRef  # a rh:TableItem of a data table
    indicator: URIRef  # the indicator a table item asks for
    areaLevel: URIRef  # the area level a table item is reported at (the AreaLevel value)

    _NS = Namespace("https://reporting-hub.example/def#")


class DCAT(_DCAT2):
    """rdflib's DCAT (version 2) plus the DCAT 3 terms we use."""

    _fail = True

    DatasetSeries: URIRef  # a dataset that is a series of releases (DCAT 3)
    inSeries: URIRef  # links a release to its series (DCAT 3)


class SDMX_DIMENSION(DefinedNamespace):
    """SDMX-RDF cross-domain dimension properties (the ones the hub uses)."""

    _fail = True

    refArea: URIRef
    refPeriod: URIRef
    timePeriod: URIRef
    freq: URIRef
    sex: URIRef
    age: URIRef
    civilStatus: URIRef

    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")


class SDMX_ATTRIBUTE(DefinedNamespace):
    """SDMX-RDF cross-domain attribute properties (the ones the hub uses)."""

    _fail = True

    unitMeasure: URIRef
    unitMult: URIRef  # a base-10 exponent
    obsStatus: URIRef
    decimals: URIRef
    confStatus: URIRef

    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")


class SDMX_MEASURE(DefinedNamespace):
    """SDMX-RDF measure properties."""

    _fail = True

    obsValue: URIRef

    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")


class SDMX_CONCEPT(DefinedNamespace):
    """SDMX-RDF cross-domain concepts (the ones the hub uses)."""

    _fail = True

    refArea: URIRef
    refPeriod: URIRef
    timePeriod: URIRef
    freq: URIRef
    sex: URIRef
    age: URIRef
    unitMeasure: URIRef
    unitMult: URIRef
    obsStatus: URIRef
    obsValue: URIRef
    decimals: URIRef
    confStatus: URIRef

    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/concept#")


class SDMX_CODE(DefinedNamespace):
    """SDMX-RDF code lists: frequency, sex and observation status, with their codes."""

    _fail = True

    freq: URIRef  # CL_FREQ
    sex: URIRef  # CL_SEX
    obsStatus: URIRef  # CL_OBS_STATUS

    # Codes are "{list}-{code}", not Python identifiers: look them up as SDMX_CODE["freq-A"].
    _extras = [  # noqa: RUF012 (DefinedNamespace's own declaration style)
        *(f"freq-{c}" for c in "ABDMNQSW"),
        *(f"sex-{c}" for c in "FMNTU"),
        *(f"obsStatus-{c}" for c in "ABEFIMPS"),
    ]

    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/code#")


class QUDT(DefinedNamespace):
    """The QUDT schema terms the catalog uses for units."""

    _fail = True

    Unit: URIRef
    CurrencyUnit: URIRef
    QuantityKind: URIRef
    symbol: URIRef
    ucumCode: URIRef
    currencyCode: URIRef
    hasQuantityKind: URIRef
    conversionMultiplier: URIRef
    scalingOf: URIRef
    exactMatch: URIRef

    _NS = Namespace("http://qudt.org/schema/qudt/")


# Open-ended: QUDT has thousands of units and kinds, and the catalog only points at them.
UNIT = Namespace("http://qudt.org/vocab/unit/")
QUANTITYKIND = Namespace("http://qudt.org/vocab/quantitykind/")

PREFIXES: dict[str, str] = {
    "rh": str(RH),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "dcat": str(DCAT),
    "org": str(ORG),
    "prov": str(PROV),
    "qb": str(QB),
    "sh": str(SH),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "qudt": str(QUDT),
    "unit": str(UNIT),
    "quantitykind": str(QUANTITYKIND),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-concept": str(SDMX_CONCEPT),
    "sdmx-code": str(SDMX_CODE),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the catalog's usual prefixes on `graph` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
