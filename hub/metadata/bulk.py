"""Bulk row writing for imports: plan a kind, then insert, update, withdraw in executemany
statements whose number does not depend on how many rows there are."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from hub.db import Base

# Any: bulk parameter sets, one dict of column values per row.
Values = dict[str, Any]
Key = tuple[int, Any]  # (parent row id, code or indicator id) of a part of an entity

# asyncpg takes at most 32,767 parameters per statement; IN lists are cut well below that.
IN_CHUNK = 5_000


class Coded(Protocol):
    @property
    def code(self) -> str: ...


E = TypeVar("E", bound=Coded)


@dataclass(frozen=True)
class KindSummary:
    """What an import did to one kind of entity; codes are sorted."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: int = 0
    missing: tuple[str, ...] = ()  # stored but absent from the import: kept as they are

    def __str__(self) -> str:
        text = f"{len(self.created)} created, {len(self.updated)} updated"
        text += f", {self.unchanged} unchanged"
        return f"{text}, {len(self.missing)} missing" if self.missing else text


def plan(
    incoming: Mapping[str, E], current: Mapping[str, E], ids: Mapping[str, int]
) -> tuple[list[E], list[E], KindSummary]:
    """Split `incoming` into entities to create and to update, and summarise the split."""
    created = [e for code, e in incoming.items() if code not in ids]
    updated = [e for code, e in incoming.items() if code in ids and current.get(code) != e]
    summary = KindSummary(
        created=tuple(sorted(e.code for e in created)),
        updated=tuple(sorted(e.code for e in updated)),
        unchanged=len(incoming) - len(created) - len(updated),
        missing=tuple(sorted(code for code in current if code not in incoming)),
    )
    return created, updated, summary


def _any_set(values: Values) -> bool:
    return any(value is not None for value in values.values())


class BulkWriter:
    """Statements over many rows at once, in the caller's session (which it never commits)."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def _insert(self, table: type[Base], rows: list[Values], *keys: str) -> list[Any]:
        """Insert `rows` in one executemany; with `keys`, return `(id, *keys)` per row."""
        if not rows:
            return []
        if not keys:
            await self.session.execute(sa.insert(table), rows)
            return []
        columns = [getattr(table, name) for name in ("id", *keys)]
        result = await self.session.execute(sa.insert(table).returning(*columns), rows)
        return list(result.all())

    async def _update(self, table: type[Base], rows: list[Values]) -> None:
        """Update rows by primary key (`id` in each dict), batched by the set of keys."""
        if rows:
            await self.session.execute(sa.update(table), rows)

    async def _delete(
        self, table: type[Base], column: InstrumentedAttribute[int], ids: Sequence[int]
    ) -> None:
        """Delete the rows whose `column` is one of `ids`."""
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            await self.session.execute(sa.delete(table).where(column.in_(chunk)))

    async def _upsert(
        self,
        table: type[Base],
        created: Sequence[E],
        updated: Sequence[E],
        ids: dict[str, int],
        values: Callable[[E], Values],
        links: Callable[[E], Values] = lambda e: {},
    ) -> None:
        """Insert `created`, update `updated`; `links` are columns naming rows of the same
        table, set once every row of the import has an id."""
        now = self.now
        rows = [{**values(e), "created_at": now, "updated_at": now} for e in created]
        ids.update({code: id_ for id_, code in await self._insert(table, rows, "code")})
        full = [{"id": ids[e.code], **values(e), **links(e), "updated_at": now} for e in updated]
        late = [{"id": ids[e.code], **link} for e in created if _any_set(link := links(e))]
        await self._update(table, full + late)

    async def _upsert_parts(
        self,
        table: type[Base],
        keys: tuple[str, str],
        wanted: Mapping[Key, Values],
        existing: dict[Key, tuple[int, bool]],
        scope: Iterable[int],
        links: Callable[[Key], Values] = lambda key: {},
    ) -> dict[Key, int]:
        """Make the parts of the entities `scope` exactly `wanted`: insert new ones, update
        kept ones, withdraw (not delete) the others. Returns the row id of each wanted key."""
        now = self.now
        new = [key for key in wanted if key not in existing]
        inserted = await self._insert(table, [wanted[key] for key in new], *keys)
        existing.update({(a, b): (id_, False) for id_, a, b in inserted})
        is_new = set(new)
        rows = [
            {"id": existing[key][0], **wanted[key], **links(key), "withdrawn_at": None}
            for key in wanted
            if key not in is_new
        ]
        rows += [{"id": existing[key][0], **link} for key in new if _any_set(link := links(key))]
        in_scope = set(scope)
        rows += [
            {"id": id_, "withdrawn_at": now}
            for key, (id_, withdrawn) in existing.items()
            if key[0] in in_scope and key not in wanted and not withdrawn
        ]
        await self._update(table, rows)
        for key, (id_, _) in list(existing.items()):
            if key[0] in in_scope:
                existing[key] = (id_, key not in wanted)
        return {key: existing[key][0] for key in wanted}
