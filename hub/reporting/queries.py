"""Root query fields of reporting regimes and their forms."""

from __future__ import annotations

import strawberry

from hub.errors import NotFoundError
from hub.graphql.node import NodeFetcher
from hub.metadata.types import Info
from hub.reporting import regimes
from hub.reporting.types import ReportingRegime


@strawberry.type
class ReportingQuery:
    @strawberry.field(description="Reporting regimes ordered by code (QCVN 125 regime catalog).")
    async def regimes(self, info: Info) -> list[ReportingRegime]:
        found = await regimes.list_regimes(session=info.context.session)
        return [ReportingRegime.from_model(r) for r in found]

    @strawberry.field(description="One regime with its form; an unknown code is an error.")
    async def regime(self, info: Info, code: str) -> ReportingRegime | None:
        found = await regimes.get_regime(code, session=info.context.session)
        if found is None:
            raise NotFoundError("regime", code, field="code")
        return ReportingRegime.from_model(found)


async def _fetch_regime(info: Info, code: str) -> ReportingRegime | None:
    found = await regimes.get_regime(code, session=info.context.session)
    return ReportingRegime.from_model(found) if found else None


NODE_FETCHERS: dict[str, NodeFetcher] = {"ReportingRegime": _fetch_regime}
