"""Pages of `observations` read lean rows when their nodes select only what a lean row
carries (`LEAN_FIELDS`, PostgreSQL): each field answers as on a page selecting every field.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type, is_leaf_type
from starlette.applications import Starlette

from hub.graphql.schema import build_schema
from hub.observations.types import LEAN_FIELDS
from tests.hub.api.conftest import graphql
from tests.hub.api.test_observation_api import capturing_sql

INDICATOR = "HUB-EXPORTS"  # monthly, by product group and ownership, every province
PAGE = """
query Page($indicator: String!, $asOf: DateTime) {
  observations(filter: {indicators: [$indicator]}, first: 60, asOf: $asOf) {
    edges { node { %s } }
  }
}
"""


def _selections() -> dict[str, str]:
    """Every field of `Observation`, each as a selection (objects with all their leaves)."""
    observation = build_schema()._schema.type_map["Observation"]
    assert isinstance(observation, GraphQLObjectType)
    selections = {}
    for name, definition in observation.fields.items():
        inner = get_named_type(definition.type)
        if is_leaf_type(inner):
            selections[name] = name
        else:
            assert isinstance(inner, GraphQLObjectType)
            leaves = [n for n, f in inner.fields.items() if is_leaf_type(get_named_type(f.type))]
            selections[name] = f"{name} {{ {' '.join(leaves)} }}"
    return selections


SELECTIONS = _selections()


async def _nodes(client: httpx.AsyncClient, selection: str, **variables: Any) -> list[Any]:
    body = await graphql(client, PAGE % selection, {"indicator": INDICATOR, **variables})
    assert "errors" not in body, body
    nodes: list[Any] = [edge["node"] for edge in body["data"]["observations"]["edges"]]
    return nodes


def test_lean_fields_are_fields_of_observation() -> None:
    assert LEAN_FIELDS - {"__typename"} <= SELECTIONS.keys()


@pytest.mark.parametrize("field", sorted(SELECTIONS))
@pytest.mark.parametrize("as_of", [None, "2025-06-30T00:00:00+07:00"])
async def test_each_field_answers_alone_as_beside_every_field(
    client: httpx.AsyncClient, field: str, as_of: str | None
) -> None:
    everything = await _nodes(client, " ".join(SELECTIONS.values()), asOf=as_of)
    alone = await _nodes(client, f"{SELECTIONS[field]} __typename", asOf=as_of)

    assert len(everything) == 60
    assert alone == [{field: node[field], "__typename": "Observation"} for node in everything]


async def test_a_page_of_lean_fields_joins_no_revision_nor_labels(
    client: httpx.AsyncClient, demo_app: Starlette, database_backend: str
) -> None:
    lean = " ".join(SELECTIONS[f] for f in sorted(LEAN_FIELDS - {"__typename"}))
    with capturing_sql(demo_app) as lean_sql:
        await _nodes(client, lean)
    with capturing_sql(demo_app) as full_sql:
        await _nodes(client, f"{lean} status")

    def joins_units(statements: list[str]) -> bool:
        (page,) = [s for s in statements if "from (select observation.id" in s]
        return "join unit " in page

    assert joins_units(full_sql)
    assert joins_units(lean_sql) is (database_backend == "sqlite")


async def test_fragments_count_in_what_a_page_selects(
    client: httpx.AsyncClient, demo_app: Starlette, database_backend: str
) -> None:
    text = """
query($indicator: String!) {
  observations(filter: {indicators: [$indicator]}, first: 5) {
    edges { ...Edge }
  }
}
fragment Edge on ObservationEdge { node { period ... on Observation { ...Shown } } }
fragment Shown on Observation { value %s }
"""
    pages = []
    for extra in ("areaCode", "status"):
        with capturing_sql(demo_app) as statements:
            body = await graphql(client, text % extra, {"indicator": INDICATOR})
        assert "errors" not in body, body
        (page,) = [s for s in statements if "from (select observation.id" in s]
        pages.append("join unit " in page)

    assert pages == [database_backend == "sqlite", True]
