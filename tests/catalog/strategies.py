"""Hypothesis strategies for catalogs: any mix of entities, every optional field, dangling refs.

Cross-references are drawn freely (they may point at nothing): the mapping must be lossless for
any catalog the model accepts, valid or not.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta
from typing import TypeVar

from hypothesis import strategies as st

from catalog.model import (
    Agency,
    AgencyKind,
    AggregationRule,
    Area,
    AreaLevel,
    AreaSuccession,
    Catalog,
    Code,
    Codelist,
    CutoffKind,
    CutoffRule,
    DataTable,
    DeadlineKind,
    DeadlineRule,
    Frequency,
    Indicator,
    IndicatorGroup,
    OutlineSection,
    PeriodAggregation,
    Regime,
    RegimeKind,
    SubmissionMethod,
    TableItem,
    Text,
    Unit,
    ValueType,
)

EnumT = TypeVar("EnumT", bound=enum.Enum)

codes = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,6}", fullmatch=True)
# Catalog texts never hold U+0000 (the model refuses it: PostgreSQL cannot store it).
_text_characters = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
texts = st.builds(
    Text,
    vi=st.text(_text_characters, min_size=1).filter(str.strip),
    en=st.none() | st.text(_text_characters, max_size=10),
)
decimals = st.decimals(allow_nan=False, allow_infinity=False)
optional_dates = st.none() | st.dates(min_value=date(1945, 1, 1), max_value=date(2100, 1, 1))


def _enum(cls: type[EnumT]) -> st.SearchStrategy[EnumT]:
    return st.sampled_from(list(cls))


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    some_codes = st.lists(codes, max_size=3, unique=True).map(tuple)
    units = [
        Unit(code, draw(texts), draw(st.text(max_size=5)), draw(st.text(max_size=5)))
        if draw(st.booleans())
        else Unit(
            code,
            draw(texts),
            "x",
            "count",
            base=draw(codes),
            multiplier=draw(decimals.filter(lambda d: d > 0)),
            qudt_exact=draw(st.none() | st.just("http://qudt.org/vocab/unit/NUM")),
            qudt_close=draw(st.none() | st.just("http://qudt.org/vocab/unit/PERCENT")),
        )
        for code in draw(st.lists(codes, max_size=3, unique=True))
    ]
    areas = []
    for code in draw(st.lists(codes, max_size=3, unique=True)):
        start = draw(optional_dates)
        successors: list[str] = draw(st.lists(codes, max_size=2, unique=True))
        has_end = bool(successors) or draw(st.booleans())
        end = (start or date(2000, 1, 1)) + timedelta(days=draw(st.integers(0, 9)))
        areas.append(
            Area(
                code,
                draw(texts),
                draw(_enum(AreaLevel)),
                draw(st.from_regex(r"[0-9]{2,5}", fullmatch=True)),
                parent=draw(st.none() | codes),
                valid_from=start,
                valid_to=end if has_end else None,
                successors=tuple(
                    AreaSuccession(s, draw(decimals.filter(lambda d: 0 < d <= 1)))
                    for s in successors
                ),
            )
        )
    agencies = [
        Agency(
            code,
            draw(texts),
            draw(_enum(AgencyKind)),
            abbreviation=draw(st.none() | st.text(max_size=5)),
            parent=draw(st.none() | codes),
            jurisdiction=draw(st.none() | codes),
            successors=draw(some_codes),
        )
        for code in draw(st.lists(codes, max_size=3, unique=True))
    ]
    codelists = []
    for code in draw(st.lists(codes, max_size=2, unique=True)):
        item_codes = draw(st.lists(codes, min_size=1, max_size=4, unique=True))
        items = tuple(
            Code(
                c,
                draw(texts),
                parent=draw(st.none() | st.sampled_from(item_codes)),
                order=draw(st.integers(-3, 3)),
            )
            for c in item_codes
        )
        codelists.append(
            Codelist(
                code,
                draw(texts),
                items,
                description=draw(st.none() | texts),
                total_code=draw(st.none() | st.sampled_from(item_codes)),
            )
        )
    groups = [
        IndicatorGroup(code, draw(texts), parent=draw(st.none() | codes))
        for code in draw(st.lists(codes, max_size=2, unique=True))
    ]
    indicators = []
    for code in draw(st.lists(codes, min_size=1, max_size=3, unique=True)):
        aggregation = draw(_enum(AggregationRule))
        others = st.lists(codes.filter(code.__ne__), max_size=3).map(tuple)
        indicators.append(
            Indicator(
                code,
                draw(texts),
                draw(texts),
                unit=draw(codes),
                frequencies=tuple(draw(st.lists(_enum(Frequency), min_size=1, max_size=3))),
                agency=draw(codes),
                group=draw(st.none() | codes),
                method=draw(st.none() | texts),
                source=draw(st.none() | texts),
                legal_basis=draw(st.none() | st.text(max_size=10)),
                dimensions=draw(some_codes),
                aggregation=aggregation,
                weight_indicator=draw(codes) if aggregation is AggregationRule.WEIGHTED else None,
                value_type=draw(_enum(ValueType)),
                period_aggregation=draw(_enum(PeriodAggregation)),
                min_value=draw(st.none() | decimals.filter(lambda d: d <= 0)),
                max_value=draw(st.none() | decimals.filter(lambda d: d >= 0)),
                broader=draw(others),
                related=draw(others),
                formula=draw(st.none() | st.text(max_size=10)),
                national_code=draw(st.none() | st.text(max_size=5)),
                is_code_provisional=draw(st.booleans()),
            )
        )
    regimes = []
    for code in draw(st.lists(codes, max_size=2, unique=True)):
        deadline_kind = draw(_enum(DeadlineKind))
        tables = tuple(
            DataTable(
                t,
                draw(texts),
                tuple(
                    TableItem(i, draw(some_codes), draw(_enum(AreaLevel)))
                    for i in draw(st.lists(codes, max_size=3, unique=True))
                ),
            )
            for t in draw(st.lists(codes, max_size=2, unique=True))
        )
        outline = tuple(
            OutlineSection(s, draw(texts), draw(st.none() | texts))
            for s in draw(st.lists(codes, min_size=0 if tables else 1, max_size=2, unique=True))
        )
        regimes.append(
            Regime(
                code,
                draw(texts),
                draw(st.text(max_size=10)),
                draw(_enum(RegimeKind)),
                draw(_enum(Frequency)),
                draw(texts),
                reporting_agencies=draw(st.lists(codes, min_size=1, max_size=3).map(tuple)),
                recipient=draw(codes),
                methods=tuple(draw(st.lists(_enum(SubmissionMethod), min_size=1, max_size=3))),
                deadline=DeadlineRule(
                    deadline_kind,
                    days=draw(st.integers(0, 30)),
                    day=draw(st.integers(1, 31))
                    if deadline_kind is DeadlineKind.DAY_OF_MONTH
                    else 0,
                    month_offset=draw(st.integers(-1, 2)),
                    roll_to_working_day=draw(st.booleans()),
                ),
                cutoff=CutoffRule(draw(_enum(CutoffKind)), draw(st.integers(1, 28))),
                outline=outline,
                tables=tables,
                guidance=draw(st.none() | texts),
                requires_signature=draw(st.booleans()),
                valid_from=draw(optional_dates),
            )
        )
    return Catalog.of(
        agencies=agencies,
        areas=areas,
        units=units,
        codelists=codelists,
        groups=groups,
        indicators=indicators,
        regimes=regimes,
    )
