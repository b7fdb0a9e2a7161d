"""The catalog in the database: import a `Catalog` idempotently, load it back exactly.

An import upserts by code and deletes nothing: an entity absent from the import is reported
as missing and kept. A changed indicator gets a new published version and the previous one
is retired but stays readable. Codes, outline sections, data tables and form rows dropped
from a changed entity are withdrawn (kept, flagged) because reported data will refer to them;
pure links (successors, dimensions, frequencies, methods) are replaced.

Both directions run a fixed number of statements whatever the catalog's size: the stored
catalog is read table by table (`snapshot.py`), then rows are written in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.db import utcnow
from hub.errors import InvalidInputError
from hub.events.changes import publish
from hub.metadata.bulk import KindSummary
from hub.metadata.snapshot import Snapshot, read_snapshot
from hub.metadata.writer import CatalogWriter, search_text

CATALOG_CHANGED = "catalog.changed"  # the event of an import that wrote (`hub.events`)

__all__ = [
    "CATALOG_CHANGED",
    "ImportSummary",
    "KindSummary",
    "import_catalog",
    "load_catalog",
    "search_text",
]


@dataclass(frozen=True)
class ImportSummary:
    """What `import_catalog` did, kind by kind (the fields of `Catalog`)."""

    agencies: KindSummary
    areas: KindSummary
    units: KindSummary
    codelists: KindSummary
    groups: KindSummary
    indicators: KindSummary
    regimes: KindSummary

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return any(s.created or s.updated for s in self._kinds().values())

    def changed_kinds(self) -> list[str]:
        """The kinds the import wrote to (`indicators`, `regimes` ...)."""
        return [name for name, s in self._kinds().items() if s.created or s.updated]

    def _kinds(self) -> dict[str, KindSummary]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __str__(self) -> str:
        return "; ".join(f"{name}: {summary}" for name, summary in self._kinds().items())


async def load_catalog(*, session: AsyncSession) -> model.Catalog:
    """The stored catalog: every entity with its current published definition.

    Withdrawn codes and form parts and unpublished indicator versions are left out, so
    `load_catalog` after `import_catalog(c)` gives a catalog equal to `c` (plus any entity
    stored earlier and absent from `c`).
    """
    return (await read_snapshot(session)).catalog


async def import_catalog(catalog: model.Catalog, *, session: AsyncSession) -> ImportSummary:
    """Store `catalog`, upserting by code; importing the same catalog again changes nothing.

    Raises `InvalidInputError` naming every reference that resolves neither to an entity of
    `catalog` nor to a stored one, and every list that names an entity twice; nothing is
    written then. The caller commits.
    """
    stored = await read_snapshot(session)
    _check_references(catalog, stored)
    writer = CatalogWriter(session, stored, utcnow())
    areas = await writer.areas(catalog.areas)
    agencies = await writer.agencies(catalog.agencies)
    units = await writer.units(catalog.units)
    codelists = await writer.codelists(catalog.codelists)
    groups = await writer.groups(catalog.groups)
    indicators = await writer.indicators(catalog.indicators)
    regimes = await writer.regimes(catalog.regimes)
    summary = ImportSummary(
        agencies=agencies,
        areas=areas,
        units=units,
        codelists=codelists,
        groups=groups,
        indicators=indicators,
        regimes=regimes,
    )
    if summary.changed:
        publish(session, {"kind": CATALOG_CHANGED, "kinds": summary.changed_kinds()})
    return summary


def _check_references(catalog: model.Catalog, stored: Snapshot) -> None:
    """Refuse references to nothing, and lists naming one entity twice (stored as sets)."""
    known = {
        kind: set(incoming) | set(ids)
        for kind, incoming, ids in (
            ("agency", catalog.agencies, stored.agency_ids),
            ("area", catalog.areas, stored.area_ids),
            ("unit", catalog.units, stored.unit_ids),
            ("codelist", catalog.codelists, stored.codelist_ids),
            ("indicator group", catalog.groups, stored.group_ids),
            ("indicator", catalog.indicators, stored.indicator_ids),
        )
    }
    problems: list[str] = []

    def check(path: str, kind: str, codes: Iterable[str | None]) -> None:
        for code in codes:
            if code is not None and code not in known[kind]:
                problems.append(f"{path}: no {kind} {code!r}")

    def once(path: str, field: str, values: Sequence[object]) -> None:
        # Link tables key on (owner, target): a repeat has no row to go to, nor an RDF triple.
        if len(set(values)) != len(values):
            problems.append(f"{path}: {field} lists an entry twice")

    for a in catalog.agencies.values():
        check(f"agency {a.code}", "agency", [a.parent, *a.successors])
        check(f"agency {a.code}", "area", [a.jurisdiction])
        once(f"agency {a.code}", "successors", a.successors)
    for area in catalog.areas.values():
        check(f"area {area.code}", "area", [area.parent, *(s.successor for s in area.successors)])
        once(f"area {area.code}", "successors", [s.successor for s in area.successors])
    for u in catalog.units.values():
        check(f"unit {u.code}", "unit", [u.base])
    for g in catalog.groups.values():
        check(f"indicator group {g.code}", "indicator group", [g.parent])
    for i in catalog.indicators.values():
        path = f"indicator {i.code}"
        check(path, "unit", [i.unit])
        check(path, "agency", [i.agency])
        check(path, "indicator group", [i.group])
        check(path, "codelist", i.dimensions)
        check(path, "indicator", [i.weight_indicator, *i.broader, *i.related])
        once(path, "frequencies", i.frequencies)
        once(path, "broader", i.broader)
        once(path, "related", i.related)
    for reg in catalog.regimes.values():
        path = f"regime {reg.code}"
        check(path, "agency", [reg.recipient, *reg.reporting_agencies])
        once(path, "reporting agencies", reg.reporting_agencies)
        once(path, "methods", reg.methods)
        for table in reg.tables:
            table_path = f"{path} table {table.code}"
            check(table_path, "indicator", [t.indicator for t in table.items])
            for item in table.items:
                check(table_path, "codelist", item.dimensions)
                once(f"{table_path} item {item.indicator}", "dimensions", item.dimensions)
    if problems:
        shown = "; ".join(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise InvalidInputError(f"the catalog cannot be stored: {shown}{more}")
