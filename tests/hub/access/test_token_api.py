"""createToken / revokeToken: admins only; the new secret works at once and stops on revoke."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.access.models import AuditEvent
from hub.app import create_app
from hub.settings import Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.api.conftest import graphql
from tests.hub.reporting.catalog_fixture import PROVINCE, store_catalog

CREATE = """
mutation Create($input: CreateTokenInput!) {
  createToken(input: $input) {
    errors { path code message }
    secret
    token { id name role agencyCode expiresAt revokedAt createdBy }
  }
}
"""
REVOKE = """
mutation Revoke($id: Int!) {
  revokeToken(input: {id: $id}) { errors { path code message } token { id revokedAt } }
}
"""
NEW = {"name": "province system", "role": "REPORTER", "agency": PROVINCE}


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


async def test_an_admin_issues_and_revokes_tokens(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    admin = bearer(await issue_token(session_factory, "admin", name="root"))

    created = (await graphql(client, CREATE, {"input": NEW}, admin))["data"]["createToken"]
    me = await graphql(client, "{ me { agencyCode } }", None, bearer(created["secret"]))
    revoked = (await graphql(client, REVOKE, {"id": created["token"]["id"]}, admin))["data"]
    after = await client.post(
        "/graphql", json={"query": "{ me { role } }"}, headers=bearer(created["secret"])
    )

    assert created["errors"] == [] and created["secret"].startswith("rh_")
    assert created["token"]["role"] == "REPORTER" and created["token"]["agencyCode"] == PROVINCE
    assert created["token"]["createdBy"].endswith(":root")
    assert me == {"data": {"me": {"agencyCode": PROVINCE}}}
    assert revoked["revokeToken"]["errors"] == [] and revoked["revokeToken"]["token"]["revokedAt"]
    assert after.status_code == 401


@pytest.mark.parametrize("role", [None, "reader", "curator"])
async def test_only_admins_manage_tokens(
    client: httpx.AsyncClient,
    session_factory: async_sessionmaker[AsyncSession],
    role: str | None,
) -> None:
    headers = bearer(await issue_token(session_factory, role)) if role else {}

    created = (await graphql(client, CREATE, {"input": NEW}, headers))["data"]["createToken"]
    revoked = (await graphql(client, REVOKE, {"id": 1}, headers))["data"]["revokeToken"]

    assert created["secret"] is None and created["token"] is None
    assert created["errors"][0]["code"] == "PERMISSION_DENIED"
    assert "may not create tokens (needs role admin)" in created["errors"][0]["message"]
    assert revoked["errors"][0]["code"] == "PERMISSION_DENIED" and revoked["token"] is None
    async with session_factory() as session:
        query = sa.select(AuditEvent.details).where(AuditEvent.action == "access.denied")
        denied = (await session.scalars(query.order_by(AuditEvent.id))).all()
    assert [d["right"] for d in denied] == [
        "create tokens (needs role admin)",
        "revoke tokens (needs role admin)",
    ]


async def test_a_bad_token_request_is_a_clear_error(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    admin = bearer(await issue_token(session_factory, "admin"))

    payload = (await graphql(client, CREATE, {"input": {**NEW, "agency": "NOPE"}}, admin))["data"][
        "createToken"
    ]

    assert [(e["path"], e["code"]) for e in payload["errors"]] == [("agency", "NOT_FOUND")]
