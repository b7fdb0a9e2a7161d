"""Derived indicators evaluated on read: not built yet (see the analytics branch report)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.errors import InvalidInputError
from hub.observations.aggregation import AggregateGroup, AggregateRequest


async def aggregate_derived(
    indicator: model.Indicator, request: AggregateRequest, *, session: AsyncSession
) -> tuple[AggregateGroup, ...]:
    """Refused for now: the formula is validated, its evaluation on read is not built."""
    raise InvalidInputError(
        f"indicator {indicator.code} is derived ({indicator.formula}); aggregates of derived "
        "indicators are not available yet",
        field="indicator",
    )
