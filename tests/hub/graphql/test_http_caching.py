"""Caching for portals through the real app: GET queries with ETag and 304, and persisted
queries (Apollo's automatic persisted queries, and an allowlist)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from hub.app import create_app
from hub.graphql.persisted import read_allowlist
from hub.graphql.response_cache import ResponseCache
from hub.settings import Settings, SettingsError
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.api.conftest import statements_run
from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME, store_catalog

REGIMES = "{ regimes { code } }"
REPORTS = "query Reports($agency: String) { reports(agency: $agency) { agencyCode status } }"
SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { code } report { id } }
}
"""
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(query: str) -> str:
    return json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha(query)}})


def report_input(value: str = "1000", unit: str = "PERSON") -> dict[str, Any]:
    return {
        "regime": REGIME,
        "period": PERIOD,
        "agency": PROVINCE,
        "observations": [
            {
                "indicator": "POP",
                "area": "P01",
                "period": PERIOD,
                "dimensions": [{"dimension": "SEX", "code": "T"}],
                "value": value,
                "unit": unit,
            }
        ],
    }


Build = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def hubs(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Build]:
    """`hubs()` is a client of a new app instance on the test database (`**changes` to its
    settings); several instances share the database, as several workers do."""
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    apps: list[Starlette] = []
    clients: list[httpx.AsyncClient] = []

    def build(**changes: Any) -> httpx.AsyncClient:
        app = create_app(replace(settings, **changes))
        apps.append(app)
        clients.append(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test")
        )
        return clients[-1]

    yield build
    for client in clients:
        await client.aclose()
    for app in apps:
        await app.state.engine.dispose()


@pytest.fixture
async def reporter(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    return bearer(await issue_token(session_factory, "reporter", PROVINCE))


async def get(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **params: str
) -> httpx.Response:
    return await client.get("/graphql", params={"query": query, **params}, headers=headers)


def statements(client: httpx.AsyncClient) -> AbstractContextManager[list[str]]:
    """The SQL the client's app runs meanwhile."""
    return statements_run(client._transport.app)  # type: ignore[attr-defined]


async def test_a_get_query_has_an_etag_and_if_none_match_answers_304_without_running_it(
    hubs: Build,
) -> None:
    client = hubs()

    first = await get(client, REGIMES)
    again = await get(client, REGIMES)
    with statements(client) as ran:
        revalidated = await get(client, REGIMES, headers={"If-None-Match": first.headers["etag"]})

    assert first.status_code == 200 and first.json() == {"data": {"regimes": [{"code": REGIME}]}}
    assert (
        first.headers["etag"].startswith('W/"') and again.headers["etag"] == first.headers["etag"]
    )
    assert first.headers["cache-control"] == "public, max-age=10"
    assert first.headers["vary"] == "Authorization"
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated.headers["etag"] == first.headers["etag"]
    assert revalidated.headers["cache-control"] == "public, max-age=10"
    # Only the data version was read: the query did not run.
    assert [s for s in ran if "data_version" not in s and s.strip() != "BEGIN"] == []


async def test_a_get_query_reads_the_data_version_once_for_its_etag_and_its_lookups(
    hubs: Build,
) -> None:
    client = hubs()
    await get(client, REGIMES)  # the app's first request: its schema and pool warmed

    with statements(client) as ran:
        answer = await get(client, '{ series(indicator: "POP") { areaCode } }')

    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    assert answer.headers["etag"].startswith('W/"')
    assert len([s for s in ran if "data_version" in s]) == 1, ran
    # The series' lookups of the indicator by code ran under that stamp.
    assert any("indicator" in s for s in ran if "data_version" not in s)


async def test_a_committed_write_through_another_instance_changes_the_etag(
    hubs: Build, reporter: dict[str, str]
) -> None:
    reader, writer = hubs(), hubs()  # two app instances, as two workers
    # The agency's reporter reads its reports before they are accepted (README, Security model).
    before = await get(
        reader, REPORTS, variables=json.dumps({"agency": PROVINCE}), headers=reporter
    )
    refused = await writer.post(
        "/graphql",
        json={"query": SUBMIT, "variables": {"input": report_input(unit="NO-SUCH-UNIT")}},
        headers=reporter,
    )
    unchanged = await get(
        reader,
        REPORTS,
        variables=json.dumps({"agency": PROVINCE}),
        headers={**reporter, "If-None-Match": before.headers["etag"]},
    )

    stored = await writer.post(
        "/graphql", json={"query": SUBMIT, "variables": {"input": report_input()}}, headers=reporter
    )
    after = await get(
        reader,
        REPORTS,
        variables=json.dumps({"agency": PROVINCE}),
        headers={**reporter, "If-None-Match": before.headers["etag"]},
    )

    assert before.json() == {"data": {"reports": []}}
    assert refused.json()["data"]["submitReport"]["errors"][0]["code"] == "UNKNOWN_UNIT"
    assert unchanged.status_code == 304  # nothing was written
    assert stored.json()["data"]["submitReport"]["errors"] == []
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert after.json() == {"data": {"reports": [{"agencyCode": PROVINCE, "status": "SUBMITTED"}]}}


async def test_the_etag_depends_on_who_asks_and_on_the_whole_request(
    hubs: Build, reporter: dict[str, str]
) -> None:
    client = hubs()

    anonymous = await get(client, REPORTS)
    token = await get(client, REPORTS, headers=reporter)
    variables = await get(client, REPORTS, variables=json.dumps({"agency": PROVINCE}))
    named = await get(client, REPORTS, operationName="Reports")

    assert token.headers["cache-control"] == "private, no-cache"
    assert token.headers["vary"] == "Authorization"
    tags = {r.headers["etag"] for r in (anonymous, token, variables, named)}
    assert len(tags) == 4


async def test_a_mutation_over_get_is_refused_with_405_and_writes_nothing(
    hubs: Build, reporter: dict[str, str]
) -> None:
    client = hubs()
    before = await get(client, REGIMES)

    response = await get(
        client, SUBMIT, headers=reporter, variables=json.dumps({"input": report_input()})
    )
    after = await get(client, REGIMES, headers={"If-None-Match": before.headers["etag"]})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    assert "send them with POST" in error["message"]
    assert after.status_code == 304


async def test_an_unknown_persisted_query_gets_apollos_not_found_answer(hubs: Build) -> None:
    client = hubs()

    over_get = await client.get("/graphql", params={"extensions": persisted(REGIMES)})
    over_post = await client.post("/graphql", json={"extensions": json.loads(persisted(REGIMES))})

    for response in (over_get, over_post):
        assert response.status_code == 200
        assert response.json() == NOT_FOUND
        assert response.headers["cache-control"] == "private, no-cache, must-revalidate"


async def test_a_hash_with_its_query_registers_it_then_the_hash_alone_runs_it(
    hubs: Build,
) -> None:
    client = hubs()
    extensions = json.loads(persisted(REGIMES))

    registered = await client.post("/graphql", json={"query": REGIMES, "extensions": extensions})
    by_post = await client.post("/graphql", json={"extensions": extensions})
    by_get = await client.get("/graphql", params={"extensions": persisted(REGIMES)})
    revalidated = await client.get(
        "/graphql",
        params={"extensions": persisted(REGIMES)},
        headers={"If-None-Match": by_get.headers["etag"], "Accept": "*/*"},
    )

    expected = {"data": {"regimes": [{"code": REGIME}]}}
    assert registered.json() == expected and by_post.json() == expected
    assert by_get.status_code == 200 and by_get.json() == expected
    assert revalidated.status_code == 304


async def test_a_hash_that_does_not_match_its_query_is_refused_and_not_registered(
    hubs: Build,
) -> None:
    client = hubs()
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": sha("{ units { code } }")}}

    mismatch = await client.post("/graphql", json={"query": REGIMES, "extensions": wrong})
    later = await client.post("/graphql", json={"extensions": wrong})
    version = await client.post(
        "/graphql",
        json={"query": REGIMES, "extensions": {"persistedQuery": {"version": 2}}},
    )

    assert mismatch.status_code == 400
    error = mismatch.json()["errors"][0]
    assert error["extensions"] == {"code": "PERSISTED_QUERY_HASH_MISMATCH"}
    assert error["message"].startswith("provided sha does not match query")
    assert later.json() == NOT_FOUND
    assert version.status_code == 400
    assert version.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_SUPPORTED"}


async def test_with_an_allowlist_only_its_queries_run(hubs: Build, tmp_path: Path) -> None:
    path = tmp_path / "queries.json"
    path.write_text(json.dumps({sha(REGIMES): REGIMES}))
    client = hubs(persisted_queries_file=path, persisted_queries_only=True)
    units = "{ units { code } }"

    listed = await client.get("/graphql", params={"extensions": persisted(REGIMES)})
    listed_text = await client.post("/graphql", json={"query": REGIMES})
    other = await client.post("/graphql", json={"query": units})
    register = await client.post(
        "/graphql", json={"query": units, "extensions": json.loads(persisted(units))}
    )

    assert listed.json() == {"data": {"regimes": [{"code": REGIME}]}}
    assert listed_text.json() == listed.json()
    for refused in (other, register):
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_IN_LIST"}


def test_an_allowlist_entry_whose_hash_is_not_its_querys_is_refused_at_start_up(
    tmp_path: Path,
) -> None:
    path = tmp_path / "manifest.json"
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": sha(REGIMES), "body": REGIMES, "name": "Regimes", "type": "query"},
            {"id": "0" * 64, "body": "{ units { code } }", "name": "Units", "type": "query"},
        ],
    }
    path.write_text(json.dumps(manifest))

    with pytest.raises(SettingsError, match=f"entry '{'0' * 64}' is not the SHA-256"):
        read_allowlist(path)
    manifest["operations"] = manifest["operations"][:1]  # type: ignore[index]
    path.write_text(json.dumps(manifest))
    assert read_allowlist(path) == {sha(REGIMES): REGIMES}


def test_the_caching_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "queries.json"

    settings = Settings.from_env(
        {
            "HUB_CACHE_MAX_AGE_S": "60",
            "HUB_PERSISTED_QUERIES_FILE": str(path),
            "HUB_PERSISTED_QUERIES_ONLY": "true",
            "HUB_MAX_PERSISTED_QUERIES": "5",
            "HUB_RESPONSE_CACHE_BYTES": "1048576",
        }
    )

    assert (settings.cache_max_age_s, settings.persisted_queries_file) == (60, path)
    assert settings.response_cache_bytes == 1048576 and Settings().response_cache_bytes == 0
    assert settings.persisted_queries_only and settings.limits.max_persisted_queries == 5
    with pytest.raises(SettingsError, match="needs HUB_PERSISTED_QUERIES_FILE"):
        Settings.from_env({"HUB_PERSISTED_QUERIES_ONLY": "true"})
    with pytest.raises(SettingsError, match="cannot read it"):
        create_app(settings)  # the file does not exist: refused at start-up, not at the request


def _kept(client: httpx.AsyncClient) -> ResponseCache:
    answers = next(
        r.endpoint.answers  # type: ignore[attr-defined]
        for r in client._transport.app.routes  # type: ignore[attr-defined]
        if getattr(r, "path", "") == "/graphql" and hasattr(r, "endpoint")
    )
    assert isinstance(answers, ResponseCache)
    return answers


async def test_kept_answers_serve_repeated_queries_until_a_write_anywhere(
    hubs: Build, reporter: dict[str, str]
) -> None:
    reader, writer = hubs(response_cache_bytes=1 << 20), hubs()
    body = {"query": REPORTS, "variables": {"agency": PROVINCE}}
    # The agency's reporter: the one who may read its reports before they are accepted.
    first = await reader.post("/graphql", json=body, headers=reporter)
    with statements(reader) as ran:
        again = await reader.post("/graphql", json=body, headers=reporter)
        over_get = await get(
            reader, REPORTS, variables=json.dumps({"agency": PROVINCE}), headers=reporter
        )
    stored = await writer.post(
        "/graphql", json={"query": SUBMIT, "variables": {"input": report_input()}}, headers=reporter
    )
    after = await reader.post("/graphql", json=body, headers=reporter)

    assert first.json() == again.json() == {"data": {"reports": []}}
    assert over_get.json() == first.json() and "etag" in over_get.headers
    assert _kept(reader).hits == 2  # the same request over GET has the same key
    # What a kept answer costs: the token's and the data version's reads, nothing else.
    assert sum("data_version" in s for s in ran) == 2
    assert sum("FROM api_token" in s for s in ran) == 2
    assert [
        s
        for s in ran
        if "data_version" not in s and "FROM api_token" not in s and s.strip() != "BEGIN"
    ] == []
    assert stored.json()["data"]["submitReport"]["errors"] == []
    assert after.json() == {"data": {"reports": [{"agencyCode": PROVINCE, "status": "SUBMITTED"}]}}


async def test_kept_answers_are_per_asker_and_never_errors(
    hubs: Build, reporter: dict[str, str]
) -> None:
    client = hubs(response_cache_bytes=1 << 20)
    wrong = {"query": '{ regime(code: "NO-SUCH") { code } }'}

    anonymous = [await client.post("/graphql", json={"query": REPORTS}) for _ in range(2)]
    token = [await client.post("/graphql", json={"query": REPORTS}, headers=reporter)]
    errors = [await client.post("/graphql", json=wrong) for _ in range(2)]

    kept = _kept(client)
    assert (kept.hits, len(kept)) == (1, 2)  # anonymous once again; the token's its own
    assert all(r.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND" for r in errors)
    assert anonymous[0].json() == anonymous[1].json() and token[0].status_code == 200


def test_kept_answers_are_bounded_by_their_bytes() -> None:
    kept = ResponseCache(max_bytes=10)
    kept.seen("1.0")
    kept.put("a", "1.0", b"12345")
    kept.put("b", "1.0", b"12345")
    kept.put("c", "1.0", b"123")  # over the bound: the least recently used goes
    kept.put("huge", "1.0", b"x" * 11)  # alone over the bound: not kept
    kept.put("late", "0.9", b"1")  # computed on older data than the last stamp seen

    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (None, b"12345", b"123")
    assert (kept.get("huge"), kept.get("late"), kept.size) == (None, None, 8)
    kept.seen("2.0")  # a write: what was kept is of the past
    assert (len(kept), kept.size) == (0, 0)
