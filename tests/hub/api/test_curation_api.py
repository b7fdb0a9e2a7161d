"""Curating the catalog through GraphQL on the real app: drafts, publication, stale edits,
validation errors with paths, history, impact, and values keeping their definition version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.app import create_app
from hub.settings import Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME, store_catalog

UPDATE_INDICATOR = """
mutation Update($input: UpdateIndicatorInput!) {
  updateIndicator(input: $input) {
    errors { path code message }
    version { kind code version status basedOn createdBy comment diff }
  }
}
"""

PUBLISH = """
mutation Publish($input: DraftInput!) {
  publishDraft(input: $input) {
    errors { path code message }
    version { version status publishedBy }
  }
}
"""

INDICATOR = """
query { indicator(code: "POP") { name versions { version status } } }
"""

VERSIONS = """
query { catalogVersions(kind: INDICATOR, code: "POP") { version status createdBy diff } }
"""

IMPACT = """
query { impact(kind: UNIT, code: "PERSON") { regimes forms indicators valueCount } }
"""

SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } }
}
"""

ACCEPT = """
mutation Accept($input: ReviewReportInput!) {
  acceptReport(input: $input) { errors { path code message } }
}
"""

VALUES = """
query { observations(filter: {indicators: ["POP"]}, first: 10) {
  edges { node { value revision definitionVersion } } } }
"""


class Hub:
    """The app and the tokens of a curator, a reporter of PROVINCE and a reviewer."""

    def __init__(self, client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    async def call(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: str | None = None
    ) -> dict[str, Any]:
        headers = bearer(self.tokens[as_]) if as_ else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code < 500, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
async def hub(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Hub]:
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    tokens = {
        "curator": await issue_token(session_factory, "curator"),
        "reporter": await issue_token(session_factory, "reporter", PROVINCE),
        "reviewer": await issue_token(session_factory, "reviewer", "VPCP"),
    }
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub.test"
    ) as client:
        yield Hub(client, tokens)
    await app.state.engine.dispose()


def _rename(base: int, name: str = "Dân số (mới)") -> dict[str, Any]:
    return {"input": {"code": "POP", "baseVersion": base, "nameVi": name, "comment": "rename"}}


async def test_an_edit_is_a_draft_until_published(hub: Hub) -> None:
    edited = (await hub.call(UPDATE_INDICATOR, _rename(1), as_="curator"))["updateIndicator"]
    before = (await hub.call(INDICATOR))["indicator"]
    published = (
        await hub.call(
            PUBLISH, {"input": {"kind": "INDICATOR", "code": "POP", "version": 2}}, as_="curator"
        )
    )["publishDraft"]
    after = (await hub.call(INDICATOR))["indicator"]
    history = (await hub.call(VERSIONS))["catalogVersions"]

    assert edited["errors"] == []
    assert edited["version"]["status"] == "DRAFT"
    assert edited["version"]["basedOn"] == 1
    assert '"Dân số (mới)"@vi' in edited["version"]["diff"]
    assert before["name"] != "Dân số (mới)"
    assert published == {
        "errors": [],
        "version": {
            "version": 2,
            "status": "PUBLISHED",
            "publishedBy": published["version"]["publishedBy"],
        },
    }
    assert published["version"]["publishedBy"].startswith("token:")
    assert after["name"] == "Dân số (mới)"
    assert [v["status"] for v in after["versions"]] == ["RETIRED", "PUBLISHED"]
    assert [(v["version"], v["status"]) for v in history] == [(1, "RETIRED"), (2, "PUBLISHED")]
    assert history[1]["createdBy"].startswith("token:")


async def test_a_stale_edit_and_an_anonymous_edit_are_refused(hub: Hub) -> None:
    await hub.call(UPDATE_INDICATOR, _rename(1), as_="curator")

    stale = (await hub.call(UPDATE_INDICATOR, _rename(1, "Khác"), as_="curator"))["updateIndicator"]
    anonymous = (await hub.call(UPDATE_INDICATOR, _rename(2, "Khác")))["updateIndicator"]
    reporter = (await hub.call(UPDATE_INDICATOR, _rename(2, "Khác"), as_="reporter"))[
        "updateIndicator"
    ]

    assert stale["version"] is None
    assert stale["errors"][0]["code"] == "STALE_VERSION"
    assert stale["errors"][0]["path"] == "baseVersion"
    assert "version 2 (draft" in stale["errors"][0]["message"]
    assert anonymous["errors"][0]["code"] == "PERMISSION_DENIED"
    assert reporter["errors"][0]["code"] == "PERMISSION_DENIED"


async def test_an_unknown_unit_cannot_be_published_and_the_error_has_a_path(hub: Hub) -> None:
    edit = {"input": {"code": "POP", "baseVersion": 1, "unit": "NO_SUCH_UNIT"}}
    await hub.call(UPDATE_INDICATOR, edit, as_="curator")

    refused = (
        await hub.call(
            PUBLISH, {"input": {"kind": "INDICATOR", "code": "POP", "version": 2}}, as_="curator"
        )
    )["publishDraft"]

    assert refused["version"] is None
    assert {"path": "indicator POP unit", "code": "RULE_VIOLATION"} in [
        {"path": e["path"], "code": e["code"]} for e in refused["errors"]
    ]


async def test_a_value_keeps_the_definition_version_it_was_reported_under(hub: Hub) -> None:
    report = {
        "regime": REGIME,
        "period": PERIOD,
        "agency": PROVINCE,
        "sections": [{"code": "S1", "text": "Ổn định."}],
        "observations": [
            {
                "indicator": "POP",
                "area": "P01",
                "period": PERIOD,
                "dimensions": [{"dimension": "SEX", "code": "T"}],
                "value": "1000",
                "unit": "PERSON",
            }
        ],
    }
    submitted = (await hub.call(SUBMIT, {"input": report}, as_="reporter"))["submitReport"]
    review = {"regime": REGIME, "agency": PROVINCE, "period": PERIOD}
    accepted = (await hub.call(ACCEPT, {"input": review}, as_="reviewer"))["acceptReport"]
    await hub.call(UPDATE_INDICATOR, _rename(1), as_="curator")
    await hub.call(
        PUBLISH, {"input": {"kind": "INDICATOR", "code": "POP", "version": 2}}, as_="curator"
    )

    values = (await hub.call(VALUES))["observations"]["edges"]
    impact = (await hub.call(IMPACT))["impact"]

    assert submitted["errors"] == [] and accepted["errors"] == []
    assert [v["node"]["definitionVersion"] for v in values] == [1]
    assert "POP" in impact["indicators"]
    assert REGIME in impact["regimes"]
    assert impact["valueCount"] == 1
