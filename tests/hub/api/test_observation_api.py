"""Observation pages count the whole list only when the client asks for `totalCount`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import sqlalchemy as sa
from starlette.applications import Starlette

from hub.graphql.fast.extension import in_shadow_run
from tests.hub.api.conftest import graphql


@contextmanager
def capturing_sql(app: Starlette) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = app.state.engine.sync_engine

    def capture(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if not in_shadow_run():  # the fast path's shadow run in differential mode
            statements.append(statement.lower())

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)


async def test_the_total_is_counted_only_when_selected(
    client: httpx.AsyncClient, catalog_app: Starlette
) -> None:
    with capturing_sql(catalog_app) as without_total:
        plain = await graphql(client, "{ observations(first: 5) { edges { node { value } } } }")
    with capturing_sql(catalog_app) as with_total:
        counted = await graphql(
            client, "{ observations(first: 5) { totalCount edges { node { value } } } }"
        )

    with capturing_sql(catalog_app) as through_fragments:
        fragments = await graphql(
            client,
            "{ observations(first: 5) { ...Page } } "
            "fragment Page on ObservationConnection { ... { ...Total } edges { node { value } } } "
            "fragment Total on ObservationConnection { totalCount }",
        )

    assert "errors" not in plain and "errors" not in counted and "errors" not in fragments
    assert counted["data"]["observations"]["totalCount"] == 0
    assert not any("count(" in s for s in without_total)
    assert any("count(" in s for s in with_total)
    assert any("count(" in s for s in through_fragments)
