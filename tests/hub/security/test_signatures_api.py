"""Signatures through GraphQL on the real ASGI app: a client signs what it sends."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.access.models import AuditEvent
from hub.app import create_app
from hub.reporting.report_models import ReportVersion
from hub.settings import Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME, store_catalog
from tests.hub.security.keys import canonical, make_key

REGISTER = """
mutation($input: RegisterAgencyKeyInput!) {
  registerAgencyKey(input: $input) {
    errors { path code message } key { keyId agencyCode algorithm }
  }
}
"""
SUBMIT = """
mutation($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } report { id } }
}
"""
VERIFY = "query($id: ID!) { verifyReport(id: $id) { signed valid code keyId digest } }"

REPORT: dict[str, Any] = {
    "regime": REGIME,
    "period": PERIOD,
    "agency": PROVINCE,
    "sections": [{"code": "S1", "text": "'; DROP TABLE report;-- \\u0000? no: ổn định"}],
    "observations": [
        {
            "indicator": "POP",
            "area": "P01",
            "period": PERIOD,
            "dimensions": [{"dimension": "SEX", "code": "T"}],
            "value": "1000",
            "unit": "PERSON",
            "comment": '" OR 1=1',
        }
    ],
}


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


async def _post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], secret: str
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=bearer(secret)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_signed_submission_verifies_and_a_tampered_one_writes_nothing(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    admin = await issue_token(session_factory, "admin")
    reporter = await issue_token(session_factory, "reporter", PROVINCE)
    key = make_key("ED25519")
    registered = (
        await _post(
            client, REGISTER, {"input": {"agency": PROVINCE, "publicKey": key.public}}, admin
        )
    )["registerAgencyKey"]
    assert registered["errors"] == [] and registered["key"]["algorithm"] == "ED25519"
    key_id = registered["key"]["keyId"]
    value = base64.b64encode(key.sign(canonical(REPORT))).decode()
    signature = {"keyId": key_id, "algorithm": "ED25519", "value": value}

    tampered = {**REPORT, "sections": [{"code": "S1", "text": "changed"}], "signature": signature}
    refused = (await _post(client, SUBMIT, {"input": tampered}, reporter))["submitReport"]
    async with session_factory() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(ReportVersion)) == 0
    submitted = (
        await _post(client, SUBMIT, {"input": {**REPORT, "signature": signature}}, reporter)
    )["submitReport"]
    verified = (await _post(client, VERIFY, {"id": submitted["report"]["id"]}, reporter))[
        "verifyReport"
    ]

    assert [(e["path"], e["code"]) for e in refused["errors"]] == [
        ("signature", "SIGNATURE_INVALID")
    ]
    assert submitted["errors"] == []
    assert verified["signed"] and verified["valid"] and verified["keyId"] == key_id


async def test_only_admins_and_the_agencys_reporters_register_keys(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    other = await issue_token(session_factory, "reporter", "UBND-02")
    variables = {"input": {"agency": PROVINCE, "publicKey": make_key("ED25519").public}}
    anonymous = (
        await client.post("/graphql", json={"query": REGISTER, "variables": variables})
    ).json()
    foreign = await _post(client, REGISTER, variables, other)

    for refused in (anonymous["data"], foreign):
        [error] = refused["registerAgencyKey"]["errors"]
        assert (error["path"], error["code"]) == ("agency", "PERMISSION_DENIED")
        assert f"may not manage the signing keys of agency {PROVINCE}" in error["message"]
    async with session_factory() as session:
        denials = (
            await session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "access.denied"))
        ).all()
    assert [(d.actor.split(":")[0], d.entity_code) for d in denials] == [
        ("anonymous@127.0.0.1", PROVINCE),
        ("token", PROVINCE),
    ]
