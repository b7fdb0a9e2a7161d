"""The audit log: every service that changes data appends one event in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.models import AuditEvent
from hub.db import utcnow


async def record_event(
    *,
    session: AsyncSession,
    actor: str,
    action: str,
    entity_kind: str,
    entity_code: str,
    report_version_id: int | None = None,
    token_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Append an audit event: `actor` (through `token_id`, if any) did `action` to the entity.

    Written with a plain INSERT in the caller's transaction, so the event commits or rolls
    back with the change it records. `details` must be JSON-serialisable.
    """
    await session.execute(
        sa.insert(AuditEvent).values(
            at=at or utcnow(),
            actor=actor,
            token_id=token_id,
            action=action,
            entity_kind=entity_kind,
            entity_code=entity_code,
            report_version_id=report_version_id,
            details=details or {},
        )
    )
