"""API tokens: created (the secret shown once), listed, revoked, and resolved to a principal."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access import rules
from hub.access.audit import record_event
from hub.access.models import ROLES_WITH_AGENCY, TOKEN_NAME_LENGTH, ApiToken, Role
from hub.access.principals import LOCAL_OPERATOR, Principal
from hub.db import utcnow
from hub.errors import HubError, InvalidInputError, NotFoundError
from hub.events.changes import publish
from hub.metadata import models as m

TOKEN_PREFIX = "rh_"
TOKEN_REVOKED = "token.revoked"  # the event of a revocation (`hub.events`)
# token_urlsafe(32): 32 random bytes as 43 URL-safe base64 characters.
_TOKEN_PATTERN = re.compile(r"rh_[A-Za-z0-9_-]{43}")
_DURATION = re.compile(r"(\d{1,5})d")


class AuthenticationError(HubError):
    """A presented token is malformed, unknown, revoked or expired (HTTP 401)."""

    code = "UNAUTHENTICATED"


@dataclass(frozen=True)
class TokenRecord:
    """A token as listed: never its secret."""

    id: int
    name: str
    role: Role
    agency: str | None
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret, which is not stored and cannot be shown again."""

    record: TokenRecord
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_expiry(text: str, *, now: datetime | None = None) -> datetime:
    """`2027-01-01` (midnight UTC) or `30d` (from now) as an aware datetime."""
    now = now or utcnow()
    duration = _DURATION.fullmatch(text.strip())
    if duration:
        return now + timedelta(days=int(duration.group(1)))
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"expiry {text!r} is neither a date (2027-01-01) nor a number of days (30d)",
            field="expires",
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _record(token: ApiToken, agency: str | None) -> TokenRecord:
    return TokenRecord(
        id=token.id,
        name=token.name,
        role=token.role,
        agency=agency,
        created_at=token.created_at,
        created_by=token.created_by,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
    )


async def create_token(
    *,
    session: AsyncSession,
    role: Role | str,
    name: str,
    actor: str,
    agency: str | None = None,
    expires_at: datetime | None = None,
    token_id: int | None = None,
    now: datetime | None = None,
    principal: Principal = LOCAL_OPERATOR,
) -> IssuedToken:
    """Issue a token with `role` (and `agency`, required for reporters and reviewers, refused
    for the other roles). Raises `InvalidInputError`, `NotFoundError` (unknown agency), or
    `AccessDenied` unless `principal` is an admin. Audited as `token.create`. Never commits."""
    now = now or utcnow()
    rules.require_role(principal, rules.TOKEN_ROLES, "create tokens", "tokens")
    try:
        role = Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInputError(f"role {role!r} is not one of {allowed}", field="role") from None
    if not name.strip() or len(name) > TOKEN_NAME_LENGTH:
        raise InvalidInputError(f"a token name has 1..{TOKEN_NAME_LENGTH} characters", field="name")
    if role in ROLES_WITH_AGENCY and not agency:
        raise InvalidInputError(f"a {role.value} token needs an agency", field="agency")
    if role not in ROLES_WITH_AGENCY and agency:
        raise InvalidInputError(
            f"a {role.value} token acts for no agency; give an agency only to reporters "
            "and reviewers",
            field="agency",
        )
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InvalidInputError("the expiry has no time zone", field="expires")
        if expires_at <= now:
            raise InvalidInputError("the expiry is in the past", field="expires")
    agency_id = None
    if agency:
        agency_id = await session.scalar(sa.select(m.Agency.id).where(m.Agency.code == agency))
        if agency_id is None:
            raise NotFoundError("agency", agency, field="agency")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        role=role,
        agency_id=agency_id,
        secret_sha256=digest(secret),
        created_at=now,
        created_by=actor,
        expires_at=expires_at,
    )
    session.add(token)
    await session.flush()
    await record_event(
        session=session,
        actor=actor,
        token_id=token_id,
        action="token.create",
        entity_kind="token",
        entity_code=str(token.id),
        details={"name": name, "role": role.value, "agency": agency},
        at=now,
    )
    return IssuedToken(record=_record(token, agency), secret=secret)


def _listing() -> sa.Select[ApiToken, str]:
    return sa.select(ApiToken, m.Agency.code).outerjoin(m.Agency, m.Agency.id == ApiToken.agency_id)


async def list_tokens(*, session: AsyncSession) -> list[TokenRecord]:
    """Every token, oldest first, revoked and expired ones included."""
    rows = (await session.execute(_listing().order_by(ApiToken.id))).all()
    return [_record(token, agency) for token, agency in rows]


async def revoke_token(
    token: int,
    *,
    session: AsyncSession,
    actor: str,
    token_id: int | None = None,
    now: datetime | None = None,
    principal: Principal = LOCAL_OPERATOR,
) -> TokenRecord:
    """Revoke token `token` from now on (revoking twice keeps the first time).
    Raises `NotFoundError`, or `AccessDenied` unless `principal` is an admin. Audited as
    `token.revoke`. Never commits."""
    now = now or utcnow()
    rules.require_role(principal, rules.TOKEN_ROLES, "revoke tokens", f"token {token}")
    row = (await session.execute(_listing().where(ApiToken.id == token))).one_or_none()
    if row is None:
        raise NotFoundError("token", str(token), field="id")
    stored, agency = row
    if stored.revoked_at is None:
        stored.revoked_at = now
        await session.flush()
        await record_event(
            session=session,
            actor=actor,
            token_id=token_id,
            action="token.revoke",
            entity_kind="token",
            entity_code=str(stored.id),
            details={"name": stored.name},
            at=now,
        )
        # Open WebSocket connections of the token close when this commits (hub.graphql.live).
        publish(session, {"kind": TOKEN_REVOKED, "token": stored.id})
    return _record(stored, agency)


async def authenticate(
    secret: str, *, session: AsyncSession, now: datetime | None = None
) -> Principal:
    """The principal of a presented token secret; raises `AuthenticationError` saying why
    (malformed, unknown, revoked, expired)."""
    now = now or utcnow()
    if not _TOKEN_PATTERN.fullmatch(secret):
        raise AuthenticationError(
            f"malformed token: expected {TOKEN_PREFIX} followed by 43 URL-safe characters",
            field="Authorization",
        )
    row = (
        await session.execute(_listing().where(ApiToken.secret_sha256 == digest(secret)))
    ).one_or_none()
    if row is None:
        raise AuthenticationError("unknown token", field="Authorization")
    token, agency = row
    if token.revoked_at is not None:
        raise AuthenticationError(f"token {token.id} was revoked", field="Authorization")
    if token.expires_at is not None and token.expires_at <= now:
        raise AuthenticationError(
            f"token {token.id} expired at {token.expires_at.isoformat()}", field="Authorization"
        )
    return Principal(
        role=token.role,
        agency=agency,
        token_id=token.id,
        token_name=token.name,
        expires_at=token.expires_at,
    )
