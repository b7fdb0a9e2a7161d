"""What the national overview shows: headline indicators and the provincial rankings.

A headline is one national series (the nation's area and the total codes of its breakdowns)
drawn as a trend with its latest value; a ranking compares the provinces on their latest
period. Both read `series`, except a headline marked `rollup`: the nation reports no figure of
its own for it, so the card shows `aggregate(areaLevel: NATION)`, the sum of the provinces
that reported (only for indicators whose values add up across areas, rule SUM).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog import model
from catalog.model import AggregationRule

NATION = "VN"


@dataclass(frozen=True)
class Headline:
    """A card of the overview: one indicator's series for one area and breakdown."""

    indicator: str
    dimensions: tuple[tuple[str, str], ...] = ()
    area: str = NATION
    rollup: bool = False  # the provinces' values summed into the nation (`aggregate`)

    def as_json(self) -> dict[str, object]:
        return {
            "indicator": self.indicator,
            "area": self.area,
            "dimensions": [{"dimension": d, "code": c} for d, c in self.dimensions],
            "rollup": self.rollup,
        }


@dataclass(frozen=True)
class Ranking:
    """Provinces compared on the latest period of one indicator and breakdown."""

    indicator: str
    dimensions: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "indicator": self.indicator,
            "dimensions": [{"dimension": d, "code": c} for d, c in self.dimensions],
        }


TOTAL_SEX_AREA = (("SEX", "T"), ("URBAN_RURAL", "T"))

HEADLINES = (
    Headline("0501", (("ECON_SECTOR", "T"), ("PRICE_BASIS", "CUR"))),
    Headline("0502", (("ECON_SECTOR", "T"),)),
    Headline("HUB-EXPORTS"),
    Headline("HUB-IMPORTS"),
    Headline("HUB-BUDGET_REVENUE", (("REVENUE_SOURCE", "T"),)),
    Headline("HUB-BUDGET_EXPENDITURE", (("EXPENDITURE_ITEM", "T"),)),
    Headline("HUB-UNEMPLOYMENT", TOTAL_SEX_AREA),
    Headline("HUB-CREDIT_GROWTH"),
    Headline("0102", TOTAL_SEX_AREA, rollup=True),
)

RANKINGS = (
    Ranking("0102", TOTAL_SEX_AREA),
    Ranking("1101", (("INDEX_BASE", "SAME_PY"),)),
)


def unknown_references(catalog: model.Catalog) -> list[str]:
    """Codes the overview names that `catalog` lacks (empty for the seed catalog)."""
    problems = []
    for item in (*HEADLINES, *RANKINGS):
        indicator = catalog.indicators.get(item.indicator)
        if indicator is None:
            problems.append(f"indicator {item.indicator}")
            continue
        for dimension, code in item.dimensions:
            codelist = catalog.codelists.get(dimension)
            if dimension not in indicator.dimensions or codelist is None:
                problems.append(f"{item.indicator}: dimension {dimension}")
            elif code not in {c.code for c in codelist.codes}:
                problems.append(f"{item.indicator}: code {dimension}={code}")
    for headline in HEADLINES:
        if headline.area not in catalog.areas:
            problems.append(f"{headline.indicator}: area {headline.area}")
        indicator = catalog.indicators.get(headline.indicator)
        if headline.rollup and indicator and indicator.aggregation is not AggregationRule.SUM:
            problems.append(f"{headline.indicator}: rolled up, but its values do not add up")
    return problems
