"""Catalog validation: SHACL shapes on the graph, rules across entities on the model."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef

from catalog.mapping import catalog_to_graph, code_iri, entity_iri
from catalog.model import AreaSuccession, Catalog, Code, TableItem
from catalog.namespaces import RH, SKOS
from catalog.validation import Issue, format_report, load_shapes, validate_catalog, validate_graph
from tests.catalog.samples import sample_catalog

BASE = "https://hub.example.gov.vn/id"


def _graph() -> Graph:
    return catalog_to_graph(sample_catalog(), BASE)


def _violations(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.severity == "violation"]


# ---------------------------------------------------------------- SHACL


def test_the_sample_catalog_has_no_issue() -> None:
    assert validate_graph(_graph()) == []


def test_the_shapes_graph_parses_and_targets_every_entity_class() -> None:
    shapes = load_shapes()
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))

    for cls in (RH.Agency, RH.Area, RH.Unit, RH.Codelist, RH.Code, RH.Indicator):
        assert cls in targets
    for cls in (RH.ReportingRegime, RH.DataTable, RH.TableItem, RH.Succession):
        assert cls in targets


def test_shacl_catches_a_missing_vietnamese_label() -> None:
    graph = _graph()
    unit = entity_iri(BASE, "unit", "PCT")
    graph.remove((unit, SKOS.prefLabel, Literal("phần trăm", lang="vi")))

    issues = _violations(validate_graph(graph))

    assert any(
        i.focus == str(unit) and i.path == "skos:prefLabel" and "Vietnamese" in i.message
        for i in issues
    )


def test_shacl_catches_two_vietnamese_labels() -> None:
    graph = _graph()
    indicator = entity_iri(BASE, "indicator", "0101")
    graph.add((indicator, SKOS.prefLabel, Literal("Dân số trung bình", lang="vi")))

    issues = _violations(validate_graph(graph))

    shacl = [i for i in issues if i.focus == str(indicator) and i.path == "skos:prefLabel"]
    assert shacl, format_report(issues)


def test_shacl_catches_a_unit_matched_outside_qudt() -> None:
    graph = _graph()
    unit = entity_iri(BASE, "unit", "VND")
    graph.remove((unit, SKOS.exactMatch, None))
    graph.add((unit, SKOS.exactMatch, URIRef("http://example.org/currency/VND")))

    issues = _violations(validate_graph(graph))

    assert [i.path for i in issues if i.focus == str(unit)] == ["skos:exactMatch"]


def test_shacl_catches_a_literal_where_a_qudt_iri_belongs() -> None:
    graph = _graph()
    unit = entity_iri(BASE, "unit", "PCT")
    graph.remove((unit, SKOS.exactMatch, None))
    graph.add((unit, SKOS.exactMatch, Literal("http://qudt.org/vocab/unit/PERCENT")))

    issues = _violations(validate_graph(graph))

    assert any(i.focus == str(unit) and i.path == "skos:exactMatch" for i in issues)


def test_shacl_catches_a_bad_code_a_missing_unit_and_a_closed_value() -> None:
    graph = _graph()
    indicator = entity_iri(BASE, "indicator", "0104")
    graph.set((indicator, SKOS.notation, Literal("01 04")))
    graph.remove((indicator, RH.unit, None))
    graph.set((indicator, RH.valueType, Literal("share")))

    paths = {i.path for i in validate_graph(graph) if i.focus == str(indicator)}

    assert {"skos:notation", "rh:unit", "rh:valueType"} <= paths


def test_an_odd_national_code_is_only_a_warning() -> None:
    graph = _graph()
    area = entity_iri(BASE, "area", "HB")
    graph.set((area, SKOS.notation, Literal("HB-17", datatype=RH.VNAdminCode)))

    issues = validate_graph(graph)

    assert [(i.severity, i.focus, i.path) for i in issues] == [
        ("warning", str(area), "skos:notation")
    ]


def test_a_graph_that_does_not_read_as_a_catalog_reports_the_mapping_error() -> None:
    graph = _graph()
    code = code_iri(BASE, "SEX", "F")
    graph.set((code, RH.position, Literal(1)))  # the position of SEX/T

    issues = validate_graph(graph)

    assert any(i.path == "rh:position" and "also" in i.message for i in _violations(issues))


# ---------------------------------------------------------------- rules on the model

Change = Callable[[Catalog], Catalog]


def _with(kind: str, code: str, **changes: object) -> Change:
    """A change replacing fields of one entity of the catalog."""

    def change(catalog: Catalog) -> Catalog:
        entities = dict(getattr(catalog, kind))
        entities[code] = dataclasses.replace(entities[code], **changes)
        return dataclasses.replace(catalog, **{kind: entities})

    return change


def _both(*changes: Change) -> Change:
    def change(catalog: Catalog) -> Catalog:
        for one in changes:
            catalog = one(catalog)
        return catalog

    return change


def _table_items(*items: TableItem) -> Change:
    def change(catalog: Catalog) -> Catalog:
        regime = catalog.regimes["BC-01"]
        table = dataclasses.replace(regime.tables[1], items=items)
        return _with("regimes", "BC-01", tables=(regime.tables[0], table))(catalog)

    return change


RULES: dict[str, tuple[Change, str, str, str]] = {
    "indicator unit": (_with("indicators", "0101", unit="KG"), "indicator 0101", "unit", "KG"),
    "indicator agency": (
        _with("indicators", "0101", agency="BYT"),
        "indicator 0101",
        "agency",
        "BYT",
    ),
    "indicator group": (_with("indicators", "0101", group="ECO"), "indicator 0101", "group", "ECO"),
    "indicator dimension": (
        _with("indicators", "0101", dimensions=("URBAN", "SEX", "AGE")),
        "indicator 0101",
        "dimensions",
        "AGE",
    ),
    "indicator broader": (
        _with("indicators", "0101", broader=("0999",)),
        "indicator 0101",
        "broader",
        "0999",
    ),
    "indicator related": (
        _with("indicators", "0104", related=("0998",)),
        "indicator 0104",
        "related",
        "0998",
    ),
    "weight indicator": (
        _with("indicators", "0102", weight_indicator="0997"),
        "indicator 0102",
        "weight_indicator",
        "0997",
    ),
    "regime reporting agency": (
        _with("regimes", "BC-02", reporting_agencies=("BTC", "UBND-XX")),
        "regime BC-02",
        "reporting_agencies",
        "UBND-XX",
    ),
    "regime recipient": (
        _with("regimes", "BC-02", recipient="QH"),
        "regime BC-02",
        "recipient",
        "QH",
    ),
    "table indicator": (
        _table_items(TableItem("0999")),
        "regime BC-01",
        "tables[B1].items[0999]",
        "0999",
    ),
    "table dimension": (
        _table_items(TableItem("0102", ("SEX", "AGE"))),
        "regime BC-01",
        "tables[B1].items[0102].dimensions",
        "AGE",
    ),
    "table dimension the indicator lacks": (
        _table_items(TableItem("0102", ("URBAN",))),
        "regime BC-01",
        "tables[B1].items[0102].dimensions",
        "not disaggregated by URBAN",
    ),
    "area parent": (_with("areas", "HN", parent="XX"), "area HN", "parent", "XX"),
    "area successor": (
        _with(
            "areas",
            "HT",
            successors=(
                AreaSuccession("HN", Decimal("0.75")),
                AreaSuccession("XX", Decimal("0.25")),
            ),
        ),
        "area HT",
        "successors",
        "XX",
    ),
    "split weights": (
        _with(
            "areas",
            "HT",
            successors=(
                AreaSuccession("HN", Decimal("0.75")),
                AreaSuccession("HB", Decimal("0.5")),
            ),
        ),
        "area HT",
        "successors",
        "sum to 1.25",
    ),
    "a gap between predecessor and successor": (
        _with("areas", "HB", valid_from=date(2008, 9, 1)),
        "area HT",
        "successors[HB]",
        "not on 2008-08-01",
    ),
    "broader cycle": (
        _both(
            _with("indicators", "0101", broader=("0104",)),
            _with("indicators", "0104", broader=("0101",)),
        ),
        "indicator 0101",
        "broader",
        "0101 -> 0104 -> 0101",
    ),
    "group cycle": (
        _with("groups", "POP", parent="POP.LAB"),
        "indicator group POP",
        "parent",
        "POP -> POP.LAB -> POP",
    ),
    "area cycle": (_with("areas", "VN", parent="VN"), "area VN", "parent", "VN -> VN"),
    "code cycle": (
        _with(
            "codelists",
            "SEX",
            codes=(
                Code("T", sample_catalog().codelists["SEX"].codes[0].name, parent="M"),
                *sample_catalog().codelists["SEX"].codes[1:],
            ),
        ),
        "codelist SEX code M",
        "parent",
        "M -> T -> M",
    ),
    "scaled unit base": (
        _with("units", "BN_VND", base="USD"),
        "unit BN_VND",
        "base",
        "USD",
    ),
    "scaled unit on a scaled unit": (
        _with("units", "BN_VND", base="K_PERSON"),
        "unit BN_VND",
        "base",
        "is itself scaled",
    ),
    "agency parent": (_with("agencies", "BTC", parent="QH"), "agency BTC", "parent", "QH"),
    "agency jurisdiction": (
        _with("agencies", "UBND-HN", jurisdiction="HCM"),
        "agency UBND-HN",
        "jurisdiction",
        "HCM",
    ),
    "agency successor": (
        _with("agencies", "BKHDT", successors=("BTC", "BXD")),
        "agency BKHDT",
        "successors",
        "BXD",
    ),
    "group parent": (
        _with("groups", "POP.LAB", parent="LAB"),
        "indicator group POP.LAB",
        "parent",
        "LAB",
    ),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_fires_on_a_catalog_that_breaks_it(rule: str) -> None:
    change, focus, path, message = RULES[rule]
    good = sample_catalog()
    bad = change(good)

    issues = validate_catalog(bad)

    assert validate_catalog(good) == []
    assert [(i.severity, i.focus, i.path) for i in issues] == [("violation", focus, path)], (
        format_report(issues)
    )
    assert message in issues[0].message


def test_a_value_listed_twice_is_a_warning() -> None:
    bad = _with("regimes", "BC-02", reporting_agencies=("BTC", "BTC"))(sample_catalog())

    issues = validate_catalog(bad)

    assert [(i.severity, i.focus, i.path) for i in issues] == [
        ("warning", "regime BC-02", "reporting_agencies")
    ]


def test_rules_also_run_on_graphs() -> None:
    bad = _with("indicators", "0101", unit="KG")(sample_catalog())

    issues = validate_graph(catalog_to_graph(bad, BASE))

    assert issues == [Issue("violation", "indicator 0101", "unit", "unit KG is not in the catalog")]


# ---------------------------------------------------------------- the report


def test_format_report_summarises_then_lists_violations_first() -> None:
    issues = [
        Issue("warning", "area HB", "skos:notation", "odd code"),
        Issue("violation", "indicator 0101", "unit", "unit KG is not in the catalog"),
    ]

    report = format_report(issues)

    assert report.splitlines() == [
        "1 violation(s), 1 warning(s)",
        "VIOLATION indicator 0101 unit: unit KG is not in the catalog",
        "WARNING   area HB skos:notation: odd code",
    ]


def test_format_report_of_nothing_says_so() -> None:
    assert format_report([]) == "no issues"
