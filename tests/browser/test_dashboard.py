"""The dashboard in headless Chromium: each page renders real figures of the demo data, its
charts draw, the language switch works, and nothing fails or leaves 127.0.0.1.

What a page should show is computed independently through the served hub's `/graphql`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

import httpx
from playwright.async_api import Browser, Page

from hub.portal.headlines import HEADLINES, RANKINGS, Headline
from tests.browser.driver import ServedHub, open_page, watched_page

MONTHLY = "HUB-RR-PROV-SEM-M"

# For every canvas: its size and, from Chart.js itself, the points drawn per dataset.
CHARTS_DRAWN = """() => [...document.querySelectorAll('canvas')].map((canvas) => {
  const chart = Chart.getChart(canvas);
  return {
    id: canvas.id || canvas.closest('[data-indicator]')?.dataset.indicator || '',
    width: canvas.width, height: canvas.height,
    type: chart ? chart.config.type : null,
    points: chart ? chart.data.datasets.map((_, i) => chart.getDatasetMeta(i).data.length) : [],
  };
})"""


def shown(value: str, lang: str = "vi") -> str:
    """An exact value as the pages print it: digits grouped, nothing rounded."""
    sign, digits = ("−", value[1:]) if value.startswith("-") else ("", value)
    whole, _, fraction = digits.partition(".")
    group, decimal = (",", ".") if lang == "en" else (".", ",")
    grouped = f"{int(whole):,}".replace(",", group)
    return sign + grouped + (decimal + fraction if fraction else "")


async def graphql(api: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await api.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def latest_point(api: httpx.AsyncClient, indicator: str, area: str, dims: Any) -> Any:
    data = await graphql(
        api,
        """query($i: String!, $a: [String!], $d: [DimensionCodeInput!]) {
          series(indicator: $i, areas: $a, dimensions: $d) { points { period periodEnd value } }
        }""",
        i=indicator,
        a=[area],
        d=[{"dimension": d, "code": c} for d, c in dims],
    )
    longest = max(data["series"], key=lambda s: len(s["points"]))
    return max(longest["points"], key=lambda p: p["periodEnd"])


async def latest_sum_of_provinces(api: httpx.AsyncClient, indicator: str, dims: Any) -> Any:
    """The latest period's sum over the provinces that reported it, from their series."""
    data = await graphql(
        api,
        """query($i: String!, $d: [DimensionCodeInput!]) {
          series(indicator: $i, dimensions: $d) { areaCode points { period periodEnd value } }
        }""",
        i=indicator,
        d=[{"dimension": d, "code": c} for d, c in dims],
    )
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for series in data["series"]:
        if series["areaCode"] != "VN":
            for p in series["points"]:
                sums[(p["periodEnd"], p["period"])] += Decimal(p["value"])
    (end, period), value = max(sums.items())
    return {"period": period, "periodEnd": end, "value": str(value)}


async def headline_point(api: httpx.AsyncClient, headline: Headline) -> Any:
    if headline.rollup:
        return await latest_sum_of_provinces(api, headline.indicator, headline.dimensions)
    return await latest_point(api, headline.indicator, headline.area, headline.dimensions)


async def charts(page: Page) -> list[dict[str, Any]]:
    drawn: list[dict[str, Any]] = await page.evaluate(CHARTS_DRAWN)
    return drawn


def assert_drawn(chart: dict[str, Any]) -> None:
    assert chart["width"] > 0 and chart["height"] > 0, chart
    assert chart["type"] is not None and chart["points"] and all(chart["points"]), chart


async def test_overview_shows_each_headline_with_its_latest_value_and_trend(
    browser: Browser, served_hub: ServedHub, api: httpx.AsyncClient
) -> None:
    async with watched_page(browser, served_hub.url) as (page, watch):
        # when the overview opens (Vietnamese by default)
        assert await open_page(page, served_hub.url + "/") == "true"

        # then it is the Vietnamese overview
        assert await page.get_attribute("html", "lang") == "vi"
        assert "Tổng quan kinh tế - xã hội" in await page.title()
        assert await page.inner_text("h1") == "Tổng quan kinh tế - xã hội"
        # and each headline card shows its indicator's name and exact latest value with unit
        cards = page.locator("[data-headline]")
        assert await cards.count() == len(HEADLINES)
        for index, headline in enumerate(HEADLINES):
            card = cards.nth(index)
            point = await headline_point(api, headline)
            assert await card.locator("[data-value]").inner_text() == shown(point["value"])
            assert await card.locator("[data-unit]").inner_text() != ""
            assert point["period"][:4] in await card.locator("[data-period]").inner_text()
        gdp = cards.nth(0)
        assert await gdp.locator("[data-name]").inner_text() == "Tổng sản phẩm trong nước (GDP)"
        assert await gdp.locator("[data-unit]").inner_text() == "tỷ ₫"
        # and every chart (trends and rankings) is drawn with all its series
        drawn = await charts(page)
        assert len(drawn) == len(HEADLINES) + len(RANKINGS)
        for chart in drawn:
            assert_drawn(chart)
        population = next(c for c in drawn if c["id"] == "0102" and c["type"] == "bar")
        assert population["points"] == [8]  # 8 provinces
        # and the national population is the provinces' sum, said so on its card
        rollup = page.locator("[data-headline][data-indicator='0102']")
        assert "tổng của các tỉnh" in await rollup.locator("[data-breakdown]").inner_text()
        # and the regimes link to their compliance boards
        boards = page.locator("ul.regimes a")
        assert await boards.count() == 4
        assert await page.get_attribute(
            f"ul.regimes a[href='/regimes/{MONTHLY}/compliance']", "href"
        )
        assert watch.problems == []


async def test_the_language_switch_shows_english_and_links_keep_it(
    browser: Browser, served_hub: ServedHub, api: httpx.AsyncClient
) -> None:
    async with watched_page(browser, served_hub.url) as (page, watch):
        # given the Vietnamese overview
        await open_page(page, served_hub.url + "/")

        # when the reader follows the language switch
        await page.click("header a.lang")
        await page.wait_for_selector("body[data-ready]")

        # then the page is in English, with English names, units and number formats
        assert page.url.endswith("/?lang=en")
        assert await page.get_attribute("html", "lang") == "en"
        assert await page.inner_text("h1") == "Socio-economic overview"
        assert await page.inner_text("header nav") == "Overview\nGraphiQL\nTiếng Việt"
        gdp = page.locator("[data-headline]").nth(0)
        assert await gdp.locator("[data-name]").inner_text() == "Gross domestic product"
        assert await gdp.locator("[data-unit]").inner_text() == "billion VND"
        headline = HEADLINES[0]
        point = await latest_point(api, headline.indicator, headline.area, headline.dimensions)
        assert await gdp.locator("[data-value]").inner_text() == shown(point["value"], "en")
        assert re.fullmatch(
            r"Latest period: Q[1-4] \d{4}", await gdp.locator("[data-period]").inner_text()
        )
        # and the links it offers keep the language
        assert (
            await page.get_attribute("[data-headline] h3 a", "href") == "/indicators/0501?lang=en"
        )
        assert await page.get_attribute("header a.lang", "href") == "/"
        for chart in await charts(page):
            assert_drawn(chart)
        assert watch.problems == []


async def test_indicator_page_draws_series_by_province_ranks_them_and_describes_the_indicator(
    browser: Browser, served_hub: ServedHub, api: httpx.AsyncClient
) -> None:
    data = await graphql(
        api,
        """{ series(indicator: "HUB-EXPORTS", frequency: MONTHLY) {
              areaCode areaName points { period periodEnd value } } }""",
    )
    provinces = data["series"]
    latest_end = max(p["periodEnd"] for s in provinces for p in s["points"])
    ranked = sorted(
        (
            (s["areaName"], p["value"])
            for s in provinces
            for p in s["points"]
            if p["periodEnd"] == latest_end
        ),
        key=lambda row: -float(row[1]),
    )
    async with watched_page(browser, served_hub.url) as (page, watch):
        # when the exports page opens
        assert await open_page(page, served_hub.url + "/indicators/HUB-EXPORTS") == "true"

        # then it names the indicator and draws one line per province, monthly by default
        assert await page.inner_text("h1") == "Trị giá xuất khẩu hàng hóa"
        assert await page.input_value("#filter-frequency") == "MONTHLY"
        lines, bars = await charts(page)
        assert_drawn(lines)
        assert lines["type"] == "line" and len(lines["points"]) == len(provinces)
        # and ranks the provinces on the latest month, largest first, with exact values
        assert_drawn(bars)
        assert bars["type"] == "bar" and bars["points"] == [len(ranked)]
        rows = page.locator("[data-ranking-table] tbody tr")
        assert await rows.count() == len(ranked)
        first = await rows.nth(0).locator("td").all_inner_texts()
        assert first == ["1", ranked[0][0], f"{shown(ranked[0][1])} triệu USD"]
        # and shows the catalog's definition, unit, agency and a link to its IRI
        metadata = await page.inner_text("[data-metadata]")
        for label in ("Khái niệm", "Đơn vị tính", "Cơ quan chịu trách nhiệm", "Phân tổ chủ yếu"):
            assert label in metadata
        assert "Giá trị hàng hóa xuất khẩu" in metadata
        assert await page.get_attribute("[data-iri]", "href") == "/id/indicator/HUB-EXPORTS"

        # when the reader picks quarterly figures
        await page.select_option("#filter-frequency", "QUARTERLY")

        # then the chart redraws with the national series, which has no provincial ranking
        lines, _ = await charts(page)
        assert len(lines["points"]) == 1 and lines["points"][0] >= 2
        assert "Chưa có số liệu cấp tỉnh" in await page.inner_text("[data-ranking-meta]")
        assert watch.problems == []


async def test_indicator_page_in_english_offers_its_breakdowns(
    browser: Browser, served_hub: ServedHub
) -> None:
    async with watched_page(browser, served_hub.url) as (page, watch):
        assert await open_page(page, served_hub.url + "/indicators/0102?lang=en") == "true"

        assert await page.inner_text("h1") == "Average population"
        # the totals of each breakdown are chosen first
        assert await page.input_value("#filter-SEX") == "T"
        assert await page.input_value("#filter-URBAN_RURAL") == "T"
        total = await page.inner_text("[data-ranking-table] tbody tr:first-child td.num")
        await page.select_option("#filter-SEX", "F")
        women = await page.inner_text("[data-ranking-table] tbody tr:first-child td.num")
        assert total != women and women.endswith(" persons")
        assert "Definition" in await page.inner_text("[data-metadata]")
        assert watch.problems == []


async def test_compliance_board_counts_and_lists_who_is_on_time_late_and_missing(
    browser: Browser, served_hub: ServedHub, api: httpx.AsyncClient
) -> None:
    async with watched_page(browser, served_hub.url) as (page, watch):
        # when the monthly regime's board opens without a period
        url = f"{served_hub.url}/regimes/{MONTHLY}/compliance"
        assert await open_page(page, url) == "true"

        # then it shows the latest period that is already due, with the hub's own counts
        period = await page.get_attribute("[data-period-label]", "data-period")
        assert period is not None
        board = (
            await graphql(
                api,
                """query($r: String!, $p: String!) { compliance(regime: $r, period: $p) {
                     obliged onTime late missing expected deadline } }""",
                r=MONTHLY,
                p=period,
            )
        )["compliance"]
        assert board["expected"] == 0  # a period that is due has nothing still expected
        for key in ("obliged", "onTime", "late", "missing", "expected"):
            assert await page.inner_text(f"[data-count={key}]") == str(board[key])
        assert board["onTime"] > 0 and board["missing"] > 0
        # and each list has one row per agency in that state
        for status, key in (("SUBMITTED_ON_TIME", "onTime"), ("MISSING", "missing")):
            section = page.locator(f"[data-list={status}]")
            assert await section.locator("tbody tr, li").count() == board[key]
            assert await section.locator("[data-list-count]").inner_text() == str(board[key])
        assert "UBND-01" in await page.inner_text("[data-list=SUBMITTED_ON_TIME]")
        (doughnut,) = await charts(page)
        assert_drawn(doughnut)
        assert doughnut["type"] == "doughnut"

        # when the reader steps to the previous period
        await page.click("a[rel=prev]")
        await page.wait_for_selector("body[data-ready]")

        # then the board is that period's
        previous = await page.get_attribute("[data-period-label]", "data-period")
        assert previous is not None and previous < period
        assert watch.problems == []


async def test_graphiql_loads_from_the_hub_and_runs_a_query(
    browser: Browser, served_hub: ServedHub
) -> None:
    async with watched_page(browser, served_hub.url) as (page, watch):
        # when a browser opens /graphql
        await page.goto(served_hub.url + "/graphql")
        await page.wait_for_selector(".graphiql-container .graphiql-query-editor .CodeMirror")

        # then GraphiQL is there, every script and style of it from the hub itself
        sources = await page.evaluate(
            "() => [...document.querySelectorAll('script[src], link[href]')]"
            ".map((e) => e.src || e.href)"
        )
        assert sources and all(s.startswith(served_hub.url + "/") for s in sources)

        # when the example query runs
        await page.click(".graphiql-execute-button")
        result = page.locator(".result-window")
        await result.locator("text=Gross domestic product").wait_for()

        # then the result shows the hub's answer
        text = await result.inner_text()
        assert '"code": "0501"' in text and '"areaName": "Viet Nam"' in text
        assert watch.problems == []


async def test_pages_fit_a_phone_screen(browser: Browser, served_hub: ServedHub) -> None:
    pages = (
        "/",
        "/indicators/HUB-EXPORTS?lang=en",
        f"/regimes/{MONTHLY}/compliance",
    )
    async with watched_page(browser, served_hub.url, width=390, height=844) as (page, watch):
        for path in pages:
            assert await open_page(page, served_hub.url + path) == "true"
            # nothing wider than the screen: no sideways scrolling to read a page
            overflow = await page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (path, overflow)
            for chart in await charts(page):
                assert_drawn(chart)
                assert chart["width"] <= 390, chart
        assert watch.problems == []
