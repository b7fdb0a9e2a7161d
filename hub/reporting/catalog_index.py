"""Lookups over the catalog that validating a draft needs, each built at most once per draft."""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from catalog.model import Area, Catalog, Regime, TableItem
from catalog.periods import Period, PeriodError, parse_period
from catalog.units import IncompatibleUnitsError, convert_codes


def overlaps(area: Area, period: Period) -> bool:
    """Whether `area` is valid on at least one day of `period`."""
    # Not the whole period: the year of the 2025 reorganisation is reported by the old
    # provinces and by the new ones alike, the months after it only by the new ones.
    return (area.valid_from is None or area.valid_from <= period.end) and (
        area.valid_to is None or period.start <= area.valid_to
    )


class CatalogIndex:
    """The catalog seen from one regime's form, with the lookups observations need."""

    def __init__(self, catalog: Catalog, regime: Regime | None) -> None:
        self.catalog = catalog
        self.items: dict[str, TableItem] = (
            {item.indicator: item for table in regime.tables for item in table.items}
            if regime
            else {}
        )
        self._periods: dict[str, Period | PeriodError] = {}
        self._conversions: dict[tuple[str, str], str | None] = {}

    @cached_property
    def codes(self) -> dict[str, frozenset[str]]:
        """Codelist code -> its codes."""
        return {c.code: frozenset(x.code for x in c.codes) for c in self.catalog.codelists.values()}

    @cached_property
    def codelists_of_code(self) -> dict[str, list[str]]:
        """Code -> the codelists that have it, sorted."""
        found: dict[str, list[str]] = {}
        for codelist, codes in sorted(self.codes.items()):
            for code in codes:
                found.setdefault(code, []).append(codelist)
        return found

    @cached_property
    def predecessors(self) -> dict[str, list[str]]:
        """Area code -> the areas that went (wholly or partly) into it."""
        found: dict[str, list[str]] = {}
        for area in self.catalog.areas.values():
            for link in area.successors:
                found.setdefault(link.successor, []).append(area.code)
        return found

    def jurisdiction(self, root: str) -> frozenset[str]:
        """`root` and every area under it."""
        children: dict[str, list[str]] = {}
        for area in self.catalog.areas.values():
            if area.parent is not None:
                children.setdefault(area.parent, []).append(area.code)
        found, todo = {root}, [root]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return frozenset(found)

    def period(self, text: str) -> Period | PeriodError:
        """`text` parsed once however many observations share it."""
        if text not in self._periods:
            try:
                self._periods[text] = parse_period(text)
            except PeriodError as error:
                self._periods[text] = error
        return self._periods[text]

    def conversion_problem(self, from_code: str, to_code: str) -> str | None:
        """Why values in unit `from_code` cannot be given in `to_code`; None when they can."""
        key = (from_code, to_code)
        if key not in self._conversions:
            try:
                convert_codes(self.catalog, Decimal(1), from_code, to_code)
                self._conversions[key] = None
            except IncompatibleUnitsError as error:
                self._conversions[key] = error.reason
        return self._conversions[key]

    def valid_alternatives(self, area: Area, period: Period) -> list[str]:
        """Successors (or predecessors) of `area` valid in `period`, a few links away."""
        areas = self.catalog.areas
        forward = area.valid_to is not None and area.valid_to < period.start
        seen, frontier, found = {area.code}, [area.code], set[str]()
        for _ in range(5):  # reorganisations chain a few times at most
            step: list[str] = []
            for code in frontier:
                if forward:
                    links = [s.successor for s in areas[code].successors] if code in areas else []
                else:
                    links = self.predecessors.get(code, [])
                step.extend(c for c in links if c not in seen)
            seen.update(step)
            found.update(c for c in step if c in areas and overlaps(areas[c], period))
            frontier = step
        return sorted(found)
