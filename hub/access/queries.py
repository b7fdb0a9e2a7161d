"""Queries of access: `me`."""

from __future__ import annotations

import strawberry

from hub.access.types import Me
from hub.graphql.context import Context


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="The principal of the request's bearer token; null for anonymous callers."
    )
    def me(self, info: strawberry.Info[Context, None]) -> Me | None:
        return Me.from_principal(info.context.principal)
