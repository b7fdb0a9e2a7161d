"""The data structure of a reporting regime's data, derived from the catalog: one for every writer.

**One dataflow per reporting regime** (SEMANTICS.md §3: "in SDMX terms the regime is a
Dataflow"). The SDMX-ML/JSON/CSV writers of `hub/sdmx` and the RDF Data Cube writer (a
`qb:DataSet` per regime, `qb:structure` its DSD) both read these plain dataclasses, so the two
worlds name the same dimensions, codes and attributes. Nothing here does I/O or knows a format.

A regime's DSD (`DSD_<regime>`), in this dimension order:

    FREQ . INDICATOR . REF_AREA . <one per disaggregation codelist> . TIME_PERIOD (time)

- FREQ: the observation's frequency (`CL_FREQ`: A, S, Q, M, W, D).
- INDICATOR: `CL_INDICATOR_<regime>`, the indicators of the regime's form, in form order.
- REF_AREA: `CL_AREA`, every area of the catalog (areas come and go; a flow spans years).
- one dimension per codelist that any indicator of the form may be disaggregated by (the
  form's table items and the indicators' allowed dimensions), sorted by codelist code; its
  codelist `CL_<codelist>` is the catalog's codes plus `_Z` "not applicable". An observation
  that is not disaggregated by that codelist has `_Z` there (the SDMX convention), never the
  codelist's total code: an explicit total (SEX=T) and "not disaggregated" stay different
  observations, so export and import are lossless. Importing maps `_Z` back to "absent".
- TIME_PERIOD: the period as the hub spells it (`2025`, `2025-Q1`, `2025-M03` ...).

Attributes (observation level): UNIT_MEASURE (`CL_UNIT`, mandatory; the unit the value is in,
e.g. BVND — scaled units are their own codes, so no UNIT_MULT) and OBS_STATUS (`CL_OBS_STATUS`,
conditional: A normal, E estimated, P provisional, F forecast). Measure: OBS_VALUE, an exact
decimal written as text.

Every structure is maintained by one agency, `MAINTENANCE_AGENCY` ("RH", the hub), version
`VERSION`. Component ids are SDMX ids: a catalog code's `.` becomes `_` (`sdmx_id`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from catalog.model import Catalog, Frequency, Regime, Text
from hub.errors import NotFoundError
from hub.observations.models import StatusFlag

MAINTENANCE_AGENCY = "RH"
MAINTENANCE_AGENCY_NAME = Text("Hệ thống thông tin báo cáo quốc gia", "Reporting hub")
VERSION = "1.0"
NOT_APPLICABLE = "_Z"
CONCEPT_SCHEME = "CS_HUB"

FREQ, INDICATOR, REF_AREA, TIME_PERIOD = "FREQ", "INDICATOR", "REF_AREA", "TIME_PERIOD"
UNIT_MEASURE, OBS_STATUS, OBS_VALUE = "UNIT_MEASURE", "OBS_STATUS", "OBS_VALUE"

OBS_STATUS_CODES: Mapping[StatusFlag, str] = {
    StatusFlag.NORMAL: "A",
    StatusFlag.ESTIMATED: "E",
    StatusFlag.PROVISIONAL: "P",
    StatusFlag.FORECAST: "F",
}
STATUS_FLAGS: Mapping[str, StatusFlag] = {code: flag for flag, code in OBS_STATUS_CODES.items()}

_FREQUENCY_NAMES = {
    Frequency.ANNUAL: Text("Năm", "Annual"),
    Frequency.SEMIANNUAL: Text("Sáu tháng", "Half-yearly"),
    Frequency.QUARTERLY: Text("Quý", "Quarterly"),
    Frequency.MONTHLY: Text("Tháng", "Monthly"),
    Frequency.WEEKLY: Text("Tuần", "Weekly"),
    Frequency.DAILY: Text("Ngày", "Daily"),
}
_STATUS_NAMES = {
    StatusFlag.NORMAL: Text("Bình thường", "Normal value"),
    StatusFlag.ESTIMATED: Text("Ước tính", "Estimated value"),
    StatusFlag.PROVISIONAL: Text("Sơ bộ", "Provisional value"),
    StatusFlag.FORECAST: Text("Dự báo", "Forecast value"),
}
_NOT_APPLICABLE_NAME = Text("Không áp dụng", "Not applicable")


class ComponentRole(Enum):
    """What a dimension stands for in the hub's data."""

    FREQUENCY = "frequency"
    INDICATOR = "indicator"
    AREA = "area"
    DISAGGREGATION = "disaggregation"  # `Dimension.catalog_codelist` names the codelist
    TIME = "time"


@dataclass(frozen=True)
class StructureCode:
    """One code of a codelist as SDMX publishes it."""

    id: str
    name: Text
    parent: str | None = None


@dataclass(frozen=True)
class StructureCodelist:
    """A codelist of the DSD (`id` like CL_SEX), with its codes in catalog order."""

    id: str
    name: Text
    codes: tuple[StructureCode, ...]

    def code_ids(self) -> frozenset[str]:
        return frozenset(code.id for code in self.codes)


@dataclass(frozen=True)
class Concept:
    """A concept of the hub's concept scheme; each component points to one."""

    id: str
    name: Text


@dataclass(frozen=True)
class Dimension:
    """A dimension in key order; `position` counts from 1, TIME_PERIOD is the last one."""

    id: str
    position: int
    role: ComponentRole
    concept: str
    codelist: str | None  # None only for TIME_PERIOD
    catalog_codelist: str | None = None  # the disaggregation codelist's catalog code


@dataclass(frozen=True)
class Attribute:
    """An observation-level attribute."""

    id: str
    concept: str
    codelist: str
    mandatory: bool


@dataclass(frozen=True)
class DataStructure:
    """A regime's DSD: dimensions (TIME_PERIOD last), attributes, the measure, and codelists."""

    id: str
    name: Text
    dimensions: tuple[Dimension, ...]  # key dimensions then TIME_PERIOD
    attributes: tuple[Attribute, ...]
    measure: str
    codelists: Mapping[str, StructureCodelist]  # by id, those the components use

    @property
    def key_dimensions(self) -> tuple[Dimension, ...]:
        """The dimensions of a series key, in order (all but TIME_PERIOD)."""
        return tuple(d for d in self.dimensions if d.role is not ComponentRole.TIME)

    @property
    def time_dimension(self) -> Dimension:
        return self.dimensions[-1]

    def dimension(self, id: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == id), None)

    def concept_ids(self) -> tuple[str, ...]:
        return (
            *(d.concept for d in self.dimensions),
            *(a.concept for a in self.attributes),
            self.measure,
        )


@dataclass(frozen=True)
class Dataflow:
    """A regime's data as a flow: its id is the regime code."""

    id: str
    name: Text
    regime: Regime
    structure: DataStructure
    indicators: tuple[str, ...]  # the form's indicators, in form order


def sdmx_id(code: str) -> str:
    """A catalog code as an SDMX id (ids have no '.'; codes may)."""
    return code.replace(".", "_")


def form_indicators(regime: Regime) -> tuple[str, ...]:
    """The indicators of a regime's data tables, in form order, each once."""
    seen: dict[str, None] = {}
    for table in regime.tables:
        for item in table.items:
            seen.setdefault(item.indicator, None)
    return tuple(seen)


def dataflows(catalog: Catalog) -> list[Dataflow]:
    """Every regime with data tables, as a dataflow, by regime code."""
    return [
        dataflow(catalog, code)
        for code in sorted(catalog.regimes)
        if form_indicators(catalog.regimes[code])
    ]


def dataflow(catalog: Catalog, regime_code: str) -> Dataflow:
    """The dataflow of `regime_code`; `NotFoundError` when no such regime has data tables."""
    regime = catalog.regimes.get(regime_code)
    indicators = form_indicators(regime) if regime is not None else ()
    if regime is None or not indicators:
        raise NotFoundError("dataflow", regime_code, field="flow")
    return Dataflow(
        id=regime.code,
        name=regime.name,
        regime=regime,
        structure=_structure(catalog, regime, indicators),
        indicators=indicators,
    )


def concepts(catalog: Catalog) -> list[Concept]:
    """The hub's concept scheme `CS_HUB`: the fixed concepts and one per codelist."""
    fixed = [
        Concept(FREQ, Text("Tần suất", "Frequency")),
        Concept(INDICATOR, Text("Chỉ tiêu", "Indicator")),
        Concept(REF_AREA, Text("Địa bàn", "Reference area")),
        Concept(TIME_PERIOD, Text("Kỳ", "Time period")),
        Concept(OBS_VALUE, Text("Giá trị", "Observation value")),
        Concept(UNIT_MEASURE, Text("Đơn vị tính", "Unit of measure")),
        Concept(OBS_STATUS, Text("Tình trạng số liệu", "Observation status")),
    ]
    taken = {c.id for c in fixed}
    own = [
        Concept(sdmx_id(codelist.code), codelist.name)
        for codelist in sorted(catalog.codelists.values(), key=lambda c: c.code)
        if sdmx_id(codelist.code) not in taken
    ]
    return fixed + own


def codelists(catalog: Catalog) -> list[StructureCodelist]:
    """Every codelist the hub publishes (the indicator lists are per regime: `dataflow`)."""
    lists = [_frequency_codelist(), _area_codelist(catalog), _unit_codelist(catalog)]
    lists.append(_status_codelist())
    lists.extend(_disaggregation_codelist(catalog, code) for code in sorted(catalog.codelists))
    lists.extend(
        flow.structure.codelists[_indicator_codelist_id(flow.id)] for flow in dataflows(catalog)
    )
    return sorted(lists, key=lambda c: c.id)


def observation_key(
    structure: DataStructure,
    *,
    frequency: Frequency,
    indicator: str,
    area: str,
    dimensions: Iterable[tuple[str, str]],
) -> tuple[str, ...] | None:
    """An observation's series key (codes of the key dimensions, in order).

    None when the observation carries a disaggregation the DSD has no dimension for (the
    flow cannot show it).
    """
    given = dict(dimensions)
    key: list[str] = []
    for dim in structure.key_dimensions:
        if dim.role is ComponentRole.FREQUENCY:
            key.append(frequency.value)
        elif dim.role is ComponentRole.INDICATOR:
            key.append(sdmx_id(indicator))
        elif dim.role is ComponentRole.AREA:
            key.append(sdmx_id(area))
        else:
            assert dim.catalog_codelist is not None
            code = given.pop(dim.catalog_codelist, None)
            key.append(NOT_APPLICABLE if code is None else sdmx_id(code))
    return None if given else tuple(key)


def _indicator_codelist_id(regime: str) -> str:
    return f"CL_INDICATOR_{sdmx_id(regime)}"


def _structure(catalog: Catalog, regime: Regime, indicators: Sequence[str]) -> DataStructure:
    disaggregations: set[str] = set()
    for table in regime.tables:
        for item in table.items:
            disaggregations.update(item.dimensions)
            indicator = catalog.indicators.get(item.indicator)
            if indicator is not None:
                disaggregations.update(indicator.dimensions)
    lists = [
        _frequency_codelist(),
        StructureCodelist(
            _indicator_codelist_id(regime.code),
            Text(f"Chỉ tiêu của {regime.name.vi}", f"Indicators of {regime.name.get('en')}"),
            tuple(
                StructureCode(sdmx_id(code), catalog.indicators[code].name)
                for code in indicators
                if code in catalog.indicators
            ),
        ),
        _area_codelist(catalog),
        *(_disaggregation_codelist(catalog, code) for code in sorted(disaggregations)),
        _unit_codelist(catalog),
        _status_codelist(),
    ]
    dimensions = [
        Dimension(FREQ, 1, ComponentRole.FREQUENCY, FREQ, "CL_FREQ"),
        Dimension(
            INDICATOR, 2, ComponentRole.INDICATOR, INDICATOR, _indicator_codelist_id(regime.code)
        ),
        Dimension(REF_AREA, 3, ComponentRole.AREA, REF_AREA, "CL_AREA"),
    ]
    for code in sorted(disaggregations):
        id = sdmx_id(code)
        dimensions.append(
            Dimension(id, len(dimensions) + 1, ComponentRole.DISAGGREGATION, id, f"CL_{id}", code)
        )
    dimensions.append(
        Dimension(TIME_PERIOD, len(dimensions) + 1, ComponentRole.TIME, TIME_PERIOD, None)
    )
    return DataStructure(
        id=f"DSD_{sdmx_id(regime.code)}",
        name=Text(
            f"Cấu trúc dữ liệu {regime.name.vi}", f"Data structure of {regime.name.get('en')}"
        ),
        dimensions=tuple(dimensions),
        attributes=(
            Attribute(UNIT_MEASURE, UNIT_MEASURE, "CL_UNIT", mandatory=True),
            Attribute(OBS_STATUS, OBS_STATUS, "CL_OBS_STATUS", mandatory=False),
        ),
        measure=OBS_VALUE,
        codelists={c.id: c for c in lists},
    )


def _frequency_codelist() -> StructureCodelist:
    return StructureCodelist(
        "CL_FREQ",
        Text("Tần suất", "Frequency"),
        tuple(StructureCode(f.value, _FREQUENCY_NAMES[f]) for f in Frequency),
    )


def _status_codelist() -> StructureCodelist:
    return StructureCodelist(
        "CL_OBS_STATUS",
        Text("Tình trạng số liệu", "Observation status"),
        tuple(StructureCode(OBS_STATUS_CODES[f], _STATUS_NAMES[f]) for f in StatusFlag),
    )


def _area_codelist(catalog: Catalog) -> StructureCodelist:
    return StructureCodelist(
        "CL_AREA",
        Text("Đơn vị hành chính", "Administrative areas"),
        tuple(
            StructureCode(sdmx_id(a.code), a.name, sdmx_id(a.parent) if a.parent else None)
            for a in catalog.areas.values()
        ),
    )


def _unit_codelist(catalog: Catalog) -> StructureCodelist:
    return StructureCodelist(
        "CL_UNIT",
        Text("Đơn vị tính", "Units of measure"),
        tuple(StructureCode(sdmx_id(u.code), u.name) for u in catalog.units.values()),
    )


def _disaggregation_codelist(catalog: Catalog, code: str) -> StructureCodelist:
    codelist = catalog.codelists.get(code)
    if codelist is None:  # a form naming a withdrawn codelist: publish only "not applicable"
        return StructureCodelist(
            f"CL_{sdmx_id(code)}",
            Text(code),
            (StructureCode(NOT_APPLICABLE, _NOT_APPLICABLE_NAME),),
        )
    codes = sorted(codelist.codes, key=lambda c: c.order)
    return StructureCodelist(
        f"CL_{sdmx_id(code)}",
        codelist.name,
        (
            *(
                StructureCode(sdmx_id(c.code), c.name, sdmx_id(c.parent) if c.parent else None)
                for c in codes
            ),
            StructureCode(NOT_APPLICABLE, _NOT_APPLICABLE_NAME),
        ),
    )
