"""Writes an incoming catalog over the stored one in bulk statements (`store.import_catalog`).

Each kind is planned against the snapshot (create / update / unchanged / missing), then written
with a handful of executemany statements. Kinds go in foreign-key order, and rows that refer
to rows of their own table (parents, base units) are inserted first and linked after.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from catalog.text import fold
from hub.metadata import models as m
from hub.metadata.bulk import IN_CHUNK, BulkWriter, Key, KindSummary, Values, plan
from hub.metadata.snapshot import Snapshot
from hub.reporting import models as r


def search_text(indicator: model.Indicator) -> str:
    """What indicator search matches: code, national code, names and definitions, folded."""
    parts = [
        indicator.code,
        indicator.national_code,
        indicator.name.vi,
        indicator.name.en,
        indicator.definition.vi,
        indicator.definition.en,
    ]
    return fold(" ".join(p for p in parts if p))


def _text(prefix: str, text: model.Text | None) -> Values:
    return {f"{prefix}_vi": text.vi if text else None, f"{prefix}_en": text.en if text else None}


def _ref(ids: Mapping[str, int], code: str | None) -> int | None:
    return None if code is None else ids[code]


class CatalogWriter(BulkWriter):
    """Writes one import; `stored` is updated with the ids of the rows it inserts."""

    def __init__(self, session: AsyncSession, stored: Snapshot, now: datetime) -> None:
        super().__init__(session, now)
        self.stored = stored

    async def areas(self, incoming: Mapping[str, model.Area]) -> KindSummary:
        ids = self.stored.area_ids
        created, updated, summary = plan(incoming, self.stored.catalog.areas, ids)

        def values(a: model.Area) -> Values:
            return {
                "code": a.code,
                **_text("name", a.name),
                "level": a.level,
                "national_code": a.national_code,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
            }

        await self._upsert(
            m.Area, created, updated, ids, values, lambda a: {"parent_id": _ref(ids, a.parent)}
        )
        await self._delete(
            m.AreaSuccession, m.AreaSuccession.area_id, [ids[a.code] for a in updated]
        )
        await self._insert(
            m.AreaSuccession,
            [
                {
                    "area_id": ids[a.code],
                    "successor_id": ids[s.successor],
                    "weight": s.weight,
                    "position": position,
                }
                for a in (*created, *updated)
                for position, s in enumerate(a.successors)
            ],
        )
        return summary

    async def agencies(self, incoming: Mapping[str, model.Agency]) -> KindSummary:
        ids = self.stored.agency_ids
        created, updated, summary = plan(incoming, self.stored.catalog.agencies, ids)

        def values(a: model.Agency) -> Values:
            return {
                "code": a.code,
                **_text("name", a.name),
                "kind": a.kind,
                "abbreviation": a.abbreviation,
                "jurisdiction_id": _ref(self.stored.area_ids, a.jurisdiction),
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
            }

        await self._upsert(
            m.Agency, created, updated, ids, values, lambda a: {"parent_id": _ref(ids, a.parent)}
        )
        await self._delete(
            m.AgencySuccessor, m.AgencySuccessor.agency_id, [ids[a.code] for a in updated]
        )
        await self._insert(
            m.AgencySuccessor,
            [
                {"agency_id": ids[a.code], "successor_id": ids[s], "position": position}
                for a in (*created, *updated)
                for position, s in enumerate(a.successors)
            ],
        )
        return summary

    async def units(self, incoming: Mapping[str, model.Unit]) -> KindSummary:
        ids = self.stored.unit_ids
        created, updated, summary = plan(incoming, self.stored.catalog.units, ids)

        def values(u: model.Unit) -> Values:
            return {
                "code": u.code,
                **_text("name", u.name),
                "symbol": u.symbol,
                "quantity_kind": u.quantity_kind,
                "multiplier": u.multiplier,
                "qudt_exact": u.qudt_exact,
                "qudt_close": u.qudt_close,
            }

        await self._upsert(
            m.Unit, created, updated, ids, values, lambda u: {"base_id": _ref(ids, u.base)}
        )
        return summary

    async def groups(self, incoming: Mapping[str, model.IndicatorGroup]) -> KindSummary:
        ids = self.stored.group_ids
        created, updated, summary = plan(incoming, self.stored.catalog.groups, ids)
        await self._upsert(
            m.IndicatorGroup,
            created,
            updated,
            ids,
            lambda g: {"code": g.code, **_text("name", g.name)},
            lambda g: {"parent_id": _ref(ids, g.parent)},
        )
        return summary

    async def codelists(self, incoming: Mapping[str, model.Codelist]) -> KindSummary:
        ids = self.stored.codelist_ids
        created, updated, summary = plan(incoming, self.stored.catalog.codelists, ids)
        await self._upsert(
            m.Codelist,
            created,
            updated,
            ids,
            lambda c: {
                "code": c.code,
                **_text("name", c.name),
                **_text("description", c.description),
            },
        )
        changed = [ids[c.code] for c in (*created, *updated)]
        # The partial unique index allows one total per codelist at every statement, so
        # totals are cleared before the codes are rewritten.
        for start in range(0, len(changed), IN_CHUNK):
            chunk = changed[start : start + IN_CHUNK]
            await self.session.execute(
                sa.update(m.Code)
                .where(m.Code.codelist_id.in_(chunk), m.Code.is_total)
                .values(is_total=False)
                .execution_options(synchronize_session=False)
            )
        wanted: dict[Key, Values] = {}
        parents: dict[Key, str | None] = {}
        for codelist in (*created, *updated):
            list_id = ids[codelist.code]
            for position, c in enumerate(codelist.codes):
                wanted[(list_id, c.code)] = {
                    "codelist_id": list_id,
                    "code": c.code,
                    **_text("name", c.name),
                    "sort_order": c.order,
                    "position": position,
                    "is_total": c.code == codelist.total_code,
                }
                parents[(list_id, c.code)] = c.parent
        rows = self.stored.code_rows

        def links(key: Key) -> Values:
            parent = parents[key]
            return {"parent_id": None if parent is None else rows[(key[0], parent)][0]}

        await self._upsert_parts(m.Code, ("codelist_id", "code"), wanted, rows, changed, links)
        return summary

    async def indicators(self, incoming: Mapping[str, model.Indicator]) -> KindSummary:
        stored = self.stored
        ids = stored.indicator_ids
        created, updated, summary = plan(incoming, stored.catalog.indicators, ids)
        identities = [{"code": i.code, "created_at": self.now} for i in created]
        ids.update({code: id_ for id_, code in await self._insert(m.Indicator, identities, "code")})
        changed = [*created, *updated]
        # Retire before publishing: one published version per indicator, checked per statement.
        await self._update(
            m.IndicatorVersion,
            [
                {"id": stored.published_version_ids[ids[i.code]], "status": m.VersionStatus.RETIRED}
                for i in updated
                if ids[i.code] in stored.published_version_ids
            ],
        )
        version_rows = [self._version_values(i) for i in changed]
        inserted = await self._insert(m.IndicatorVersion, version_rows, "indicator_id")
        version_ids: dict[int, int] = {indicator_id: id_ for id_, indicator_id in inserted}
        for indicator_id, version_id in version_ids.items():
            stored.published_version_ids[indicator_id] = version_id
            stored.last_versions[indicator_id] = stored.last_versions.get(indicator_id, 0) + 1

        def version_of(i: model.Indicator) -> int:
            return version_ids[ids[i.code]]

        await self._insert(
            m.IndicatorFrequency,
            [
                {"indicator_version_id": version_of(i), "frequency": f, "position": position}
                for i in changed
                for position, f in enumerate(i.frequencies)
            ],
        )
        await self._insert(
            m.IndicatorDimension,
            [
                {
                    "indicator_version_id": version_of(i),
                    "codelist_id": stored.codelist_ids[d],
                    "position": position,
                }
                for i in changed
                for position, d in enumerate(i.dimensions)
            ],
        )
        await self._insert(
            m.IndicatorLink,
            [
                {
                    "indicator_version_id": version_of(i),
                    "kind": kind,
                    "target_id": ids[target],
                    "position": position,
                }
                for i in changed
                for kind, targets in (
                    (m.LinkKind.BROADER, i.broader),
                    (m.LinkKind.RELATED, i.related),
                )
                for position, target in enumerate(targets)
            ],
        )
        return summary

    def _version_values(self, i: model.Indicator) -> Values:
        stored = self.stored
        indicator_id = stored.indicator_ids[i.code]
        return {
            "indicator_id": indicator_id,
            "version": stored.last_versions.get(indicator_id, 0) + 1,
            "status": m.VersionStatus.PUBLISHED,
            "created_at": self.now,
            "published_at": self.now,
            **_text("name", i.name),
            **_text("definition", i.definition),
            **_text("method", i.method),
            **_text("source", i.source),
            "unit_id": stored.unit_ids[i.unit],
            "agency_id": stored.agency_ids[i.agency],
            "group_id": _ref(stored.group_ids, i.group),
            "legal_basis": i.legal_basis,
            "aggregation": i.aggregation,
            "weight_indicator_id": _ref(stored.indicator_ids, i.weight_indicator),
            "value_type": i.value_type,
            "period_aggregation": i.period_aggregation,
            "min_value": i.min_value,
            "max_value": i.max_value,
            "formula": i.formula,
            "national_code": i.national_code,
            "is_code_provisional": i.is_code_provisional,
            "search_text": search_text(i),
        }

    async def regimes(self, incoming: Mapping[str, model.Regime]) -> KindSummary:
        stored = self.stored
        ids = stored.regime_ids
        created, updated, summary = plan(incoming, stored.catalog.regimes, ids)
        agency_ids = stored.agency_ids

        def values(g: model.Regime) -> Values:
            return {
                "code": g.code,
                **_text("name", g.name),
                "legal_basis": g.legal_basis,
                "kind": g.kind,
                "frequency": g.frequency,
                **_text("content", g.content),
                "recipient_id": agency_ids[g.recipient],
                "deadline_kind": g.deadline.kind,
                "deadline_days": g.deadline.days,
                "deadline_day": g.deadline.day,
                "deadline_month_offset": g.deadline.month_offset,
                "deadline_roll_to_working_day": g.deadline.roll_to_working_day,
                "cutoff_kind": g.cutoff.kind,
                "cutoff_day": g.cutoff.day,
                **_text("guidance", g.guidance),
                "requires_signature": g.requires_signature,
                "valid_from": g.valid_from,
                "valid_to": g.valid_to,
            }

        await self._upsert(r.Regime, created, updated, ids, values)
        changed = [*created, *updated]
        changed_ids = [ids[g.code] for g in changed]
        await self._delete(
            r.RegimeReportingAgency,
            r.RegimeReportingAgency.regime_id,
            [ids[g.code] for g in updated],
        )
        await self._delete(r.RegimeMethod, r.RegimeMethod.regime_id, [ids[g.code] for g in updated])
        await self._insert(
            r.RegimeReportingAgency,
            [
                {"regime_id": ids[g.code], "agency_id": agency_ids[a], "position": position}
                for g in changed
                for position, a in enumerate(g.reporting_agencies)
            ],
        )
        await self._insert(
            r.RegimeMethod,
            [
                {"regime_id": ids[g.code], "method": method, "position": position}
                for g in changed
                for position, method in enumerate(g.methods)
            ],
        )
        sections = {
            (ids[g.code], s.code): {
                "regime_id": ids[g.code],
                "code": s.code,
                **_text("title", s.title),
                **_text("guidance", s.guidance),
                "position": position,
            }
            for g in changed
            for position, s in enumerate(g.outline)
        }
        await self._upsert_parts(
            r.OutlineSection, ("regime_id", "code"), sections, stored.section_rows, changed_ids
        )
        tables = {
            (ids[g.code], t.code): {
                "regime_id": ids[g.code],
                "code": t.code,
                **_text("title", t.title),
                "position": position,
            }
            for g in changed
            for position, t in enumerate(g.tables)
        }
        table_ids = await self._upsert_parts(
            r.DataTable, ("regime_id", "code"), tables, stored.table_rows, changed_ids
        )
        items: dict[Key, Values] = {}
        dimensions: dict[Key, tuple[str, ...]] = {}
        for g in changed:
            for t in g.tables:
                table_id = table_ids[(ids[g.code], t.code)]
                for position, item in enumerate(t.items):
                    key = (table_id, stored.indicator_ids[item.indicator])
                    items[key] = {
                        "data_table_id": table_id,
                        "indicator_id": key[1],
                        "area_level": item.area_level,
                        "position": position,
                    }
                    dimensions[key] = item.dimensions
        item_ids = await self._upsert_parts(
            r.TableItem,
            ("data_table_id", "indicator_id"),
            items,
            stored.item_rows,
            table_ids.values(),
        )
        await self._delete(
            r.TableItemDimension, r.TableItemDimension.table_item_id, list(item_ids.values())
        )
        await self._insert(
            r.TableItemDimension,
            [
                {
                    "table_item_id": item_ids[key],
                    "codelist_id": stored.codelist_ids[d],
                    "position": position,
                }
                for key, codes in dimensions.items()
                for position, d in enumerate(codes)
            ],
        )
        return summary
