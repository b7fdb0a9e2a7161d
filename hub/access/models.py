"""Tables of access control: API tokens and the audit log every write appends to."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import CODE_LENGTH, Base, UTCDateTime, enum_type, utcnow

ACTOR_LENGTH = 200
ACTION_LENGTH = 64


class AuditEvent(Base):
    """Who did what, when, through which token, to which entity (DESIGN.md §5)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(ACTOR_LENGTH), index=True)
    # The API token the actor used (`api_token.id`); no foreign key, so the log outlives tokens.
    token_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(sa.String(ACTION_LENGTH))  # e.g. report.submit
    entity_kind: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))  # e.g. report, crosswalk
    # A readable key of the entity: `REGIME/AGENCY/PERIOD` for a report, the system for a
    # crosswalk; long enough for composite keys.
    entity_code: Mapped[str] = mapped_column(sa.String(400))
    report_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("report_version.id"), index=True
    )
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.Index("ix_audit_event_entity", "entity_kind", "entity_code"),)


class Role(enum.Enum):
    """What a principal may do (README, "Security model")."""

    READER = "reader"
    REPORTER = "reporter"
    REVIEWER = "reviewer"
    CURATOR = "curator"
    ADMIN = "admin"


ROLES_WITH_AGENCY = (Role.REPORTER, Role.REVIEWER)
TOKEN_NAME_LENGTH = 100


class ApiToken(Base):
    """An API token of a connected system or a person: a role and, for some roles, an agency.

    Only the SHA-256 of the secret is stored. The secret has 256 bits of entropy, so a fast
    unsalted hash is enough: there is nothing to brute-force that a slow hash would protect
    (unlike passwords), and a digest lookup by unique index costs one indexed SELECT.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(TOKEN_NAME_LENGTH))
    role: Mapped[Role] = mapped_column(enum_type(Role, "token_role"))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(ACTOR_LENGTH))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
