"""Values of an area outside its validity, read across the 2025 reorganisation (63 provinces
became 34 on 2025-07-01), from the succession links of the catalog.

- Backward: a new area T valid from F has, for the periods that start before F, the
  combination of its predecessors P (the areas with a link into T; the link's weight w is the
  share of P that went into T: 1 for a merge, a part for a split).
- Forward: an old area P valid to L has, for the periods that end after L, the combination
  of its successors S, but only when P is the sole predecessor of every S (P was split or
  renamed). A successor that also took in other areas cannot be split back without knowing
  P's part of it, so a merged area has no values after it ended.

The indicator's area rule combines them, per period and breakdown:

- SUM: backward sum(w x value of P); forward sum(value of S);
- AVERAGE: sum(w x value) / sum(w), w the link's weight (a plain mean for a merge);
- WEIGHTED: sum(value x W x s) / sum(W x s), W the weight indicator's value of each area at
  the same period and breakdown, s = w backward and 1 forward;
- NONE: refused (`NotAggregableError`).

A value is combined only when every linked area has one (and, for WEIGHTED, a weight) at
that period and breakdown: never a partial sum. A value stored for T itself always wins.
Everything is one SQL statement per indicator read (`combined`): the links are a small
constant table joined to the chosen revisions, grouped per target area.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from catalog import model
from catalog.model import AggregationRule
from hub.db import ExactDecimal
from hub.errors import InvalidInputError, NotAggregableError
from hub.exact_sql import canonical, exact_product, exact_quotient, exact_sum, quotient
from hub.metadata import models as m
from hub.observations import statements as st
from hub.observations.models import ObservationRevision, StatusFlag
from hub.observations.records import ObservationCriteria

_OPEN_BEFORE = date(9999, 12, 31)
_OPEN_AFTER = date(1, 1, 1)
STATUS_RANK = {
    StatusFlag.NORMAL: 0,
    StatusFlag.PROVISIONAL: 1,
    StatusFlag.ESTIMATED: 2,
    StatusFlag.FORECAST: 3,
}


@dataclass(frozen=True)
class Link:
    """The values of `source` count towards `target` for the periods inside the window."""

    source: str
    source_id: int
    target: str
    target_id: int
    scale: Decimal  # multiplies the value (SUM) and the weight (WEIGHTED)
    mean_weight: Decimal  # weight in the mean (AVERAGE)
    before: date = _OPEN_BEFORE  # periods starting before this day (backward links)
    after: date = _OPEN_AFTER  # periods ending after this day (forward links)
    expected: int = 1  # links of the target in this direction: each must have a value


@dataclass(frozen=True)
class Reorganisation:
    """The areas asked for (code: id) and the links that give them values outside their
    validity."""

    targets: dict[str, int]
    links: tuple[Link, ...]

    def sources(self, target: str, start: date, end: date) -> frozenset[str]:
        """The linked areas whose values count towards `target` for the period from `start`
        to `end` (or for some of the periods rolled up into it)."""
        return frozenset(
            link.source
            for link in self.links
            if link.target == target and start < link.before and end > link.after
        )

    @property
    def source_codes(self) -> tuple[str, ...]:
        return tuple(sorted({link.source for link in self.links} | set(self.targets)))


def check_request(areas: Sequence[str], indicator: model.Indicator) -> None:
    """`acrossReorganisation` reads named areas of an indicator whose values combine."""
    if not areas:
        raise InvalidInputError(
            "acrossReorganisation reads the areas you name: give `areas`", field="areas"
        )
    if indicator.aggregation is AggregationRule.NONE:
        raise NotAggregableError(
            f"indicator {indicator.code} has aggregation rule NONE: the values of the areas "
            "before and after the reorganisation cannot be combined",
            field="acrossReorganisation",
        )


async def reorganisation(areas: Sequence[str], *, session: AsyncSession) -> Reorganisation:
    """The links that give `areas` values outside their validity (two statements)."""
    found = (
        await session.execute(
            sa.select(m.Area.id, m.Area.code, m.Area.valid_from, m.Area.valid_to).where(
                m.Area.code.in_(set(areas))
            )
        )
    ).all()
    targets = {row.code: row for row in found}
    ids = [row.id for row in found]
    link = m.AreaSuccession
    out_of_targets = sa.select(link.successor_id).where(link.area_id.in_(ids))
    source, successor = aliased(m.Area), aliased(m.Area)
    rows = (
        await session.execute(
            sa.select(
                link.area_id,
                source.code.label("source"),
                link.successor_id,
                successor.code.label("successor"),
                link.weight,
            )
            .join(source, source.id == link.area_id)
            .join(successor, successor.id == link.successor_id)
            .where(
                sa.or_(
                    link.successor_id.in_(ids),
                    link.area_id.in_(ids),
                    link.successor_id.in_(out_of_targets),
                )
            )
            .order_by(source.code, successor.code)
        )
    ).all()
    into: dict[str, list[Any]] = defaultdict(list)
    out_of: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        into[row.successor].append(row)
        out_of[row.source].append(row)
    links: list[Link] = []
    for code, target in targets.items():
        predecessors = into.get(code, [])
        if target.valid_from is not None and predecessors:
            links += [
                Link(
                    r.source,
                    r.area_id,
                    code,
                    target.id,
                    canonical(r.weight),
                    canonical(r.weight),
                    before=target.valid_from,
                    expected=len(predecessors),
                )
                for r in predecessors
            ]
        successors = out_of.get(code, [])
        sole = all([p.source for p in into[s.successor]] == [code] for s in successors)
        if target.valid_to is not None and successors and sole:
            links += [
                Link(
                    r.successor,
                    r.successor_id,
                    code,
                    target.id,
                    Decimal(1),
                    canonical(r.weight),
                    after=target.valid_to,
                    expected=len(successors),
                )
                for r in successors
            ]
    return Reorganisation({code: row.id for code, row in targets.items()}, tuple(links))


def _links_table(reorganisation: Reorganisation, *, with_own: bool) -> sa.Subquery | None:
    links = list(reorganisation.links)
    if with_own:
        links += [
            Link(code, id_, code, id_, Decimal(1), Decimal(1), expected=1)
            for code, id_ in reorganisation.targets.items()
        ]
    if not links:
        return None
    rows = [
        sa.select(
            sa.literal(link.source_id, sa.Integer).label("source_id"),
            sa.literal(link.target_id, sa.Integer).label("target_id"),
            sa.literal(link.scale, ExactDecimal()).label("scale"),
            sa.literal(link.mean_weight, ExactDecimal()).label("mean_weight"),
            sa.literal(link.before, sa.Date).label("before"),
            sa.literal(link.after, sa.Date).label("after"),
            sa.literal(link.expected, sa.Integer).label("expected"),
            sa.literal(int(link.source_id != link.target_id), sa.Integer).label("linked"),
        )
        for link in links
    ]
    return sa.union_all(*rows).subquery("links")


def combined(
    criteria: ObservationCriteria,
    reorganisation: Reorganisation,
    *,
    filters: Sequence[sa.ColumnElement[bool]] = (),
    with_own: bool,
    weight_indicator: str | None = None,
) -> sa.Subquery | None:
    """Per target area, period and breakdown: the area's own value (`with_own`) or the
    parts of the combination of its linked areas' values; None when nothing links.

    Columns: area_id (the target), period, period_start, period_end, frequency,
    dimension_key, id (an observation of the group, for its codes), own (own values),
    linked (linked values), own_value, link_sum, link_vm / link_m (the link-weighted mean),
    link_vw / link_w and own_w (with `weight_indicator`), status_rank, recorded_at,
    accepted_at.
    """
    links = _links_table(reorganisation, with_own=with_own)
    if links is None:
        return None
    sources = replace(criteria, areas=reorganisation.source_codes)
    chosen = st.chosen(sources).where(*filters).subquery("chosen")
    revision = aliased(ObservationRevision)
    rank = sa.case(*((revision.status_flag == flag, r) for flag, r in STATUS_RANK.items()), else_=0)
    rows = (
        sa.select(
            links.c.target_id,
            chosen.c.period,
            chosen.c.period_start,
            chosen.c.period_end,
            chosen.c.frequency,
            chosen.c.dimension_key,
            chosen.c.id,
            revision.value,
            rank.label("status_rank"),
            revision.recorded_at,
            revision.accepted_at,
            links.c.scale,
            links.c.mean_weight,
            links.c.expected,
            links.c.linked,
        )
        .select_from(chosen)
        .join(revision, revision.id == chosen.c.revision_id)
        .join(
            links,
            sa.and_(
                links.c.source_id == chosen.c.area_id,
                chosen.c.period_start < links.c.before,
                chosen.c.period_end > links.c.after,
            ),
        )
    )
    if weight_indicator is not None:
        weights = st.chosen(
            replace(sources, indicators=(weight_indicator,), dimensions=())
        ).subquery("weights")
        weight = aliased(ObservationRevision)
        rows = rows.join(
            weights,
            sa.and_(
                weights.c.area_id == chosen.c.area_id,
                weights.c.period == chosen.c.period,
                weights.c.dimension_key == chosen.c.dimension_key,
            ),
        ).join(weight, weight.id == weights.c.revision_id)
        rows = rows.add_columns(weight.value.label("weight"))
    r = rows.subquery("linked_rows")
    own, linked = r.c.linked == 0, r.c.linked == 1
    keys = [
        r.c.target_id,
        r.c.period,
        r.c.period_start,
        r.c.period_end,
        r.c.frequency,
        r.c.dimension_key,
    ]
    own_count = sa.func.sum(sa.case((own, 1), else_=0))
    link_count = sa.func.sum(sa.case((linked, 1), else_=0))
    columns: list[Any] = [
        r.c.target_id.label("area_id"),
        *keys[1:],
        sa.func.min(r.c.id).label("id"),
        own_count.label("own"),
        link_count.label("linked"),
        exact_sum(sa.case((own, r.c.value))).label("own_value"),
        exact_sum(sa.case((linked, exact_product(r.c.value, r.c.scale)))).label("link_sum"),
        exact_sum(sa.case((linked, exact_product(r.c.value, r.c.mean_weight)))).label("link_vm"),
        exact_sum(sa.case((linked, r.c.mean_weight))).label("link_m"),
        sa.func.max(r.c.status_rank).label("status_rank"),
        sa.func.max(r.c.recorded_at).label("recorded_at"),
        sa.func.max(r.c.accepted_at).label("accepted_at"),
    ]
    if weight_indicator is not None:
        part = exact_product(r.c.weight, r.c.scale)
        columns += [
            exact_sum(sa.case((own, r.c.weight))).label("own_w"),
            exact_sum(sa.case((linked, exact_product(r.c.value, part)))).label("link_vw"),
            exact_sum(sa.case((linked, part))).label("link_w"),
        ]
    expected = sa.func.max(sa.case((linked, r.c.expected)))
    return (
        sa.select(*columns)
        .group_by(*keys)
        .having(sa.or_(own_count > 0, link_count == expected))
        .subquery("combined")
    )


def combined_value(row: Any, rule: AggregationRule) -> tuple[Decimal | None, bool]:
    """The value of a row of `combined` under `rule`, and whether it was combined."""
    if row.own:
        return row.own_value, False
    if rule is AggregationRule.SUM:
        return canonical(row.link_sum), True
    if rule is AggregationRule.AVERAGE:
        return quotient(row.link_vm, row.link_m), True
    return (None if not row.link_w else quotient(row.link_vw, row.link_w)), True


def aggregate_columns(grouped: sa.Subquery, rule: AggregationRule) -> dict[str, Any]:
    """The columns `aggregation` reads of a row of `combined`: value, vw and weight (for
    WEIGHTED), n (stored values in it) and derived (1 when combined)."""
    has_own = grouped.c.own > 0
    value: Any = grouped.c.link_sum
    if rule is AggregationRule.AVERAGE:
        value = exact_quotient(grouped.c.link_vm, grouped.c.link_m)
    columns: dict[str, Any] = {
        "value": sa.case((has_own, grouped.c.own_value), else_=value),
        "n": sa.case((has_own, grouped.c.own), else_=grouped.c.linked),
        "derived": sa.case((has_own, 0), else_=1),
    }
    if rule is AggregationRule.WEIGHTED:
        own_vw = exact_product(grouped.c.own_value, grouped.c.own_w)
        columns["vw"] = sa.case((has_own, own_vw), else_=grouped.c.link_vw)
        columns["weight"] = sa.case((has_own, grouped.c.own_w), else_=grouped.c.link_w)
    return columns
