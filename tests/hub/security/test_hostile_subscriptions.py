"""Hostile text in the String arguments of subscriptions, over a real WebSocket.

Subscriptions run over graphql-transport-ws only, so they are not in the HTTP table of
`test_hostile_text.py`; that table's coverage test counts the keys below as covered. An
unknown code is a NOT_FOUND error naming the argument, a NUL is refused before the resolver
looks anything up (on PostgreSQL that lookup would fail), and the connection stays usable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from hub.app import create_app
from hub.nul import REASON
from tests.hub.graphql.live_servers import LiveClient, live_client, serve_in_process
from tests.hub.security.conftest import Hub
from tests.hub.security.hostile import FEW, NUL_TEXT

SUBSCRIPTIONS = {
    "Subscription.reportEvents(regime)": (
        "subscription S($v: String) { reportEvents(regime: $v) { kind } }",
        "regime",
    ),
    "Subscription.reportEvents(agency)": (
        "subscription S($v: String) { reportEvents(agency: $v) { kind } }",
        "agency",
    ),
    "Subscription.observationsChanged(indicator)": (
        "subscription S($v: String!) { observationsChanged(indicator: $v) { indicator } }",
        "indicator",
    ),
}


@pytest.fixture
async def live(hostile_hub: Hub) -> AsyncIterator[LiveClient]:
    """A reporter's graphql-transport-ws connection to the hostile hub's database."""
    app = create_app(hostile_hub.settings)
    async with serve_in_process(app) as base, live_client(base) as client:
        acknowledged = await client.init(hostile_hub.tokens["reporter"])
        assert acknowledged["type"] == "connection_ack", acknowledged
        yield client
    await app.state.engine.dispose()


async def _errors(client: LiveClient, op: str) -> list[dict[str, Any]]:
    """The errors the server sends for operation `op`, as `error` or as a `next` with errors."""
    message = await client.receive()
    assert message.get("id") == op, message
    if message["type"] == "error":
        errors: list[dict[str, Any]] = message["payload"]
        return errors
    assert message["type"] == "next" and message["payload"]["data"] is None, message
    errors = message["payload"]["errors"]
    assert (await client.receive())["type"] == "complete"
    return errors


@pytest.mark.parametrize("key", sorted(SUBSCRIPTIONS))
async def test_hostile_subscription_arguments_are_refused_clearly(
    live: LiveClient, key: str
) -> None:
    query, argument = SUBSCRIPTIONS[key]
    for value in (*FEW, NUL_TEXT):
        op = await live.subscribe(query, v=value)

        [error] = await _errors(live, op)

        if "\x00" in value:
            assert error["message"] == f"$v {REASON}"
            assert error["extensions"] == {"code": "INVALID_INPUT", "field": "$v"}
        else:
            assert error.get("extensions") == {"code": "NOT_FOUND", "field": argument}, error
