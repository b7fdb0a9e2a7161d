"""Every fault of the validator's CASES, submitted through `/graphql` on the real ASGI app:
answered with its path and code, and nothing written.

One database and one app for the module (a refused submission writes no report data, which
each case checks). The submissions' clock is the validator tests' `NOW`, so a case means the
same here as in tests/hub/reporting/test_validation.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from hub.app import create_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.metadata.crosswalks import register_crosswalk
from hub.observations.models import Observation, ObservationRevision
from hub.reporting.problems import ProblemCode as P
from hub.reporting.report_models import Report, ReportVersion
from hub.reporting.validation import SubmissionDraft
from hub.settings import Settings
from tests.conftest import fresh_database, postgres_server
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.api.conftest import graphql
from tests.hub.reporting.catalog_fixture import (
    MINISTRY,
    NOT_OBLIGED,
    NOW,
    PROVINCE,
    store_catalog,
)
from tests.hub.reporting.test_validation import CASES, SYSTEM

SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } report { id } created }
}
"""

Found = list[tuple[str, str]]

NOT_RESPONSIBLE = ("observations[0].indicator", "INDICATOR_NOT_RESPONSIBLE")
# Where a token-bearing caller gets another answer than the validator alone gives, and why.
ANSWERED_OTHERWISE: dict[str, Found] = {
    # A reporter submits for its own agency only: refused before the catalog is read.
    "unknown agency": [("agency", "PERMISSION_DENIED")],
    # Ministries report only the indicators they are responsible for; POP is VPCP's.
    "agency not obliged": [("agency", "AGENCY_NOT_OBLIGED"), NOT_RESPONSIBLE],
    "area not valid yet": [("observations[0].area", "AREA_NOT_VALID_IN_PERIOD"), NOT_RESPONSIBLE],
}
# Refused by the GraphQL layer before the mutation runs: what the error's message names, and
# its `extensions.code`.
REFUSED_BEFORE_EXECUTION: dict[str, tuple[str, str | None]] = {
    "NUL in a section's text": ("$input.sections[0].text", "INVALID_INPUT"),
    "NUL in a comment": ("$input.observations[0].comment", "INVALID_INPUT"),
    # `status` is the StatusFlag enum of the schema.
    "unknown status flag": (
        "'$input' has invalid value at .observations[0].status",
        "INVALID_INPUT",
    ),
}
# Not reachable through the API: registerCrosswalk refuses a mapping to a code the catalog
# lacks (UNKNOWN_SHARED_CODE), and UNKNOWN_INDICATOR has its own case.
NOT_THROUGH_THE_API = {"crosswalk to a code the catalog lacks"}
API_CASES = [c for c in CASES if c[0] not in NOT_THROUGH_THE_API]


@dataclass(frozen=True)
class Hub:
    client: httpx.AsyncClient
    reporters: dict[str, dict[str, str]]
    settings: Settings


@pytest.fixture(scope="module")
async def hub(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Hub]:
    """The submission catalog, a crosswalk of SYSTEM, reporters of the agencies the cases
    submit for, and an app whose submissions happen at NOW and hold at most 2 observations
    (the limit of the "too many observations" case)."""
    url, name = await fresh_database(database_backend, tmp_path_factory.mktemp("problems"))
    await asyncio.to_thread(run_migrations, url)
    base = Settings().with_database(url)
    settings = replace(base, limits=replace(base.limits, max_observations_per_report=2))
    engine = create_engine(settings)
    factory = create_session_factory(engine)
    async with factory() as session:
        await store_catalog(session, communes=3)
        await register_crosswalk(SYSTEM, "indicator", [("DS", "POP")], session=session, actor="t")
        await session.commit()
    reporters = {
        agency: bearer(await issue_token(factory, "reporter", agency))
        for agency in (PROVINCE, MINISTRY, NOT_OBLIGED)
    }
    await engine.dispose()
    app = create_app(settings)
    with pytest.MonkeyPatch.context() as clock:
        clock.setattr("hub.reporting.submission.utcnow", lambda: NOW)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield Hub(client, reporters, settings)
    await app.state.engine.dispose()
    if name is not None:
        await postgres_server().drop(name)


def _input(draft: SubmissionDraft) -> dict[str, Any]:
    """The draft as a `SubmitReportInput` (status flags by their enum names)."""
    return {
        "regime": draft.regime,
        "period": draft.period,
        "agency": draft.agency,
        "system": draft.system,
        "sections": [{"code": code, "text": text} for code, text in draft.sections],
        "observations": [
            {
                "indicator": o.indicator,
                "area": o.area,
                "period": o.period,
                "dimensions": [{"dimension": d, "code": c} for d, c in o.dimensions],
                "value": o.value,
                "unit": o.unit,
                "status": o.status.upper() if o.status else None,
                "comment": o.comment,
            }
            for o in draft.observations
        ],
    }


async def _written(hub: Hub) -> dict[str, int]:
    engine = create_engine(hub.settings)
    try:
        async with engine.connect() as connection:
            return {
                model.__tablename__: int(
                    await connection.scalar(sa.select(sa.func.count()).select_from(model)) or 0
                )
                for model in (Report, ReportVersion, Observation, ObservationRevision)
            }
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("case", "submission", "path", "code"),
    [(c[0], c[1], c[3], c[4]) for c in API_CASES],
    ids=[c[0] for c in API_CASES],
)
async def test_each_fault_is_answered_with_its_path_and_code_and_nothing_is_written(
    hub: Hub, case: str, submission: SubmissionDraft, path: str, code: P
) -> None:
    headers = hub.reporters.get(submission.agency, hub.reporters[PROVINCE])

    body = await graphql(hub.client, SUBMIT, {"input": _input(submission)}, headers)

    if case in REFUSED_BEFORE_EXECUTION:
        where, refusal = REFUSED_BEFORE_EXECUTION[case]
        [error] = body["errors"]
        assert body["data"] is None and where in error["message"]
        assert error.get("extensions", {}).get("code") == refusal
    else:
        assert "errors" not in body, body
        payload = body["data"]["submitReport"]
        found = [(e["path"], e["code"]) for e in payload["errors"]]
        assert found == ANSWERED_OTHERWISE.get(case, [(path, code.value)])
        assert all(e["message"] for e in payload["errors"])
        assert payload["report"] is None and payload["created"] == 0
    assert await _written(hub) == dict.fromkeys(
        ("report", "report_version", "observation", "observation_revision"), 0
    )


def test_every_code_of_the_cases_is_answered_through_the_api_as_the_validator_gives_it() -> None:
    asserted = {
        c[4]
        for c in API_CASES
        if c[0] not in REFUSED_BEFORE_EXECUTION
        and (path_code := (c[3], c[4].value)) in ANSWERED_OTHERWISE.get(c[0], [path_code])
    }
    assert {c[4] for c in CASES} - asserted == {
        P.UNKNOWN_AGENCY,
        P.TEXT_HAS_NUL,
        P.INVALID_STATUS_FLAG,
    }
