"""Issuing tokens for API tests: `secret = await issue_token(session_factory, "reporter", "X")`
then `client.post(..., headers=bearer(secret))`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.access.tokens import create_token


async def issue_token(
    session_factory: async_sessionmaker[AsyncSession],
    role: str,
    agency: str | None = None,
    *,
    name: str | None = None,
    expires_at: datetime | None = None,
) -> str:
    """A committed token of `role` (for `agency`); returns its secret."""
    async with session_factory() as session:
        issued = await create_token(
            session=session,
            role=role,
            agency=agency,
            name=name or f"test-{role}-{agency or 'any'}",
            expires_at=expires_at,
            actor="test",
        )
        await session.commit()
    return issued.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
