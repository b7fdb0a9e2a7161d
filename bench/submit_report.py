"""`submitReport` of a 10,000-observation report through GraphQL over HTTP (the running hub).

The State Bank's quarterly macro report (table B02, its own indicators) for the nation, every
province and their communes, sent by a reporter token of the bank: validation only, the first
submission, then, after a reviewer accepts it, the same report again (every value unchanged).
Seconds per request, as the client sees them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import httpx

from bench.dataset import MACRO_REGIME, commune_values, plan_reports, province_values
from catalog import model
from hub.access.tokens import create_token
from hub.db import create_engine, create_session_factory
from hub.reporting.catalog_index import overlaps
from hub.settings import Settings

PERIOD = "2026-Q1"
AGENCY = "SBV"
SUBMIT = """
mutation($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } created unchanged }
}
"""
ACCEPT = """
mutation($input: ReviewReportInput!) { acceptReport(input: $input) { errors { code message } } }
"""


def report_input(catalog: model.Catalog, size: int, validate_only: bool) -> dict[str, Any]:
    """The submitReport input: `size` values of the bank's B02 table, area after area."""
    plan = next(
        p
        for p in plan_reports(catalog, [PERIOD])
        if p.agency == AGENCY and p.regime.code == MACRO_REGIME
    )
    period = plan.period
    areas = [
        a.code
        for a in catalog.areas.values()
        if a.level is not model.AreaLevel.NATION and overlaps(a, period)
    ]
    values = [*province_values(catalog, plan)]
    for value in commune_values(catalog, replace(plan), areas):
        if len(values) >= size:
            break
        values.append(value)
    return {
        "regime": MACRO_REGIME,
        "period": period.code,
        "agency": AGENCY,
        "validateOnly": validate_only,
        "observations": [
            {
                "indicator": v.indicator,
                "area": v.area,
                "period": period.code,
                "dimensions": [{"dimension": d, "code": c} for d, c in v.dimensions],
                "value": str(v.value),
                "unit": v.unit,
            }
            for v in values[:size]
        ],
    }


@dataclass(frozen=True)
class Tokens:
    reporter: str
    reviewer: str


async def issue_tokens(database_url: str, catalog: model.Catalog) -> Tokens:
    """A reporter token of the bank and a reviewer token of the regime's recipient."""
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with create_session_factory(engine)() as session:
            reporter = await create_token(
                session=session,
                role="reporter",
                name="bench-reporter",
                actor="bench",
                agency=AGENCY,
            )
            reviewer = await create_token(
                session=session,
                role="reviewer",
                name="bench-reviewer",
                actor="bench",
                agency=catalog.regimes[MACRO_REGIME].recipient,
            )
            await session.commit()
    finally:
        await engine.dispose()
    return Tokens(reporter.secret, reviewer.secret)


def _timed(client: httpx.Client, token: str, query: str, variables: dict[str, Any]) -> float:
    started = time.perf_counter()
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - started
    body = response.json()
    payload = next(iter((body.get("data") or {"x": None}).values()))
    if body.get("errors") or not payload or payload["errors"]:
        raise SystemExit(f"submitReport bench request failed: {str(body)[:500]}")
    return elapsed


def measure_submit(
    base_url: str, tokens: Tokens, catalog: model.Catalog, size: int
) -> dict[str, float]:
    """Seconds for validateOnly, the first submission and the unchanged resubmission."""
    review = {"input": {"regime": MACRO_REGIME, "agency": AGENCY, "period": PERIOD}}
    check = {"input": report_input(catalog, size, validate_only=True)}
    send = {"input": report_input(catalog, size, validate_only=False)}
    with httpx.Client(base_url=base_url, timeout=600) as client:
        validate = _timed(client, tokens.reporter, SUBMIT, check)
        first = _timed(client, tokens.reporter, SUBMIT, send)
        _timed(client, tokens.reviewer, ACCEPT, review)
        again = _timed(client, tokens.reporter, SUBMIT, send)
    return {
        "observations": float(len(send["input"]["observations"])),
        "validate_only_s": validate,
        "first_submission_s": first,
        "resubmission_s": again,
    }
