"""Identifiers dereference on the hub: Turtle, JSON-LD or HTML by content negotiation."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from hub.settings import Settings


async def _first_indicator_code(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/graphql", json={"query": "{ indicators(first: 1) { edges { node { code } } } }"}
    )
    code: str = response.json()["data"]["indicators"]["edges"][0]["node"]["code"]
    return code


async def test_an_indicator_answers_turtle_with_its_labels(
    client: httpx.AsyncClient, catalog_settings: Settings
) -> None:
    code = await _first_indicator_code(client)

    response = await client.get(f"/id/indicator/{code}", headers={"accept": "text/turtle"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    iri = URIRef(f"{catalog_settings.base_iri}/indicator/{code}")
    languages = {label.language for label in graph.objects(iri, SKOS.prefLabel)}  # type: ignore[attr-defined]
    assert languages == {"vi", "en"}


async def test_json_ld_and_html_are_negotiated(client: httpx.AsyncClient) -> None:
    code = await _first_indicator_code(client)

    as_json = await client.get(f"/id/indicator/{code}", headers={"accept": "application/ld+json"})
    as_html = await client.get(f"/id/indicator/{code}", headers={"accept": "text/html"})

    assert as_json.status_code == 200
    assert as_json.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=as_json.text, format="json-ld")) > 5
    assert as_html.status_code == 200
    assert as_html.headers["content-type"].startswith("text/html")
    assert "<h1>" in as_html.text and code in as_html.text


async def test_an_unknown_media_type_is_406(client: httpx.AsyncClient) -> None:
    code = await _first_indicator_code(client)

    response = await client.get(f"/id/indicator/{code}", headers={"accept": "application/pdf"})

    assert response.status_code == 406
    assert "text/turtle" in response.text


async def test_an_unknown_code_is_404_with_a_clear_body(client: httpx.AsyncClient) -> None:
    response = await client.get("/id/indicator/NO-SUCH-CODE", headers={"accept": "text/turtle"})

    assert response.status_code == 404
    assert "NO-SUCH-CODE" in response.text


@pytest.mark.parametrize(
    ("path", "fmt"), [("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld")]
)
async def test_the_dumps_parse_and_their_iris_resolve_on_the_hub(
    client: httpx.AsyncClient, catalog_settings: Settings, path: str, fmt: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format=fmt)
    base = catalog_settings.base_iri + "/"
    subjects = sorted({str(s) for s in graph.subjects() if str(s).startswith(base)})
    assert len(subjects) > 300
    # One IRI of each shape the hub mints (kind, and the parts minted under an entity).
    shapes: dict[tuple[str, int], str] = {}
    for iri in subjects:
        parts = iri[len(base) :].split("/")
        shapes.setdefault((parts[0], len(parts)), iri)
    for iri in shapes.values():
        resolved = await client.get("/id/" + iri[len(base) :], headers={"accept": "text/turtle"})
        assert resolved.status_code == 200, iri
        assert (URIRef(iri), None, None) in Graph().parse(data=resolved.text, format="turtle")


async def test_ordered_lists_come_with_the_description(
    client: httpx.AsyncClient, catalog_settings: Settings
) -> None:
    # An indicator with two or more disaggregations records their order as an rdf:List.
    body = await client.post(
        "/graphql",
        json={
            "query": "{ indicators(first: 200) "
            "{ edges { node { code disaggregations { code } } } } }"
        },
    )
    code = next(
        e["node"]["code"]
        for e in body.json()["data"]["indicators"]["edges"]
        if len(e["node"]["disaggregations"]) >= 2
    )

    response = await client.get(f"/id/indicator/{code}", headers={"accept": "text/turtle"})

    graph = Graph().parse(data=response.text, format="turtle")
    lists = [o for _, p, o in graph if str(p).endswith("disaggregationList")]
    assert lists
    members = list(Collection(graph, lists[0]))
    assert len(members) >= 2
