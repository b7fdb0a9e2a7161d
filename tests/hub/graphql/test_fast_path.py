"""The fast path (`hub.graphql.fast`) answers the portal's queries and falls back where it must.

The suite runs in differential mode (tests/conftest.py): every query here is also answered by
the standard executor, the response is the standard one and the plan's answer must be the
same bytes, or the test fails. These tests check, on top, which path answered: the bench's
Q1-Q3 and their common variants by the plan; abstract types, introspection and errors by
the standard executor, with the standard errors. The hub holds the seed catalog and the
demo reports.
"""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
import pytest
import strawberry
from graphql import parse
from starlette.applications import Starlette
from strawberry.dataloader import DataLoader

from bench.queries import HUB
from catalog.mapping import load_source_catalog
from hub.app import create_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.demo import load_demo
from hub.graphql.fast import extension as fast_path
from hub.graphql.fast.drive import drive
from hub.graphql.fast.execute import execute
from hub.graphql.fast.plan import compile_operation
from hub.graphql.loaded import loaded_by
from hub.graphql.schema import build_schema
from hub.metadata.store import import_catalog
from hub.settings import Limits, Settings
from tests.conftest import fresh_database, postgres_server
from tests.hub.api.conftest import graphql

PROVINCES = ["01", "22", "31", "46", "48", "75", "79", "92"]


@pytest.fixture(scope="module")
async def demo_app(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Starlette]:
    url, name = await fresh_database(database_backend, tmp_path_factory.mktemp("fast"))
    await asyncio.to_thread(run_migrations, url)
    settings = Settings(limits=Limits(max_query_depth=8)).with_database(url)
    engine = create_engine(settings)
    async with create_session_factory(engine)() as session:
        await import_catalog(load_source_catalog(), session=session)
        await load_demo(
            session=session, now=datetime(2025, 12, 31, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        )
        await session.commit()
    await engine.dispose()
    app = create_app(settings)
    yield app
    await app.state.engine.dispose()
    if name is not None:
        await postgres_server().drop(name)


@pytest.fixture
async def client(demo_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=demo_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client


@contextmanager
def paths() -> Iterator[Counter[str]]:
    """What the fast path did meanwhile: `fast`, `fallback`, and why."""
    before = Counter(fast_path.stats)
    seen: Counter[str] = Counter()
    yield seen
    seen.update(fast_path.stats)
    seen.subtract(before)
    for key in [k for k, v in seen.items() if v == 0]:
        del seen[key]


async def answered(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await graphql(client, query, variables)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


BENCH_VARIABLES = {
    "q1": {"indicator": "0102", "areas": ["01"]},
    "q2": {"filter": {"indicators": ["0102"]}, "first": 100},
    "q3": {"indicator": "HUB-EXPORTS", "areas": PROVINCES, "from": "2025", "to": "2025"},
}


@pytest.mark.parametrize("name", ["q1", "q2", "q3"])
async def test_the_bench_queries_are_answered_by_their_plans(
    client: httpx.AsyncClient, name: str
) -> None:
    with paths() as seen:
        data = await answered(client, HUB[name].text, **BENCH_VARIABLES[name])

    # Q2's page is written from its rows (`hub.observations.projection`), Q1's series from
    # their records (`hub.observations.series_projection`).
    projected = {"q1": {"projected series": 1}, "q2": {"projected pages": 1}}
    assert seen == {"fast": 1, **projected.get(name, {})}
    assert data and all(value for value in data.values())


VARIANTS = {
    "aliases and __typename": """
        { a: series(indicator: "0102", areas: ["01"]) { __typename code: areaCode }
          b: series(indicator: "0102", areas: ["22"]) { areaCode name: areaName(lang: EN) } }""",
    "named and inline fragments": """
        query Page($first: Int) {
          observations(first: $first) { edges { node { ...Value ... on Observation { period } } } }
        }
        fragment Value on Observation { value unitCode indicator { ...Named } }
        fragment Named on Indicator { code name(lang: EN) }""",
    "fragments merged under one key": """
        { observations(first: 5) {
            edges { node { area { code } } }
            edges { node { area { name } period } } } }""",
    "a fragment on an interface its type implements": """
        { indicator(code: "0102") { ... on Node { id } code } }""",
    "nested loaders": """
        { observations(first: 20) { edges { node {
            indicator { code unit { code base { code } } agency { code name } group { code } }
            area { code level parent { code } }
            revisions { revision value status } } } } }""",
    "nulls and lists": """
        { observations(first: 20) { edges { cursor node {
            comment acceptedAt recordedAt status frequency periodStart
            dimensions { dimension code } } } pageInfo { hasNextPage endCursor } } }""",
    "lang arguments, literal and variable": """
        query Names($lang: Language!) {
          vi: indicators(first: 3) { edges { node { name definition } } }
          chosen: indicators(first: 3) { edges { node { name(lang: $lang) method(lang: EN) } } }
        }""",
}
# The variants whose page of observations is written from its rows (its nodes show only
# attributes and loaded fields: `hub.observations.projection`), and whose series are (`a`,
# not `b`, which selects a name: `hub.observations.series_projection`).
PROJECTED = {
    "named and inline fragments": {"projected pages": 1},
    "fragments merged under one key": {"projected pages": 1},
    "nulls and lists": {"projected pages": 1},
    "aliases and __typename": {"projected series": 1},
}
VARIANT_VARIABLES: dict[str, dict[str, Any]] = {
    "named and inline fragments": {"first": 30},
    "lang arguments, literal and variable": {"lang": "EN"},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
async def test_common_variants_are_answered_by_their_plans(
    client: httpx.AsyncClient, variant: str
) -> None:
    with paths() as seen:
        await answered(client, VARIANTS[variant], **VARIANT_VARIABLES.get(variant, {}))

    assert seen == {"fast": 1, **PROJECTED.get(variant, {})}


CHARTS = """
query Charts($indicator: String!, $areas: [String!]) {
  charts: series(indicator: $indicator, areas: $areas) {
    __typename
    code: areaCode
    indicatorCode frequency unitCode
    dimensions { __typename dimension code }
    points { __typename period periodStart periodEnd value unitCode status derived sourceAreas }
    again: points { period }
  }
}
"""


async def test_series_are_written_from_their_records(client: httpx.AsyncClient) -> None:
    with paths() as seen:
        charts = (await answered(client, CHARTS, indicator="0102", areas=["01", "22"]))["charts"]

    # By the plan's projection, and the same as the standard executor's, byte for byte
    # (differential mode: tests/conftest.py).
    assert seen == {"fast": 1, "projected series": 1}
    assert {chart["code"] for chart in charts} == {"01", "22"}  # a series per breakdown
    assert all(chart["dimensions"] for chart in charts)
    first = charts[0]
    assert first["__typename"] == "ObservationSeries" and first["indicatorCode"] == "0102"
    point = first["points"][0]
    assert point["__typename"] == "SeriesPoint" and point["sourceAreas"] == ["01"]
    assert point["derived"] is False and point["value"]
    assert [p["period"] for p in first["again"]] == [p["period"] for p in first["points"]]


SKIPPING = """
query Page($values: Boolean!, $labels: Boolean!) {
  observations(first: 10) {
    edges { node {
      period
      value @include(if: $values)
      ... @skip(if: $labels) { indicator { code } }
      ...Area @include(if: $labels)
    } }
  }
}
fragment Area on Observation { area { code name } }
"""


async def test_skip_and_include_follow_the_variables_of_each_request(
    client: httpx.AsyncClient,
) -> None:
    with paths() as seen:
        both = await answered(client, SKIPPING, values=True, labels=True)
        neither = await answered(client, SKIPPING, values=False, labels=False)

    # The second request takes the lane (its document has a plan); differential mode runs
    # the standard path after it, whose plan answers too.
    assert seen == {"fast": 2, "lane": 1}
    assert set(both["observations"]["edges"][0]["node"]) == {"period", "value", "area"}
    assert set(neither["observations"]["edges"][0]["node"]) == {"period", "indicator"}


async def test_the_total_is_counted_by_the_plan_too_when_selected(
    client: httpx.AsyncClient,
) -> None:
    query = "{ observations(first: 2) { totalCount edges { node { value } } } }"
    with paths() as seen:
        data = await answered(client, query)

    assert seen == {"fast": 1, "projected pages": 1}
    assert data["observations"]["totalCount"] > 2


PAGED = """
query Paged($after: String) {
  values: observations(filter: {indicators: ["0102"]}, first: 7, after: $after) {
    __typename
    count: totalCount
    info: pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
    edges { __typename at: cursor node { __typename period value frequency sourceAreas } }
    more: edges { node { area { code name(lang: EN) } indicator { code } } }
  }
}
"""


async def test_pages_of_observations_are_written_from_their_rows_page_after_page(
    client: httpx.AsyncClient,
) -> None:
    with paths() as seen:
        first = (await answered(client, PAGED))["values"]
        after = first["info"]["endCursor"]
        second = (await answered(client, PAGED, after=after))["values"]

    # Each page by the plan's projection (the second through the lane, the standard path
    # after it in differential mode, whose plan projects too), and the same as the
    # standard executor's, byte for byte (tests/conftest.py).
    assert seen == {"fast": 2, "lane": 1, "projected pages": 3}
    assert first["count"] == second["count"] > 14
    assert [len(first["edges"]), len(second["edges"])] == [7, 7]
    assert first["edges"][-1]["at"] == after != second["edges"][0]["at"]
    assert second["info"]["hasPreviousPage"] and first["info"]["hasNextPage"]
    assert first["more"][0]["node"]["indicator"] == {"code": "0102"}


async def test_a_node_field_with_a_resolver_of_its_own_leaves_the_page_to_the_resolver(
    client: httpx.AsyncClient,
) -> None:
    query = "{ observations(first: 3) { edges { node { id period areaName } } } }"
    with paths() as seen:
        await answered(client, query)

    assert seen == {"fast": 1}


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('{ node(id: "SW5kaWNhdG9yOjAxMDI=") { id } }', "unsupported: an abstract type (Node)"),
        ("{ __schema { queryType { name } } }", "unsupported: introspection (__schema)"),
    ],
)
async def test_what_a_plan_does_not_cover_runs_the_standard_way(
    client: httpx.AsyncClient, query: str, reason: str
) -> None:
    with paths() as seen:
        await answered(client, query)

    assert seen == {"fallback": 1, reason: 1}


@pytest.mark.parametrize(
    ("query", "code", "failure"),
    [
        (
            '{ aggregate(indicator: "NO-SUCH", groupBy: [PERIOD]) { unitCode } }',
            "NOT_FOUND",
            "NotFoundError",
        ),
        ("{ observations(first: -1) { edges { cursor } } }", "INVALID_INPUT", "InvalidInputError"),
        (
            "{ observations(first: 100000) { edges { cursor } } }",
            "LIMIT_EXCEEDED",
            "LimitExceededError",
        ),
    ],
)
async def test_a_failing_plan_gives_way_to_the_standard_errors(
    client: httpx.AsyncClient, query: str, code: str, failure: str
) -> None:
    with paths() as seen:
        body = await graphql(client, query)

    assert seen == {"fallback": 1, f"failed: {failure}": 1}
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]


async def test_limits_are_enforced_before_any_plan_runs(client: httpx.AsyncClient) -> None:
    base = "base { " * 8 + "code" + " }" * 8
    deep = "{ indicators { edges { node { unit { " + base + " } } } } }"
    with paths() as seen:
        body = await graphql(client, deep)
        mutation = await graphql(client, "mutation { revokeToken(input: {id: 1}) { __typename } }")

    assert seen == {}
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert mutation.get("errors") or mutation.get("data")


def test_plans_are_kept_per_schema_up_to_a_bound() -> None:
    schema = build_schema()
    plans = fast_path.PlanCache(maxsize=2)
    texts = ["{ regimes { code } }", "{ indicatorGroups { code } }", "{ me { role } }"]
    for text in texts:
        plans.get(schema, parse(text), text, None)

    assert len(plans) == 2


async def test_a_level_of_coroutines_runs_together_and_a_failure_closes_the_others() -> None:
    order: list[str] = []
    gate: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def waits(name: str) -> str:
        try:
            await gate
            return name
        finally:
            order.append(f"{name} done")

    async def opens() -> int:
        await asyncio.sleep(0)
        gate.set_result(1)
        return 1

    assert await drive([waits("a"), opens(), waits("b"), gate]) == ["a", 1, "b", 1]

    async def fails() -> None:
        raise ValueError("boom")

    never: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def blocked() -> int:
        try:
            return await never
        finally:
            order.append("blocked closed")

    with pytest.raises(ValueError, match="boom"):
        await drive([blocked(), fails()])
    assert order == ["a done", "b done", "blocked closed"]


LANE_QUERY = """
query Series($indicator: String!, $areas: [String!]) {
  series(indicator: $indicator, areas: $areas) { areaCode frequency points { period value } }
}"""


async def post(
    client: httpx.AsyncClient,
    body: dict[str, Any],
    *,
    url: str = "/graphql",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        url,
        content=orjson.dumps(body),
        headers={"content-type": "application/json", **(headers or {})},
    )
    assert response.headers["content-type"] == "application/json"
    found: dict[str, Any] = response.json()
    return found


async def test_a_document_a_plan_answered_before_takes_the_lane(
    client: httpx.AsyncClient,
) -> None:
    first = {"query": LANE_QUERY, "variables": {"indicator": "0102", "areas": ["01"]}}
    again = {"query": LANE_QUERY, "variables": {"indicator": "0102", "areas": ["22"]}}
    named = {**again, "operationName": "Series"}
    with paths() as seen:
        one = await post(client, first)
    with paths() as later:
        other = await post(client, again)
        await post(
            client,
            {
                **again,
                "variables": None,
                "query": "{ indicators(first: 1) { edges { node { code } } } }",
            },
        )
    with paths() as by_name:
        await post(client, named)

    # Differential mode: the lane's bytes, status and headers were compared with the
    # standard path's, which ran after it (its plan counts as "fast"); the series are
    # written from their records either way.
    assert seen == {"fast": 1, "projected series": 1}
    assert later == {"fast": 2, "lane": 1, "projected series": 2}
    # The operation named: another key, planned afresh.
    assert by_name == {"fast": 1, "projected series": 1}
    assert one["data"]["series"][0]["areaCode"] == "01"
    assert other["data"]["series"][0]["areaCode"] == "22"


@pytest.mark.parametrize(
    "variant",
    ["extensions", "query string", "streaming accept", "text body", "unknown key", "GET"],
)
async def test_requests_the_lane_does_not_take_go_the_standard_way(
    client: httpx.AsyncClient, variant: str
) -> None:
    body: dict[str, Any] = {"query": LANE_QUERY, "variables": {"indicator": "0102"}}
    await post(client, body)  # its plan is made
    with paths() as seen:
        if variant == "extensions":
            found = await post(client, {**body, "extensions": {}})
        elif variant == "query string":
            found = await post(client, body, url="/graphql?x=1")
        elif variant == "streaming accept":
            found = await post(client, body, headers={"accept": "multipart/mixed, */*"})
        elif variant == "unknown key":
            found = await post(client, {**body, "id": "1"})
        elif variant == "GET":
            params = {"query": LANE_QUERY, "variables": orjson.dumps(body["variables"]).decode()}
            found = (await client.get("/graphql", params=params)).json()
        else:
            response = await client.post(
                "/graphql", content=orjson.dumps(body), headers={"content-type": "text/plain"}
            )
            assert response.status_code == 400
            assert seen == {}
            return

    assert seen == {"fast": 1, "projected series": 1}
    assert found["data"]["series"]


@pytest.mark.parametrize(
    ("variables", "code", "failure"),
    [
        ({"indicator": "NO-SUCH", "groupBy": ["PERIOD"]}, "NOT_FOUND", "lane fallback"),
        ({"indicator": "0102", "groupBy": ["NO_SUCH_KEY"]}, "INVALID_INPUT", "lane fallback"),
        ({"indicator": "01\u000002", "groupBy": ["PERIOD"]}, "INVALID_INPUT", None),
    ],
)
async def test_the_lane_gives_failing_requests_to_the_standard_path(
    client: httpx.AsyncClient, variables: dict[str, Any], code: str, failure: str | None
) -> None:
    query = """query Agg($indicator: String!, $groupBy: [AggregateBy!]!) {
      aggregate(indicator: $indicator, groupBy: $groupBy) { unitCode } }"""
    good = await post(
        client,
        {"query": query, "variables": {**variables, "indicator": "0102", "groupBy": ["PERIOD"]}},
    )
    assert good["data"]["aggregate"]["unitCode"]
    with paths() as seen:
        body = await post(client, {"query": query, "variables": variables})

    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert body.get("data") is None
    assert ("lane" in seen) is False
    assert seen.get(failure or "lane fallback", 0) == (1 if failure else 0)


# A schema of places whose parent is a loaded field (module level: strawberry resolves the
# annotations here). The resolver records its calls: the plan must not make any.
LOADS: list[list[str]] = []
RESOLVER_CALLS: list[str] = []
PARENTS = {"a1": "p", "a2": "p", "a3": "q", "p": "root", "q": "gone"}


async def places(session: Any, codes: Sequence[str]) -> list[Place | None]:
    LOADS.append(list(codes))
    return [Place(code=c, parent_code=PARENTS.get(c)) if c != "gone" else None for c in codes]


@strawberry.type
class Place:
    code: str
    parent_code: strawberry.Private[str | None]

    @strawberry.field
    @loaded_by("parent_code", places)
    async def parent(self, info: strawberry.Info) -> Place | None:
        RESOLVER_CALLS.append(self.code)
        if self.parent_code is None:
            return None
        found: Place | None = await info.context.loader(places).load(self.parent_code)
        return found


@strawberry.type
class PlaceQuery:
    @strawberry.field
    def places(self) -> list[Place]:
        return [Place(code=c, parent_code=PARENTS.get(c)) for c in ("a1", "a2", "a3", "x")]


class Loaders:
    """A request context's `loader` and nothing else."""

    def __init__(self) -> None:
        self.loaders: dict[Any, DataLoader[Any, Any]] = {}

    def loader(self, batch: Any) -> DataLoader[Any, Any]:
        if batch not in self.loaders:
            self.loaders[batch] = DataLoader(lambda keys: batch(None, keys))
        return self.loaders[batch]


async def test_a_loaded_field_loads_the_keys_of_a_whole_level_at_once() -> None:
    schema = strawberry.Schema(PlaceQuery)
    text = "{ places { code parent { code parent { code parent { code } } } } }"
    plan = compile_operation(schema._schema, parse(text), None)
    LOADS.clear()
    data = await execute(
        plan, schema=schema, context=Loaders(), root_value=None, variable_values=None
    )

    # One load per level with that level's distinct keys, in order; no key, no load.
    assert LOADS == [["p", "q"], ["root", "gone"]]
    assert RESOLVER_CALLS == []
    standard = await schema.execute(text, context_value=Loaders())
    assert standard.errors is None
    assert RESOLVER_CALLS  # the standard executor called the resolver
    assert data == standard.data
    assert data["places"][2] == {"code": "a3", "parent": {"code": "q", "parent": None}}
    assert data["places"][3] == {"code": "x", "parent": None}


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.input
class Box:
    side: int


CALLS: list[dict[str, Any]] = []


@strawberry.type
class ArgumentQuery:
    @strawberry.field
    def echo(
        self,
        text: str,
        tags: list[str] | None = None,
        # graphql-core hands every call that omits it this very list: the resolver's changes
        # to it must not reach the next call.
        defaults: list[int] | None = [1, 2],  # noqa: B006
        colour: Colour | None = None,
        colours: list[Colour] | None = None,
        box: Box | None = None,
        node: strawberry.relay.GlobalID | None = None,
        maybe: strawberry.Maybe[int | None] = None,
    ) -> str:
        arguments = copy.deepcopy({k: v for k, v in locals().items() if k != "self"})
        CALLS.append(arguments)
        if defaults is not None:
            defaults.append(99)
        return repr(sorted((k, type(v).__name__, repr(v)) for k, v in arguments.items()))


ECHOES = [
    '{ echo(text: "a") }',
    '{ echo(text: "a", tags: ["x", "y"], colour: RED, colours: [BLUE, RED]) }',
    '{ echo(text: "a", tags: null, colour: null, box: null) }',
    '{ echo(text: "a", box: {side: 2}) }',  # an input object: converted
    '{ echo(text: "a", node: "UGxhY2U6MQ==") }',  # a GlobalID: converted
    '{ echo(text: "a", maybe: null) }',  # a Maybe: Some(None)
    '{ echo(text: "a", maybe: 3) }',
    'query($t: [String!], $d: [Int!] = [3]) { echo(text: "v", tags: $t, defaults: $d) }',
]


@pytest.mark.parametrize("text", ECHOES)
async def test_arguments_reach_a_resolver_as_strawberry_converts_them(text: str) -> None:
    # The plan hands scalars, enums and lists of them on as graphql-core coerced them and
    # converts the rest with strawberry; the resolver must get the same values either way.
    schema = strawberry.Schema(ArgumentQuery)
    plan = compile_operation(schema._schema, parse(text), None)
    variables = {"t": ["p", "q"]}
    CALLS.clear()
    data = await execute(
        plan, schema=schema, context=None, root_value=None, variable_values=variables
    )
    standard = await schema.execute(text, variable_values=variables)

    assert standard.errors is None
    assert data == standard.data
    fast_call, standard_call = CALLS
    assert fast_call == standard_call


RESOLVED: list[str] = []


@strawberry.type
class Crate:
    side: int


@strawberry.type
class Shelf:
    name: str
    size: int
    colour: Colour
    tags: list[str]
    crate: Crate | None = None

    @strawberry.field
    def label(self) -> str:
        RESOLVED.append(f"label {self.name}")
        return self.name.upper()

    @strawberry.field
    async def later(self) -> str:
        RESOLVED.append(f"later {self.name}")
        return self.name * 2


@strawberry.type
class ShelfQuery:
    @strawberry.field
    def shelves(self) -> list[Shelf]:
        return [
            Shelf(name="a", size=1, colour=Colour.RED, tags=["x"], crate=Crate(side=2)),
            Shelf(name="b", size=-3, colour=Colour.BLUE, tags=[]),
        ]


async def test_a_compiled_object_builds_what_the_field_loop_builds() -> None:
    # Without @skip/@include a selection is compiled into a function of its own (`builder`);
    # with one it is walked field by field. Either way: the standard executor's JSON, and
    # the resolvers called in the same order.
    schema = strawberry.Schema(ShelfQuery)
    fields = "__typename name size colour {} tags crate {{ side }} label later"
    texts = [
        "{ shelves { " + fields.format("") + " } }",
        "query($on: Boolean = true) { shelves { " + fields.format("@include(if: $on)") + " } }",
    ]
    answers, calls = [], []
    for text in texts:
        plan = compile_operation(schema._schema, parse(text), None)
        RESOLVED.clear()
        answers.append(
            await execute(plan, schema=schema, context=None, root_value=None, variable_values={})
        )
        calls.append(list(RESOLVED))
    standard = await schema.execute(texts[0])

    assert standard.errors is None
    assert [orjson.dumps(a) for a in answers] == [orjson.dumps(standard.data)] * 2  # key order too
    assert calls == [["label a", "label b", "later a", "later b"]] * 2
    assert standard.data["shelves"][1] == {
        **{"__typename": "Shelf", "name": "b", "size": -3, "colour": "BLUE", "tags": []},
        **{"crate": None, "label": "B", "later": "bb"},
    }
