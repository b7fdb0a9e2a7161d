"""`/sparql`: the SPARQL 1.1 protocol over the catalog graph, read-only and bounded."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

import hub.linked.sparql as sparql
from hub.app import create_app
from hub.settings import Settings

INDICATORS = """
SELECT ?code ?vi ?en WHERE {
  ?indicator a rh:Indicator ; skos:notation ?code ;
             skos:prefLabel ?vi , ?en .
  FILTER(lang(?vi) = "vi" && lang(?en) = "en")
} ORDER BY ?code
"""


async def test_select_indicators_with_labels_as_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/sparql", params={"query": INDICATORS})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/sparql-results+json"
    body = response.json()
    assert body["head"]["vars"] == ["code", "vi", "en"]
    rows = body["results"]["bindings"]
    assert len(rows) > 5
    first = rows[0]
    assert first["vi"]["xml:lang"] == "vi" and first["en"]["xml:lang"] == "en"
    codes = [row["code"]["value"] for row in rows]
    assert codes == sorted(codes)
    assert "response-truncated" not in response.headers


async def test_post_forms_and_csv_results_parse(client: httpx.AsyncClient) -> None:
    as_form = await client.post(
        "/sparql", data={"query": INDICATORS}, headers={"accept": "text/csv"}
    )
    as_body = await client.post(
        "/sparql",
        content=INDICATORS.encode(),
        headers={"content-type": "application/sparql-query", "accept": "text/csv"},
    )
    as_json = await client.get("/sparql", params={"query": INDICATORS})

    assert as_form.status_code == 200 and as_body.status_code == 200
    assert as_form.headers["content-type"].startswith("text/csv")
    assert as_form.text == as_body.text
    rows = list(csv.DictReader(io.StringIO(as_form.text)))
    expected = [
        {name: binding[name]["value"] for name in ("code", "vi", "en")}
        for binding in as_json.json()["results"]["bindings"]
    ]
    assert rows == expected


async def test_ask(client: httpx.AsyncClient) -> None:
    yes = await client.get("/sparql", params={"query": "ASK { ?s a rh:Indicator }"})
    no = await client.get("/sparql", params={"query": "ASK { ?s a rh:NoSuchThing }"})

    assert yes.json() == {"head": {}, "boolean": True}
    assert no.json() == {"head": {}, "boolean": False}


async def test_construct_answers_turtle(client: httpx.AsyncClient) -> None:
    query = "CONSTRUCT { ?i skos:prefLabel ?l } WHERE { ?i a rh:Indicator ; skos:prefLabel ?l }"

    response = await client.get("/sparql", params={"query": query})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 10
    assert all(p == SKOS.prefLabel and isinstance(o, Literal) for _, p, o in graph)


@pytest.mark.parametrize(
    ("send", "reason"),
    [
        ({"params": {"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}}, "read-only"),
        ({"params": {"query": "DROP ALL"}}, "read-only"),
        ({"data": {"update": "CLEAR ALL"}}, "read-only"),
        ({"params": {"query": "SELECT ?x WHERE { ?x "}}, "malformed"),
        ({"params": {"query": "SELECT * WHERE { ?s nope:p ?o }"}}, "malformed"),
        ({"params": {"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"}}, "SERVICE"),
        ({"params": {"query": "SELECT * FROM <http://x/> WHERE { ?s ?p ?o }"}}, "FROM"),
        ({"params": {}}, "empty"),
    ],
)
async def test_refused_queries_get_400_with_the_reason(
    client: httpx.AsyncClient, send: dict[str, Any], reason: str
) -> None:
    method = client.post if "data" in send else client.get
    response = await method("/sparql", **send)

    assert response.status_code == 400
    assert reason in response.text


async def test_malformed_query_reports_the_parsers_position(client: httpx.AsyncClient) -> None:
    response = await client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x "})

    assert response.status_code == 400
    assert "col:" in response.text or "char" in response.text


@asynccontextmanager
async def hub_with(settings: Settings, **limits: int) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(replace(settings, limits=replace(settings.limits, **limits)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client
    await app.state.engine.dispose()


@pytest.fixture
async def limited(catalog_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with hub_with(catalog_settings, sparql_max_rows=3, sparql_timeout_s=60) as client:
        yield client


@pytest.fixture
async def impatient(catalog_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with hub_with(catalog_settings, sparql_timeout_s=1) as client:
        yield client


async def test_result_limit_cuts_and_says_so(limited: httpx.AsyncClient) -> None:
    select = await limited.get("/sparql", params={"query": INDICATORS})
    construct = await limited.get(
        "/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}
    )
    small = await limited.get("/sparql", params={"query": INDICATORS + " LIMIT 2"})

    assert len(select.json()["results"]["bindings"]) == 3
    assert select.headers["hub-results-truncated"] == "true"
    assert len(Graph().parse(data=construct.text, format="turtle")) == 3
    assert construct.headers["hub-results-truncated"] == "true"
    assert "hub-results-truncated" not in small.headers


async def test_a_slow_query_times_out_with_503(
    impatient: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sparql.evaluate

    def slow(*args: Any) -> sparql.Answer:
        time.sleep(1.5)
        return real(*args)

    monkeypatch.setattr(sparql, "evaluate", slow)

    response = await impatient.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})

    assert response.status_code == 503
    assert "HUB_SPARQL_TIMEOUT_S" in response.text
    time.sleep(0.6)  # let the abandoned query finish (it releases its slot)


async def test_unacceptable_results_format_is_406(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/sparql", params={"query": INDICATORS}, headers={"accept": "image/png"}
    )

    assert response.status_code == 406
