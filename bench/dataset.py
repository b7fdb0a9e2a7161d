"""The bench's data set: every province's and two ministries' reports over the years, at any size.

Deterministic: the same size gives the same values, and a larger size starts with the values
of a smaller one, so a data set grows from 1 M to 10 M observations by appending. Two phases:

1. the core: every report of every regime with data tables from FIRST_YEAR to 2025 at
   province (or national) level: monthly and annual provincial reports (63 provinces before
   the 2025 reorganisation, 34 after), the ministries' quarterly macro report. About 460,000
   values; Q1-Q3 of `bench.queries` read these only, so they are the same at every size
   from 1 M on.
2. the fill: each province's communes' values of its monthly reports, newest month first,
   until the size asked for: what makes the tables grow around the data Q1-Q3 read.

About 9% of reports were revised after acceptance (three values estimated first), and 10% of
the last month's reports await review (not public). Figures follow `hub.demo_figures`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from bench.scale_catalog import COMMUNES_PER_PROVINCE, FIRST_YEAR, commune_code
from catalog import model
from catalog.periods import Period, WorkingCalendar, deadline, parse_period
from hub.demo_figures import PROVINCES, Figure, figures
from hub.demo_figures import exact as rounded
from hub.reporting.validation import VIETNAM

SEED = "reporting-hub-bench-1"
LAST_CORE = {
    model.Frequency.MONTHLY: "2025-M12",
    model.Frequency.QUARTERLY: "2025-Q4",
    model.Frequency.ANNUAL: "2025",
}
# Which data tables of the quarterly macro report each ministry fills (as the demo does).
MINISTRY_TABLES = {"MOF": ("B01", "B03"), "SBV": ("B02",)}
MONTHLY_REGIME = "HUB-RR-PROV-SEM-M"
MACRO_REGIME = "HUB-RR-MIN-MACRO-Q"


class Value(NamedTuple):
    """One value as reported; `estimate` is what a revised report's first version said."""

    indicator: str
    area: str
    dimensions: tuple[tuple[str, str], ...]
    value: Decimal
    unit: str
    estimate: Decimal | None = None


@dataclass(frozen=True)
class ReportPlan:
    """One report of the data set and its history: accepted, revised once, or pending."""

    number: int  # position in `plan_reports`: ids of the report and its versions derive from it
    regime: model.Regime
    agency: str
    area: str  # the agency's jurisdiction, or the nation
    period: Period
    fate: str  # accepted | revised | pending
    deadline: date
    submitted_at: datetime
    accepted_at: datetime | None
    resubmitted_at: datetime | None = None
    reaccepted_at: datetime | None = None

    @property
    def tables(self) -> tuple[model.DataTable, ...]:
        wanted = MINISTRY_TABLES.get(self.agency)
        return tuple(t for t in self.regime.tables if wanted is None or t.code in wanted)


def _exists(agency: model.Agency, period: Period) -> bool:
    """Whether the agency exists on the period's last day (as obligations count it)."""
    return (agency.valid_from is None or agency.valid_from <= period.end) and (
        agency.valid_to is None or period.end <= agency.valid_to
    )


def participants(catalog: model.Catalog, regime: model.Regime, period: Period) -> list[str]:
    """The agencies of the data set that report `regime` for `period`."""
    provinces = [
        code
        for code in regime.reporting_agencies
        if catalog.agencies[code].kind is model.AgencyKind.PROVINCE
    ]
    wanted = [*provinces, *(m for m in MINISTRY_TABLES if m in regime.reporting_agencies)]
    return [code for code in wanted if _exists(catalog.agencies[code], period)]


def regimes_with_data(catalog: model.Catalog) -> list[model.Regime]:
    return [
        catalog.regimes[code] for code in sorted(catalog.regimes) if catalog.regimes[code].tables
    ]


def plan_reports(catalog: model.Catalog, periods: Sequence[str] | None = None) -> list[ReportPlan]:
    """Every report of the core, in a fixed order; with `periods`, only those periods' reports
    (of the regimes of their frequency), numbered from 0 too."""
    plans: list[ReportPlan] = []
    calendar = WorkingCalendar()
    for regime in regimes_with_data(catalog):
        if periods is None:
            first = Period(regime.frequency, FIRST_YEAR, 1)
            last = parse_period(LAST_CORE[regime.frequency])
            chosen = []
            period = first
            while period.start <= last.start:
                chosen.append(period)
                period = period.next()
        else:
            chosen = [p for p in map(parse_period, periods) if p.frequency is regime.frequency]
        for period in chosen:
            for agency in participants(catalog, regime, period):
                plans.append(_plan(catalog, calendar, len(plans), regime, agency, period))
    return plans


def _plan(
    catalog: model.Catalog,
    calendar: WorkingCalendar,
    number: int,
    regime: model.Regime,
    agency: str,
    period: Period,
) -> ReportPlan:
    rng = random.Random(f"{SEED}/{regime.code}/{agency}/{period.code}")
    due = deadline(period, regime.deadline, regime.cutoff, calendar)
    late = rng.random() < 0.12
    day = due + timedelta(days=rng.randint(1, 9)) if late else due - timedelta(rng.randint(0, 4))
    sent = datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)), VIETNAM)
    accepted = sent + timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 6))
    last = parse_period(LAST_CORE[regime.frequency])
    roll = rng.random()
    area = catalog.agencies[agency].jurisdiction or "VN"
    if period == last and roll < 0.10:
        return ReportPlan(number, regime, agency, area, period, "pending", due, sent, None)
    if roll < 0.09:
        resent = accepted + timedelta(days=rng.randint(20, 45))
        return ReportPlan(
            number,
            regime,
            agency,
            area,
            period,
            "revised",
            due,
            sent,
            accepted,
            resent,
            resent + timedelta(days=rng.randint(1, 3)),
        )
    return ReportPlan(number, regime, agency, area, period, "accepted", due, sent, accepted)


def _province_shape(agency: str) -> tuple[float, float, float]:
    if agency in PROVINCES:
        return PROVINCES[agency]
    rng = random.Random(f"{SEED}/shape/{agency}")
    share = rng.uniform(0.004, 0.03)
    return share, share * rng.uniform(0.8, 1.2), rng.uniform(100, 1500)


def _cells(catalog: model.Catalog, plan: ReportPlan) -> list[Figure]:
    """A form row's values for the report's own area, before rounding (as the demo's)."""
    rng = random.Random(f"{SEED}/values/{plan.regime.code}/{plan.agency}/{plan.period.code}")
    national = catalog.agencies[plan.agency].jurisdiction is None
    shape = (1.0, 1.0, 308.0) if national else _province_shape(plan.agency)
    own_level = None if national else f"{SEED}/{plan.agency}"
    return list(
        figures(catalog, plan.tables, plan.period, rng, shape=shape, own_level_seed=own_level)
    )


def province_values(catalog: model.Catalog, plan: ReportPlan) -> list[Value]:
    """The values of the report's own area (the core); a revised report's first three had
    estimates in its first version."""
    values = []
    for position, cell in enumerate(_cells(catalog, plan)):
        exact = rounded(cell.amount, cell.spec.decimals, cell.indicator)
        estimate = None
        if plan.fate == "revised" and position < 3:
            estimate = rounded(cell.amount * 1.02, cell.spec.decimals, cell.indicator)
            if estimate == exact:
                estimate = exact + Decimal(1).scaleb(-cell.spec.decimals)
        values.append(
            Value(
                cell.indicator.code,
                plan.area,
                cell.dimensions,
                exact,
                cell.indicator.unit,
                estimate,
            )
        )
    return values


def commune_values(
    catalog: model.Catalog, plan: ReportPlan, communes: Sequence[str] | None = None
) -> Iterator[Value]:
    """The values of the communes of the report's province, commune after commune."""
    cells = _cells(catalog, plan)
    rng = random.Random(f"{SEED}/communes/{plan.agency}/{plan.period.code}")
    codes = communes or [commune_code(plan.area, n) for n in range(1, COMMUNES_PER_PROVINCE + 1)]
    for code in codes:
        share = rng.uniform(0.5, 1.5) / COMMUNES_PER_PROVINCE
        ratio = rng.uniform(0.9, 1.1)
        for cell in cells:
            if cell.spec.additive and cell.indicator.value_type is model.ValueType.LEVEL:
                amount = cell.amount * share
            elif cell.indicator.unit == "INDEX":
                amount = 100 + (cell.amount - 100) * ratio
            else:
                amount = cell.amount * ratio
            exact = rounded(amount, cell.spec.decimals, cell.indicator)
            yield Value(cell.indicator.code, code, cell.dimensions, exact, cell.indicator.unit)


def stream(
    catalog: model.Catalog, plans: Sequence[ReportPlan]
) -> Iterator[tuple[ReportPlan, Value]]:
    """Every value of the data set in order: the core, then the communes, without end
    (the caller stops at the size it wants; the fill ends when every monthly report of
    every province carries its communes)."""
    for plan in plans:
        for value in province_values(catalog, plan):
            yield plan, value
    monthly = [p for p in plans if p.regime.code == MONTHLY_REGIME and p.area != "VN"]
    monthly.sort(key=lambda p: (-p.period.start.toordinal(), p.number))
    for plan in monthly:
        for value in commune_values(catalog, plan):
            yield plan, value
