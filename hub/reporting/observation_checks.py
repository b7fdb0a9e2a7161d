"""The checks of one observation of a draft: codes, form, period, area, dimensions, value."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from catalog.model import Agency, Area, Indicator, Regime, TableItem
from catalog.periods import Period, PeriodError
from catalog.units import convert_codes
from hub.metadata.crosswalks import CrosswalkMap
from hub.observations.models import StatusFlag
from hub.reporting.catalog_index import CatalogIndex, overlaps
from hub.reporting.drafts import NormalisedObservation, ObservationDraft, dimension_key, parse_value
from hub.reporting.problems import Problem, ProblemCode

_FLAGS = {flag.value: flag for flag in StatusFlag}
_UNKNOWN = {
    "indicator": ProblemCode.UNKNOWN_INDICATOR,
    "area": ProblemCode.UNKNOWN_AREA,
    "unit": ProblemCode.UNKNOWN_UNIT,
    "code": ProblemCode.UNKNOWN_CODE,
}


class ObservationChecker:
    """Checks a draft's observations one by one, remembering identities to find duplicates."""

    def __init__(
        self,
        index: CatalogIndex,
        *,
        regime: Regime | None,
        agency: Agency | None,
        report_period: Period | None,
        crosswalk: CrosswalkMap | None,
    ) -> None:
        self.index = index
        self.catalog = index.catalog
        self.regime = regime
        self.agency = agency
        self.report_period = report_period
        self.crosswalk = crosswalk
        # National agencies (no jurisdiction) may report any area.
        root = agency.jurisdiction if agency else None
        self.jurisdiction = index.jurisdiction(root) if root else None
        self.seen: dict[tuple[str, str, str, str], int] = {}
        self.code_maps: dict[str, dict[str, str]] = {}  # codelist -> local -> shared
        for (codelist, local), shared in (crosswalk.codes if crosswalk else {}).items():
            self.code_maps.setdefault(codelist, {})[local] = shared

    def check(
        self, position: int, draft: ObservationDraft, problems: list[Problem]
    ) -> NormalisedObservation | None:
        """Append `draft`'s problems to `problems`; the normalised observation if it has none."""
        before = len(problems)
        path = f"observations[{position}]"
        xw = self.crosswalk
        indicator_code = self._shared(
            path,
            "indicator",
            draft.indicator,
            xw.indicators if xw else None,
            self.catalog.indicators,
            problems,
        )
        indicator = self.catalog.indicators.get(indicator_code) if indicator_code else None
        item = self._check_form(path, indicator, problems)
        area_code = self._shared(
            path,
            "area",
            draft.area,
            xw.areas if xw else None,
            self.catalog.areas,
            problems,
        )
        area = self.catalog.areas.get(area_code) if area_code else None
        self._check_jurisdiction(path, area, problems)
        period = self._check_period(path, draft.period, indicator, problems)
        if area is not None and period is not None and not overlaps(area, period):
            problems.append(self._area_not_valid(path, area, period))
        dimensions = self._check_dimensions(path, draft.dimensions, indicator, item, problems)
        value = self._check_value(path, draft, indicator, problems)
        status = _FLAGS.get((draft.status or "normal").strip().lower())
        if status is None:
            problems.append(
                Problem(
                    f"{path}.status",
                    ProblemCode.INVALID_STATUS_FLAG,
                    f"status {draft.status!r} is not one of {', '.join(_FLAGS)}",
                )
            )
        if indicator_code and area_code and period is not None and dimensions is not None:
            key = (indicator_code, area_code, period.code, dimension_key(dimensions))
            first = self.seen.setdefault(key, position)
            if first != position:
                what = ", ".join(part for part in key if part)
                problems.append(
                    Problem(
                        path,
                        ProblemCode.DUPLICATE_OBSERVATION,
                        f"observations[{first}] and observations[{position}] are both {what}",
                    )
                )
        if len(problems) > before:
            return None
        assert indicator and area and period and dimensions is not None and value and status
        return NormalisedObservation(
            index=position,
            indicator=indicator.code,
            area=area.code,
            period=period,
            dimensions=dimensions,
            value=value[0],
            reported_value=value[1],
            reported_unit=value[2],
            status=status,
            comment=draft.comment,
        )

    def _shared(
        self,
        where: str,
        kind: str,
        local: str,
        mapping: Mapping[str, str] | None,
        known: Mapping[str, object] | frozenset[str],
        problems: list[Problem],
    ) -> str | None:
        """The shared code `local` stands for; None after appending why there is none (at
        `where.<kind>`; the path is only spelt out for a problem: most values have none)."""
        # A registered mapping wins over a shared code spelled the same way: the system said
        # what its code means.
        code = mapping.get(local) if mapping is not None else None
        if code is not None:
            if code in known:
                return code
            message = f"{kind} {local!r} maps to {code!r}, which is not in the catalog"
            problems.append(Problem(f"{where}.{kind}", _UNKNOWN[kind], message))
            return None
        if local in known:
            return local
        if self.crosswalk is not None:
            message = (
                f"{kind} code {local!r} is neither mapped by system {self.crosswalk.system!r} "
                "nor a shared code"
            )
            problems.append(Problem(f"{where}.{kind}", ProblemCode.UNMAPPED_CODE, message))
        elif kind != "code":  # codes are reported with the codelist they are missing from
            problems.append(
                Problem(f"{where}.{kind}", _UNKNOWN[kind], f"no {kind} {local!r} in the catalog")
            )
        return None

    def _check_form(
        self, path: str, indicator: Indicator | None, problems: list[Problem]
    ) -> TableItem | None:
        if indicator is None or self.regime is None:
            return None
        item = self.index.items.get(indicator.code)
        if item is None:
            problems.append(
                Problem(
                    f"{path}.indicator",
                    ProblemCode.INDICATOR_NOT_IN_FORM,
                    f"indicator {indicator.code!r} is not in the form of regime "
                    f"{self.regime.code!r}",
                )
            )
        return item

    def _check_jurisdiction(self, path: str, area: Area | None, problems: list[Problem]) -> None:
        if area is None or self.jurisdiction is None or area.code in self.jurisdiction:
            return
        assert self.agency is not None
        problems.append(
            Problem(
                f"{path}.area",
                ProblemCode.AREA_OUTSIDE_JURISDICTION,
                f"area {area.code!r} is outside the jurisdiction of agency {self.agency.code!r} "
                f"(area {self.agency.jurisdiction!r} and the areas under it)",
            )
        )

    def _check_period(
        self, path: str, text: str, indicator: Indicator | None, problems: list[Problem]
    ) -> Period | None:
        parsed = self.index.period(text)
        if isinstance(parsed, PeriodError):
            problems.append(
                Problem(
                    f"{path}.period",
                    ProblemCode.OBSERVATION_PERIOD_MALFORMED,
                    f"{text!r} is not a period: {parsed.reason}",
                )
            )
            return None
        if indicator is not None and parsed.frequency not in indicator.frequencies:
            allowed = ", ".join(f.name.lower() for f in indicator.frequencies)
            problems.append(
                Problem(
                    f"{path}.period",
                    ProblemCode.OBSERVATION_PERIOD_FREQUENCY,
                    f"{parsed.code} is a {parsed.frequency.name.lower()} period; indicator "
                    f"{indicator.code!r} is compiled {allowed}",
                )
            )
        report = self.report_period
        if report is not None and not (report.start <= parsed.start and parsed.end <= report.end):
            problems.append(
                Problem(
                    f"{path}.period",
                    ProblemCode.OBSERVATION_PERIOD_OUTSIDE_REPORT,
                    f"{parsed.code} ({parsed.start} to {parsed.end}) is outside the report "
                    f"period {report.code} ({report.start} to {report.end})",
                )
            )
        return parsed

    def _area_not_valid(self, path: str, area: Area, period: Period) -> Problem:
        alternatives = self.index.valid_alternatives(area, period)
        hint = (
            f"; use {' or '.join(map(repr, alternatives))} for that period" if alternatives else ""
        )
        return Problem(
            f"{path}.area",
            ProblemCode.AREA_NOT_VALID_IN_PERIOD,
            f"area {area.code!r} is not valid in {period.code} (valid from "
            f"{area.valid_from or 'the start'} to {area.valid_to or 'now'}){hint}",
        )

    def _check_dimensions(
        self,
        path: str,
        given: tuple[tuple[str, str], ...],
        indicator: Indicator | None,
        item: TableItem | None,
        problems: list[Problem],
    ) -> tuple[tuple[str, str], ...] | None:
        """The (codelist, shared code) pairs sorted by codelist; None if one is wrong."""
        before = len(problems)
        resolved: dict[str, str] = {}
        first: dict[str, int] = {}
        codes = self.index.codes
        for position, (dimension, local) in enumerate(given):
            at = f"{path}.dimensions[{position}]"
            if dimension not in codes:
                problems.append(
                    Problem(
                        f"{at}.dimension",
                        ProblemCode.UNKNOWN_DIMENSION,
                        f"no codelist {dimension!r} in the catalog",
                    )
                )
                continue
            if dimension in first:
                problems.append(
                    Problem(
                        f"{at}.dimension",
                        ProblemCode.DUPLICATE_DIMENSION,
                        f"dimension {dimension!r} is given twice "
                        f"(also {path}.dimensions[{first[dimension]}])",
                    )
                )
                continue
            first[dimension] = position
            if indicator is not None and dimension not in indicator.dimensions:
                allowed = ", ".join(indicator.dimensions) or "none"
                problems.append(
                    Problem(
                        f"{at}.dimension",
                        ProblemCode.DIMENSION_NOT_ALLOWED,
                        f"indicator {indicator.code!r} is not disaggregated by {dimension!r} "
                        f"(allowed: {allowed})",
                    )
                )
            mapping = self.code_maps.get(dimension, {}) if self.crosswalk is not None else None
            code = self._shared(at, "code", local, mapping, codes[dimension], problems)
            if code is None and self.crosswalk is None:
                elsewhere = self.index.codelists_of_code.get(local)
                problems.append(
                    Problem(
                        f"{at}.code",
                        ProblemCode.CODE_NOT_IN_CODELIST if elsewhere else ProblemCode.UNKNOWN_CODE,
                        f"{local!r} is not a code of codelist {dimension!r}"
                        + (f" (it is one of {', '.join(elsewhere)})" if elsewhere else ""),
                    )
                )
            if code is not None:
                resolved[dimension] = code
        if item is not None:
            missing = [d for d in item.dimensions if d not in first]
            if missing:
                problems.append(
                    Problem(
                        f"{path}.dimensions",
                        ProblemCode.MISSING_DISAGGREGATION,
                        f"the form of regime {self.regime.code!r} requires "  # type: ignore[union-attr]
                        f"{item.indicator} by {', '.join(missing)}; not given",
                    )
                )
        if len(problems) > before:
            return None
        return tuple(sorted(resolved.items()))

    def _check_value(
        self,
        path: str,
        draft: ObservationDraft,
        indicator: Indicator | None,
        problems: list[Problem],
    ) -> tuple[Decimal, Decimal, str] | None:
        """(value in the indicator unit, value as sent, shared unit code), or None."""
        xw = self.crosswalk
        unit = self._shared(
            path,
            "unit",
            draft.unit,
            xw.units if xw else None,
            self.catalog.units,
            problems,
        )
        try:
            reported = parse_value(draft.value)
        except ValueError as error:
            problems.append(
                Problem(
                    f"{path}.value",
                    ProblemCode.VALUE_NOT_A_NUMBER,
                    f"{draft.value!r} is not a number: {error}",
                )
            )
            return None
        if unit is None or indicator is None:
            return None
        if unit != indicator.unit:
            reason = self.index.conversion_problem(unit, indicator.unit)
            if reason is not None:
                problems.append(
                    Problem(
                        f"{path}.unit",
                        ProblemCode.UNIT_INCOMPATIBLE,
                        f"unit {unit!r} cannot be converted to {indicator.unit!r}, the unit "
                        f"of indicator {indicator.code!r}: {reason}",
                    )
                )
                return None
        # The same unit keeps the digits as sent (1.50 stays 1.50); a conversion is exact.
        value = (
            reported
            if unit == indicator.unit
            else convert_codes(self.catalog, reported, unit, indicator.unit)
        )
        low, high = indicator.min_value, indicator.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            problems.append(
                Problem(
                    f"{path}.value",
                    ProblemCode.VALUE_OUT_OF_RANGE,
                    f"{value} {indicator.unit} is outside the valid range of indicator "
                    f"{indicator.code!r} ({low if low is not None else '...'} to "
                    f"{high if high is not None else '...'})",
                )
            )
            return None
        return value, reported, unit
