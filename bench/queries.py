"""Q1-Q3, the read queries the bench measures: the hub's GraphQL, the peer's, the floor's SQL.

One module, so that whoever changes how the hub executes them measures the very same
documents: `HUB` holds the GraphQL text and variables the hub is asked, `PEER` the same
questions in PostGraphile's dialect (over the views of `bench/peer/schema.sql`), `FLOOR` the
SQL a minimal endpoint runs (`bench.floor`). All three read the current public state:
per observation the accepted revision accepted last, of published indicators only.

- Q1: one indicator's series for one area: HUB-CBR (crude birth rate, annual) for Ha Noi,
  2011-2025, 15 values.
- Q2: a page of 1,000 observations with nested indicator and area labels: retail sales
  (1001, monthly, by activity) in 2024, in the hub's page order.
- Q3: an aggregate over all provinces by year: exports (HUB-EXPORTS, monthly), summed over
  province-level areas per year, 2023-2025 (3 groups of about 700 values).

Each of these reads the core of the data set (`bench.dataset`), so their answers are the
same at 1 M and at 10 M observations; only what surrounds them grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GraphQLQuery:
    """A GraphQL request: what is POSTed as `{"query": ..., "variables": ...}`."""

    text: str
    variables: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"query": self.text, "variables": self.variables}


Q1_INDICATOR, Q1_AREA = "HUB-CBR", "01"
Q2_INDICATOR, Q2_FROM, Q2_TO, Q2_PAGE = "1001", "2024-M01", "2024-M12", 1000
Q3_INDICATOR, Q3_FROM, Q3_TO = "HUB-EXPORTS", "2023", "2025"

# Every province-level area of the seed catalog: the 34 provinces since the 2025
# reorganisation and the 52 of before it that did not carry on under the same code.
PROVINCES = (
    *("01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33"),
    *("37", "38", "40", "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79"),
    *("80", "82", "86", "91", "92", "96"),
    *(f"P63-{n:02d}" for n in (2, 6, 8, 10, 15, 17, 19, 24, 25, 26, 27, 30, 31, 33, 34, 35)),
    *(f"P63-{n:02d}" for n in (36, 37, 44, 45, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66)),
    *(f"P63-{n:02d}" for n in (67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89)),
    *(f"P63-{n:02d}" for n in (91, 92, 93, 94, 95, 96)),
)

NAMES = {
    "q1": "Q1 series of 15 values",
    "q2": "Q2 1,000 observations, nested labels",
    "q3": "Q3 aggregate by year over provinces",
}

HUB: dict[str, GraphQLQuery] = {
    "q1": GraphQLQuery(
        """
query Q1($indicator: String!, $areas: [String!]) {
  series(indicator: $indicator, areas: $areas) {
    areaCode
    frequency
    points { period value }
  }
}""",
        {"indicator": Q1_INDICATOR, "areas": [Q1_AREA]},
    ),
    "q2": GraphQLQuery(
        """
query Q2($filter: ObservationFilter, $first: Int) {
  observations(filter: $filter, first: $first) {
    edges {
      node {
        period
        value
        dimensions { dimension code }
        indicator { code name }
        area { code name }
      }
    }
  }
}""",
        {
            "filter": {"indicators": [Q2_INDICATOR], "periodFrom": Q2_FROM, "periodTo": Q2_TO},
            "first": Q2_PAGE,
        },
    ),
    # The `aggregate` query: monthly values rolled up into years, summed over the areas.
    "q3": GraphQLQuery(
        """
query Q3($indicator: String!, $areas: [String!], $from: String, $to: String) {
  aggregate(indicator: $indicator, groupBy: [PERIOD], areas: $areas, from: $from, to: $to,
            frequency: ANNUAL) {
    groups { areaCode period value count }
  }
}""",
        {"indicator": Q3_INDICATOR, "areas": list(PROVINCES), "from": Q3_FROM, "to": Q3_TO},
    ),
}

# PostGraphile 5 over the `peer` schema's views: conditions on columns instead of the hub's
# arguments (the views carry the codes, the area level and the year), relations from smart
# tags, @graphile/pg-aggregates for Q3.
PEER: dict[str, GraphQLQuery] = {
    "q1": GraphQLQuery(
        """
query Q1($indicator: String!, $area: String!) {
  allObservationValues(
    condition: {indicatorCode: $indicator, areaCode: $area}
    orderBy: [AREA_CODE_ASC, DIMENSION_KEY_ASC, FREQUENCY_ASC, PERIOD_START_ASC]
  ) {
    nodes { areaCode frequency period value }
  }
}""",
        {"indicator": Q1_INDICATOR, "area": Q1_AREA},
    ),
    "q2": GraphQLQuery(
        """
query Q2($indicator: String!, $start: Date!, $end: Date!, $first: Int!) {
  allObservationValues(
    condition: {indicatorCode: $indicator}
    filter: {periodStart: {greaterThanOrEqualTo: $start}, periodEnd: {lessThanOrEqualTo: $end}}
    orderBy: [INDICATOR_ID_ASC, AREA_ID_ASC, PERIOD_START_ASC, PERIOD_ASC, DIMENSION_KEY_ASC]
    first: $first
  ) {
    nodes {
      period
      value
      dimensionKey
      indicator: indicatorByIndicatorId { code name: nameVi }
      area: areaByAreaId { code name: nameVi }
    }
  }
}""",
        {"indicator": Q2_INDICATOR, "start": "2024-01-01", "end": "2024-12-31", "first": Q2_PAGE},
    ),
    "q3": GraphQLQuery(
        """
query Q3($indicator: String!, $start: Date!, $end: Date!) {
  allObservationValues(
    condition: {indicatorCode: $indicator, areaLevel: "province", frequency: "M"}
    filter: {periodStart: {greaterThanOrEqualTo: $start}, periodEnd: {lessThanOrEqualTo: $end}}
  ) {
    groupedAggregates(groupBy: [YEAR]) {
      keys
      sum { value }
      distinctCount { rowId }
    }
  }
}""",
        {"indicator": Q3_INDICATOR, "start": "2023-01-01", "end": "2025-12-31"},
    ),
}

# The state a public read sees: per observation, the accepted revision accepted last.
_CURRENT = """
JOIN LATERAL (
  SELECT r.value FROM observation_revision r
  WHERE r.observation_id = o.id AND r.accepted_at IS NOT NULL
  ORDER BY r.accepted_at DESC, r.revision DESC LIMIT 1
) cur ON true"""
_PUBLISHED = """
JOIN indicator_version iv ON iv.indicator_id = o.indicator_id AND iv.status = 'published'"""

FLOOR: dict[str, str] = {
    "q1": f"""
SELECT a.code AS area, o.frequency, o.period, cur.value::text AS value
FROM observation o
JOIN area a ON a.id = o.area_id{_PUBLISHED}{_CURRENT}
WHERE o.indicator_id = (SELECT id FROM indicator WHERE code = $1) AND a.code = ANY($2::text[])
ORDER BY a.code, o.dimension_key, o.frequency, o.period_start, o.period""",
    "q2": f"""
SELECT o.period, cur.value::text AS value, o.dimension_key, i.code AS indicator,
       iv.name_vi AS indicator_name, a.code AS area, a.name_vi AS area_name
FROM observation o
JOIN indicator i ON i.id = o.indicator_id
JOIN area a ON a.id = o.area_id{_PUBLISHED}{_CURRENT}
WHERE o.indicator_id = (SELECT id FROM indicator WHERE code = $1)
  AND o.period_start >= $2 AND o.period_end <= $3
ORDER BY o.indicator_id, o.area_id, o.period_start, o.period, o.dimension_key
LIMIT $4""",
    "q3": f"""
SELECT extract(year FROM o.period_start)::int AS year, sum(cur.value)::text AS value,
       count(*) AS count
FROM observation o
JOIN area a ON a.id = o.area_id AND a.level = 'province'{_PUBLISHED}{_CURRENT}
WHERE o.indicator_id = (SELECT id FROM indicator WHERE code = $1)
  AND o.frequency = 'M' AND o.period_start >= $2 AND o.period_end <= $3
GROUP BY 1 ORDER BY 1""",
}
