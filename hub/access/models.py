"""Tables of access control; for now the audit log every write appends to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import CODE_LENGTH, Base, UTCDateTime, utcnow

ACTOR_LENGTH = 200
ACTION_LENGTH = 64


class AuditEvent(Base):
    """Who did what, when, through which token, to which entity (DESIGN.md §5)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(ACTOR_LENGTH), index=True)
    # The API token the actor used; the access issue adds the token table (no FK until then).
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
