"""Bearer tokens on the real ASGI app: `me`, and 401 for every token that is not active."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.access.models import ApiToken
from hub.access.tokens import digest, revoke_token
from hub.app import create_app
from hub.reporting.report_models import ReportVersion
from hub.settings import Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.reporting.catalog_fixture import PROVINCE, store_catalog

ME = "{ me { role agencyCode tokenId tokenName expiresAt } }"


@pytest.fixture
async def client(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client
    await app.state.engine.dispose()


async def _me(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/graphql", json={"query": ME}, headers=headers)


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["errors"][0]
    return error


async def test_me_is_the_tokens_principal(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    expires = datetime(2099, 1, 1, tzinfo=UTC)
    secret = await issue_token(
        session_factory, "reporter", PROVINCE, name="province-system", expires_at=expires
    )

    response = await _me(client, bearer(secret))

    me = response.json()["data"]["me"]
    assert secret.startswith("rh_")
    assert me["role"] == "REPORTER" and me["agencyCode"] == PROVINCE
    assert me["tokenName"] == "province-system" and me["expiresAt"].startswith("2099-01-01")
    assert isinstance(me["tokenId"], int)


async def test_me_is_null_for_anonymous_callers(client: httpx.AsyncClient) -> None:
    response = await _me(client, {})

    assert response.status_code == 200 and response.json()["data"]["me"] is None


async def test_the_secret_is_stored_only_as_its_digest(
    session_factory: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    secret = await issue_token(session_factory, "admin")

    async with session_factory() as session:
        stored = (await session.scalars(sa.select(ApiToken.secret_sha256))).all()

    assert stored == [digest(secret)] and secret not in stored


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Bearer rh_short", "malformed token"),
        ("Basic dXNlcjpwYXNz", "must be `Bearer <token>`"),
        ("Bearer ", "must be `Bearer <token>`"),
        ("Bearer rh_" + "A" * 43, "unknown token"),
        ("Bearer rh_" + "A" * 42 + "\u00e9", "malformed token"),
    ],
)
async def test_a_malformed_or_unknown_token_is_a_401(
    client: httpx.AsyncClient, header: str, reason: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": ME}, headers={b"authorization": header.encode("utf-8")}
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert reason in _error(response)["message"]
    assert _error(response)["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_token_is_a_401(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    secret = await issue_token(session_factory, "reader")
    assert (await _me(client, bearer(secret))).status_code == 200
    async with session_factory() as session:
        token_id = await session.scalar(sa.select(ApiToken.id))
        assert token_id is not None
        await revoke_token(token_id, session=session, actor="test")
        await session.commit()

    response = await _me(client, bearer(secret))

    assert response.status_code == 401
    assert "revoked" in _error(response)["message"]


async def test_an_expired_token_is_a_401(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    secret = await issue_token(session_factory, "reader")
    async with session_factory() as session:
        await session.execute(
            sa.update(ApiToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()

    response = await _me(client, bearer(secret))

    assert response.status_code == 401
    assert "expired" in _error(response)["message"]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Bearer rh_" + "A" * 43 + " extra", "malformed token"),
        ("Bearer rh_" + "A" * 10_000, "malformed token"),
        ("Bearer rh_" + "A" * 42 + "\x00", "malformed token"),
        ("Bearer\trh_" + "A" * 43, "must be `Bearer <token>`"),
        ("Token rh_" + "A" * 43, "must be `Bearer <token>`"),
    ],
    ids=["trailing text", "10 KB", "NUL", "tab", "another scheme"],
)
async def test_other_malformed_headers_are_a_401(
    client: httpx.AsyncClient, header: str, reason: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": ME}, headers={b"authorization": header.encode("latin-1")}
    )

    assert response.status_code == 401
    assert reason in _error(response)["message"]


async def test_the_scheme_is_case_insensitive(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    secret = await issue_token(session_factory, "reader")

    response = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"bearer {secret}"}
    )

    assert response.status_code == 200 and response.json()["data"]["me"]["role"] == "READER"


SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { code } report { id } }
}
"""
REPORT = {
    "regime": "BC-M",
    "period": "2025-M03",
    "agency": PROVINCE,
    "observations": [
        {
            "indicator": "POP",
            "area": "P01",
            "period": "2025-M03",
            "dimensions": [{"dimension": "SEX", "code": "T"}],
            "value": "1",
            "unit": "PERSON",
        }
    ],
}


@pytest.mark.parametrize("state", ["revoked", "expired"])
async def test_a_token_that_is_no_longer_active_writes_nothing(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession], state: str
) -> None:
    # given a reporter token that worked, then was revoked or expired
    secret = await issue_token(session_factory, "reporter", PROVINCE)
    first = await client.post(
        "/graphql", json={"query": SUBMIT, "variables": {"input": REPORT}}, headers=bearer(secret)
    )
    assert first.json()["data"]["submitReport"]["errors"] == []
    async with session_factory() as session:
        if state == "revoked":
            token_id = await session.scalar(sa.select(ApiToken.id))
            assert token_id is not None
            await revoke_token(token_id, session=session, actor="test")
        else:
            past = datetime.now(UTC) - timedelta(seconds=1)
            await session.execute(sa.update(ApiToken).values(expires_at=past))
        await session.commit()
        versions_before = await session.scalar(
            sa.select(sa.func.count()).select_from(ReportVersion)
        )

    response = await client.post(
        "/graphql", json={"query": SUBMIT, "variables": {"input": REPORT}}, headers=bearer(secret)
    )

    assert response.status_code == 401 and state in _error(response)["message"]
    async with session_factory() as session:
        versions = await session.scalar(sa.select(sa.func.count()).select_from(ReportVersion))
    assert versions == versions_before == 1
