"""The catalog's entities (DESIGN.md §2) as frozen dataclasses, with the invariants each keeps.

No I/O here: `mapping.py` turns these into RDF and back, `hub/metadata` stores them.
Codes are the shared identifiers integrators type; cross-references between entities are codes.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
LANGUAGES = ("vi", "en")


class CatalogError(ValueError):
    """An entity breaks one of its invariants; `path` names the entity and field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def check_code(path: str, code: str, what: str = "") -> None:
    """Raise unless `code` is a valid shared identifier; `what` names a reference (`unit`)."""
    if not CODE_PATTERN.match(code):
        raise CatalogError(
            path,
            f"{what + ' ' if what else ''}{code!r} is not a valid code (letters, digits, '_', "
            "'.', '-'; at most 64; starting with a letter or digit)",
        )


def check_references(path: str, what: str, codes: Iterable[str | None]) -> None:
    """Raise unless every code an entity refers to (its `what`) is a valid code: whether it
    names an entity is for the catalog rules, but a malformed one cannot even be an IRI."""
    for code in codes:
        if code is not None:
            check_code(path, code, what)


def check_validity(path: str, valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise CatalogError(path, f"valid_to {valid_to} is before valid_from {valid_from}")


@dataclass(frozen=True)
class Text:
    """A text in Vietnamese (required) and English (optional)."""

    vi: str
    en: str | None = None

    def __post_init__(self) -> None:
        if not self.vi.strip():
            raise CatalogError("vi", "the Vietnamese text must not be empty")
        # PostgreSQL cannot store U+0000 in text (SQLite can), and neither stores a lone
        # surrogate (a Turtle escape like \uD800 makes one): no catalog text holds either.
        for lang, text in (("vi", self.vi), ("en", self.en)):
            if text is not None and "\x00" in text:
                raise CatalogError(lang, f"the text {text!r} contains U+0000 (NUL)")
            if text is not None and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise CatalogError(lang, f"the text {text!r} is not valid Unicode") from None

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to Vietnamese."""
        if lang == "en" and self.en:
            return self.en
        return self.vi


class Frequency(enum.Enum):
    """Reporting frequencies, valued by their SDMX FREQ code."""

    ANNUAL = "A"
    SEMIANNUAL = "S"
    QUARTERLY = "Q"
    MONTHLY = "M"
    WEEKLY = "W"
    DAILY = "D"


class AgencyKind(enum.Enum):
    GOVERNMENT = "government"
    MINISTRY = "ministry"
    MINISTERIAL_AGENCY = "ministerial_agency"  # cơ quan ngang bộ
    GOVERNMENT_AGENCY = "government_agency"  # cơ quan thuộc Chính phủ
    PROVINCE = "province"  # Ủy ban nhân dân tỉnh / thành phố
    DEPARTMENT = "department"  # a unit inside a ministry (e.g. Cục Thống kê)


class AreaLevel(enum.Enum):
    NATION = "nation"
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class AggregationRule(enum.Enum):
    """How values of an indicator combine across areas."""

    SUM = "sum"
    AVERAGE = "average"
    WEIGHTED = "weighted"  # average weighted by `Indicator.weight_indicator`
    NONE = "none"  # not aggregable (indices, rates without a weight)


class PeriodAggregation(enum.Enum):
    """How values of an indicator combine over time, into a longer period (DHIS2 keeps the
    same distinction in its aggregation types: sum, average over time, last value)."""

    SUM = "sum"  # flows: the year's exports are the sum of its months
    AVERAGE = "average"  # the mean of the shorter periods (a year's labour force)
    LAST = "last"  # stocks measured at a moment: the value of the last shorter period
    NONE = "none"  # not combinable over time (growth rates, indices, shares)


class ValueType(enum.Enum):
    LEVEL = "level"
    PERCENT = "percent"
    RATE = "rate"  # per thousand, per 100,000 ...
    INDEX = "index"
    RATIO = "ratio"


class RegimeKind(enum.Enum):
    PERIODIC = "periodic"  # báo cáo định kỳ
    THEMATIC = "thematic"  # báo cáo chuyên đề
    AD_HOC = "ad_hoc"  # báo cáo đột xuất


class SubmissionMethod(enum.Enum):
    """Decree 09 Art. 8(4) channels."""

    IN_PERSON = "in_person"
    POST = "post"
    FAX = "fax"
    EMAIL = "email"
    REPORTING_SYSTEM = "reporting_system"  # hệ thống phần mềm thông tin báo cáo chuyên dùng
    OTHER = "other"


class CutoffKind(enum.Enum):
    DECREE09 = "decree09"  # Art. 12: day D of the month before the period to day D-1 of its last
    CALENDAR = "calendar"  # the period's own calendar dates


class DeadlineKind(enum.Enum):
    WORKING_DAYS_AFTER_CUTOFF = "working_days_after_cutoff"
    DAYS_AFTER_CUTOFF = "days_after_cutoff"
    DAY_OF_MONTH = "day_of_month"  # day `day` of the period's last month shifted by month_offset


@dataclass(frozen=True)
class CutoffRule:
    """The data cut-off window of a regime's period (Decree 09 Art. 12 by default)."""

    kind: CutoffKind = CutoffKind.DECREE09
    day: int = 15

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 28:
            raise CatalogError("cutoff.day", f"{self.day} is not a day 1..28")


@dataclass(frozen=True)
class DeadlineRule:
    """When a period's report is due; moves to the next working day unless told not to."""

    kind: DeadlineKind
    days: int = 0
    day: int = 0
    month_offset: int = 0
    roll_to_working_day: bool = True

    def __post_init__(self) -> None:
        if self.kind is DeadlineKind.DAY_OF_MONTH:
            if not 1 <= self.day <= 31:
                raise CatalogError("deadline.day", f"{self.day} is not a day 1..31")
        elif self.days < 0:
            raise CatalogError("deadline.days", f"{self.days} must not be negative")


@dataclass(frozen=True)
class Agency:
    """A ministry, ministry-level or government agency, or a province's people's committee."""

    code: str
    name: Text
    kind: AgencyKind
    abbreviation: str | None = None
    parent: str | None = None
    jurisdiction: str | None = None  # area code a province agency answers for
    valid_from: date | None = None
    valid_to: date | None = None
    successors: tuple[str, ...] = ()  # agencies that took over its functions

    def __post_init__(self) -> None:
        check_code(f"agency {self.code}", self.code)
        check_validity(f"agency {self.code}", self.valid_from, self.valid_to)


@dataclass(frozen=True)
class AreaSuccession:
    """Part of an area went into `successor`: weight 1 for a full merge, a share for a split."""

    successor: str
    weight: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        if not Decimal(0) < self.weight <= Decimal(1):
            raise CatalogError("successor.weight", f"{self.weight} is not in (0, 1]")


@dataclass(frozen=True)
class Area:
    """An administrative unit, valid for an interval, with the units it went into."""

    code: str
    name: Text
    level: AreaLevel
    national_code: str  # the code in the national list of administrative units
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successors: tuple[AreaSuccession, ...] = ()

    def __post_init__(self) -> None:
        check_code(f"area {self.code}", self.code)
        check_validity(f"area {self.code}", self.valid_from, self.valid_to)
        if self.successors and self.valid_to is None:
            raise CatalogError(f"area {self.code}", "an area with successors must have valid_to")

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class Unit:
    """A unit of measure; units sharing a base convert through their multipliers."""

    code: str
    name: Text
    symbol: str
    quantity_kind: str  # e.g. "currency", "count", "area", "ratio"
    base: str | None = None  # None: this unit is its own base
    multiplier: Decimal = Decimal(1)  # value in this unit x multiplier = value in base
    qudt_exact: str | None = None  # QUDT unit IRI meaning exactly this unit
    qudt_close: str | None = None  # QUDT unit IRI meaning nearly this (persons ~ unit:NUM)

    def __post_init__(self) -> None:
        check_code(f"unit {self.code}", self.code)
        check_references(f"unit {self.code}", "base", (self.base,))
        if self.multiplier <= 0:
            raise CatalogError(f"unit {self.code}", "multiplier must be positive")
        if self.base is None and self.multiplier != 1:
            raise CatalogError(f"unit {self.code}", "a base unit has multiplier 1")

    @property
    def base_code(self) -> str:
        return self.base or self.code


@dataclass(frozen=True)
class Code:
    """One code of a codelist, optionally under a parent code."""

    code: str
    name: Text
    parent: str | None = None
    order: int = 0

    def __post_init__(self) -> None:
        check_code(f"code {self.code}", self.code)


@dataclass(frozen=True)
class Codelist:
    """A disaggregation dimension (SKOS concept scheme)."""

    code: str
    name: Text
    codes: tuple[Code, ...]
    description: Text | None = None
    total_code: str | None = None  # the code meaning "all" (e.g. sex T), if any

    def __post_init__(self) -> None:
        check_code(f"codelist {self.code}", self.code)
        seen: set[str] = set()
        for item in self.codes:
            if item.code in seen:
                raise CatalogError(f"codelist {self.code}", f"code {item.code} appears twice")
            seen.add(item.code)
        for item in self.codes:
            if item.parent is not None and item.parent not in seen:
                raise CatalogError(
                    f"codelist {self.code}.{item.code}", f"parent {item.parent} is not in the list"
                )
        if self.total_code is not None and self.total_code not in seen:
            raise CatalogError(f"codelist {self.code}", f"total {self.total_code} is not a code")

    def get(self, code: str) -> Code | None:
        return next((c for c in self.codes if c.code == code), None)


@dataclass(frozen=True)
class IndicatorGroup:
    """A topic grouping indicators (QCVN 125 indicator-group catalog; Decision 293 areas)."""

    code: str
    name: Text
    parent: str | None = None

    def __post_init__(self) -> None:
        check_code(f"indicator group {self.code}", self.code)


@dataclass(frozen=True)
class Indicator:
    """One version of an indicator's definition."""

    code: str
    name: Text
    definition: Text
    unit: str
    frequencies: tuple[Frequency, ...]
    agency: str  # responsible agency code
    group: str | None = None
    method: Text | None = None  # computation method
    source: Text | None = None  # data source
    legal_basis: str | None = None
    dimensions: tuple[str, ...] = ()  # codelists it may be disaggregated by
    aggregation: AggregationRule = AggregationRule.SUM
    weight_indicator: str | None = None
    value_type: ValueType = ValueType.LEVEL
    period_aggregation: PeriodAggregation = PeriodAggregation.NONE
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    broader: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    formula: str | None = None  # over other indicator codes; the hub derives values
    national_code: str | None = None  # NSIS code when the code is not it
    is_code_provisional: bool = False  # code minted by the hub, not an official one

    def __post_init__(self) -> None:
        path = f"indicator {self.code}"
        check_code(path, self.code)
        check_references(path, "unit", (self.unit,))
        check_references(path, "agency", (self.agency,))
        check_references(path, "group", (self.group,))
        check_references(path, "dimension", self.dimensions)
        check_references(path, "weight indicator", (self.weight_indicator,))
        check_references(path, "broader indicator", self.broader)
        check_references(path, "related indicator", self.related)
        if not self.frequencies:
            raise CatalogError(path, "at least one frequency is required")
        if (self.aggregation is AggregationRule.WEIGHTED) != (self.weight_indicator is not None):
            raise CatalogError(
                path, "weight_indicator is required exactly when aggregation is weighted"
            )
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise CatalogError(path, f"min_value {self.min_value} > max_value {self.max_value}")
        if len(set(self.dimensions)) != len(self.dimensions):
            raise CatalogError(path, "a dimension is listed twice")
        if self.code in self.broader or self.code in self.related:
            raise CatalogError(path, "an indicator cannot be broader than or related to itself")


@dataclass(frozen=True)
class OutlineSection:
    """A free-text section of a report's outline (mẫu đề cương)."""

    code: str
    title: Text
    guidance: Text | None = None

    def __post_init__(self) -> None:
        check_code(f"section {self.code}", self.code)


@dataclass(frozen=True)
class TableItem:
    """A row of a data table: an indicator and the disaggregations it must be reported by."""

    indicator: str
    dimensions: tuple[str, ...] = ()
    area_level: AreaLevel = AreaLevel.PROVINCE


@dataclass(frozen=True)
class DataTable:
    """A data form (biểu mẫu số liệu) of a regime."""

    code: str
    title: Text
    items: tuple[TableItem, ...]

    def __post_init__(self) -> None:
        check_code(f"table {self.code}", self.code)
        indicators = [item.indicator for item in self.items]
        if len(set(indicators)) != len(indicators):
            raise CatalogError(f"table {self.code}", "an indicator appears twice")


@dataclass(frozen=True)
class Regime:
    """A reporting regime (chế độ báo cáo) with every element Decree 09 requires."""

    code: str
    name: Text
    legal_basis: str
    kind: RegimeKind
    frequency: Frequency
    content: Text
    reporting_agencies: tuple[str, ...]
    recipient: str
    methods: tuple[SubmissionMethod, ...]
    deadline: DeadlineRule
    cutoff: CutoffRule = field(default_factory=CutoffRule)
    outline: tuple[OutlineSection, ...] = ()
    tables: tuple[DataTable, ...] = ()
    guidance: Text | None = None
    requires_signature: bool = False
    valid_from: date | None = None
    valid_to: date | None = None

    def __post_init__(self) -> None:
        path = f"regime {self.code}"
        check_code(path, self.code)
        check_validity(path, self.valid_from, self.valid_to)
        if not self.reporting_agencies:
            raise CatalogError(path, "at least one reporting agency is required")
        if not self.methods:
            raise CatalogError(path, "at least one submission method is required")
        if not self.outline and not self.tables:
            raise CatalogError(path, "a form needs outline sections or data tables")
        for label, codes in (
            ("outline section", [s.code for s in self.outline]),
            ("data table", [t.code for t in self.tables]),
        ):
            if len(set(codes)) != len(codes):
                raise CatalogError(path, f"a {label} code appears twice")

    def table_item(self, indicator: str) -> TableItem | None:
        """The form row for `indicator`, or None when the form does not ask for it."""
        for table in self.tables:
            for item in table.items:
                if item.indicator == indicator:
                    return item
        return None


E = TypeVar("E", Agency, Area, Unit, Codelist, IndicatorGroup, Indicator, Regime)


def _index(kind: str, entities: Iterable[E]) -> dict[str, E]:
    index: dict[str, E] = {}
    for entity in entities:
        if entity.code in index:
            raise CatalogError(f"{kind} {entity.code}", "the code is used twice")
        index[entity.code] = entity
    return index


@dataclass(frozen=True)
class Catalog:
    """The whole catalog: every entity by kind, each indexed by code."""

    agencies: Mapping[str, Agency] = field(default_factory=dict)
    areas: Mapping[str, Area] = field(default_factory=dict)
    units: Mapping[str, Unit] = field(default_factory=dict)
    codelists: Mapping[str, Codelist] = field(default_factory=dict)
    groups: Mapping[str, IndicatorGroup] = field(default_factory=dict)
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    regimes: Mapping[str, Regime] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        *,
        agencies: Iterable[Agency] = (),
        areas: Iterable[Area] = (),
        units: Iterable[Unit] = (),
        codelists: Iterable[Codelist] = (),
        groups: Iterable[IndicatorGroup] = (),
        indicators: Iterable[Indicator] = (),
        regimes: Iterable[Regime] = (),
    ) -> Catalog:
        """Build a catalog from entity lists, refusing a code used twice within a kind."""
        return cls(
            agencies=_index("agency", agencies),
            areas=_index("area", areas),
            units=_index("unit", units),
            codelists=_index("codelist", codelists),
            groups=_index("indicator group", groups),
            indicators=_index("indicator", indicators),
            regimes=_index("regime", regimes),
        )

    def merge(self, other: Catalog) -> Catalog:
        """This catalog with `other`'s entities added (a code in both is an error)."""
        return Catalog.of(
            agencies=[*self.agencies.values(), *other.agencies.values()],
            areas=[*self.areas.values(), *other.areas.values()],
            units=[*self.units.values(), *other.units.values()],
            codelists=[*self.codelists.values(), *other.codelists.values()],
            groups=[*self.groups.values(), *other.groups.values()],
            indicators=[*self.indicators.values(), *other.indicators.values()],
            regimes=[*self.regimes.values(), *other.regimes.values()],
        )

    def predecessors(self, area_code: str) -> Iterator[tuple[Area, AreaSuccession]]:
        """Areas that went (wholly or partly) into `area_code`, with the succession link."""
        for area in self.areas.values():
            for link in area.successors:
                if link.successor == area_code:
                    yield area, link

    def __len__(self) -> int:
        return sum(
            len(m)
            for m in (
                self.agencies,
                self.areas,
                self.units,
                self.codelists,
                self.groups,
                self.indicators,
                self.regimes,
            )
        )
