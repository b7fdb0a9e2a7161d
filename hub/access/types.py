"""GraphQL types of access: the principal a request acts as, and tokens as admins see them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.access import models
from hub.access.models import Role
from hub.access.principals import Principal
from hub.access.tokens import TokenRecord

strawberry.enum(
    models.Role, name="Role", description="What a token's holder may do (README, Security model)."
)


@strawberry.type(description="Who the request acts as: the holder of a token.")
class Me:
    role: Role = strawberry.field(description="The token's role.")
    agency_code: str | None = strawberry.field(
        description="The agency it acts for (reporters and reviewers)."
    )
    token_id: int = strawberry.field(description="The token's id (for `hub token revoke`).")
    token_name: str = strawberry.field(description="The token's name.")
    expires_at: datetime | None = strawberry.field(description="When it stops working.")

    @classmethod
    def from_principal(cls, principal: Principal) -> Me | None:
        if principal.role is None or principal.token_id is None:
            return None
        return cls(
            role=principal.role,
            agency_code=principal.agency,
            token_id=principal.token_id,
            token_name=principal.token_name or "",
            expires_at=principal.expires_at,
        )


@strawberry.type(description="An API token as listed: never its secret.")
class ApiToken:
    id: int = strawberry.field(description="The token's id.")
    name: str = strawberry.field(description="Who or what holds it.")
    role: Role = strawberry.field(description="What it may do.")
    agency_code: str | None = strawberry.field(description="The agency it acts for.")
    created_at: datetime = strawberry.field(description="When it was issued.")
    created_by: str = strawberry.field(description="Who issued it.")
    expires_at: datetime | None = strawberry.field(description="When it stops working.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")

    @classmethod
    def from_record(cls, record: TokenRecord) -> ApiToken:
        return cls(
            id=record.id,
            name=record.name,
            role=record.role,
            agency_code=record.agency,
            created_at=record.created_at,
            created_by=record.created_by,
            expires_at=record.expires_at,
            revoked_at=record.revoked_at,
        )
