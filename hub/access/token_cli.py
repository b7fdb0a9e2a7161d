"""`hub token create | list | revoke`: token management at the console (no token needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from hub.settings import Settings

T = TypeVar("T")

token_app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
LOCAL_ACTOR = "local"


def _run(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction; a `HubError` is printed and exits 1."""
    from hub.db import create_engine, create_session_factory
    from hub.errors import HubError

    async def run() -> T:
        engine = create_engine(Settings.from_env())
        try:
            async with create_session_factory(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except HubError as error:
        where = f"{error.field}: " if error.field else ""
        err.print(f"[red]{where}{error.message}[/red]")
        raise typer.Exit(1) from None


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="reader, reporter, reviewer, curator or admin.")],
    agency: Annotated[
        str | None, typer.Option(help="Agency code (reporters and reviewers only).")
    ] = None,
    expires: Annotated[
        str | None, typer.Option(help="Expiry: a date (2027-01-01, UTC) or days (30d).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Who or what holds it.")] = None,
) -> None:
    """Issue a token and print its secret once: it is stored hashed and cannot be shown again."""
    from hub.access.tokens import IssuedToken, create_token, parse_expiry

    async def work(session: AsyncSession) -> IssuedToken:
        return await create_token(
            session=session,
            role=role,
            agency=agency,
            name=name or f"{role}{'-' + agency if agency else ''}",
            expires_at=parse_expiry(expires) if expires else None,
            actor=LOCAL_ACTOR,
        )

    issued = _run(work)
    record = issued.record
    err.print(
        f"token {record.id} ({record.name}, {record.role.value}"
        f"{', ' + record.agency if record.agency else ''}"
        f"{', expires ' + record.expires_at.isoformat() if record.expires_at else ''}); "
        "keep the secret below, it is shown only now:"
    )
    print(issued.secret)


@token_app.command("list")
def token_list() -> None:
    """Every token (never its secret), with its state, as tab-separated lines."""
    from hub.access.tokens import TokenRecord, list_tokens
    from hub.db import utcnow

    async def work(session: AsyncSession) -> list[TokenRecord]:
        return await list_tokens(session=session)

    now = utcnow()
    print("\t".join(("id", "name", "role", "agency", "created", "expires", "state")))
    for record in _run(work):
        state = "active" if record.is_active(now) else "revoked" if record.revoked_at else "expired"
        row = (
            str(record.id),
            record.name,
            record.role.value,
            record.agency or "-",
            record.created_at.date().isoformat(),
            record.expires_at.isoformat() if record.expires_at else "never",
            state,
        )
        print("\t".join(row))


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="The token's id.")]) -> None:
    """Revoke a token at once; requests carrying it get 401 from now on."""
    from hub.access.tokens import TokenRecord, revoke_token

    async def work(session: AsyncSession) -> TokenRecord:
        return await revoke_token(token_id, session=session, actor=LOCAL_ACTOR)

    record = _run(work)
    console.print(f"token {record.id} ({record.name}) revoked")
