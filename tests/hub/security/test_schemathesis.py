"""schemathesis in GraphQL mode over the schema the real app serves: no 5xx, nothing masked.

The schema is read by introspection from the app; schemathesis (hypothesis-graphql) writes
queries and mutations for every root field, with a fixed seed and a bounded number of cases
per field. Strings are drawn from the small catalog's codes (so that reports, reviews and
edits reach real validation and some succeed), the hostile values and arbitrary text; every
case is sent through the real ASGI app as one of several principals (admin, reporter, curator,
reviewer, anonymous) of a hub of its own, whatever it writes. No answer may be a 5xx or hold
a masked INTERNAL_ERROR: either would be a bug (an unexpected exception somewhere).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import graphql
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME
from tests.hub.security.conftest import Hub, serve_hub
from tests.hub.security.hostile import HOSTILE

EXAMPLES_PER_FIELD = 6  # 39 root fields: ~230 requests per backend
ROLES = ("admin", "reporter", "curator", "reviewer", None)
CODES = (
    *(REGIME, PERIOD, PROVINCE, "VPCP", "BTC", "UBND-02", "2025-M02", "2025", "2025-Q1"),
    *("POP", "REV", "RATE", "GDP", "P01", "P01-C1", "P02", "VN", "P63-08", "P34-05"),
    *("PERSON", "KPERSON", "BVND", "MVND", "VND", "PCT", "SEX", "URBAN", "AGE", "T", "M", "F"),
    *("S1", "S2", "B01", "ED25519", "normal", "estimated", "1000", "12.5", "-0", "0"),
)
IDS = ("UmVwb3J0OjE=", "UmVwb3J0OjI=", "SW5kaWNhdG9yOlBPUA==", "VW5pdDpQRVJTT04=", "x")
DECIMALS = ("1", "1000.5", "0.001", "-0", "1e9", "NaN", "1e400", "abc", "")

text = st.one_of(st.sampled_from(CODES), st.sampled_from(HOSTILE), st.text(max_size=12)).map(
    nodes.String
)
schemathesis.graphql.scalar("String", text)
schemathesis.graphql.scalar(
    "ID", st.one_of(st.sampled_from(IDS), st.text(max_size=8)).map(nodes.String)
)
schemathesis.graphql.scalar("Decimal", st.sampled_from(DECIMALS).map(nodes.String))


@pytest.fixture(scope="module")
async def fuzzed_hub(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Hub]:
    """A hub of its own: the cases revoke tokens, retire entities, write reports at will."""
    async with serve_hub(database_backend, tmp_path_factory.mktemp("fuzzed")) as hub:
        yield hub


def generate_cases(schema: Any) -> list[tuple[str, dict[str, Any], str | None]]:
    """(root field, request body, role) for every root field, the same on every run."""
    cases: list[tuple[str, dict[str, Any], str | None]] = []
    for result in schema.get_all_operations():
        collect_cases(result.ok(), cases)
    return cases


def collect_cases(operation: Any, cases: list[tuple[str, dict[str, Any], str | None]]) -> None:
    @settings(
        max_examples=EXAMPLES_PER_FIELD,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), role=st.sampled_from(ROLES))
    def collect(case: Any, role: str | None) -> None:
        body = case.as_transport_kwargs(base_url="http://hub.test")["json"]
        cases.append((operation.label, body, role))

    collect()


async def test_schemathesis_finds_no_server_error(fuzzed_hub: Hub) -> None:
    introspection = await fuzzed_hub.client.post(
        "/graphql", json={"query": graphql.get_introspection_query()}
    )
    schema = schemathesis.graphql.from_dict(introspection.json())
    cases = generate_cases(schema)
    fields = {label for label, _, _ in cases}

    failures = []
    for label, body, role in cases:
        headers = fuzzed_hub.tokens[role] if role else None
        response = await fuzzed_hub.client.post("/graphql", json=body, headers=headers)
        answer = response.json() if response.status_code != 401 else {}
        codes = {e.get("extensions", {}).get("code") for e in answer.get("errors") or ()}
        if response.status_code >= 500 or "INTERNAL_ERROR" in codes:
            failures.append((label, role, response.status_code, body["query"], response.text))

    assert not failures, failures[:3]
    roots = introspection.json()["data"]["__schema"]["types"]
    root_fields = {
        f"{t['name']}.{f['name']}"
        for t in roots
        if t["name"] in ("Query", "Mutation")
        for f in t["fields"]
    }
    assert fields == root_fields
    assert len(cases) >= 4 * len(fields)
    assert {role for _, _, role in cases} == set(ROLES)
