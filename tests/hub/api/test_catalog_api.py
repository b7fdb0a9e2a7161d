"""The catalog's GraphQL read API over the seed catalog, through the real ASGI app."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from catalog.text import fold
from tests.hub.api.conftest import counting_statements, graphql

FIRST_INDICATORS = """
{ indicators(first: 5) { edges { node { code name unit { code } } } } }
"""

INDICATOR_PAGE = """
query Page($first: Int, $after: String) {
  indicators(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { code } }
  }
}
"""

INDICATORS_WITH_RELATIONS = """
query Relations($first: Int) {
  indicators(first: $first) {
    edges { node {
      code name(lang: EN)
      unit { code name base { code } }
      agency { code name parent { code } }
      group { code }
      disaggregations { code codes { code } }
    } }
  }
}
"""

SEARCH = """
query Search($search: String!) {
  indicators(search: $search, first: 100) { totalCount edges { node { code name } } }
}
"""

AREAS = """
query Areas($validOn: Date) {
  areas(level: PROVINCE, validOn: $validOn, first: 100) {
    totalCount
    edges { node {
      code nationalCode validFrom validTo
      successors { weight area { code } }
      predecessors { weight area { code } }
    } }
  }
}
"""

REGIMES = """
{
  regimes {
    code name content legalBasis frequency kind methods requiresSignature
    cutoff { kind day } deadline { kind days day monthOffset }
    reportingAgencies { code } recipient { code }
    outline { code title guidance }
    forms { code title items { indicatorCode indicator { code } disaggregations { code } } }
  }
}
"""


async def test_the_readme_query_answers_with_real_indicators(client: httpx.AsyncClient) -> None:
    body = await graphql(client, FIRST_INDICATORS)

    assert "errors" not in body
    nodes = [edge["node"] for edge in body["data"]["indicators"]["edges"]]
    assert len(nodes) == 5
    for node in nodes:
        assert node["code"] and node["name"] and node["unit"]["code"]


async def test_labels_come_in_vietnamese_by_default_and_english_on_request(
    client: httpx.AsyncClient,
) -> None:
    query = '{ indicator(code: "%s") { vi: name en: name(lang: EN) definition(lang: EN) } }'
    code = (await graphql(client, FIRST_INDICATORS))["data"]["indicators"]["edges"][0]["node"][
        "code"
    ]

    body = await graphql(client, query % code)

    names = body["data"]["indicator"]
    assert names["vi"] != names["en"]
    assert fold(names["vi"]) != names["vi"] or names["vi"].isascii()
    assert names["definition"]


async def test_an_unknown_language_is_a_clear_error(client: httpx.AsyncClient) -> None:
    body = await graphql(client, "{ indicators(first: 1) { edges { node { name(lang: FR) } } } }")

    assert body.get("data") is None
    assert "FR" in body["errors"][0]["message"]
    assert "Language" in body["errors"][0]["message"]


async def test_search_folds_diacritics_and_case(client: httpx.AsyncClient) -> None:
    for search in ("dan so", "DÂN SỐ", "Dân số"):
        body = await graphql(client, SEARCH, {"search": search})
        names = [edge["node"]["name"] for edge in body["data"]["indicators"]["edges"]]
        assert names, search
        assert all("dan so" in fold(name) for name in names) or any(
            "Dân số" in name for name in names
        )
        assert any("Dân số" in name for name in names)
    nothing = await graphql(client, SEARCH, {"search": "zzzz-no-such-thing"})
    assert nothing["data"]["indicators"]["totalCount"] == 0


async def test_cursors_walk_the_whole_list_once_in_code_order(client: httpx.AsyncClient) -> None:
    codes: list[str] = []
    after = None
    total = None
    while True:
        page = (await graphql(client, INDICATOR_PAGE, {"first": 17, "after": after}))["data"][
            "indicators"
        ]
        total = page["totalCount"]
        codes += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert total is not None and total >= 40
    assert len(codes) == total
    assert codes == sorted(set(codes))


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"first": 5, "after": "not a cursor"}, "INVALID_INPUT", "after"),
        ({"first": 5, "after": "dW5pdDpQQ1Q"}, "INVALID_INPUT", "after"),  # a cursor of units
        ({"first": 100000}, "LIMIT_EXCEEDED", "first"),
        ({"first": -1}, "INVALID_INPUT", "first"),
    ],
)
async def test_bad_page_arguments_are_clear_errors(
    client: httpx.AsyncClient, variables: dict[str, object], code: str, field: str
) -> None:
    body = await graphql(client, INDICATOR_PAGE, variables)

    error = body["errors"][0]
    assert error["extensions"] == {"code": code, "field": field}
    assert field in error["message"] or "cursor" in error["message"]


@pytest.mark.parametrize(
    "query",
    [
        '{ indicator(code: "NO-SUCH") { code } }',
        '{ unit(code: "NO-SUCH") { code } }',
        '{ codelist(code: "NO-SUCH") { code } }',
        '{ area(code: "NO-SUCH") { code } }',
        '{ agency(code: "NO-SUCH") { code } }',
        '{ regime(code: "NO-SUCH") { code } }',
        '{ node(id: "SW5kaWNhdG9yOk5PLVNVQ0g=") { id } }',
    ],
)
async def test_unknown_codes_are_not_found_errors(client: httpx.AsyncClient, query: str) -> None:
    body = await graphql(client, query)

    error = body["errors"][0]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "NO-SUCH" in error["message"]


@pytest.mark.parametrize(
    "document",
    [
        "{ indicators(first: 5) { edges { node { code } }",  # unbalanced
        "{ indicators { nope } }",  # unknown field
        "query { indicator { code } }",  # missing argument
        "",  # empty
        "mutation { nothing }",
    ],
)
async def test_malformed_graphql_gets_errors_not_a_500(
    client: httpx.AsyncClient, document: str
) -> None:
    response = await client.post("/graphql", json={"query": document})

    assert response.status_code in (200, 400)
    assert (
        response.json()["errors"]
        if response.headers["content-type"].startswith("application/json")
        else response.text
    )


async def test_a_non_json_body_gets_a_400_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b"\xff\xfe not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400


async def test_malformed_ids_are_clear_errors(client: httpx.AsyncClient) -> None:
    body = await graphql(client, '{ node(id: "%%%") { id } }')

    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": "id"}


async def test_every_node_resolves_by_its_global_id(client: httpx.AsyncClient) -> None:
    ids = await graphql(
        client,
        """{
          indicators(first: 1) { edges { node { id } } }
          units(first: 1) { edges { node { id } } }
          codelists(first: 1) { edges { node { id } } }
          areas(first: 1) { edges { node { id } } }
          agencies(first: 1) { edges { node { id } } }
          regimes { id }
        }""",
    )
    data = ids["data"]
    every_id = [data["regimes"][0]["id"]] + [
        data[kind]["edges"][0]["node"]["id"]
        for kind in ("indicators", "units", "codelists", "areas", "agencies")
    ]

    for node_id in every_id:
        body = await graphql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": node_id})
        assert body["data"]["node"]["id"] == node_id


async def test_areas_before_and_after_the_2025_reorganisation(client: httpx.AsyncClient) -> None:
    before = (await graphql(client, AREAS, {"validOn": "2025-06-30"}))["data"]["areas"]
    after = (await graphql(client, AREAS, {"validOn": "2025-07-01"}))["data"]["areas"]

    assert before["totalCount"] == 63
    assert after["totalCount"] == 34
    retired = [e["node"] for e in before["edges"] if e["node"]["validTo"] == "2025-06-30"]
    assert retired and all(area["successors"] for area in retired)
    after_codes = {e["node"]["code"] for e in after["edges"]}
    for area in retired:
        for link in area["successors"]:
            assert link["area"]["code"] in after_codes
    merged = [e["node"] for e in after["edges"] if len(e["node"]["predecessors"]) >= 2]
    assert merged, "some 2025 provinces were formed from several predecessors"


async def test_regimes_carry_every_element_decree_09_requires(client: httpx.AsyncClient) -> None:
    body = await graphql(client, REGIMES)

    regimes = body["data"]["regimes"]
    assert len(regimes) >= 3
    for regime in regimes:
        assert regime["name"] and regime["content"] and regime["legalBasis"]
        assert regime["reportingAgencies"] and regime["recipient"]
        assert regime["methods"] and regime["frequency"] and regime["deadline"]["kind"]
        assert regime["outline"] or regime["forms"]
        for form in regime["forms"]:
            for item in form["items"]:
                assert item["indicator"]["code"] == item["indicatorCode"]


async def test_a_page_of_100_indicators_with_relations_costs_constant_queries(
    client: httpx.AsyncClient, catalog_app: Starlette
) -> None:
    # Both pages hold scaled units, so both load a second level (unit -> base unit).
    with counting_statements(catalog_app) as small:
        small_body = await graphql(client, INDICATORS_WITH_RELATIONS, {"first": 30})
    with counting_statements(catalog_app) as large:
        large_body = await graphql(client, INDICATORS_WITH_RELATIONS, {"first": 100})

    assert "errors" not in small_body and "errors" not in large_body
    assert len(large_body["data"]["indicators"]["edges"]) >= 40
    assert large.count == small.count
    assert large.count <= 15
