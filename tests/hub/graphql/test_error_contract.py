"""The error contract through the real app: domain errors keep their code and field and are not
logged; anything unexpected is masked with a request id and logged once, with that id."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette

from hub.app import create_app
from hub.settings import Settings

AGENCIES = "{ agencies(first: 1) { edges { node { code } } } }"


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(settings)
    yield app
    await app.state.engine.dispose()


async def _post(app: Starlette, query: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        return await client.post("/graphql", json={"query": query})


async def test_a_domain_error_keeps_its_code_and_field_and_is_not_logged(
    app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = await _post(app, '{ indicator(code: "NOPE") { code } }')

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["message"] == "no indicator with code 'NOPE'"
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "code"}
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_an_unexpected_error_is_masked_and_logged_once_with_the_request_id(
    app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    def fail_agency_page(*args: Any) -> None:
        # Fault injection: a bug somewhere below the agency page (never a HubError).
        if "agency" in args[2]:
            raise RuntimeError("a secret detail of the failure")

    engine = app.state.engine.sync_engine
    sa.event.listen(engine, "before_cursor_execute", fail_agency_page)
    with caplog.at_level(logging.DEBUG):
        response = await _post(app, AGENCIES)

    assert response.status_code == 200
    [error] = response.json()["errors"]
    request_id = error["extensions"]["requestId"]
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": request_id}
    assert error["message"] == f"Unexpected error; quote request id {request_id} to the operators."
    assert "secret" not in response.text
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(logged) == 1 and request_id in logged[0].getMessage()
    assert logged[0].exc_info is not None and "secret detail" in str(logged[0].exc_info[1])


async def test_an_unexpected_error_before_execution_is_masked_too(
    app: Starlette, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fault injection: an extension that fails before execution (here the NUL check).
    def broken(*args: Any) -> None:
        raise RecursionError("a secret detail of the failure")

    monkeypatch.setattr("hub.graphql.input_text.nul_in_request", broken)
    with caplog.at_level(logging.DEBUG):
        response = await _post(app, AGENCIES)

    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_ERROR" and "secret" not in response.text
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(logged) == 1 and error["extensions"]["requestId"] in logged[0].getMessage()
