"""Subscriptions over graphql-transport-ws, through a real uvicorn server and a real WebSocket
client, with the writes made by other clients over HTTP.

On both databases the server runs in this process (SQLite: events reach subscribers
in-process); on PostgreSQL two server processes show LISTEN/NOTIFY crossing processes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed, InvalidStatus

from hub.app import create_app
from hub.settings import Limits, Settings
from tests.hub.access.token_fixture import bearer, issue_token
from tests.hub.graphql.live_servers import (
    WAIT,
    LiveClient,
    live_client,
    serve_in_children,
    serve_in_process,
)
from tests.hub.reporting.catalog_fixture import (
    OTHER_PROVINCE,
    PERIOD,
    PROVINCE,
    REGIME,
    store_catalog,
)

REPORT_EVENTS = """
subscription Reports($regime: String, $agency: String) {
  reportEvents(regime: $regime, agency: $agency) {
    kind reportId regime agency period status version at
  }
}
"""
OBSERVATIONS_CHANGED = """
subscription Values($indicator: String!) {
  observationsChanged(indicator: $indicator) { indicator count periods areas truncated at }
}
"""
SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { code message } report { id } }
}
"""
ACCEPT = """
mutation Accept($id: ID!) { acceptReport(input: {report: $id}) { errors { code } } }
"""
REVOKE = "mutation Revoke($id: Int!) { revokeToken(input: {id: $id}) { errors { code } } }"


@dataclass
class Hub:
    app: Starlette
    base: str
    http: httpx.AsyncClient
    tokens: dict[str, str]

    async def post(self, query: str, token: str | None = None, **variables: Any) -> Any:
        headers = bearer(self.tokens[token]) if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def submit(self, agency: str, period: str = PERIOD, value: str = "1000") -> str:
        area = "P01" if agency == PROVINCE else "P02"
        data = await self.post(
            SUBMIT,
            agency,
            input={
                "regime": REGIME,
                "period": period,
                "agency": agency,
                "observations": [
                    {
                        "indicator": "POP",
                        "area": area,
                        "period": period,
                        "dimensions": [{"dimension": "SEX", "code": "T"}],
                        "value": value,
                        "unit": "PERSON",
                    }
                ],
            },
        )
        assert data["submitReport"]["errors"] == [], data
        report_id: str = data["submitReport"]["report"]["id"]
        return report_id

    async def subscribed(self, client: LiveClient, query: str, **variables: Any) -> str:
        """Subscribe and wait until the server has registered the subscription."""
        before = self.app.state.change_feed.subscribers
        op = await client.subscribe(query, **variables)
        deadline = time.monotonic() + WAIT
        while self.app.state.change_feed.subscribers <= before:
            assert time.monotonic() < deadline, "the subscription was never registered"
            await asyncio.sleep(0.01)
        return op


TOKENS = {
    PROVINCE: ("reporter", PROVINCE),
    OTHER_PROVINCE: ("reporter", OTHER_PROVINCE),
    "reviewer": ("reviewer", "VPCP"),
    "admin": ("admin", None),
}


async def _tokens(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    return {
        name: await issue_token(session_factory, role, agency, name=f"live-{name}")
        for name, (role, agency) in TOKENS.items()
    }


@pytest.fixture
async def hub(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Hub]:
    """A hub served by uvicorn in this process, with small live-update limits."""
    tokens = await _tokens(session_factory)
    limits = Limits(max_subscriptions_per_connection=2, max_connections_per_principal=2)
    app = create_app(replace(settings, limits=limits))
    async with serve_in_process(app) as base, httpx.AsyncClient(base_url=base) as http:
        yield Hub(app, base, http, tokens)
    await app.state.engine.dispose()


def _auth(hub: Hub, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {hub.tokens[name]}"}


async def test_a_subscriber_receives_the_event_of_a_report_another_client_submits(
    hub: Hub,
) -> None:
    async with live_client(hub.base) as reviewer, live_client(hub.base) as public:
        assert (await reviewer.init(_auth(hub, "reviewer")))["type"] == "connection_ack"
        assert (await public.init())["type"] == "connection_ack"
        reports = await hub.subscribed(reviewer, REPORT_EVENTS, regime=REGIME)
        values = await hub.subscribed(public, OBSERVATIONS_CHANGED, indicator="POP")

        report_id = await hub.submit(PROVINCE)  # another client, over HTTP

        submitted = (await reviewer.next_data(reports))["reportEvents"]
        assert submitted == {
            "kind": "SUBMITTED",
            "reportId": report_id,
            "regime": REGIME,
            "agency": PROVINCE,
            "period": PERIOD,
            "status": "SUBMITTED",
            "version": 1,
            "at": submitted["at"],
        }
        # A subscriber can read what it is told about: the write has committed (the reviewer
        # reads the report before it is accepted).
        report = await hub.post(
            "query($id: ID!) { report(id: $id) { status } }", "reviewer", id=report_id
        )
        assert report["report"]["status"] == "SUBMITTED"

        await hub.post(ACCEPT, "reviewer", id=report_id)

        accepted = (await reviewer.next_data(reports))["reportEvents"]
        assert (accepted["kind"], accepted["status"], accepted["version"]) == (
            "ACCEPTED",
            "ACCEPTED",
            1,
        )
        change = (await public.next_data(values))["observationsChanged"]
        assert change == {
            "indicator": "POP",
            "count": 1,
            "periods": [PERIOD],
            "areas": ["P01"],
            "truncated": False,
            "at": accepted["at"],
        }


async def test_report_events_are_filtered_by_regime_and_agency(hub: Hub) -> None:
    async with live_client(hub.base) as admin:
        await admin.init(_auth(hub, "admin"))
        op = await hub.subscribed(admin, REPORT_EVENTS, regime=REGIME, agency=OTHER_PROVINCE)

        await hub.submit(PROVINCE)
        other = await hub.submit(OTHER_PROVINCE)

        event = (await admin.next_data(op))["reportEvents"]
        assert (event["reportId"], event["agency"]) == (other, OTHER_PROVINCE)

        unknown = await admin.subscribe(REPORT_EVENTS, regime="NO-SUCH-REGIME")
        message = await admin.receive()
        assert message["id"] == unknown and message["type"] == "next"
        error = message["payload"]["errors"][0]
        assert error["extensions"] == {"code": "NOT_FOUND", "field": "regime"}
        assert "NO-SUCH-REGIME" in error["message"]


async def test_a_reporter_sees_its_agencys_steps_and_public_acceptances_only(hub: Hub) -> None:
    async with live_client(hub.base) as reporter, live_client(hub.base) as anonymous:
        await reporter.init(_auth(hub, PROVINCE))
        await anonymous.init()
        mine = await hub.subscribed(reporter, REPORT_EVENTS)
        public = await hub.subscribed(anonymous, REPORT_EVENTS)

        other = await hub.submit(OTHER_PROVINCE)  # not the reporter's agency: not sent to it
        own = await hub.submit(PROVINCE)
        await hub.post(ACCEPT, "reviewer", id=other)  # an acceptance is public

        first = (await reporter.next_data(mine))["reportEvents"]
        second = (await reporter.next_data(mine))["reportEvents"]
        assert [(first["reportId"], first["kind"]), (second["reportId"], second["kind"])] == [
            (own, "SUBMITTED"),
            (other, "ACCEPTED"),
        ]
        seen = (await anonymous.next_data(public))["reportEvents"]
        assert (seen["reportId"], seen["kind"]) == (other, "ACCEPTED")


async def _closed(client: LiveClient) -> ConnectionClosed:
    with pytest.raises(ConnectionClosed) as closed:
        await client.receive()
    return closed.value


async def test_a_bad_token_is_refused_in_connection_init_and_in_the_upgrade(hub: Hub) -> None:
    async with live_client(hub.base) as client:
        await client.send(
            {"type": "connection_init", "payload": {"Authorization": "Bearer rh_nope"}}
        )
        closed = await _closed(client)
        assert closed.rcvd is not None and closed.rcvd.code == 4403
        assert closed.rcvd.reason.startswith("UNAUTHENTICATED: malformed token")

    async with live_client(hub.base) as client:
        await client.send({"type": "connection_init", "payload": {"Authorization": 7}})
        closed = await _closed(client)
        assert closed.rcvd is not None and closed.rcvd.code == 4400
        assert "Authorization must be a string" in closed.rcvd.reason

    with pytest.raises(InvalidStatus) as refused:
        async with live_client(hub.base, headers={"Authorization": "Bearer rh_nope"}):
            pass
    assert refused.value.response.status_code == 401
    assert b"malformed token" in refused.value.response.body

    # The upgrade's header alone authenticates too.
    async with live_client(hub.base, headers=_auth(hub, PROVINCE)) as client:
        await client.init()
        op = await hub.subscribed(client, REPORT_EVENTS)
        own = await hub.submit(PROVINCE)
        assert (await client.next_data(op))["reportEvents"]["reportId"] == own


async def test_subscriptions_per_connection_and_connections_per_principal_are_limited(
    hub: Hub,
) -> None:
    async with live_client(hub.base) as first, live_client(hub.base) as second:
        await first.init(_auth(hub, "admin"))
        await second.init(_auth(hub, "admin"))
        await hub.subscribed(first, REPORT_EVENTS)
        await hub.subscribed(first, OBSERVATIONS_CHANGED, indicator="POP")

        third = await first.subscribe(REPORT_EVENTS)
        refusal = await first.receive()
        assert (refusal["id"], refusal["type"]) == (third, "error")
        assert refusal["payload"][0]["extensions"] == {"code": "LIMIT_EXCEEDED"}
        assert "HUB_MAX_SUBSCRIPTIONS_PER_CONNECTION" in refusal["payload"][0]["message"]

        query = await second.subscribe("{ me { role } }")
        refusal = await second.receive()
        assert (refusal["id"], refusal["type"]) == (query, "error")
        assert refusal["payload"][0]["extensions"] == {"code": "SUBSCRIPTIONS_ONLY"}

        async with live_client(hub.base) as one_too_many:
            await one_too_many.send({"type": "connection_init", "payload": _auth(hub, "admin")})
            closed = await _closed(one_too_many)
            assert closed.rcvd is not None and closed.rcvd.code == 4429
            assert "HUB_MAX_CONNECTIONS_PER_PRINCIPAL" in closed.rcvd.reason

    # Closed connections no longer count.
    async with live_client(hub.base) as again:
        assert (await again.init(_auth(hub, "admin")))["type"] == "connection_ack"


async def test_a_connection_closes_when_its_token_is_revoked(hub: Hub) -> None:
    async with live_client(hub.base) as client:
        await client.init(_auth(hub, PROVINCE))
        await hub.subscribed(client, REPORT_EVENTS)
        me = await hub.post("{ me { tokenId } }", PROVINCE)

        await hub.post(REVOKE, "admin", id=me["me"]["tokenId"])

        closed = await _closed(client)
        assert closed.rcvd is not None and closed.rcvd.code == 4403
        assert "was revoked" in closed.rcvd.reason


async def test_a_subscription_over_http_is_refused_clearly(hub: Hub) -> None:
    response = await hub.http.post("/graphql", json={"query": REPORT_EVENTS, "variables": {}})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "SUBSCRIPTIONS_NEED_WEBSOCKET"}


@pytest.mark.postgresql_only
async def test_events_cross_server_processes_on_postgresql(
    database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    tokens = await _tokens(session_factory)
    async with (
        serve_in_children(database_url, 2) as (subscribe_here, submit_there),
        httpx.AsyncClient(base_url=submit_there) as http,
        live_client(subscribe_here) as reviewer,
    ):
        await _cross_processes(Hub(Starlette(), submit_there, http, tokens), reviewer)


async def _cross_processes(other: Hub, reviewer: LiveClient) -> None:
    """Subscribed on one server process, written through the other."""
    await reviewer.init(_auth(other, "reviewer"))
    op = await reviewer.subscribe(REPORT_EVENTS, regime=REGIME)
    # The other process registers the subscription some time after the subscribe message:
    # write (for 2025-M01, ignored below) until one event arrives.
    for _ in range(20):
        await other.submit(PROVINCE, period="2025-M01")
        try:
            await reviewer.next_data(op, timeout=1.0)
            break
        except TimeoutError:
            continue
    else:
        pytest.fail("no event reached the subscriber of the other process")

    report_id = await other.submit(PROVINCE)

    event = (await reviewer.next_data(op))["reportEvents"]
    while event["period"] == "2025-M01":
        event = (await reviewer.next_data(op))["reportEvents"]
    assert (event["reportId"], event["kind"], event["agency"]) == (report_id, "SUBMITTED", PROVINCE)
