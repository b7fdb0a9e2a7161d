"""GraphQL types of the catalog: hand-written, built from `catalog.model` objects.

Scalar fields are plain attributes (default resolvers); labels take a `lang` argument;
every related entity is fetched through a per-request DataLoader (`hub.metadata.loaders`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

import hub.metadata.enums  # noqa: F401  (registers the enums with strawberry)
from catalog import model
from catalog.model import (
    AgencyKind,
    AggregationRule,
    AreaLevel,
    Frequency,
    PeriodAggregation,
    ValueType,
)
from hub.graphql.context import Context
from hub.graphql.language import Language
from hub.graphql.loaded import loaded_by
from hub.graphql.node import Node, global_id
from hub.metadata import loaders
from hub.metadata.indicator_models import VersionStatus
from hub.metadata.records import IndicatorRecord

Info = strawberry.Info[Context, None]
LangArg = Annotated[
    Language, strawberry.argument(description="Language of the text (Vietnamese by default).")
]


def _text(text: model.Text | None, lang: Language) -> str | None:
    return text.get(lang.value) if text is not None else None


def _iri(info: Info, kind: str, code: str) -> str:
    return f"{info.context.settings.base_iri}/{kind}/{code}"


# The objects of a request's nested lookups, one per indicator or area however many rows
# show it (a page of 1,000 values shows one indicator: one object, not a thousand).


async def indicator_objects(session: AsyncSession, codes: Sequence[str]) -> list[Indicator | None]:
    found = await loaders.indicators_by_code(session, codes)
    return [Indicator.from_record(r) if r else None for r in found]


async def area_objects(session: AsyncSession, codes: Sequence[str]) -> list[Area | None]:
    found = await loaders.areas_by_code(session, codes)
    return [Area.from_model(a) if a else None for a in found]


@strawberry.type(description="A unit of measure; compatible units convert through a base unit.")
class Unit(Node):
    code: str = strawberry.field(description="Shared code (SDMX UNIT_MEASURE style).")
    symbol: str = strawberry.field(description="Printed symbol, e.g. `tỷ đồng`, `%`.")
    quantity_kind: str = strawberry.field(description="What it measures: currency, count ...")
    multiplier: Decimal = strawberry.field(description="Value x multiplier = value in the base.")
    qudt_exact_match: str | None = strawberry.field(description="QUDT unit meaning exactly this.")
    qudt_close_match: str | None = strawberry.field(description="QUDT unit meaning nearly this.")
    base_code: strawberry.Private[str]
    names: strawberry.Private[model.Text]

    @classmethod
    def from_model(cls, unit: model.Unit) -> Unit:
        return cls(
            id=global_id("Unit", unit.code),
            code=unit.code,
            symbol=unit.symbol,
            quantity_kind=unit.quantity_kind,
            multiplier=unit.multiplier,
            qudt_exact_match=unit.qudt_exact,
            qudt_close_match=unit.qudt_close,
            base_code=unit.base_code,
            names=unit.name,
        )

    @strawberry.field(description="Name of the unit.")
    def name(self, lang: LangArg = Language.VI) -> str:
        return self.names.get(lang.value)

    @strawberry.field(description="Dereferenceable IRI of the unit.")
    def iri(self, info: Info) -> str:
        return _iri(info, "unit", self.code)

    @strawberry.field(description="The base unit it converts to (itself for a base unit).")
    async def base(self, info: Info) -> Unit:
        found = await info.context.loader(loaders.units_by_code).load(self.base_code)
        assert found is not None, "catalog integrity: a unit's base exists"
        return Unit.from_model(found)


@strawberry.type(description="A code of a codelist (a SKOS concept).")
class Code:
    code: str = strawberry.field(description="The code (SDMX code id).")
    parent_code: str | None = strawberry.field(description="Code of the parent, if any.")
    order: int = strawberry.field(description="Position among its siblings.")
    names: strawberry.Private[model.Text]

    @strawberry.field(description="Label of the code.")
    def name(self, lang: LangArg = Language.VI) -> str:
        return self.names.get(lang.value)


@strawberry.type(
    description="A disaggregation dimension and its codes (QCVN 125 disaggregation catalog)."
)
class Codelist(Node):
    code: str = strawberry.field(description="Shared code of the codelist.")
    total_code: str | None = strawberry.field(description="The code meaning 'all', if any.")
    codes: list[Code] = strawberry.field(description="Its codes, parents before children.")
    names: strawberry.Private[model.Text]
    descriptions: strawberry.Private[model.Text | None]

    @classmethod
    def from_model(cls, codelist: model.Codelist) -> Codelist:
        return cls(
            id=global_id("Codelist", codelist.code),
            code=codelist.code,
            total_code=codelist.total_code,
            codes=[
                Code(code=c.code, parent_code=c.parent, order=c.order, names=c.name)
                for c in codelist.codes
            ],
            names=codelist.name,
            descriptions=codelist.description,
        )

    @strawberry.field(description="Name of the codelist.")
    def name(self, lang: LangArg = Language.VI) -> str:
        return self.names.get(lang.value)

    @strawberry.field(description="What the dimension distinguishes.")
    def description(self, lang: LangArg = Language.VI) -> str | None:
        return _text(self.descriptions, lang)

    @strawberry.field(description="Dereferenceable IRI of the codelist.")
    def iri(self, info: Info) -> str:
        return _iri(info, "codelist", self.code)


@strawberry.type(description="An administrative unit, valid for an interval.")
class Area(Node):
    code: str = strawberry.field(description="Catalog code (unique across all periods).")
    national_code: str = strawberry.field(description="Code in the national list of units.")
    level: AreaLevel = strawberry.field(description="Nation, province, district or commune.")
    valid_from: date | None = strawberry.field(description="First day it exists, if known.")
    valid_to: date | None = strawberry.field(description="Last day it exists; null if current.")
    parent_code: strawberry.Private[str | None]
    successor_links: strawberry.Private[tuple[model.AreaSuccession, ...]]
    names: strawberry.Private[model.Text]

    @classmethod
    def from_model(cls, area: model.Area) -> Area:
        return cls(
            id=global_id("Area", area.code),
            code=area.code,
            national_code=area.national_code,
            level=area.level,
            valid_from=area.valid_from,
            valid_to=area.valid_to,
            parent_code=area.parent,
            successor_links=area.successors,
            names=area.name,
        )

    @strawberry.field(description="Name of the unit.")
    def name(self, lang: LangArg = Language.VI) -> str:
        return self.names.get(lang.value)

    @strawberry.field(description="Dereferenceable IRI of the area.")
    def iri(self, info: Info) -> str:
        return _iri(info, "area", self.code)

    @strawberry.field(description="The unit it belongs to.")
    @loaded_by("parent_code", area_objects)
    async def parent(self, info: Info) -> Area | None:
        if self.parent_code is None:
            return None
        return await area_by_code(info, self.parent_code)

    @strawberry.field(description="Units it went into when it ceased, with the share of each.")
    async def successors(self, info: Info) -> list[AreaSuccession]:
        codes = [link.successor for link in self.successor_links]
        found = await info.context.loader(area_objects).load_many(codes)
        return [
            AreaSuccession(area=area, weight=link.weight)
            for link, area in zip(self.successor_links, found, strict=True)
            if area is not None
        ]

    @strawberry.field(description="Units it was formed from, with the share each contributed.")
    async def predecessors(self, info: Info) -> list[AreaSuccession]:
        links = await info.context.loader(loaders.area_predecessors).load(self.code)
        return [AreaSuccession(area=Area.from_model(a), weight=w) for a, w in links]


@strawberry.type(description="A succession link between areas across a reorganisation.")
class AreaSuccession:
    area: Area = strawberry.field(description="The area on the other side of the link.")
    weight: Decimal = strawberry.field(
        description="Share of the predecessor that went into the successor (1 = whole)."
    )


@strawberry.type(description="A ministry, agency or province people's committee.")
class Agency(Node):
    code: str = strawberry.field(description="Shared code of the agency.")
    kind: AgencyKind = strawberry.field(description="What kind of agency it is.")
    abbreviation: str | None = strawberry.field(description="Common abbreviation.")
    valid_from: date | None = strawberry.field(description="First day it exists, if known.")
    valid_to: date | None = strawberry.field(description="Last day it exists; null if current.")
    parent_code: strawberry.Private[str | None]
    jurisdiction_code: strawberry.Private[str | None]
    successor_codes: strawberry.Private[tuple[str, ...]]
    names: strawberry.Private[model.Text]

    @classmethod
    def from_model(cls, agency: model.Agency) -> Agency:
        return cls(
            id=global_id("Agency", agency.code),
            code=agency.code,
            kind=agency.kind,
            abbreviation=agency.abbreviation,
            valid_from=agency.valid_from,
            valid_to=agency.valid_to,
            parent_code=agency.parent,
            jurisdiction_code=agency.jurisdiction,
            successor_codes=agency.successors,
            names=agency.name,
        )

    @strawberry.field(description="Name of the agency.")
    def name(self, lang: LangArg = Language.VI) -> str:
        return self.names.get(lang.value)

    @strawberry.field(description="Dereferenceable IRI of the agency.")
    def iri(self, info: Info) -> str:
        return _iri(info, "agency", self.code)

    @strawberry.field(description="The agency it is part of.")
    async def parent(self, info: Info) -> Agency | None:
        if self.parent_code is None:
            return None
        found = await info.context.loader(loaders.agencies_by_code).load(self.parent_code)
        return Agency.from_model(found) if found else None

    @strawberry.field(description="The area a province's people's committee answers for.")
    @loaded_by("jurisdiction_code", area_objects)
    async def jurisdiction(self, info: Info) -> Area | None:
        if self.jurisdiction_code is None:
            return None
        return await area_by_code(info, self.jurisdiction_code)

    @strawberry.field(description="Agencies that took over its functions.")
    async def successors(self, info: Info) -> list[Agency]:
        found = await info.context.loader(loaders.agencies_by_code).load_many(
            list(self.successor_codes)
        )
        return [Agency.from_model(a) for a in found if a is not None]


@strawberry.type(description="A topic grouping indicators (QCVN 125 indicator-group catalog).")
class IndicatorGroup(Node):
    code: str = strawberry.field(description="Code of the group.")
    parent_code: str | None = strawberry.field(description="Code of the broader group, if any.")
    names: strawberry.Private[model.Text]

    @classmethod
    def from_model(cls, group: model.IndicatorGroup) -> IndicatorGroup:
        return cls(
            id=global_id("IndicatorGroup", group.code),
            code=group.code,
            parent_code=group.parent,
            names=group.name,
        )

    @strawberry.field(description="Name of the group.")
    def name(self, lang: LangArg = Language.VI) -> str:
        return self.names.get(lang.value)


@strawberry.type(description="A socio-economic indicator: the current version of its definition.")
class Indicator(Node):
    code: str = strawberry.field(description="The shared identifier of the indicator.")
    national_code: str | None = strawberry.field(
        description="National statistical indicator code, when the shared code is not it."
    )
    is_code_provisional: bool = strawberry.field(
        description="The code was minted by the hub (HUB-...), not taken from an official list."
    )
    frequencies: list[Frequency] = strawberry.field(description="Periodicities it is compiled at.")
    aggregation: AggregationRule = strawberry.field(description="How values combine across areas.")
    period_aggregation: PeriodAggregation = strawberry.field(
        description="How values combine over time (sum, average, last value, none)."
    )
    value_type: ValueType = strawberry.field(description="Level, percent, rate, index or ratio.")
    min_value: Decimal | None = strawberry.field(description="Smallest valid value, if bounded.")
    max_value: Decimal | None = strawberry.field(description="Largest valid value, if bounded.")
    legal_basis: str | None = strawberry.field(description="Legal document defining it.")
    formula: str | None = strawberry.field(description="Formula over other indicators, if derived.")
    version: int = strawberry.field(description="Version number of this definition.")
    status: VersionStatus = strawberry.field(description="Draft, published or retired.")
    published_at: datetime | None = strawberry.field(description="When this version was published.")
    definition_model: strawberry.Private[model.Indicator]

    @classmethod
    def from_record(cls, record: IndicatorRecord) -> Indicator:
        m = record.indicator
        return cls(
            id=global_id("Indicator", m.code),
            code=m.code,
            national_code=m.national_code,
            is_code_provisional=m.is_code_provisional,
            frequencies=list(m.frequencies),
            aggregation=m.aggregation,
            period_aggregation=m.period_aggregation,
            value_type=m.value_type,
            min_value=m.min_value,
            max_value=m.max_value,
            legal_basis=m.legal_basis,
            formula=m.formula,
            version=record.version,
            status=record.status,
            published_at=record.published_at,
            definition_model=m,
        )

    @strawberry.field(description="Name of the indicator.")
    def name(self, lang: LangArg = Language.VI) -> str:
        return self.definition_model.name.get(lang.value)

    @strawberry.field(description="What the indicator measures.")
    def definition(self, lang: LangArg = Language.VI) -> str:
        return self.definition_model.definition.get(lang.value)

    @strawberry.field(description="How it is computed.")
    def method(self, lang: LangArg = Language.VI) -> str | None:
        return _text(self.definition_model.method, lang)

    @strawberry.field(description="Where the data come from.")
    def source(self, lang: LangArg = Language.VI) -> str | None:
        return _text(self.definition_model.source, lang)

    @strawberry.field(description="Dereferenceable IRI of the indicator.")
    def iri(self, info: Info) -> str:
        return _iri(info, "indicator", self.code)

    @strawberry.field(description="Unit its values are stored in.")
    async def unit(self, info: Info) -> Unit:
        found = await info.context.loader(loaders.units_by_code).load(self.definition_model.unit)
        assert found is not None, "catalog integrity: an indicator's unit exists"
        return Unit.from_model(found)

    @strawberry.field(description="Agency responsible for it.")
    async def agency(self, info: Info) -> Agency:
        found = await info.context.loader(loaders.agencies_by_code).load(
            self.definition_model.agency
        )
        assert found is not None, "catalog integrity: an indicator's agency exists"
        return Agency.from_model(found)

    @strawberry.field(description="Topic group it belongs to.")
    async def group(self, info: Info) -> IndicatorGroup | None:
        if self.definition_model.group is None:
            return None
        found = await info.context.loader(loaders.groups_by_code).load(self.definition_model.group)
        return IndicatorGroup.from_model(found) if found else None

    @strawberry.field(description="Dimensions it may be disaggregated by.")
    async def disaggregations(self, info: Info) -> list[Codelist]:
        found = await info.context.loader(loaders.codelists_by_code).load_many(
            list(self.definition_model.dimensions)
        )
        return [Codelist.from_model(c) for c in found if c is not None]

    @strawberry.field(description="Indicator whose values weight this one when aggregating.")
    async def weight_indicator(self, info: Info) -> Indicator | None:
        code = self.definition_model.weight_indicator
        return await _indicator(info, code) if code else None

    @strawberry.field(description="Broader indicators (SKOS broader).")
    async def broader(self, info: Info) -> list[Indicator]:
        return await _indicators(info, self.definition_model.broader)

    @strawberry.field(description="Narrower indicators (SKOS narrower).")
    async def narrower(self, info: Info) -> list[Indicator]:
        codes = await info.context.loader(loaders.narrower_codes).load(self.code)
        return await _indicators(info, codes)

    @strawberry.field(description="Related indicators (SKOS related).")
    async def related(self, info: Info) -> list[Indicator]:
        return await _indicators(info, self.definition_model.related)

    @strawberry.field(description="Every version of the definition, oldest first.")
    async def versions(self, info: Info) -> list[Indicator]:
        records = await info.context.loader(loaders.indicator_versions).load(self.code)
        return [Indicator.from_record(r) for r in records]


def indicator_by_code(info: Info, code: str) -> Awaitable[Indicator | None]:
    """The published indicator `code` (None if there is none), batched per request."""
    return info.context.loader(indicator_objects).load(code)


def area_by_code(info: Info, code: str) -> Awaitable[Area | None]:
    """The area `code` (None if there is none), batched per request."""
    return info.context.loader(area_objects).load(code)


async def _indicator(info: Info, code: str) -> Indicator | None:
    return await indicator_by_code(info, code)


async def _indicators(info: Info, codes: tuple[str, ...] | list[str]) -> list[Indicator]:
    found = await info.context.loader(indicator_objects).load_many(list(codes))
    return [i for i in found if i is not None]
