"""Figures of the demo data set: plausible values for the seed catalog's indicators.

A 2025 national base per indicator, a yearly trend, a seasonal pattern for flows, each
province's share of the economy or the population, fixed shares (or ratios) per
disaggregation code and a little noise from the caller's seeded generator. Values stay
within the indicator's valid range and carry the indicator's own unit.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from catalog import model
from catalog.periods import Period, periods_per_year

SEED = "reporting-hub-demo-1"
BASE_YEAR = date(2025, 1, 1)  # the year the bases below describe
NATIONAL_DENSITY = 308  # persons per km²

# Reporting provinces: (share of the economy, share of the population, persons per km²).
# Before the 2025-07-01 reorganisation the committees of the provinces merged into the new ones
# report in their place, with shares that add up to their successor's; Hà Nội, Quảng Ninh and
# Huế were not merged and report throughout. Those merged into new Hồ Chí Minh City (79) and
# Hải Phòng (31) send every report; those merged into Đà Nẵng, Đồng Nai and Cần Thơ (48, 75,
# 92) only the annual ones (`ANNUAL_ONLY`, which keeps `hub demo load` quick), so their
# successors have no monthly values before the change.
PROVINCES = {
    "UBND-01": (0.13, 0.086, 2630),
    "UBND-79": (0.23, 0.139, 2070),
    "UBND-P63-79": (0.165, 0.094, 4500),
    "UBND-P63-74": (0.04, 0.028, 1000),
    "UBND-P63-77": (0.025, 0.017, 600),
    "UBND-31": (0.06, 0.047, 1450),
    "UBND-P63-31": (0.035, 0.021, 1400),
    "UBND-P63-30": (0.025, 0.026, 1100),
    "UBND-22": (0.03, 0.014, 220),
    "UBND-48": (0.035, 0.030, 260),
    "UBND-P63-48": (0.022, 0.012, 1000),
    "UBND-P63-49": (0.013, 0.018, 140),
    "UBND-46": (0.013, 0.012, 230),
    "UBND-75": (0.05, 0.044, 340),
    "UBND-P63-75": (0.04, 0.032, 550),
    "UBND-P63-70": (0.01, 0.012, 150),
    "UBND-92": (0.03, 0.041, 620),
    "UBND-P63-92": (0.013, 0.013, 870),
    "UBND-P63-93": (0.007, 0.007, 450),
    "UBND-P63-94": (0.01, 0.021, 360),
}
ANNUAL_ONLY = frozenset(
    {"UBND-P63-48", "UBND-P63-49", "UBND-P63-75", "UBND-P63-70"}
    | {"UBND-P63-92", "UBND-P63-93", "UBND-P63-94"}
)


@dataclass(frozen=True)
class Spec:
    """How an indicator's demo values are made: `base` is the 2025 national figure (a year's
    total for flows), `additive` says whether codes split it (shares) or scale it (ratios)."""

    base: float
    shape: str = "level"  # flow (per period, seasonal) | level | ytd (cumulative in the year)
    scale: str = "none"  # economy | population | none (rates, indices)
    growth: float = 0.0  # per year
    decimals: int = 1
    noise: float = 0.02
    additive: bool = True


E, P = "economy", "population"
SPECS = {
    "0501": Spec(12_000_000, "flow", E, 0.10, 0),
    "0502": Spec(7.4, additive=False),
    "0503": Spec(100, noise=0),
    "0401": Spec(4_000_000, "flow", E, 0.11, 0),
    "HUB-BUDGET_REVENUE": Spec(2_000_000, "flow", E, 0.08, 0),
    "HUB-BUDGET_EXPENDITURE": Spec(2_100_000, "flow", E, 0.09, 0),
    "HUB-EXPORTS": Spec(440_000, "flow", E, 0.12),
    "HUB-IMPORTS": Spec(420_000, "flow", E, 0.12),
    "HUB-TRADE_BALANCE": Spec(20_000, "flow", E, noise=0.3),
    "HUB-PPI": Spec(103, additive=False, noise=0.005, decimals=2),
    "HUB-M2": Spec(16_000_000, growth=0.12, decimals=0),
    "HUB-M2_GROWTH": Spec(12, "ytd", decimals=2),
    "HUB-CREDIT_OUTSTANDING": Spec(17_000_000, growth=0.15, decimals=0),
    "HUB-CREDIT_GROWTH": Spec(15, "ytd", decimals=2),
    "HUB-BOP": Spec(8_000, "flow", noise=0.15),
    "0201": Spec(53_500, scale=P, growth=0.01),
    "HUB-EMPLOYED": Spec(52_300, scale=P, growth=0.01),
    "HUB-UNEMPLOYMENT": Spec(2.2, additive=False, decimals=2),
    "HUB-UNDEREMPLOYMENT": Spec(2.0, additive=False, decimals=2),
    "HUB-TRAINED_LABOUR": Spec(28.5, growth=0.02, additive=False),
    "0901": Spec(108, additive=False, noise=0.01, decimals=2),
    "1001": Spec(6_900_000, "flow", E, 0.09),
    "1101": Spec(103.3, additive=False, noise=0.004, decimals=2),
    "HUB-PUBLIC_INVEST_DISB": Spec(800_000, "flow", E, 0.1),
    "HUB-PUBLIC_INVEST_DISB_RATE": Spec(92, "ytd", additive=False),
    "HUB-FDI_REGISTERED": Spec(38_000, "flow", E, 0.05, 2, 0.2),
    "HUB-FDI_DISBURSED": Spec(25_000, "flow", E, 0.08, 2, 0.1),
    "HUB-NEW_ENTERPRISES": Spec(190_000, "flow", E, 0.06, 0, 0.06),
    "HUB-NEW_ENTERPRISES_CAPITAL": Spec(1_700_000, "flow", E, 0.05, 0, 0.1),
    "HUB-TRAFFIC_ACCIDENTS": Spec(22_000, "flow", P, -0.05, 0, 0.1),
    "HUB-TRAFFIC_DEATHS": Spec(10_000, "flow", P, -0.05, 0, 0.1),
    "HUB-TRAFFIC_INJURIES": Spec(16_000, "flow", P, -0.05, 0, 0.1),
    "HUB-FIRES": Spec(3_000, "flow", P, 0, 0, 0.2),
    "HUB-FIRE_DEATHS": Spec(90, "flow", P, 0, 0, 0.4),
    "HUB-FIRE_DAMAGE": Spec(300, "flow", E, 0, 1, 0.4),
    "HUB-DISASTER_DEATHS": Spec(200, "flow", P, 0, 0, 0.6),
    "HUB-DISASTER_DAMAGE": Spec(40_000, "flow", E, 0, 1, 0.6),
    "HUB-ONLINE_DOSSIERS": Spec(78, growth=0.04, additive=False),
    "0102": Spec(101_500_000, scale=P, growth=0.009, decimals=0, noise=0.002),
    "HUB-POPULATION_DENSITY": Spec(1, additive=False, decimals=0, noise=0.002),
    "HUB-CBR": Spec(14.0, additive=False, growth=-0.02, decimals=2),
    "HUB-CDR": Spec(6.3, additive=False, decimals=2),
    "HUB-SRB": Spec(111.0, additive=False, noise=0.01),
    "HUB-POP_GROWTH": Spec(0.9, additive=False, decimals=2, noise=0.1),
    "HUB-DOCTORS_PER_10K": Spec(12.5, growth=0.03, additive=False),
    "HUB-BEDS_PER_10K": Spec(32, growth=0.02, additive=False),
    "HUB-IMMUNIZATION": Spec(96.5, additive=False, noise=0.01),
    "HUB-CHILD_MALNUTRITION": Spec(17.5, growth=-0.04, additive=False),
    "HUB-HEALTH_INS_COVERAGE": Spec(93.5, growth=0.005, additive=False, noise=0.01),
    "HUB-MULTIDIM_POVERTY": Spec(4.0, growth=-0.15, additive=False, decimals=2),
    "HUB-INCOME_PER_CAPITA": Spec(5_500, growth=0.08, additive=False, decimals=0),
}
# Codes reported for each required disaggregation, with their share of the total (for
# additive indicators) and, where it differs from 1, their ratio to the whole (for rates).
# Codelists not listed use their first two codes.
SHARES: dict[str, dict[str, float]] = {
    "SEX": {"T": 1, "M": 0.51, "F": 0.49},
    "URBAN_RURAL": {"T": 1, "U": 0.39, "R": 0.61},
    "ECON_SECTOR": {"T": 1, "AFF": 0.12, "IND_CON": 0.37, "SERV": 0.43, "TAX": 0.08},
    "PRICE_BASIS": {"CUR": 1, "CONST": 0.62},
    "OWNERSHIP": {"T": 1, "STATE": 0.27, "NONSTATE": 0.56, "FDI": 0.17},
    "REVENUE_SOURCE": {"T": 1, "DOMESTIC": 0.85, "CRUDE_OIL": 0.03, "TRADE": 0.12},
    "EXPENDITURE_ITEM": {"T": 1, "DEV_INV": 0.3, "RECURRENT": 0.62, "INTEREST": 0.08},
    "CURRENCY_TYPE": {"T": 1, "VND": 0.91, "FX": 0.09},
    "BOP_ACCOUNT": {"T": 1, "CA": 2.5, "KFA": -0.8, "EO": -0.7},
    "VSIC2018": {"TOTAL": 1, "A": 0.26, "C": 0.22, "F": 0.09, "G": 0.15},
    "FDI_FORM": {"T": 1, "NEW": 0.5, "ADD": 0.3, "SHARE": 0.2},
    "RETAIL_ACTIVITY": {"T": 1, "GOODS": 0.76, "ACCOM_FOOD": 0.12, "TRAVEL": 0.02, "OTHER": 0.1},
    "MALNUTRITION_FORM": {"UNDERWEIGHT": 1, "STUNTING": 1},
    "INDEX_BASE": {"SAME_PY": 1, "PREV": 1},
}
RATIOS: dict[str, dict[str, float]] = {
    "SEX": {"M": 0.96, "F": 1.05},
    "URBAN_RURAL": {"U": 1.15, "R": 0.9},
    "ECON_SECTOR": {"AFF": 0.5, "IND_CON": 1.15, "SERV": 1.05, "TAX": 0.95},
    "MALNUTRITION_FORM": {"UNDERWEIGHT": 0.55},
}
# Seasonal factors of flows by month and by quarter: Tết empties February, December peaks.
SEASON = {
    12: (1.02, 0.82, 1.0, 0.98, 1.0, 1.0, 1.0, 1.02, 1.0, 1.03, 1.04, 1.09),
    4: (0.9, 1.0, 1.02, 1.08),
}


@dataclass(frozen=True)
class DemoValue:
    """One value of a demo report, as sent."""

    indicator: str
    area: str
    dimensions: tuple[tuple[str, str], ...]
    value: Decimal
    unit: str
    status: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Figure:
    """A form row's figure for the reporter's own area, before rounding (`exact`)."""

    indicator: model.Indicator
    spec: Spec
    dimensions: tuple[tuple[str, str], ...]
    amount: float


def figures(
    catalog: model.Catalog,
    tables: Iterable[model.DataTable],
    period: Period,
    rng: random.Random,
    *,
    shape: tuple[float, float, float],
    own_level_seed: str | None,
) -> Iterator[Figure]:
    """The figures of `tables` for `period` of a reporter whose area has `shape` (share of
    the economy, of the population, persons per km²); `own_level_seed` (a province's; None
    for the nation) fixes the province's own level of each rate across periods. The demo
    and the bench's data set (`bench.dataset`) both draw their values here."""
    economy, population, density = shape
    per_year = periods_per_year(period.frequency)
    years = (period.start - BASE_YEAR).days / 365.25
    for table in tables:
        for item in table.items:
            spec, indicator = SPECS.get(item.indicator), catalog.indicators.get(item.indicator)
            if spec is None or indicator is None:
                continue
            total = spec.base * (1 + spec.growth) ** years * (1 + rng.gauss(0, spec.noise))
            if indicator.code == "HUB-POPULATION_DENSITY":
                total *= density
            elif spec.shape == "flow":
                total *= SEASON.get(per_year, (1.0,) * per_year)[period.index - 1] / per_year
            elif spec.shape == "ytd":
                total *= period.end.month / 12
            total *= {"economy": economy, "population": population}.get(spec.scale, 1.0)
            if not spec.additive and own_level_seed is not None and indicator.unit != "INDEX":
                # A province's own level of a rate stays the same from one period to the next.
                total *= random.Random(f"{own_level_seed}/{indicator.code}").uniform(0.85, 1.15)
            choices = [_codes(catalog, codelist) for codelist in item.dimensions]
            for combination in itertools.product(*choices):
                amount = total
                for codelist, code, share, ratio in combination:
                    if codelist == "INDEX_BASE" and code == "PREV":
                        amount = 100 + (amount - 100) / per_year + rng.gauss(0, 0.2)
                    else:
                        amount *= share if spec.additive else ratio
                dims = tuple((codelist, code) for codelist, code, _, _ in combination)
                yield Figure(indicator, spec, dims, amount)


def demo_values(
    catalog: model.Catalog,
    tables: Iterable[model.DataTable],
    agency: str,
    period: Period,
    rng: random.Random,
) -> Iterator[DemoValue]:
    """The values of `tables` that `agency` reports for `period`, in its jurisdiction (or for
    the nation); indicators without a demo figure are left out."""
    area = catalog.agencies[agency].jurisdiction or "VN"
    shape = PROVINCES.get(agency, (1.0, 1.0, NATIONAL_DENSITY))
    own_level = f"{SEED}/{agency}" if agency in PROVINCES else None
    for f in figures(catalog, tables, period, rng, shape=shape, own_level_seed=own_level):
        value = exact(f.amount, f.spec.decimals, f.indicator)
        yield DemoValue(f.indicator.code, area, f.dimensions, value, f.indicator.unit)


def _codes(catalog: model.Catalog, codelist: str) -> list[tuple[str, str, float, float]]:
    """(codelist, code, share, ratio) of the codes reported for `codelist`."""
    shares = SHARES.get(codelist) or {c.code: 1.0 for c in catalog.codelists[codelist].codes[:2]}
    ratios = RATIOS.get(codelist, {})
    return [(codelist, code, share, ratios.get(code, 1.0)) for code, share in shares.items()]


def exact(value: float, decimals: int, indicator: model.Indicator) -> Decimal:
    """`value` within the indicator's bounds, as a decimal of `decimals` places."""
    low, high = indicator.min_value, indicator.max_value
    if low is not None:
        value = max(value, float(low))
    if high is not None:
        value = min(value, float(high))
    return Decimal(f"{value:.{decimals}f}")
