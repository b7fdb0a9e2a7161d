"""Root query fields of the catalog: indicators, units, codelists, areas, agencies, groups."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

import hub.metadata.enums  # noqa: F401  (registers the enums with strawberry)
from catalog.model import (
    AgencyKind,
    AreaLevel,
    Frequency,
)
from hub.errors import NotFoundError
from hub.graphql.node import NodeFetcher
from hub.graphql.pagination import Connection, paginate
from hub.metadata import areas, codelists, service
from hub.metadata.types import (
    Agency,
    Area,
    Codelist,
    Indicator,
    IndicatorGroup,
    Info,
    Unit,
)

First = Annotated[
    int | None, strawberry.argument(description="Page size (default and maximum are configured).")
]
After = Annotated[
    str | None, strawberry.argument(description="Cursor after which the page starts.")
]


@strawberry.input(description="Narrows the list of indicators; every given field must match.")
class IndicatorFilter:
    group: str | None = strawberry.field(default=None, description="Indicator group code.")
    agency: str | None = strawberry.field(default=None, description="Responsible agency code.")
    frequency: Frequency | None = strawberry.field(default=None, description="Compiled at.")
    disaggregation: str | None = strawberry.field(
        default=None, description="Codelist it may be disaggregated by."
    )
    is_code_provisional: bool | None = strawberry.field(
        default=None, description="Only provisional (true) or only official (false) codes."
    )


@strawberry.type
class MetadataQuery:
    @strawberry.field(description="One indicator by its shared code; an unknown code is an error.")
    async def indicator(self, info: Info, code: str) -> Indicator | None:
        record = await service.get_indicator(code, session=info.context.session)
        if record is None:
            raise NotFoundError("indicator", code, field="code")
        return Indicator.from_record(record)

    @strawberry.field(
        description="Indicators ordered by code. `search` matches code, names and definitions, "
        "ignoring case and Vietnamese diacritics (`dan so` finds `Dân số`)."
    )
    async def indicators(
        self,
        info: Info,
        search: str | None = None,
        filter: IndicatorFilter | None = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Indicator]:
        criteria = service.IndicatorCriteria(
            search=search,
            group=filter.group if filter else None,
            agency=filter.agency if filter else None,
            frequency=filter.frequency if filter else None,
            disaggregation=filter.disaggregation if filter else None,
            is_code_provisional=filter.is_code_provisional if filter else None,
        )
        session = info.context.session
        return await paginate(
            "indicator",
            first,
            after,
            info.context.settings.limits,
            lambda key, limit: service.list_indicators(
                criteria, after=key, limit=limit, session=session
            ),
            Indicator.from_record,
            _code,
        )

    @strawberry.field(description="Units of measure ordered by code.")
    async def units(self, info: Info, first: First = None, after: After = None) -> Connection[Unit]:
        session = info.context.session
        return await paginate(
            "unit",
            first,
            after,
            info.context.settings.limits,
            lambda key, limit: service.list_units(after=key, limit=limit, session=session),
            Unit.from_model,
            _code,
        )

    @strawberry.field(description="One unit by code; an unknown code is an error.")
    async def unit(self, info: Info, code: str) -> Unit | None:
        found = await service.get_unit(code, session=info.context.session)
        if found is None:
            raise NotFoundError("unit", code, field="code")
        return Unit.from_model(found)

    @strawberry.field(description="Disaggregation codelists ordered by code.")
    async def codelists(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Codelist]:
        session = info.context.session
        return await paginate(
            "codelist",
            first,
            after,
            info.context.settings.limits,
            lambda key, limit: codelists.list_codelists(after=key, limit=limit, session=session),
            Codelist.from_model,
            _code,
        )

    @strawberry.field(description="One codelist by code; an unknown code is an error.")
    async def codelist(self, info: Info, code: str) -> Codelist | None:
        found = await codelists.get_codelist(code, session=info.context.session)
        if found is None:
            raise NotFoundError("codelist", code, field="code")
        return Codelist.from_model(found)

    @strawberry.field(
        description="Administrative units ordered by code: filter by level, parent, and the day "
        'they are valid on (`validOn: "2025-06-30"` gives the 63 provinces, '
        '`"2025-07-01"` the 34).'
    )
    async def areas(
        self,
        info: Info,
        level: AreaLevel | None = None,
        parent: str | None = None,
        valid_on: date | None = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Area]:
        criteria = service.AreaCriteria(level=level, parent=parent, valid_on=valid_on)
        session = info.context.session
        return await paginate(
            "area",
            first,
            after,
            info.context.settings.limits,
            lambda key, limit: areas.list_areas(criteria, after=key, limit=limit, session=session),
            Area.from_model,
            _code,
        )

    @strawberry.field(description="One area by catalog code; an unknown code is an error.")
    async def area(self, info: Info, code: str) -> Area | None:
        found = await areas.get_area(code, session=info.context.session)
        if found is None:
            raise NotFoundError("area", code, field="code")
        return Area.from_model(found)

    @strawberry.field(description="Agencies ordered by code, by kind and the day they exist on.")
    async def agencies(
        self,
        info: Info,
        kind: AgencyKind | None = None,
        valid_on: date | None = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Agency]:
        criteria = service.AgencyCriteria(kind=kind, valid_on=valid_on)
        session = info.context.session
        return await paginate(
            "agency",
            first,
            after,
            info.context.settings.limits,
            lambda key, limit: areas.list_agencies(
                criteria, after=key, limit=limit, session=session
            ),
            Agency.from_model,
            _code,
        )

    @strawberry.field(description="One agency by code; an unknown code is an error.")
    async def agency(self, info: Info, code: str) -> Agency | None:
        found = await areas.get_agency(code, session=info.context.session)
        if found is None:
            raise NotFoundError("agency", code, field="code")
        return Agency.from_model(found)

    @strawberry.field(description="Indicator groups (topics) ordered by code.")
    async def indicator_groups(self, info: Info) -> list[IndicatorGroup]:
        groups = await service.list_groups(session=info.context.session)
        return [IndicatorGroup.from_model(g) for g in groups]


def _code(node: Indicator | Unit | Codelist | Area | Agency) -> str:
    return node.code


async def _fetch_indicator(info: Info, code: str) -> Indicator | None:
    record = await service.get_indicator(code, session=info.context.session)
    return Indicator.from_record(record) if record else None


async def _fetch_unit(info: Info, code: str) -> Unit | None:
    found = await service.get_unit(code, session=info.context.session)
    return Unit.from_model(found) if found else None


async def _fetch_codelist(info: Info, code: str) -> Codelist | None:
    found = await codelists.get_codelist(code, session=info.context.session)
    return Codelist.from_model(found) if found else None


async def _fetch_area(info: Info, code: str) -> Area | None:
    found = await areas.get_area(code, session=info.context.session)
    return Area.from_model(found) if found else None


async def _fetch_agency(info: Info, code: str) -> Agency | None:
    found = await areas.get_agency(code, session=info.context.session)
    return Agency.from_model(found) if found else None


NODE_FETCHERS: dict[str, NodeFetcher] = {
    "Indicator": _fetch_indicator,
    "Unit": _fetch_unit,
    "Codelist": _fetch_codelist,
    "Area": _fetch_area,
    "Agency": _fetch_agency,
}
