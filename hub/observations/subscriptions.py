"""Subscriptions of public data: what an acceptance made public for an indicator."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from hub.errors import NotFoundError
from hub.events.changes import Event
from hub.metadata.service import get_indicator
from hub.metadata.types import Info
from hub.observations.events import MAX_LISTED, OBSERVATIONS_ACCEPTED


@strawberry.type(
    description="Values of an indicator that just became public (a report was accepted): "
    "what to re-query, not the values themselves."
)
class ObservationsChange:
    indicator: str = strawberry.field(description="Code of the indicator.")
    count: int = strawberry.field(description="Values that became public (new or revised).")
    periods: list[str] = strawberry.field(
        description=f"Their periods, sorted (at most {MAX_LISTED})."
    )
    areas: list[str] = strawberry.field(
        description=f"Codes of their areas, sorted (at most {MAX_LISTED})."
    )
    truncated: bool = strawberry.field(
        description=f"More than {MAX_LISTED} periods or areas: the lists are cut."
    )
    at: datetime = strawberry.field(description="When they became public.")

    @classmethod
    def from_event(cls, event: Event) -> ObservationsChange:
        return cls(
            indicator=event["indicator"],
            count=event["count"],
            periods=event["periods"],
            areas=event["areas"],
            truncated=event["truncated"],
            at=datetime.fromisoformat(event["at"]),
        )


@strawberry.type
class ObservationSubscription:
    @strawberry.subscription(
        description="Each acceptance that makes values of a published indicator public, from "
        "now on. Public, like the values."
    )
    async def observations_changed(
        self, info: Info, indicator: str
    ) -> AsyncGenerator[ObservationsChange, None]:
        async with info.context.session_factory() as session:  # not the connection's session
            if await get_indicator(indicator, session=session) is None:
                raise NotFoundError("indicator", indicator, field="indicator")

        def accept(event: Event) -> bool:
            return bool(event["kind"] == OBSERVATIONS_ACCEPTED and event["indicator"] == indicator)

        feed = info.context.changes
        assert feed is not None, "the app puts its change feed in every context"
        async with feed.subscribe(accept) as delivered:
            async for event in delivered:
                yield ObservationsChange.from_event(event)
