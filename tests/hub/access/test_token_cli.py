"""`hub token create | list | revoke` against a real database."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from hub.access.models import ApiToken
from hub.access.tokens import AuthenticationError, authenticate, digest
from hub.cli import app
from hub.db import create_engine, create_session_factory
from hub.settings import Settings
from tests.hub.reporting.catalog_fixture import PROVINCE, store_catalog


async def _seed(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    async with create_session_factory(engine)() as session:
        await store_catalog(session)
        await session.commit()
    await engine.dispose()


async def _check(url: str, secret: str) -> tuple[str | None, str]:
    """(agency of the token's principal or the 401 reason, stored digest)."""
    engine = create_engine(Settings(database_url=url))
    async with create_session_factory(engine)() as session:
        stored = await session.scalar(sa.select(ApiToken.secret_sha256))
        try:
            agency = (await authenticate(secret, session=session)).agency
        except AuthenticationError as error:
            agency = error.message
    await engine.dispose()
    return agency, stored or ""


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    asyncio.run(_seed(database_url))
    return CliRunner()


def test_create_prints_the_secret_once_list_shows_it_revoke_ends_it(
    runner: CliRunner, database_url: str
) -> None:
    created = runner.invoke(
        app,
        [
            "token",
            "create",
            "--role",
            "reporter",
            "--agency",
            PROVINCE,
            "--expires",
            "30d",
            "--name",
            "province system",
        ],
    )
    secret = created.stdout.strip()
    listed = runner.invoke(app, ["token", "list"])
    agency, stored = asyncio.run(_check(database_url, secret))
    revoked = runner.invoke(app, ["token", "revoke", "1"])
    after, _ = asyncio.run(_check(database_url, secret))
    listed_after = runner.invoke(app, ["token", "list"])

    assert created.exit_code == 0, created.output
    assert secret.startswith("rh_") and stored == digest(secret)
    assert "province system" in listed.stdout and "active" in listed.stdout
    assert secret not in listed.stdout
    assert agency == PROVINCE
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    assert after == "token 1 was revoked" and "revoked" in listed_after.stdout


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["--role", "reporter"], "agency: a reporter token needs an agency"),
        (["--role", "reporter", "--agency", "NOPE"], "no agency with code 'NOPE'"),
        (["--role", "admin", "--agency", PROVINCE], "acts for no agency"),
        (["--role", "boss"], "role 'boss' is not one of"),
        (["--role", "reader", "--expires", "soon"], "neither a date"),
        (["--role", "reader", "--expires", "2001-01-01"], "the expiry is in the past"),
    ],
)
def test_bad_token_requests_are_refused_clearly(
    runner: CliRunner, arguments: list[str], reason: str
) -> None:
    result = runner.invoke(app, ["token", "create", *arguments])

    assert result.exit_code == 1
    assert reason in " ".join(result.stderr.split())
    assert "rh_" not in result.stdout


def test_revoking_an_unknown_token_fails(runner: CliRunner) -> None:
    result = runner.invoke(app, ["token", "revoke", "99"])

    assert result.exit_code == 1 and "no token with code '99'" in result.stderr
