"""Each access rule both ways through the real API: allowed, and refused with the refusal
audited (`access.denied`, the principal, the missing right)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.access.models import AuditEvent
from hub.app import create_app
from hub.metadata import models as m
from hub.metadata.indicator_models import Indicator, IndicatorVersion
from hub.reporting.report_models import Report
from hub.settings import Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.api.conftest import graphql
from tests.hub.reporting.catalog_fixture import (
    MINISTRY,
    OTHER_PROVINCE,
    PERIOD,
    PROVINCE,
    REGIME,
    store_catalog,
)

SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } report { status }
    version { submittedBy } }
}
"""
ACCEPT = """
mutation Accept($input: ReviewReportInput!) {
  acceptReport(input: $input) { errors { path code message } report { status } }
}
"""
RETURN = """
mutation Return($input: ReviewReportInput!) {
  returnReport(input: $input) { errors { path code message } report { status } }
}
"""
REGISTER = """
mutation Register($input: RegisterCrosswalkInput!) {
  registerCrosswalk(input: $input) { errors { path code message } created }
}
"""
REVIEW = {"regime": REGIME, "agency": PROVINCE, "period": PERIOD}
CROSSWALK = {
    "system": "HN-SYS",
    "kind": "AREA",
    "entries": [{"localCode": "HNI", "sharedCode": "P01"}],
}

Headers = dict[str, str]


def _report(agency: str = PROVINCE, **observation: Any) -> dict[str, Any]:
    values = {
        "indicator": "POP",
        "area": "P01",
        "period": PERIOD,
        "dimensions": [{"dimension": "SEX", "code": "T"}],
        "value": "1000",
        "unit": "PERSON",
        **observation,
    }
    return {"regime": REGIME, "period": PERIOD, "agency": agency, "observations": [values]}


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


@pytest.fixture
async def token(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> Any:
    async def issue(role: str, agency: str | None = None) -> Headers:
        return bearer(await issue_token(session_factory, role, agency))

    return issue


async def _denials(session_factory: async_sessionmaker[AsyncSession]) -> list[AuditEvent]:
    async with session_factory() as session:
        query = sa.select(AuditEvent).where(AuditEvent.action == "access.denied")
        return list((await session.scalars(query.order_by(AuditEvent.id))).all())


async def _report_count(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(Report)) or 0)


async def _submit(client: httpx.AsyncClient, report: dict[str, Any], headers: Headers) -> Any:
    return (await graphql(client, SUBMIT, {"input": report}, headers))["data"]["submitReport"]


async def test_a_reporter_submits_for_its_own_agency_and_area(
    client: httpx.AsyncClient, token: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    reporter = await token("reporter", PROVINCE)

    own = await _submit(client, _report(), reporter)
    commune = await _submit(client, _report(area="P01-C1"), reporter)

    assert own["errors"] == [] and commune["errors"] == []
    assert own["version"]["submittedBy"].startswith("token:")
    async with session_factory() as session:
        event = await session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "report.submit").limit(1)
        )
    assert event is not None and event.token_id is not None
    assert event.actor == f"token:{event.token_id}:test-reporter-{PROVINCE}"
    assert await _denials(session_factory) == []


@pytest.mark.parametrize(
    ("role", "agency", "message"),
    [
        (None, None, "an anonymous caller may not submit reports"),
        ("reader", None, "role reader may not submit reports"),
        ("reviewer", "VPCP", "role reviewer of agency VPCP may not submit reports"),
        ("reporter", OTHER_PROVINCE, f"of agency {OTHER_PROVINCE} may not submit for {PROVINCE}"),
    ],
)
async def test_only_a_reporter_of_the_agency_submits_and_refusals_are_audited(
    client: httpx.AsyncClient,
    token: Any,
    session_factory: async_sessionmaker[AsyncSession],
    role: str | None,
    agency: str | None,
    message: str,
) -> None:
    headers = await token(role, agency) if role else {}

    payload = await _submit(client, _report(), headers)

    assert [(e["path"], e["code"]) for e in payload["errors"]] == [("agency", "PERMISSION_DENIED")]
    assert message in payload["errors"][0]["message"]
    assert payload["report"] is None and await _report_count(session_factory) == 0
    [denial] = await _denials(session_factory)
    assert denial.entity_code == PROVINCE and "submit" in denial.details["right"]
    assert (denial.token_id is None) == (role is None)
    assert denial.actor.startswith("anonymous" if role is None else "token:")


async def test_a_province_reporter_may_not_report_areas_outside_its_jurisdiction(
    client: httpx.AsyncClient, token: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    reporter = await token("reporter", PROVINCE)

    payload = await _submit(client, _report(area="P02"), reporter)

    assert [(e["path"], e["code"]) for e in payload["errors"]] == [
        ("observations[0].area", "AREA_OUTSIDE_JURISDICTION")
    ]
    [denial] = await _denials(session_factory)
    assert denial.details["problems"] == [
        {"path": "observations[0].area", "code": "AREA_OUTSIDE_JURISDICTION"}
    ]
    assert await _report_count(session_factory) == 0


async def test_a_ministry_reports_only_its_own_indicators_for_any_area(
    client: httpx.AsyncClient, token: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # given REV is the ministry's indicator, POP is not (VPCP's)
    async with session_factory() as session:
        ministry = await session.scalar(sa.select(m.Agency.id).where(m.Agency.code == MINISTRY))
        rev = sa.select(Indicator.id).where(Indicator.code == "REV").scalar_subquery()
        await session.execute(
            sa.update(IndicatorVersion)
            .where(IndicatorVersion.indicator_id == rev)
            .values(agency_id=ministry)
        )
        await session.commit()
    reporter = await token("reporter", MINISTRY)
    revenue = {"indicator": "REV", "dimensions": [], "value": "5", "unit": "BVND"}

    refused = await _submit(client, _report(MINISTRY, area="P02"), reporter)
    allowed = await _submit(client, _report(MINISTRY, area="P02", **revenue), reporter)

    assert [(e["path"], e["code"]) for e in refused["errors"]] == [
        ("observations[0].indicator", "INDICATOR_NOT_RESPONSIBLE")
    ]
    assert "responsible agency is VPCP" in refused["errors"][0]["message"]
    assert allowed["errors"] == [] and allowed["report"]["status"] == "SUBMITTED"
    [denial] = await _denials(session_factory)
    assert denial.details["problems"][0]["code"] == "INDICATOR_NOT_RESPONSIBLE"


async def test_only_a_reviewer_of_the_recipient_reviews(
    client: httpx.AsyncClient, token: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _submit(client, _report(), await token("reporter", PROVINCE))
    outsiders = [
        ({}, "an anonymous caller may not review"),
        (await token("reporter", PROVINCE), "needs role reviewer of agency VPCP"),
        (await token("reviewer", OTHER_PROVINCE), "its recipient is VPCP"),
    ]
    recipient = await token("reviewer", "VPCP")

    refusals = []
    for headers, _ in outsiders:
        body = await graphql(client, RETURN, {"input": {**REVIEW, "comment": "Sai."}}, headers)
        refusals.append(body["data"]["returnReport"])
    accepted = (await graphql(client, ACCEPT, {"input": REVIEW}, recipient))["data"]

    for refusal, (_, message) in zip(refusals, outsiders, strict=True):
        assert refusal["report"] is None
        assert refusal["errors"][0]["code"] == "PERMISSION_DENIED"
        assert message in refusal["errors"][0]["message"]
    assert accepted["acceptReport"] == {"errors": [], "report": {"status": "ACCEPTED"}}
    denials = await _denials(session_factory)
    assert len(denials) == 3 and {d.entity_code for d in denials} == {
        f"{REGIME}/{PROVINCE}/{PERIOD}"
    }


async def test_crosswalks_are_registered_by_admins_and_reporters_only(
    client: httpx.AsyncClient, token: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    reader = await graphql(client, REGISTER, {"input": CROSSWALK}, await token("reader"))
    anonymous = await graphql(client, REGISTER, {"input": CROSSWALK})
    reporter = await graphql(
        client, REGISTER, {"input": CROSSWALK}, await token("reporter", PROVINCE)
    )
    admin = await graphql(
        client,
        REGISTER,
        {"input": {**CROSSWALK, "entries": [{"localCode": "HCM", "sharedCode": "P02"}]}},
        await token("admin"),
    )

    for refused in (reader, anonymous):
        error = refused["data"]["registerCrosswalk"]["errors"][0]
        assert error["code"] == "PERMISSION_DENIED" and "register crosswalks" in error["message"]
    assert reporter["data"]["registerCrosswalk"] == {"errors": [], "created": 1}
    assert admin["data"]["registerCrosswalk"] == {"errors": [], "created": 1}
    assert [d.entity_code for d in await _denials(session_factory)] == ["HN-SYS", "HN-SYS"]


UPDATE_UNIT = """
mutation Update($input: UpdateUnitInput!) {
  updateUnit(input: $input) { errors { path code message } version { version createdBy } }
}
"""


async def test_only_curators_and_admins_edit_the_catalog_and_refusals_are_audited(
    client: httpx.AsyncClient, token: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    edit = {"input": {"code": "MVND", "baseVersion": 1, "nameEn": "million dong"}}
    refused = [
        (await graphql(client, UPDATE_UNIT, edit, headers))["data"]["updateUnit"]
        for headers in ({}, await token("reader"), await token("reporter", PROVINCE))
    ]

    allowed = (await graphql(client, UPDATE_UNIT, edit, await token("curator")))["data"]

    for payload in refused:
        [error] = payload["errors"]
        assert (
            error["code"] == "PERMISSION_DENIED" and "may not edit the catalog" in error["message"]
        )
        assert payload["version"] is None
    assert allowed["updateUnit"]["errors"] == []
    assert allowed["updateUnit"]["version"]["createdBy"].startswith("token:")
    denials = await _denials(session_factory)
    assert [d.entity_code for d in denials] == ["catalog"] * 3
    assert [d.token_id is None for d in denials] == [True, False, False]


READ_REPORTS = """
query Read($id: ID!) {
  reports(regime: "BC-M") { id }
  report(id: $id) { id currentVersion { sections { text } } }
}
"""
VERIFY = "query Verify($id: ID!) { verifyReport(id: $id) { signed } }"


async def test_a_report_is_read_by_its_agency_its_recipient_and_admins_until_accepted(
    client: httpx.AsyncClient, token: Any
) -> None:
    # given a submitted (not accepted) report of UBND-01 to VPCP
    report = {**_report(), "sections": [{"code": "S1", "text": "Chưa công bố."}]}
    submitted = await graphql(
        client,
        "mutation S($input: SubmitReportInput!) { submitReport(input: $input) { report { id } } }",
        {"input": report},
        await token("reporter", PROVINCE),
    )
    report_id = submitted["data"]["submitReport"]["report"]["id"]
    readers = {
        "its reporter": await token("reporter", PROVINCE),
        "its recipient's reviewer": await token("reviewer", "VPCP"),
        "an admin": await token("admin"),
    }
    outsiders = {
        "anonymous": {},
        "a reader": await token("reader"),
        "a curator": await token("curator"),
        "another agency's reporter": await token("reporter", OTHER_PROVINCE),
        "another office's reviewer": await token("reviewer", OTHER_PROVINCE),
    }

    seen = {
        who: await graphql(client, READ_REPORTS, {"id": report_id}, h) for who, h in readers.items()
    }
    hidden = {
        who: await graphql(client, READ_REPORTS, {"id": report_id}, h)
        for who, h in outsiders.items()
    }
    verified = await graphql(client, VERIFY, {"id": report_id}, outsiders["a reader"])
    await graphql(client, ACCEPT, {"input": REVIEW}, readers["its recipient's reviewer"])
    public = await graphql(client, READ_REPORTS, {"id": report_id})

    for who, body in seen.items():
        assert body["data"]["reports"] == [{"id": report_id}], who
        assert body["data"]["report"]["currentVersion"]["sections"][0]["text"] == "Chưa công bố."
    for who, body in hidden.items():
        assert body["data"] == {"reports": [], "report": None}, who
        [error] = body["errors"]
        assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}, who
    assert verified["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert public["data"]["reports"] == [{"id": report_id}] and "errors" not in public


HISTORY = '{ catalogVersions(kind: UNIT, code: "MVND") { version status } }'


async def test_catalog_drafts_are_read_by_curators_and_admins_only(
    client: httpx.AsyncClient, token: Any
) -> None:
    # given a draft of MVND
    curator = await token("curator")
    edit = {"input": {"code": "MVND", "baseVersion": 1, "nameEn": "million dong"}}
    assert (await graphql(client, UPDATE_UNIT, edit, curator))["data"]["updateUnit"]["errors"] == []

    curators = [await graphql(client, HISTORY, headers=h) for h in (curator, await token("admin"))]
    others = [
        await graphql(client, HISTORY, headers=h) for h in ({}, await token("reporter", PROVINCE))
    ]

    for body in curators:
        assert body["data"]["catalogVersions"] == [
            {"version": 1, "status": "PUBLISHED"},
            {"version": 2, "status": "DRAFT"},
        ]
    for body in others:
        assert body["data"]["catalogVersions"] == [{"version": 1, "status": "PUBLISHED"}]


PUBLIC_VALUES = """
{
  observations(filter: {indicators: ["POP"]}) { totalCount edges { node { areaCode value } } }
  series(indicator: "POP") { areaCode points { period value } }
}
"""


async def test_anonymous_reads_a_value_only_once_its_report_is_accepted(
    client: httpx.AsyncClient, token: Any
) -> None:
    # given a submitted, not yet accepted report of UBND-01 holding POP = 1234
    submitted = await _submit(client, _report(value="1234"), await token("reporter", PROVINCE))
    assert submitted["errors"] == [] and submitted["report"]["status"] == "SUBMITTED"

    before = await graphql(client, PUBLIC_VALUES)  # no token
    await graphql(client, ACCEPT, {"input": REVIEW}, await token("reviewer", "VPCP"))
    after = await graphql(client, PUBLIC_VALUES)

    assert "errors" not in before and "errors" not in after
    assert before["data"] == {"observations": {"totalCount": 0, "edges": []}, "series": []}
    assert after["data"] == {
        "observations": {
            "totalCount": 1,
            "edges": [{"node": {"areaCode": "P01", "value": "1234"}}],
        },
        "series": [{"areaCode": "P01", "points": [{"period": PERIOD, "value": "1234"}]}],
    }
