"""Mutations of access: admins issue and revoke API tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.access import rules, tokens
from hub.access.models import Role
from hub.access.types import ApiToken
from hub.errors import HubError
from hub.graphql.context import Context
from hub.reporting.mutations import InputError

Info = strawberry.Info[Context, None]


@strawberry.input(description="A new API token.")
class CreateTokenInput:
    name: str = strawberry.field(description="Who or what holds it (a system, a person).")
    role: Role = strawberry.field(description="What it may do.")
    agency: str | None = strawberry.field(
        default=None, description="Code of the agency it acts for (reporters and reviewers)."
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="When it stops working; never when omitted."
    )


@strawberry.input(description="The token to revoke.")
class RevokeTokenInput:
    id: int = strawberry.field(description="The token's id.")


@strawberry.type(description="Result of createToken.")
class CreateTokenPayload:
    errors: list[InputError] = strawberry.field(description="Why it was refused; empty on success.")
    token: ApiToken | None = strawberry.field(description="The token, when issued.")
    secret: str | None = strawberry.field(
        description="The bearer secret: shown only in this answer, stored only as a digest."
    )


@strawberry.type(description="Result of revokeToken.")
class RevokeTokenPayload:
    errors: list[InputError] = strawberry.field(description="Why it was refused; empty on success.")
    token: ApiToken | None = strawberry.field(description="The token, revoked.")


def _error(error: HubError) -> InputError:
    return InputError(path=error.field or "input", code=error.code, message=error.message)


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Issue an API token (admins only); its secret is shown once.")
    async def create_token(self, info: Info, input: CreateTokenInput) -> CreateTokenPayload:
        session, principal = info.context.session, info.context.principal
        try:
            issued = await tokens.create_token(
                session=session,
                role=input.role,
                name=input.name,
                agency=input.agency,
                expires_at=input.expires_at,
                actor=principal.actor,
                token_id=principal.token_id,
                principal=principal,
            )
        except HubError as error:
            await rules.abandon(session, error)
            return CreateTokenPayload(errors=[_error(error)], token=None, secret=None)
        await session.commit()
        return CreateTokenPayload(
            errors=[], token=ApiToken.from_record(issued.record), secret=issued.secret
        )

    @strawberry.mutation(description="Revoke an API token at once (admins only).")
    async def revoke_token(self, info: Info, input: RevokeTokenInput) -> RevokeTokenPayload:
        session, principal = info.context.session, info.context.principal
        try:
            record = await tokens.revoke_token(
                input.id,
                session=session,
                actor=principal.actor,
                token_id=principal.token_id,
                principal=principal,
            )
        except HubError as error:
            await rules.abandon(session, error)
            return RevokeTokenPayload(errors=[_error(error)], token=None)
        await session.commit()
        return RevokeTokenPayload(errors=[], token=ApiToken.from_record(record))
