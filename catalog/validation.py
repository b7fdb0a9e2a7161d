"""Is a catalog sound? SHACL shapes on its graph, then rules across entities on its model.

The shapes (`shapes/catalog.ttl`) check what one node says about itself; the rules here check
what only the whole catalog can tell: that references resolve, that weights of a split add up,
that successions meet without a gap, that broader links do not loop. Every check returns
`Issue`s, never raises, so a curator sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

import pyshacl
from rdflib import Graph, URIRef
from rdflib.term import Node

from catalog.formula import (
    Dimension,
    FormulaError,
    FormulaUnitError,
    Reference,
    dimension_in,
    formula_dimension,
    parse_formula,
    references,
    walk,
)
from catalog.formula import (
    Node as FormulaNode,
)
from catalog.mapping import MappingError, graph_to_catalog
from catalog.model import Catalog, Indicator, PeriodAggregation, ValueType
from catalog.namespaces import RDF, SH, bind_prefixes

Severity = Literal["violation", "warning"]

SHAPES_PATH = Path(__file__).parent / "shapes" / "catalog.ttl"


@dataclass(frozen=True, order=True)
class Issue:
    """One problem: how bad, on what (an IRI or "indicator 0101"), where in it, and why."""

    severity: Severity
    focus: str
    path: str
    message: str


@cache
def _shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def load_shapes() -> Graph:
    """The catalog's SHACL shapes graph (parsed once; treat it as read-only)."""
    return _shapes()


def validate_graph(graph: Graph) -> list[Issue]:
    """SHACL on `graph`, then, when it reads as a catalog, the catalog rules; sorted."""
    issues = set(_shacl_issues(graph))
    try:
        catalog = graph_to_catalog(graph)
    except MappingError as error:
        issues.add(Issue("violation", error.subject, error.property, error.message))
    else:
        issues.update(validate_catalog(catalog))
    return sorted(issues)


def _shacl_issues(graph: Graph) -> Iterator[Issue]:
    _, results, _ = pyshacl.validate(graph, shacl_graph=load_shapes(), inference="none")
    names = bind_prefixes(Graph()).namespace_manager

    def show(node: Node | None) -> str:
        if isinstance(node, URIRef):
            return names.normalizeUri(node)
        return "" if node is None else str(node)

    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        value = results.value(result, SH.value)
        message = "; ".join(messages) or "does not conform"
        if value is not None:
            message += f" (value: {show(value)})"
        path = results.value(result, SH.resultPath)
        yield Issue(
            "violation" if severity == SH.Violation else "warning",
            str(results.value(result, SH.focusNode)),
            # a blank-node path is a complex SHACL path (or none): name it by the shape's intent
            show(path) if isinstance(path, URIRef) else "",
            message,
        )


def validate_catalog(catalog: Catalog) -> list[Issue]:
    """The rules no single node can check: references, successions, cycles, unit bases; sorted."""
    issues: set[Issue] = set()
    for rule in _RULES:
        issues.update(rule(catalog))
    return sorted(issues)


def _missing(focus: str, path: str, what: str, code: str) -> Issue:
    return Issue("violation", focus, path, f"{what} {code} is not in the catalog")


def _check_refs(
    focus: str, path: str, what: str, codes: Iterable[str | None], known: Mapping[str, object]
) -> Iterator[Issue]:
    for code in codes:
        if code is not None and code not in known:
            yield _missing(focus, path, what, code)


def _twice(focus: str, path: str, codes: Sequence[object]) -> Iterator[Issue]:
    seen: set[object] = set()
    for code in codes:
        if code in seen:
            yield Issue("warning", focus, path, f"{getattr(code, 'value', code)} is listed twice")
        seen.add(code)


def _agency_rules(c: Catalog) -> Iterator[Issue]:
    for a in c.agencies.values():
        focus = f"agency {a.code}"
        yield from _check_refs(focus, "parent", "agency", [a.parent], c.agencies)
        yield from _check_refs(focus, "jurisdiction", "area", [a.jurisdiction], c.areas)
        yield from _check_refs(focus, "successors", "agency", a.successors, c.agencies)
        yield from _twice(focus, "successors", a.successors)


def _area_rules(c: Catalog) -> Iterator[Issue]:
    for area in c.areas.values():
        focus = f"area {area.code}"
        yield from _check_refs(focus, "parent", "area", [area.parent], c.areas)
        successors = [link.successor for link in area.successors]
        yield from _check_refs(focus, "successors", "area", successors, c.areas)
        if not area.successors:
            continue
        total = sum((link.weight for link in area.successors), Decimal(0))
        if total != 1:
            yield Issue(
                "violation", focus, "successors", f"the succession weights sum to {total}, not 1"
            )
        if area.valid_to is None:
            continue  # the model refuses successors without valid_to; nothing to compare
        first_day = area.valid_to + timedelta(days=1)
        for link in area.successors:
            successor = c.areas.get(link.successor)
            if successor is not None and successor.valid_from != first_day:
                yield Issue(
                    "violation",
                    focus,
                    f"successors[{link.successor}]",
                    f"successor {link.successor} starts on {successor.valid_from}, not on "
                    f"{first_day}, the day after {area.code} ends",
                )


def _unit_rules(c: Catalog) -> Iterator[Issue]:
    for unit in c.units.values():
        if unit.base is None:
            continue
        focus = f"unit {unit.code}"
        base = c.units.get(unit.base)
        if base is None:
            yield _missing(focus, "base", "unit", unit.base)
        elif base.base is not None:
            yield Issue(
                "violation",
                focus,
                "base",
                f"base {base.code} is itself scaled from {base.base}: point at a base unit",
            )


def _group_rules(c: Catalog) -> Iterator[Issue]:
    for group in c.groups.values():
        yield from _check_refs(
            f"indicator group {group.code}", "parent", "indicator group", [group.parent], c.groups
        )


def _indicator_rules(c: Catalog) -> Iterator[Issue]:
    for ind in c.indicators.values():
        focus = f"indicator {ind.code}"
        yield from _check_refs(focus, "unit", "unit", [ind.unit], c.units)
        yield from _check_refs(focus, "agency", "agency", [ind.agency], c.agencies)
        yield from _check_refs(focus, "group", "indicator group", [ind.group], c.groups)
        yield from _check_refs(focus, "dimensions", "codelist", ind.dimensions, c.codelists)
        yield from _check_refs(focus, "broader", "indicator", ind.broader, c.indicators)
        yield from _check_refs(focus, "related", "indicator", ind.related, c.indicators)
        yield from _check_refs(
            focus, "weight_indicator", "indicator", [ind.weight_indicator], c.indicators
        )
        for path, values in (
            ("frequencies", ind.frequencies),
            ("broader", ind.broader),
            ("related", ind.related),
        ):
            yield from _twice(focus, path, values)


def _formula_rules(c: Catalog) -> Iterator[Issue]:
    """Formulas parse, name indicators of the catalog, do not loop, and give the declared unit."""
    links: dict[str, tuple[str, ...]] = {}
    for ind in c.indicators.values():
        if ind.formula is None:
            continue
        focus = f"indicator {ind.code}"
        try:
            tree = parse_formula(ind.formula)
        except FormulaError as error:
            yield Issue("violation", focus, "formula", f"{ind.formula!r}: {error}")
            continue
        codes = references(tree)
        links[ind.code] = codes
        yield from _check_refs(focus, "formula", "indicator", codes, c.indicators)
        if not codes:
            yield Issue("violation", focus, "formula", "the formula refers to no indicator")
        unknown = [code for code in codes if code not in c.indicators]
        yield from _selection_issues(c, ind, tree)
        declared = dimension_in(c.units, ind.unit)
        if unknown or declared is None:
            continue  # reported above, or by the unit reference check
        if any(dimension_in(c.units, c.indicators[code].unit) is None for code in codes):
            continue  # an input's unit is unknown: the unit reference check names it

        def dimension_of(code: str) -> Dimension | None:
            return dimension_in(c.units, c.indicators[code].unit)

        try:
            found = formula_dimension(tree, dimension_of)
        except FormulaUnitError as error:
            yield Issue("violation", focus, "formula", str(error))
            continue
        if found != declared:
            hint = ""
            if found.bases == declared.bases and declared.multiplier:
                factor = found.multiplier / declared.multiplier
                hint = f": multiply the formula by {format(factor.normalize(), 'f')}"
            yield Issue(
                "violation",
                focus,
                "formula",
                f"the formula gives values in {found.describe()}, but the unit {ind.unit} is "
                f"{declared.describe()}{hint}",
            )
    yield from _cycles("indicator", "formula", links)


def _selection_issues(c: Catalog, ind: Indicator, tree: FormulaNode) -> Iterator[Issue]:
    """Each input is read at one code of each codelist the derived indicator does not have."""
    focus = f"indicator {ind.code}"
    for node in walk(tree):
        if not isinstance(node, Reference) or node.code not in c.indicators:
            continue
        source = c.indicators[node.code]
        chosen = dict(node.selection)
        for codelist, code in node.selection:
            known = c.codelists.get(codelist)
            if codelist not in source.dimensions or known is None:
                yield Issue(
                    "violation",
                    focus,
                    "formula",
                    f"[{node.code}] is not disaggregated by {codelist}",
                )
            elif known.get(code) is None:
                yield Issue("violation", focus, "formula", f"{code} is not a code of {codelist}")
        for codelist in source.dimensions:
            if codelist in chosen or codelist in ind.dimensions:
                continue
            known = c.codelists.get(codelist)
            if known is not None and known.total_code is None:
                yield Issue(
                    "violation",
                    focus,
                    "formula",
                    f"{codelist} of {node.code} has no total code: say which code to read, "
                    f"[{node.code} {codelist}={known.codes[0].code}]",
                )


def _period_rules(c: Catalog) -> Iterator[Issue]:
    for ind in c.indicators.values():
        if (
            ind.period_aggregation is PeriodAggregation.SUM
            and ind.value_type is not ValueType.LEVEL
        ):
            yield Issue(
                "violation",
                f"indicator {ind.code}",
                "period_aggregation",
                f"a {ind.value_type.value} cannot be summed over time: use average, last or none",
            )


def _regime_rules(c: Catalog) -> Iterator[Issue]:
    for regime in c.regimes.values():
        focus = f"regime {regime.code}"
        yield from _check_refs(
            focus, "reporting_agencies", "agency", regime.reporting_agencies, c.agencies
        )
        yield from _check_refs(focus, "recipient", "agency", [regime.recipient], c.agencies)
        yield from _twice(focus, "reporting_agencies", regime.reporting_agencies)
        yield from _twice(focus, "methods", regime.methods)
        for table in regime.tables:
            for item in table.items:
                path = f"tables[{table.code}].items[{item.indicator}]"
                indicator = c.indicators.get(item.indicator)
                if indicator is None:
                    yield _missing(focus, path, "indicator", item.indicator)
                    continue
                yield from _check_refs(
                    focus, f"{path}.dimensions", "codelist", item.dimensions, c.codelists
                )
                for dimension in item.dimensions:
                    if dimension in c.codelists and dimension not in indicator.dimensions:
                        yield Issue(
                            "violation",
                            focus,
                            f"{path}.dimensions",
                            f"indicator {indicator.code} is not disaggregated by {dimension}",
                        )
                yield from _twice(focus, f"{path}.dimensions", item.dimensions)


def _cycles(kind: str, path: str, links: Mapping[str, Sequence[str]]) -> Iterator[Issue]:
    """One issue per cycle in `links` (code -> codes it points at), named from its least code."""
    visiting: set[str] = set()
    done: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(code: str) -> None:
        visiting.add(code)
        stack.append(code)
        for target in links.get(code, ()):
            if target in visiting:
                cycles.append(stack[stack.index(target) :])
            elif target not in done:
                visit(target)
        stack.pop()
        visiting.discard(code)
        done.add(code)

    for code in sorted(links):
        if code not in done:
            visit(code)
    for cycle in cycles:
        first = cycle.index(min(cycle))
        loop = [*cycle[first:], *cycle[:first], cycle[first]]
        yield Issue(
            "violation",
            f"{kind} {cycle[first]}",
            path,
            f"the {path} links form a cycle: {' -> '.join(loop)}",
        )


def _parent(parent: str | None) -> tuple[str, ...]:
    return () if parent is None else (parent,)


def _cycle_rules(c: Catalog) -> Iterator[Issue]:
    yield from _cycles("indicator", "broader", {i.code: i.broader for i in c.indicators.values()})
    groups = {g.code: _parent(g.parent) for g in c.groups.values()}
    yield from _cycles("indicator group", "parent", groups)
    yield from _cycles("area", "parent", {a.code: _parent(a.parent) for a in c.areas.values()})
    agencies = {a.code: _parent(a.parent) for a in c.agencies.values()}
    yield from _cycles("agency", "parent", agencies)
    for codelist in c.codelists.values():
        codes = {item.code: _parent(item.parent) for item in codelist.codes}
        yield from _cycles(f"codelist {codelist.code} code", "parent", codes)


_RULES: tuple[Callable[[Catalog], Iterable[Issue]], ...] = (
    _agency_rules,
    _area_rules,
    _unit_rules,
    _group_rules,
    _indicator_rules,
    _regime_rules,
    _cycle_rules,
    _formula_rules,
    _period_rules,
)


def format_report(issues: Sequence[Issue]) -> str:
    """A plain-text report: a summary line, then violations and warnings one per line."""
    if not issues:
        return "no issues"
    violations = sum(1 for i in issues if i.severity == "violation")
    warnings = len(issues) - violations
    lines = [f"{violations} violation(s), {warnings} warning(s)"]
    for issue in sorted(issues, key=lambda i: (i.severity != "violation", i.focus, i.path)):
        where = f"{issue.focus} {issue.path}".rstrip()
        lines.append(f"{issue.severity.upper():9} {where}: {issue.message}")
    return "\n".join(lines)
