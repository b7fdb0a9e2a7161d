"""Aggregates and availability through the real app, checked against the stored values.

The hub holds the seed catalog and the demo reports as they stood at the end of 2025 (see
conftest.py). Each expectation is computed here, in Python, from the values `observations`
returns: never by re-running the hub's SQL.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import httpx
from starlette.applications import Starlette

from tests.hub.analytics.conftest import AGGREGATE, AVAILABILITY, aggregate, rounded, stored
from tests.hub.api.conftest import counting_statements, graphql

EARLIER = "2025-11-15T00:00:00+07:00"


async def test_a_sum_over_the_provinces_by_year_equals_the_stored_months_added_up(
    client: httpx.AsyncClient,
) -> None:
    values = await stored(client, "HUB-EXPORTS")
    expected: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    for v in values:
        if v["areaCode"] != "VN" and v["frequency"] == "MONTHLY":
            expected[v["period"][:4]] += Decimal(v["value"])
            counts[v["period"][:4]] += 1
    assert expected, "the demo data has monthly exports of provinces"

    found = await aggregate(
        client,
        indicator="HUB-EXPORTS",
        groupBy=["PERIOD"],
        areaLevel="NATION",
        frequency="ANNUAL",
    )

    assert (found["rule"], found["periodRule"], found["unitCode"]) == ("SUM", "SUM", "USD_MN")
    got = {g["period"]: (Decimal(g["value"]), g["count"]) for g in found["groups"]}
    assert got == {year: (expected[year], counts[year]) for year in expected}
    assert all(g["areaCode"] is None and not g["derived"] for g in found["groups"])


async def test_each_area_by_quarter_and_a_stock_takes_its_last_value(
    client: httpx.AsyncClient,
) -> None:
    exports = await stored(client, "HUB-EXPORTS")
    m2 = await stored(client, "HUB-M2")

    by_quarter = await aggregate(
        client, indicator="HUB-EXPORTS", groupBy=["AREA", "PERIOD"], frequency="QUARTERLY"
    )
    stock = await aggregate(
        client, indicator="HUB-M2", groupBy=["AREA", "PERIOD"], frequency="ANNUAL"
    )

    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    quarterly = {(v["areaCode"], v["period"]) for v in exports if v["frequency"] == "QUARTERLY"}
    for v in exports:
        month = int(v["periodStart"][5:7])
        quarter = (v["areaCode"], f"{v['period'][:4]}-Q{(month - 1) // 3 + 1}")
        # A value reported for the quarter itself is the quarter's figure.
        if v["frequency"] == "QUARTERLY" or quarter not in quarterly:
            expected[quarter] += Decimal(v["value"])
    got = {(g["areaCode"], g["period"]): Decimal(g["value"]) for g in by_quarter["groups"]}
    assert got == expected
    last = {}
    for v in sorted(m2, key=lambda v: v["periodStart"]):
        last[(v["areaCode"], v["period"][:4])] = Decimal(v["value"])
    assert stock["periodRule"] == "LAST"
    assert {(g["areaCode"], g["period"]): Decimal(g["value"]) for g in stock["groups"]} == last


async def test_an_average_over_time_is_the_mean_of_the_periods_reported_in_the_year(
    client: httpx.AsyncClient,
) -> None:
    # HUB-EMPLOYED: period rule AVERAGE (area rule SUM). The demo data has no months for any
    # average-over-time indicator: the nation reports the four quarters of 2025, the provinces
    # their years.
    values = await stored(client, "HUB-EMPLOYED")
    periods: dict[tuple[str, str, str], dict[str, list[Decimal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for v in values:
        (code,) = (d["code"] for d in v["dimensions"] if d["dimension"] == "VSIC2018")
        periods[(v["areaCode"], v["period"][:4], code)][v["frequency"]].append(Decimal(v["value"]))
    expected = {}
    for key, by_frequency in periods.items():
        # Only the longest frequency present counts: a reported year is the year's figure.
        longest = next(f for f in ("ANNUAL", "QUARTERLY", "MONTHLY") if f in by_frequency)
        reported = by_frequency[longest]
        expected[key] = (rounded(sum(reported, Decimal(0)) / len(reported)), len(reported))
    assert 4 in {n for _, n in expected.values()}, "the demo data has quarters of a year"

    found = await aggregate(
        client,
        indicator="HUB-EMPLOYED",
        groupBy=["AREA", "PERIOD"],
        frequency="ANNUAL",
        byDimensions=["VSIC2018"],
    )

    assert (found["rule"], found["periodRule"]) == ("SUM", "AVERAGE")
    got = {
        (g["areaCode"], g["period"], g["dimensions"][0]["code"]): (Decimal(g["value"]), g["count"])
        for g in found["groups"]
    }
    assert got == expected


async def test_grouped_by_area_level_each_level_sums_its_own_areas(
    client: httpx.AsyncClient,
) -> None:
    values = await stored(client, "HUB-EXPORTS")
    codes = sorted({v["areaCode"] for v in values})
    body = await graphql(
        client,
        "{ "
        + " ".join(f'a{i}: area(code: "{c}") {{ code level }}' for i, c in enumerate(codes))
        + " }",
    )
    level = {a["code"]: a["level"] for a in body["data"].values()}
    assert set(level.values()) >= {"NATION", "PROVINCE"}
    # Per area, breakdown and year only the longest frequency present counts.
    spans = {"ANNUAL": 12, "QUARTERLY": 3, "MONTHLY": 1}

    def year_of(v: dict[str, Any]) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        dims = tuple(sorted((d["dimension"], d["code"]) for d in v["dimensions"]))
        return v["areaCode"], v["period"][:4], dims

    longest: dict[tuple[str, str, tuple[tuple[str, str], ...]], int] = defaultdict(int)
    for v in values:
        longest[year_of(v)] = max(longest[year_of(v)], spans[v["frequency"]])
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for v in values:
        if spans[v["frequency"]] == longest[year_of(v)]:
            expected[(level[v["areaCode"]], v["period"][:4])] += Decimal(v["value"])

    found = await aggregate(
        client, indicator="HUB-EXPORTS", groupBy=["AREA_LEVEL", "PERIOD"], frequency="ANNUAL"
    )

    got = {(g["areaLevel"], g["period"]): Decimal(g["value"]) for g in found["groups"]}
    assert got == expected
    assert all(g["areaCode"] is None for g in found["groups"])


async def test_a_weighted_average_weights_each_value_by_the_weight_indicator(
    client: httpx.AsyncClient,
) -> None:
    rates = await stored(client, "HUB-UNEMPLOYMENT")
    weights = {
        (
            w["areaCode"],
            w["period"],
            tuple(sorted((d["dimension"], d["code"]) for d in w["dimensions"])),
        ): Decimal(w["value"])
        for w in await stored(client, "0201")
    }
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for v in rates:
        dims = tuple(sorted((d["dimension"], d["code"]) for d in v["dimensions"]))
        if v["areaCode"] == "VN" or dict(dims).get("URBAN_RURAL") != "T":
            continue
        weight = weights.get((v["areaCode"], v["period"], dims))
        if weight is not None:
            sums[(v["period"], dict(dims)["SEX"])][0] += Decimal(v["value"]) * weight
            sums[(v["period"], dict(dims)["SEX"])][1] += weight
    assert sums, "the demo data has unemployment rates with their labour force"

    found = await aggregate(
        client,
        indicator="HUB-UNEMPLOYMENT",
        groupBy=["PERIOD"],
        areaLevel="NATION",
        byDimensions=["SEX"],
    )

    assert found["rule"] == "WEIGHTED"
    got = {(g["period"], g["dimensions"][0]["code"]): Decimal(g["value"]) for g in found["groups"]}
    assert got == {key: rounded(vw / w) for key, (vw, w) in sums.items()}
    assert all(len(g["value"].partition(".")[2]) <= 6 for g in found["groups"])


async def test_an_indicator_that_does_not_aggregate_is_refused_by_name(
    client: httpx.AsyncClient,
) -> None:
    body = await graphql(
        client, AGGREGATE, {"indicator": "HUB-PPI", "groupBy": ["PERIOD"], "areaLevel": "NATION"}
    )

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "NOT_AGGREGABLE"
    assert "HUB-PPI" in error["message"] and "NONE" in error["message"]


async def test_as_of_aggregates_the_values_accepted_by_then(client: httpx.AsyncClient) -> None:
    now = await stored(client, "HUB-EXPORTS")
    then = await stored(client, "HUB-EXPORTS", EARLIER)
    assert len(then) < len(now)

    found = await aggregate(client, indicator="HUB-EXPORTS", groupBy=["AREA"], asOf=EARLIER)

    expected: dict[str, Decimal] = defaultdict(Decimal)
    for v in then:
        expected[v["areaCode"]] += Decimal(v["value"])
    assert {g["areaCode"]: Decimal(g["value"]) for g in found["groups"]} == expected


async def test_availability_counts_values_per_area_period_and_code(
    client: httpx.AsyncClient,
) -> None:
    values = [
        v for v in await stored(client, "HUB-BUDGET_REVENUE") if v["areaCode"] in ("01", "79")
    ]

    body = await graphql(
        client, AVAILABILITY, {"indicator": "HUB-BUDGET_REVENUE", "areas": ["01", "79"]}
    )

    found = body["data"]["availability"]
    assert found["count"] == len(values) > 0
    per_area: dict[str, int] = defaultdict(int)
    per_period: dict[str, int] = defaultdict(int)
    per_code: dict[tuple[str, str], int] = defaultdict(int)
    for v in values:
        per_area[v["areaCode"]] += 1
        per_period[v["period"]] += 1
        for d in v["dimensions"]:
            per_code[(d["dimension"], d["code"])] += 1
    assert {a["areaCode"]: a["count"] for a in found["areas"]} == per_area
    assert {p["period"]: p["count"] for p in found["periods"]} == per_period
    assert {(c["dimension"], c["code"]): c["count"] for c in found["codes"]} == per_code


async def test_aggregate_and_availability_run_a_constant_number_of_statements(
    client: httpx.AsyncClient, demo_app: Starlette
) -> None:
    counts = []
    for areas in (["01"], None):
        with counting_statements(demo_app) as counter:
            body = await graphql(
                client,
                'query($areas: [String!]) { aggregate(indicator: "HUB-EXPORTS", '
                "groupBy: [AREA, PERIOD], areas: $areas, frequency: ANNUAL) { groups { value } }"
                ' availability(indicator: "HUB-EXPORTS", areas: $areas) { count } }',
                {"areas": areas},
            )
        assert "errors" not in body
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 16  # definitions and codelists, then 1 + 3 reads
