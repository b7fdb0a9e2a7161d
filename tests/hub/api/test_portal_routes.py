"""The dashboard's routes over HTTP: content negotiation at `/` and `/graphql`, clear errors
for a bad code, period or language, and the pages' own assets (the browser tests draw them)."""

from __future__ import annotations

import httpx
import pytest

from catalog.mapping import load_source_catalog
from hub.portal.headlines import unknown_references
from hub.portal.pages import CONTENT_SECURITY_POLICY
from hub.portal.routes import prefers_html
from hub.portal.vendor import VENDOR_FILES, missing_files

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MONTHLY = "HUB-RR-PROV-SEM-M"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("application/json", False),
        ("*/*", False),
        (None, False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0", False),
    ],
)
def test_html_only_for_clients_that_name_it_first(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html


async def test_root_is_the_dashboard_for_browsers_and_json_for_api_clients(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/", headers={"accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert '<html lang="vi">' in page.text and "Tổng quan kinh tế - xã hội" in page.text
    assert f'href="/regimes/{MONTHLY}/compliance"' in page.text

    described = await client.get("/", headers={"accept": "application/json"})
    assert described.headers["content-type"] == "application/json"
    assert described.json()["graphql"] == "http://hub.test/graphql"
    assert (await client.get("/")).json()["name"] == "reporting-hub"  # curl's */*


async def test_pages_in_english_link_in_english(client: httpx.AsyncClient) -> None:
    page = await client.get("/indicators/0102", params={"lang": "en"}, headers={"accept": BROWSER})
    assert page.status_code == 200 and '<html lang="en">' in page.text
    assert "<h1>Average population</h1>" in page.text
    assert 'href="/?lang=en"' in page.text  # the overview, still in English
    assert 'href="/indicators/0102"' in page.text  # the switch back to Vietnamese


async def test_unknown_codes_and_bad_parameters_get_clear_error_pages(
    client: httpx.AsyncClient,
) -> None:
    unknown = await client.get("/indicators/NOPE")
    assert unknown.status_code == 404 and "code: no indicator with code &#39;NOPE&#39;" in (
        unknown.text
    )
    regime = await client.get("/regimes/NOPE/compliance", params={"lang": "en"})
    assert regime.status_code == 404 and "regime: no regime with code" in regime.text
    assert "Not found" in regime.text

    malformed = await client.get(f"/regimes/{MONTHLY}/compliance", params={"period": "2025-M13"})
    assert malformed.status_code == 400 and "period: " in malformed.text
    wrong = await client.get(f"/regimes/{MONTHLY}/compliance", params={"period": "2025-Q1"})
    assert wrong.status_code == 400
    assert f"period: period 2025-Q1 is quarterly; regime {MONTHLY} is reported monthly" in (
        wrong.text
    )
    language = await client.get("/", params={"lang": "fr"}, headers={"accept": BROWSER})
    assert language.status_code == 400 and "lang: unknown language &#39;fr&#39;" in language.text


async def test_compliance_board_defaults_to_a_period_already_due_and_links_its_neighbours(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get(f"/regimes/{MONTHLY}/compliance", params={"period": "2025-M12"})
    assert page.status_code == 200
    assert 'data-period="2025-M12"' in page.text
    assert f'href="/regimes/{MONTHLY}/compliance?period=2025-M11"' in page.text
    assert f'href="/regimes/{MONTHLY}/compliance?period=2026-M01"' in page.text

    default = await client.get(f"/regimes/{MONTHLY}/compliance")
    assert default.status_code == 200 and 'data-period="20' in default.text


async def test_graphql_shows_graphiql_to_browsers_and_stays_a_query_for_clients(
    client: httpx.AsyncClient,
) -> None:
    ide = await client.get("/graphql", headers={"accept": BROWSER})
    assert ide.status_code == 200 and ide.headers["content-type"].startswith("text/html")
    assert '<div id="graphiql"' in ide.text
    assert "unpkg.com" not in ide.text and "jsdelivr" not in ide.text
    for asset in ("graphiql.min.js", "graphiql.min.css", "react.production.min.js"):
        assert f'"/static/vendor/{asset}"' in ide.text

    query = await client.get(
        "/graphql", params={"query": "{ regimes { code } }"}, headers={"accept": "application/json"}
    )
    assert query.status_code == 200
    assert {"code": MONTHLY} in query.json()["data"]["regimes"]


async def test_the_pages_assets_are_served_by_the_hub(client: httpx.AsyncClient) -> None:
    assert missing_files() == [], "run `make` (npm ci copies them into hub/portal/static/vendor)"
    for name in VENDOR_FILES:
        response = await client.get(f"/static/vendor/{name}")
        assert response.status_code == 200 and response.content, name
    chart = await client.get("/static/vendor/chart.umd.min.js")
    assert "Chart.js v4" in chart.text[:200]
    for name in ("portal.js", "overview.js", "indicator.js", "compliance.js", "portal.css"):
        assert (await client.get(f"/static/{name}")).status_code == 200
    assert (await client.get("/static/nothing.js")).status_code == 404


def test_the_overview_names_only_what_the_seed_catalog_has() -> None:
    assert unknown_references(load_source_catalog()) == []
