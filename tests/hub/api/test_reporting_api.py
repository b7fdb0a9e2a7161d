"""Submitting, reviewing and reading reports through GraphQL, on the real ASGI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.app import create_app
from hub.settings import Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.api.conftest import graphql
from tests.hub.reporting.catalog_fixture import (
    MINISTRY,
    OTHER_PROVINCE,
    PERIOD,
    PROVINCE,
    REGIME,
    VN,
    store_catalog,
)

SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) {
    errors { path code message }
    replayed validateOnly observationCount created revised unchanged
    report { id status period agencyCode regimeCode versions { version status onTime } }
    version { version status submittedBy deadline onTime sections { code text } }
  }
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

OBSERVATIONS = """
query Values($asOf: DateTime) {
  observations(filter: {indicators: ["POP", "REV"]}, asOf: $asOf, first: 50) {
    totalCount
    edges { node {
      indicatorCode areaCode period value unitCode revision status
      dimensions { dimension code }
      indicatorName areaName(lang: EN)
      revisions { revision value reportVersion acceptedAt }
    } }
  }
}
"""

BIG = "12345678901234567890.123456789"


def _observation(**overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "indicator": "POP",
        "area": "P01",
        "period": PERIOD,
        "dimensions": [{"dimension": "SEX", "code": "T"}],
        "value": "1000",
        "unit": "PERSON",
    }
    return {**value, **overrides}


def _report(*observations: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "regime": REGIME,
        "period": PERIOD,
        "agency": PROVINCE,
        "sections": [{"code": "S1", "text": "Tình hình ổn định."}],
        "observations": list(observations),
    }
    return {**report, **overrides}


@pytest.fixture
async def client(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """A hub over a fresh database holding the small submission catalog, called with the
    token of a reporter of PROVINCE."""
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    reporter = await issue_token(session_factory, "reporter", PROVINCE)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub.test", headers=bearer(reporter)
    ) as client:
        yield client
    await app.state.engine.dispose()


@pytest.fixture
async def reviewer(
    client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> dict[str, str]:
    """Headers of a reviewer of VPCP, the recipient of REGIME."""
    return bearer(await issue_token(session_factory, "reviewer", "VPCP"))


async def _values(client: httpx.AsyncClient, as_of: str | None = None) -> dict[str, Any]:
    body = await graphql(client, OBSERVATIONS, {"asOf": as_of})
    assert "errors" not in body, body
    values: dict[str, Any] = body["data"]["observations"]
    return values


async def test_a_valid_report_is_stored_and_read_back_exactly(
    client: httpx.AsyncClient, reviewer: dict[str, str]
) -> None:
    report = _report(
        _observation(value=BIG),
        _observation(indicator="REV", dimensions=[], value="1500", unit="MVND"),
    )

    submitted = (await graphql(client, SUBMIT, {"input": report}))["data"]["submitReport"]
    accepted = (
        await graphql(
            client,
            ACCEPT,
            {"input": {"regime": REGIME, "agency": PROVINCE, "period": PERIOD}},
            reviewer,
        )
    )["data"]["acceptReport"]
    values = await _values(client)

    assert submitted["errors"] == []
    assert submitted["created"] == 2 and submitted["observationCount"] == 2
    assert submitted["report"]["status"] == "SUBMITTED"
    assert submitted["version"]["sections"] == [{"code": "S1", "text": "Tình hình ổn định."}]
    assert submitted["version"]["submittedBy"].endswith(f":test-reporter-{PROVINCE}")
    assert accepted == {"errors": [], "report": {"status": "ACCEPTED"}}
    by_indicator = {e["node"]["indicatorCode"]: e["node"] for e in values["edges"]}
    assert by_indicator["POP"]["value"] == BIG  # every digit, as a string
    assert by_indicator["POP"]["dimensions"] == [{"dimension": "SEX", "code": "T"}]
    assert by_indicator["REV"]["value"] == "1.5"  # 1500 million VND = 1.5 billion VND
    assert by_indicator["REV"]["unitCode"] == "BVND"
    assert by_indicator["POP"]["areaName"] == "Area P01"


async def test_unaccepted_values_are_not_public(client: httpx.AsyncClient) -> None:
    await graphql(client, SUBMIT, {"input": _report(_observation())})

    values = await _values(client)

    assert values["totalCount"] == 0


async def test_every_problem_is_reported_with_its_path_and_nothing_is_written(
    client: httpx.AsyncClient,
) -> None:
    report = _report(
        _observation(indicator="NOPE"),
        _observation(area="P99"),
        _observation(unit="BVND"),
        _observation(value="1,5"),
        _observation(value="NaN"),
        _observation(dimensions=[]),
        _observation(dimensions=[{"dimension": "SEX", "code": "X"}]),
        _observation(indicator="GDP", dimensions=[], unit="BVND"),
        _observation(area="P02"),
        _observation(area="P34-05"),  # exists only from 2025-07-01
        _observation(period="2025-Q1"),  # POP is monthly or annual
        _observation(indicator="RATE", value="150", unit="PCT"),
        _observation(value="7"),  # the same key as the last valid one: a duplicate
        period="2025-M13",
    )

    payload = (await graphql(client, SUBMIT, {"input": report}))["data"]["submitReport"]
    reports = await graphql(client, "{ reports { id } }")

    found = {(e["path"], e["code"]) for e in payload["errors"]}
    expected = {
        ("period", "PERIOD_MALFORMED"),
        ("observations[0].indicator", "UNKNOWN_INDICATOR"),
        ("observations[1].area", "UNKNOWN_AREA"),
        ("observations[2].unit", "UNIT_INCOMPATIBLE"),
        # 3 and 4 also have the key of 2 (POP, P01, SEX=T), as 12 has: duplicates all
        ("observations[3]", "DUPLICATE_OBSERVATION"),
        ("observations[3].value", "VALUE_NOT_A_NUMBER"),
        ("observations[4]", "DUPLICATE_OBSERVATION"),
        ("observations[4].value", "VALUE_NOT_A_NUMBER"),
        ("observations[5].dimensions", "MISSING_DISAGGREGATION"),
        ("observations[6].dimensions[0].code", "UNKNOWN_CODE"),
        ("observations[7].indicator", "INDICATOR_NOT_IN_FORM"),
        ("observations[8].area", "AREA_OUTSIDE_JURISDICTION"),
        ("observations[9].area", "AREA_NOT_VALID_IN_PERIOD"),
        ("observations[9].area", "AREA_OUTSIDE_JURISDICTION"),
        ("observations[10].period", "OBSERVATION_PERIOD_FREQUENCY"),
        ("observations[11].value", "VALUE_OUT_OF_RANGE"),
        ("observations[12]", "DUPLICATE_OBSERVATION"),
    }
    assert found == expected
    assert len(payload["errors"]) == len(expected)  # each problem once
    assert all(e["message"] for e in payload["errors"])
    assert payload["report"] is None and payload["created"] == 0
    assert reports["data"]["reports"] == []


async def test_validate_only_checks_and_writes_nothing(client: httpx.AsyncClient) -> None:
    payload = (
        await graphql(client, SUBMIT, {"input": {**_report(_observation()), "validateOnly": True}})
    )["data"]["submitReport"]
    reports = await graphql(client, "{ reports { id } }")

    assert payload["errors"] == [] and payload["validateOnly"] is True
    assert reports["data"]["reports"] == []


async def test_a_replayed_idempotency_key_returns_the_first_result_and_writes_nothing(
    client: httpx.AsyncClient,
) -> None:
    report = {**_report(_observation()), "idempotencyKey": "sys-42:2025-M03:1"}

    first = (await graphql(client, SUBMIT, {"input": report}))["data"]["submitReport"]
    again = (await graphql(client, SUBMIT, {"input": report}))["data"]["submitReport"]
    reports = await graphql(client, "{ reports { versions { version } } }")

    assert first["errors"] == [] and not first["replayed"]
    assert again["errors"] == [] and again["replayed"]
    assert again["report"]["id"] == first["report"]["id"]
    assert reports["data"]["reports"] == [{"versions": [{"version": 1}]}]


async def test_a_revision_keeps_the_old_value_readable_as_of(
    client: httpx.AsyncClient, reviewer: dict[str, str]
) -> None:
    review = {"input": {"regime": REGIME, "agency": PROVINCE, "period": PERIOD}}
    await graphql(client, SUBMIT, {"input": _report(_observation(value="1000"))})
    await graphql(client, ACCEPT, review, reviewer)
    between = datetime.now(UTC).isoformat()
    resubmitted = (await graphql(client, SUBMIT, {"input": _report(_observation(value="1010"))}))[
        "data"
    ]["submitReport"]
    await graphql(client, ACCEPT, review, reviewer)

    now = await _values(client)
    before = await _values(client, between)

    assert resubmitted["revised"] == 1
    assert resubmitted["report"]["status"] == "RESUBMITTED"
    assert now["edges"][0]["node"]["value"] == "1010"
    assert now["edges"][0]["node"]["revision"] == 2
    assert [r["value"] for r in now["edges"][0]["node"]["revisions"]] == ["1000", "1010"]
    assert before["edges"][0]["node"]["value"] == "1000"


async def test_review_transitions_and_refusals(
    client: httpx.AsyncClient, reviewer: dict[str, str]
) -> None:
    review = {"regime": REGIME, "agency": PROVINCE, "period": PERIOD}
    nothing = (await graphql(client, ACCEPT, {"input": review}, reviewer))["data"]["acceptReport"]
    await graphql(client, SUBMIT, {"input": _report(_observation())})
    no_comment = (await graphql(client, RETURN, {"input": review}, reviewer))["data"][
        "returnReport"
    ]
    returned = (
        await graphql(
            client, RETURN, {"input": {**review, "comment": "Thiếu số liệu quý."}}, reviewer
        )
    )["data"]["returnReport"]
    twice = (await graphql(client, ACCEPT, {"input": review}, reviewer))["data"]["acceptReport"]

    assert nothing["errors"][0]["code"] == "NOT_FOUND"
    assert no_comment["errors"][0]["path"] == "comment"
    assert returned == {"errors": [], "report": {"status": "RETURNED"}}
    assert twice["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_compliance_names_the_late_and_the_missing(client: httpx.AsyncClient) -> None:
    await graphql(client, SUBMIT, {"input": _report(_observation())})  # long after the 20th

    board = await graphql(
        client,
        """query($regime: String!, $period: String!) {
          compliance(regime: $regime, period: $period) {
            obliged onTime late missing expected deadline
            lateAgencies { agencyCode status }
            missingAgencies { agencyCode }
          }
          obligations(regime: $regime, period: $period, status: MISSING) { agencyCode }
        }""",
        {"regime": REGIME, "period": PERIOD},
    )

    compliance = board["data"]["compliance"]
    assert compliance["deadline"] == "2025-03-20"
    assert compliance["late"] == 1
    assert compliance["lateAgencies"] == [{"agencyCode": PROVINCE, "status": "SUBMITTED_LATE"}]
    missing = {o["agencyCode"] for o in compliance["missingAgencies"]}
    assert MINISTRY in missing and PROVINCE not in missing
    assert {o["agencyCode"] for o in board["data"]["obligations"]} == missing


BOARD = """
query Board($regime: String!, $period: String!, $asOf: DateTime!) {
  compliance(regime: $regime, period: $period, asOf: $asOf) {
    onTime late missing expected deadline
    lateAgencies { agencyCode } missingAgencies { agencyCode }
  }
  obligations(regime: $regime, period: $period, asOf: $asOf) { agencyCode status }
}
"""


async def test_on_time_late_and_missing_are_right_on_the_deadline(
    client: httpx.AsyncClient,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given UBND-01 submits in the deadline's last second (20 March, Vietnam time) and UBND-02
    # one second later; the submissions take their moment from the service's clock
    last_second = datetime(2025, 3, 20, 23, 59, 59, tzinfo=VN)
    first_late_second = last_second + timedelta(seconds=1)
    other = bearer(await issue_token(session_factory, "reporter", OTHER_PROVINCE))
    monkeypatch.setattr("hub.reporting.submission.utcnow", lambda: last_second)
    on_time = (await graphql(client, SUBMIT, {"input": _report(_observation())}))["data"]
    monkeypatch.setattr("hub.reporting.submission.utcnow", lambda: first_late_second)
    late = (
        await graphql(
            client,
            SUBMIT,
            {"input": _report(_observation(area="P02"), agency=OTHER_PROVINCE)},
            other,
        )
    )["data"]

    async def board(as_of: datetime) -> dict[str, Any]:
        variables = {"regime": REGIME, "period": PERIOD, "asOf": as_of.isoformat()}
        body = await graphql(client, BOARD, variables)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    at_deadline = await board(last_second)
    after_deadline = await board(first_late_second)

    assert on_time["submitReport"]["version"]["onTime"] is True
    assert late["submitReport"]["version"]["onTime"] is False
    assert at_deadline["compliance"] == {
        "onTime": 1,
        "late": 0,
        "missing": 0,
        "expected": 3,  # nobody is missing until the deadline day has passed
        "deadline": "2025-03-20",
        "lateAgencies": [],
        "missingAgencies": [],
    }
    assert after_deadline["compliance"] == {
        "onTime": 1,
        "late": 1,
        "missing": 2,
        "expected": 0,
        "deadline": "2025-03-20",
        "lateAgencies": [{"agencyCode": OTHER_PROVINCE}],
        "missingAgencies": [{"agencyCode": "UBND-3405"}, {"agencyCode": MINISTRY}],
    }
    assert {o["agencyCode"]: o["status"] for o in after_deadline["obligations"]} == {
        PROVINCE: "SUBMITTED_ON_TIME",
        OTHER_PROVINCE: "SUBMITTED_LATE",
        "UBND-3405": "MISSING",
        MINISTRY: "MISSING",
    }


REGISTER = """
mutation Register($input: RegisterCrosswalkInput!) {
  registerCrosswalk(input: $input) { errors { path code message } created unchanged }
}
"""


async def test_a_system_reports_in_its_own_codes_once_registered(
    client: httpx.AsyncClient,
) -> None:
    area = {
        "system": "HN-SYS",
        "kind": "AREA",
        "entries": [{"localCode": "HNI", "sharedCode": "P01"}],
    }
    first = (await graphql(client, REGISTER, {"input": area}))["data"]["registerCrosswalk"]
    again = (await graphql(client, REGISTER, {"input": area}))["data"]["registerCrosswalk"]
    unknown = (
        await graphql(
            client,
            REGISTER,
            {"input": {**area, "entries": [{"localCode": "X", "sharedCode": "NO-SUCH"}]}},
        )
    )["data"]["registerCrosswalk"]

    mapped = (
        await graphql(client, SUBMIT, {"input": _report(_observation(area="HNI"), system="HN-SYS")})
    )["data"]["submitReport"]
    unmapped = (
        await graphql(
            client,
            SUBMIT,
            {"input": _report(_observation(area="HCM"), system="HN-SYS", validateOnly=True)},
        )
    )["data"]["submitReport"]

    assert first == {"errors": [], "created": 1, "unchanged": 0}
    assert again == {"errors": [], "created": 0, "unchanged": 1}
    assert unknown["errors"][0]["code"] == "UNKNOWN_SHARED_CODE"
    assert mapped["errors"] == [] and mapped["created"] == 1
    assert [(e["path"], e["code"]) for e in unmapped["errors"]] == [
        ("observations[0].area", "UNMAPPED_CODE")
    ]
    assert "HCM" in unmapped["errors"][0]["message"]
