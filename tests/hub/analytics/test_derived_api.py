"""Derived indicators and the 2025 reorganisation, read through the real app.

Every expectation is the formula (or the sum, or the weighted mean) applied here, in Python,
to the input values `observations` returns for the demo hub of conftest.py: never the hub's
SQL run again.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, localcontext
from typing import Any

import httpx
from starlette.applications import Starlette

from tests.hub.analytics.conftest import aggregate, rounded, stored
from tests.hub.api.conftest import counting_statements, graphql

HCMC = ("P63-74", "P63-77", "P63-79")  # merged into 79 on 2025-07-01
HAI_PHONG = ("P63-30", "P63-31")  # merged into 31

PAGE = """
query Page($indicators: [String!], $areas: [String!], $after: String, $first: Int,
           $across: Boolean!) {
  observations(filter: {indicators: $indicators, areas: $areas}, first: $first, after: $after,
               acrossReorganisation: $across) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      indicatorCode areaCode period value derived sourceAreas revision status
      dimensions { dimension code }
    } }
  }
}
"""
SERIES = """
query Series($indicator: String!, $areas: [String!], $from: String, $to: String,
             $across: Boolean!) {
  series(indicator: $indicator, areas: $areas, from: $from, to: $to,
         acrossReorganisation: $across) {
    areaCode frequency dimensions { dimension code }
    points { period value derived sourceAreas }
  }
}
"""
CODES = tuple[tuple[str, str], ...]


def codes(value: dict[str, Any]) -> CODES:
    return tuple(sorted((d["dimension"], d["code"]) for d in value["dimensions"]))


async def pages(
    client: httpx.AsyncClient,
    indicators: list[str],
    *,
    areas: list[str] | None = None,
    first: int = 500,
    across: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """Every node of `observations`, page by page, and the total count of the first page."""
    nodes: list[dict[str, Any]] = []
    after, total = None, None
    while True:
        variables = {
            "indicators": indicators,
            "areas": areas,
            "after": after,
            "first": first,
            "across": across,
        }
        body = await graphql(client, PAGE, variables)
        assert "errors" not in body, body
        page = body["data"]["observations"]
        total = page["totalCount"] if total is None else total
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = page["pageInfo"]["endCursor"]


async def series(client: httpx.AsyncClient, **variables: Any) -> list[dict[str, Any]]:
    body = await graphql(client, SERIES, {"across": False, **variables})
    assert "errors" not in body, body
    found: list[dict[str, Any]] = body["data"]["series"]
    return found


def exact(value: Decimal) -> Decimal:
    return rounded(value)


def by_key(values: list[dict[str, Any]], **codes_wanted: str) -> dict[tuple[str, str], Decimal]:
    """Values of the breakdown `codes_wanted` (absent codelists count as their total)."""
    found = {}
    for v in values:
        present = dict(codes(v))
        if all(present.get(c, code) == code for c, code in codes_wanted.items()):
            found[(v["areaCode"], v["period"])] = Decimal(v["value"])
    return found


async def inputs_of_per_capita(
    client: httpx.AsyncClient,
) -> tuple[dict[tuple[str, str], Decimal], dict[tuple[str, str], Decimal]]:
    gdp = by_key(await stored(client, "0501"), PRICE_BASIS="CUR", ECON_SECTOR="T")
    people = by_key(await stored(client, "0102"), SEX="T", URBAN_RURAL="T")
    return gdp, people


async def test_per_capita_is_the_formula_applied_to_its_inputs_on_every_page(
    client: httpx.AsyncClient,
) -> None:
    gdp, people = await inputs_of_per_capita(client)
    with localcontext() as context:
        context.prec = 80
        expected = {k: exact(gdp[k] / people[k] * 1000) for k in gdp.keys() & people.keys()}
    assert len(expected) > 10, "the demo has provincial GRDP and population for 2024 and 2025"

    nodes, total = await pages(client, ["0504"], first=4)

    # The same strings on both databases: exact, rounded to 6 places, no trailing zeros.
    assert {(n["areaCode"], n["period"]): n["value"] for n in nodes} == {
        k: format(v, "f") for k, v in expected.items()
    }
    assert total == len(nodes) == len(expected)
    assert all(n["derived"] and n["revision"] is None for n in nodes)
    assert all(n["sourceAreas"] == [n["areaCode"]] for n in nodes)


async def test_stored_and_derived_values_page_together_in_one_order(
    client: httpx.AsyncClient,
) -> None:
    whole, total = await pages(client, ["0102", "0504", "0501"], areas=["01", "79"])
    paged, _ = await pages(client, ["0102", "0504", "0501"], areas=["01", "79"], first=3)

    assert paged == whole and total == len(whole)
    assert {n["indicatorCode"] for n in whole if n["derived"]} == {"0504"}
    assert {n["indicatorCode"] for n in whole if not n["derived"]} == {"0102", "0501"}


async def test_growth_compares_each_month_with_the_same_month_a_year_earlier(
    client: httpx.AsyncClient,
) -> None:
    exports = by_key([v for v in await stored(client, "HUB-EXPORTS") if "M" in v["period"]])
    with localcontext() as context:
        context.prec = 80
        expected = {
            (area, period): exact((value / exports[area, earlier] - 1) * 100)
            for (area, period), value in exports.items()
            if (earlier := f"{int(period[:4]) - 1}{period[4:]}") and (area, earlier) in exports
        }
    assert {area for area, _ in expected} >= {"01", "22"}, "two years of Hà Nội's exports"

    found = await series(client, indicator="HUB-EXPORTS_GROWTH", areas=["01", "22", "79"])

    got = {(s["areaCode"], p["period"]): Decimal(p["value"]) for s in found for p in s["points"]}
    assert got == {k: v for k, v in expected.items() if k[0] in ("01", "22", "79")}
    assert "79" not in {area for area, _ in got}, "79 exists since 2025-07: no year earlier"


async def test_a_share_divides_by_what_the_areas_under_the_same_parent_reported(
    client: httpx.AsyncClient,
) -> None:
    monthly = [v for v in await stored(client, "HUB-EXPORTS") if "M" in v["period"]]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for v in monthly:
        totals[v["period"]] += Decimal(v["value"])  # the nation reports quarters, not months
    with localcontext() as context:
        context.prec = 80
        expected = {
            (v["areaCode"], v["period"]): exact(Decimal(v["value"]) / totals[v["period"]] * 100)
            for v in monthly
        }

    nodes, _ = await pages(client, ["HUB-EXPORTS_SHARE"])

    assert {(n["areaCode"], n["period"]): Decimal(n["value"]) for n in nodes} == expected


async def test_a_quarterly_share_is_of_the_nation_s_own_figure_where_it_reported_one(
    client: httpx.AsyncClient,
) -> None:
    exports = await stored(client, "HUB-EXPORTS")
    nation = {v["period"]: Decimal(v["value"]) for v in exports if v["areaCode"] == "VN"}
    quarters: dict[str, Decimal] = defaultdict(Decimal)
    for v in exports:
        if v["areaCode"] == "01":  # monthly values, summed into their quarter
            quarters[f"{v['period'][:4]}-Q{(int(v['period'][6:8]) - 1) // 3 + 1}"] += Decimal(
                v["value"]
            )
    with localcontext() as context:
        context.prec = 80
        expected = {q: exact(quarters[q] / nation[q] * 100) for q in nation if q in quarters}
    assert expected, "the ministry reported national quarters that Hà Nội's months fall in"

    found = await aggregate(
        client,
        indicator="HUB-EXPORTS_SHARE",
        groupBy=["AREA", "PERIOD"],
        areas=["01"],
        frequency="QUARTERLY",
    )

    groups = {g["period"]: g for g in found["groups"] if g["period"] in expected}
    assert {q: Decimal(g["value"]) for q, g in groups.items()} == expected
    assert all(g["sourceAreas"] == ["01", "VN"] for g in groups.values())


async def test_an_aggregate_of_a_ratio_is_the_ratio_of_the_aggregated_inputs(
    client: httpx.AsyncClient,
) -> None:
    gdp, people = await inputs_of_per_capita(client)
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for (area, year), value in gdp.items():
        if area != "VN":
            sums[year][0] += value
    for (_, year), value in people.items():
        sums[year][1] += value
    with localcontext() as context:
        context.prec = 80
        expected = {year: exact(g / p * 1000) for year, (g, p) in sums.items() if g and p}
        mean_of_ratios = {
            year: exact(
                sum(gdp[k] / people[k] * 1000 for k in gdp.keys() & people.keys() if k[1] == year)
                / len([k for k in gdp.keys() & people.keys() if k[1] == year])
            )
            for year in expected
        }

    found = await aggregate(client, indicator="0504", groupBy=["PERIOD"], areaLevel="NATION")

    assert {g["period"]: Decimal(g["value"]) for g in found["groups"]} == expected
    assert all(g["derived"] for g in found["groups"])
    assert expected != mean_of_ratios  # a ratio of sums, not a mean (or sum) of ratios


async def test_availability_of_a_derived_indicator_is_where_its_values_compute(
    client: httpx.AsyncClient,
) -> None:
    nodes, _ = await pages(client, ["0504"])

    body = await graphql(
        client,
        '{ availability(indicator: "0504") { count areas { areaCode count } '
        "periods { period count } } }",
    )

    found = body["data"]["availability"]
    per_area: dict[str, int] = defaultdict(int)
    per_period: dict[str, int] = defaultdict(int)
    for n in nodes:
        per_area[n["areaCode"]] += 1
        per_period[n["period"]] += 1
    assert found["count"] == len(nodes)
    assert {a["areaCode"]: a["count"] for a in found["areas"]} == per_area
    assert {p["period"]: p["count"] for p in found["periods"]} == per_period


# -- across the reorganisation -------------------------------------------------------------


async def test_a_new_province_before_it_existed_is_the_sum_of_its_predecessors(
    client: httpx.AsyncClient,
) -> None:
    exports = by_key(await stored(client, "HUB-EXPORTS"))
    before: dict[str, list[Decimal]] = defaultdict(list)
    for (area, period), value in exports.items():
        if area in HCMC:
            before[period].append(value)
    expected = {p: sum(v) for p, v in before.items() if len(v) == len(HCMC)}
    assert len(expected) >= 6, "the old committees of Hồ Chí Minh City reported for months"

    (found,) = await series(client, indicator="HUB-EXPORTS", areas=["79"], across=True)

    points = {p["period"]: p for p in found["points"]}
    derived = {period: Decimal(p["value"]) for period, p in points.items() if p["derived"]}
    assert derived == expected
    assert all(points[p]["sourceAreas"] == list(HCMC) for p in derived)
    own = {period: Decimal(p["value"]) for period, p in points.items() if not p["derived"]}
    assert own == {p: v for (a, p), v in exports.items() if a == "79"}
    assert all(points[p]["sourceAreas"] == ["79"] for p in own)
    assert max(derived) < "2025-M07" <= min(own)


async def test_a_weighted_rate_across_the_reorganisation_weights_each_predecessor(
    client: httpx.AsyncClient,
) -> None:
    rates = await stored(client, "HUB-UNEMPLOYMENT")
    labour = {
        (v["areaCode"], v["period"], codes(v)): Decimal(v["value"])
        for v in await stored(client, "0201")
    }
    parts: dict[tuple[str, CODES], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for v in rates:
        weight = labour.get((v["areaCode"], v["period"], codes(v)))
        if v["areaCode"] in HAI_PHONG and weight is not None:
            parts[(v["period"], codes(v))].append((Decimal(v["value"]), weight))
    with localcontext() as context:
        context.prec = 80
        expected = {
            key: exact(sum(r * w for r, w in found) / sum(w for _, w in found))
            for key, found in parts.items()
            if len(found) == len(HAI_PHONG)
        }
    assert expected, "the old committees of Hải Phòng reported rates and labour force in 2024"

    nodes, _ = await pages(client, ["HUB-UNEMPLOYMENT"], areas=["31"], across=True)

    derived = {(n["period"], codes(n)): Decimal(n["value"]) for n in nodes if n["derived"]}
    assert derived == expected
    assert all(n["sourceAreas"] == list(HAI_PHONG) for n in nodes if n["derived"])


async def test_an_aggregate_across_the_reorganisation_rolls_up_both_sides(
    client: httpx.AsyncClient,
) -> None:
    exports = by_key(await stored(client, "HUB-EXPORTS"))
    months: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for (area, period), value in exports.items():
        if area in HCMC and "M" in period:
            months[(period[:4], period)].append(value)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for (year, _), values in months.items():
        if len(values) == len(HCMC):
            expected[year] += sum(values)
    for (area, period), value in exports.items():
        if area == "79":
            expected[period[:4]] += value

    found = await aggregate(
        client,
        indicator="HUB-EXPORTS",
        groupBy=["AREA", "PERIOD"],
        areas=["79"],
        frequency="ANNUAL",
        acrossReorganisation=True,
    )

    groups = {g["period"]: g for g in found["groups"]}
    assert {year: Decimal(g["value"]) for year, g in groups.items()} == expected
    assert groups["2024"]["derived"] and groups["2024"]["sourceAreas"] == list(HCMC)
    assert groups["2025"]["sourceAreas"] == sorted(("79", *HCMC))  # half each side


async def test_a_formula_across_the_reorganisation_combines_its_inputs_first(
    client: httpx.AsyncClient,
) -> None:
    gdp, people = await inputs_of_per_capita(client)
    exports = by_key(await stored(client, "HUB-EXPORTS"))
    with localcontext() as context:
        context.prec = 80
        per_capita = exact(
            sum(gdp[a, "2024"] for a in HCMC) / sum(people[a, "2024"] for a in HCMC) * 1000
        )
        growth = exact(
            (exports["79", "2025-M07"] / sum(exports[a, "2024-M07"] for a in HCMC) - 1) * 100
        )

    (capita,) = await series(client, indicator="0504", areas=["79"], across=True)
    (grown,) = await series(
        client, indicator="HUB-EXPORTS_GROWTH", areas=["79"], to="2025-M07", across=True
    )

    points = {p["period"]: p for p in capita["points"]}
    assert Decimal(points["2024"]["value"]) == per_capita
    assert points["2024"]["sourceAreas"] == list(HCMC)
    (july,) = grown["points"]
    assert (july["period"], Decimal(july["value"])) == ("2025-M07", growth)
    assert july["sourceAreas"] == sorted(("79", *HCMC))


async def test_no_partial_sums_and_no_split_of_a_merged_province(
    client: httpx.AsyncClient,
) -> None:
    # 48 (Đà Nẵng) took in P63-48 and P63-49, whose committees sent nothing in the demo.
    (da_nang,) = await series(client, indicator="HUB-EXPORTS", areas=["48"], across=True)
    # P63-79 went into 79 with two other provinces: its share of 79 is not known.
    (old_hcmc,) = await series(client, indicator="HUB-EXPORTS", areas=["P63-79"], across=True)

    assert da_nang["points"] and not any(p["derived"] for p in da_nang["points"])
    assert min(p["period"] for p in da_nang["points"]) >= "2025-M07"
    assert old_hcmc["points"] and not any(p["derived"] for p in old_hcmc["points"])
    assert max(p["period"] for p in old_hcmc["points"]) <= "2025-M06"


async def test_what_cannot_be_read_across_the_reorganisation_is_refused_by_name(
    client: httpx.AsyncClient,
) -> None:
    cases = {
        '{ series(indicator: "1101", areas: ["79"], acrossReorganisation: true) { areaCode } }': (
            "NOT_AGGREGABLE"
        ),
        '{ series(indicator: "HUB-EXPORTS", acrossReorganisation: true) { areaCode } }': (
            "INVALID_INPUT"
        ),
        '{ aggregate(indicator: "HUB-EXPORTS", groupBy: [PERIOD], areaLevel: NATION, '
        'areas: ["79"], acrossReorganisation: true) { groups { value } } }': "INVALID_INPUT",
        '{ aggregate(indicator: "HUB-EXPORTS_GROWTH", groupBy: [AREA]) { groups { value } } }': (
            "INVALID_INPUT"
        ),
    }
    for query, code in cases.items():
        body = await graphql(client, query)
        (error,) = body["errors"]
        assert error["extensions"]["code"] == code, (query, error)


async def test_derived_and_reorganised_reads_run_a_constant_number_of_statements(
    client: httpx.AsyncClient, demo_app: Starlette
) -> None:
    query = """query($areas: [String!]) {
      weighted: aggregate(indicator: "HUB-UNEMPLOYMENT", groupBy: [AREA, PERIOD],
                          areas: $areas, byDimensions: ["SEX"]) { groups { value } }
      derived: aggregate(indicator: "0504", groupBy: [AREA, PERIOD], areas: $areas,
                         acrossReorganisation: true) { groups { value } }
      share: aggregate(indicator: "HUB-EXPORTS_SHARE", groupBy: [AREA, PERIOD],
                       areas: $areas, frequency: QUARTERLY) { groups { value } }
      values: observations(filter: {indicators: ["0504", "HUB-EXPORTS_GROWTH", "0102"],
                                    areas: $areas}, first: 50) { edges { node { value } } }
      across: series(indicator: "HUB-EXPORTS", areas: $areas, acrossReorganisation: true) {
        points { value }
      }
      available: availability(indicator: "0504", areas: $areas) { count }
    }"""
    counts, sizes = [], []
    for areas in (["79"], ["79", "31", "01", "22", "48", "P63-79"]):
        with counting_statements(demo_app) as counter:
            body = await graphql(client, query, {"areas": areas})
        assert "errors" not in body, body
        counts.append(counter.count)
        data = body["data"]
        sizes.append(len(data["derived"]["groups"]) + len(data["values"]["edges"]))
    assert sizes[0] < sizes[1]
    # Definitions, codelists and links, then one statement per input: never one per area.
    assert counts[0] == counts[1] <= 85


async def test_a_bad_period_of_a_series_names_the_argument_it_came_in(
    client: httpx.AsyncClient,
) -> None:
    for argument in ("from", "to"):
        variables = {"indicator": "HUB-EXPORTS", "across": False, argument: "2025-Q5"}
        body = await graphql(client, SERIES, variables)

        (error,) = body["errors"]
        assert error["extensions"] == {"code": "INVALID_INPUT", "field": argument}, error
