"""Reads the stored catalog back into `catalog.model` objects, with the row ids behind them.

One query per table, whatever the size of the catalog; rows are plain Core rows (not ORM
objects), so nothing lingers in the session's identity map. `load_catalog` serves the
`catalog`; `import_catalog` also needs the ids to decide what to insert, update or withdraw.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.metadata import models as m
from hub.reporting import models as r

# Any: Core rows of different tables; each builder reads the columns its table has.
Row = sa.Row[Any]


@dataclass
class Snapshot:
    """The stored catalog (current published definitions, nothing withdrawn) and its ids."""

    catalog: model.Catalog
    agency_ids: dict[str, int] = field(default_factory=dict)
    area_ids: dict[str, int] = field(default_factory=dict)
    unit_ids: dict[str, int] = field(default_factory=dict)
    codelist_ids: dict[str, int] = field(default_factory=dict)
    group_ids: dict[str, int] = field(default_factory=dict)
    indicator_ids: dict[str, int] = field(default_factory=dict)  # with or without a version
    regime_ids: dict[str, int] = field(default_factory=dict)
    # (parent id, code or indicator id) -> (row id, withdrawn?) for the parts kept on removal.
    code_rows: dict[tuple[int, str], tuple[int, bool]] = field(default_factory=dict)
    section_rows: dict[tuple[int, str], tuple[int, bool]] = field(default_factory=dict)
    table_rows: dict[tuple[int, str], tuple[int, bool]] = field(default_factory=dict)
    item_rows: dict[tuple[int, int], tuple[int, bool]] = field(default_factory=dict)
    published_version_ids: dict[int, int] = field(default_factory=dict)  # indicator id -> id
    last_versions: dict[int, int] = field(default_factory=dict)  # indicator id -> highest


def text(vi: str, en: str | None) -> model.Text:
    return model.Text(vi, en)


def optional_text(vi: str | None, en: str | None) -> model.Text | None:
    return None if vi is None else model.Text(vi, en)


def _grouped(rows: Iterable[Row], key: str) -> dict[int, list[Row]]:
    """Rows by their `key` column, each group in `position` order."""
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: row.position):
        groups[getattr(row, key)].append(row)
    return groups


async def _rows(session: AsyncSession, statement: sa.Select[Any]) -> list[Row]:
    return list((await session.execute(statement)).all())


_TABLES: tuple[tuple[str, Any], ...] = (
    ("agency", m.Agency),
    ("agency_successor", m.AgencySuccessor),
    ("area", m.Area),
    ("area_succession", m.AreaSuccession),
    ("unit", m.Unit),
    ("codelist", m.Codelist),
    ("code", m.Code),
    ("group", m.IndicatorGroup),
    ("indicator", m.Indicator),
    ("regime", r.Regime),
    ("reporting_agency", r.RegimeReportingAgency),
    ("method", r.RegimeMethod),
    ("section", r.OutlineSection),
    ("table", r.DataTable),
    ("item", r.TableItem),
    ("item_dimension", r.TableItemDimension),
)
_VERSION_PARTS: tuple[Any, ...] = (m.IndicatorFrequency, m.IndicatorDimension, m.IndicatorLink)

# Per engine: the last snapshot read and the fingerprint it was read at (see `current_snapshot`).
_cache: weakref.WeakKeyDictionary[sa.Engine, tuple[tuple[object, ...], Snapshot]] = (
    weakref.WeakKeyDictionary()
)


async def snapshot_fingerprint(session: AsyncSession) -> tuple[object, ...]:
    """A value that changes whenever anything `read_snapshot` reads changes, in one statement:
    per table its row count, highest id and latest `updated_at` where it has them (imports and
    edits stamp the entity whose parts they change), and the published indicator versions."""
    columns: list[sa.ColumnElement[Any]] = []
    for _name, mapped in (*_TABLES, ("", m.IndicatorVersion), *(("", p) for p in _VERSION_PARTS)):
        table = mapped.__table__
        columns.append(sa.select(sa.func.count()).select_from(table).scalar_subquery())
        for column in ("id", "updated_at", "published_at"):
            if column in table.c:
                columns.append(sa.select(sa.func.max(table.c[column])).scalar_subquery())
    published = m.IndicatorVersion.status == m.VersionStatus.PUBLISHED
    columns.append(sa.select(sa.func.count()).where(published).scalar_subquery())
    columns.append(sa.select(sa.func.sum(m.IndicatorVersion.id)).where(published).scalar_subquery())
    return tuple((await session.execute(sa.select(*columns))).one())


async def current_snapshot(session: AsyncSession) -> Snapshot:
    """`read_snapshot`, reusing the last one read through this engine while the catalog's
    fingerprint is unchanged: a submission pays one small statement instead of reading and
    rebuilding the whole catalog (thousands of areas at national scale). The snapshot is
    shared: callers only read it."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    fingerprint = await snapshot_fingerprint(session)
    cached = _cache.get(engine)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    snapshot = await read_snapshot(session)
    _cache[engine] = (fingerprint, snapshot)
    return snapshot


async def read_snapshot(session: AsyncSession) -> Snapshot:
    """The stored catalog and its ids, in one query per table."""
    t = {name: await _rows(session, sa.select(mapped.__table__)) for name, mapped in _TABLES}
    published = m.IndicatorVersion.status == m.VersionStatus.PUBLISHED
    versions = await _rows(session, sa.select(m.IndicatorVersion.__table__).where(published))
    last_versions = dict(
        (
            await session.execute(
                sa.select(
                    m.IndicatorVersion.indicator_id, sa.func.max(m.IndicatorVersion.version)
                ).group_by(m.IndicatorVersion.indicator_id)
            )
        ).all()
    )
    current = sa.select(m.IndicatorVersion.id).where(published)
    parts = {
        name: await _rows(
            session,
            sa.select(mapped.__table__).where(mapped.indicator_version_id.in_(current)),
        )
        for name, mapped in zip(("frequency", "dimension", "link"), _VERSION_PARTS, strict=True)
    }

    agency = {row.id: row.code for row in t["agency"]}
    area = {row.id: row.code for row in t["area"]}
    unit = {row.id: row.code for row in t["unit"]}
    codelist = {row.id: row.code for row in t["codelist"]}
    group = {row.id: row.code for row in t["group"]}
    indicator = {row.id: row.code for row in t["indicator"]}
    code = {row.id: row.code for row in t["code"]}

    def codes_of(ids: Mapping[int, str], rows: Iterable[Row], column: str) -> tuple[str, ...]:
        return tuple(ids[getattr(row, column)] for row in rows)

    agency_successors = _grouped(t["agency_successor"], "agency_id")
    agencies = [
        model.Agency(
            code=row.code,
            name=text(row.name_vi, row.name_en),
            kind=row.kind,
            abbreviation=row.abbreviation,
            parent=agency.get(row.parent_id),
            jurisdiction=area.get(row.jurisdiction_id),
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            successors=codes_of(agency, agency_successors[row.id], "successor_id"),
        )
        for row in t["agency"]
    ]
    area_successions = _grouped(t["area_succession"], "area_id")
    areas = [
        model.Area(
            code=row.code,
            name=text(row.name_vi, row.name_en),
            level=row.level,
            national_code=row.national_code,
            parent=area.get(row.parent_id),
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            successors=tuple(
                model.AreaSuccession(area[link.successor_id], link.weight)
                for link in area_successions[row.id]
            ),
        )
        for row in t["area"]
    ]
    units = [
        model.Unit(
            code=row.code,
            name=text(row.name_vi, row.name_en),
            symbol=row.symbol,
            quantity_kind=row.quantity_kind,
            base=unit.get(row.base_id),
            multiplier=row.multiplier,
            qudt_exact=row.qudt_exact,
            qudt_close=row.qudt_close,
        )
        for row in t["unit"]
    ]
    codes_by_list = _grouped((c for c in t["code"] if c.withdrawn_at is None), "codelist_id")
    codelists = [
        model.Codelist(
            code=row.code,
            name=text(row.name_vi, row.name_en),
            description=optional_text(row.description_vi, row.description_en),
            codes=tuple(
                model.Code(
                    code=c.code,
                    name=text(c.name_vi, c.name_en),
                    parent=code.get(c.parent_id),
                    order=c.sort_order,
                )
                for c in codes_by_list[row.id]
            ),
            total_code=next((c.code for c in codes_by_list[row.id] if c.is_total), None),
        )
        for row in t["codelist"]
    ]
    groups = [
        model.IndicatorGroup(
            code=row.code, name=text(row.name_vi, row.name_en), parent=group.get(row.parent_id)
        )
        for row in t["group"]
    ]
    frequencies = _grouped(parts["frequency"], "indicator_version_id")
    dimensions = _grouped(parts["dimension"], "indicator_version_id")
    links = _grouped(parts["link"], "indicator_version_id")
    indicators = [
        model.Indicator(
            code=indicator[v.indicator_id],
            name=text(v.name_vi, v.name_en),
            definition=text(v.definition_vi, v.definition_en),
            unit=unit[v.unit_id],
            frequencies=tuple(f.frequency for f in frequencies[v.id]),
            agency=agency[v.agency_id],
            group=group.get(v.group_id),
            method=optional_text(v.method_vi, v.method_en),
            source=optional_text(v.source_vi, v.source_en),
            legal_basis=v.legal_basis,
            dimensions=codes_of(codelist, dimensions[v.id], "codelist_id"),
            aggregation=v.aggregation,
            weight_indicator=indicator.get(v.weight_indicator_id),
            value_type=v.value_type,
            period_aggregation=v.period_aggregation,
            min_value=v.min_value,
            max_value=v.max_value,
            broader=tuple(
                indicator[x.target_id] for x in links[v.id] if x.kind is m.LinkKind.BROADER
            ),
            related=tuple(
                indicator[x.target_id] for x in links[v.id] if x.kind is m.LinkKind.RELATED
            ),
            formula=v.formula,
            national_code=v.national_code,
            is_code_provisional=v.is_code_provisional,
        )
        for v in versions
    ]
    regimes = _regimes(t, agency=agency, codelist=codelist, indicator=indicator)

    return Snapshot(
        catalog=model.Catalog.of(
            agencies=agencies,
            areas=areas,
            units=units,
            codelists=codelists,
            groups=groups,
            indicators=indicators,
            regimes=regimes,
        ),
        agency_ids={code: id_ for id_, code in agency.items()},
        area_ids={code: id_ for id_, code in area.items()},
        unit_ids={code: id_ for id_, code in unit.items()},
        codelist_ids={code: id_ for id_, code in codelist.items()},
        group_ids={code: id_ for id_, code in group.items()},
        indicator_ids={code: id_ for id_, code in indicator.items()},
        regime_ids={row.code: row.id for row in t["regime"]},
        code_rows={(c.codelist_id, c.code): (c.id, c.withdrawn_at is not None) for c in t["code"]},
        section_rows={
            (s.regime_id, s.code): (s.id, s.withdrawn_at is not None) for s in t["section"]
        },
        table_rows={(d.regime_id, d.code): (d.id, d.withdrawn_at is not None) for d in t["table"]},
        item_rows={
            (i.data_table_id, i.indicator_id): (i.id, i.withdrawn_at is not None) for i in t["item"]
        },
        published_version_ids={v.indicator_id: v.id for v in versions},
        last_versions=last_versions,
    )


def _regimes(
    t: Mapping[str, list[Row]],
    *,
    agency: Mapping[int, str],
    codelist: Mapping[int, str],
    indicator: Mapping[int, str],
) -> list[model.Regime]:
    reporting = _grouped(t["reporting_agency"], "regime_id")
    methods = _grouped(t["method"], "regime_id")
    sections = _grouped((s for s in t["section"] if s.withdrawn_at is None), "regime_id")
    tables = _grouped((d for d in t["table"] if d.withdrawn_at is None), "regime_id")
    items = _grouped((i for i in t["item"] if i.withdrawn_at is None), "data_table_id")
    item_dimensions = _grouped(t["item_dimension"], "table_item_id")
    return [
        model.Regime(
            code=row.code,
            name=text(row.name_vi, row.name_en),
            legal_basis=row.legal_basis,
            kind=row.kind,
            frequency=row.frequency,
            content=text(row.content_vi, row.content_en),
            reporting_agencies=tuple(agency[a.agency_id] for a in reporting[row.id]),
            recipient=agency[row.recipient_id],
            methods=tuple(x.method for x in methods[row.id]),
            deadline=model.DeadlineRule(
                kind=row.deadline_kind,
                days=row.deadline_days,
                day=row.deadline_day,
                month_offset=row.deadline_month_offset,
                roll_to_working_day=row.deadline_roll_to_working_day,
            ),
            cutoff=model.CutoffRule(kind=row.cutoff_kind, day=row.cutoff_day),
            outline=tuple(
                model.OutlineSection(
                    code=s.code,
                    title=text(s.title_vi, s.title_en),
                    guidance=optional_text(s.guidance_vi, s.guidance_en),
                )
                for s in sections[row.id]
            ),
            tables=tuple(
                model.DataTable(
                    code=d.code,
                    title=text(d.title_vi, d.title_en),
                    items=tuple(
                        model.TableItem(
                            indicator=indicator[i.indicator_id],
                            dimensions=tuple(
                                codelist[x.codelist_id] for x in item_dimensions[i.id]
                            ),
                            area_level=i.area_level,
                        )
                        for i in items[d.id]
                    ),
                )
                for d in tables[row.id]
            ),
            guidance=optional_text(row.guidance_vi, row.guidance_en),
            requires_signature=row.requires_signature,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        )
        for row in t["regime"]
    ]
