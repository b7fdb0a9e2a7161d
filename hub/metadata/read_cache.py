"""Catalog lookups by code shared by the read-only requests of a worker, per data stamp.

A page of values names one indicator and a few dozen areas; reading their definitions cost
five statements per request (~20 ms of Q2's time in the bench). A session marked read-only
(a GraphQL query's: `hub.graphql.context`) reads the data stamp once (`stamp_of`, a
primary-key read, shared with the answer's ETag), and lookups by code are served from what
any request of this worker read under the same stamp on the same database. Every committed
write, in any process, changes the stamp: the next request reads afresh. Sessions not
marked (mutations, submissions, the CLI) always read the database, within their own
transaction.

The records are frozen (`catalog.model`, `hub.metadata.records`): sharing them is safe.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from hub.events.changes import DataStamp, read_data_stamp

V = TypeVar("V")

_READ_ONLY = "hub.read_only"
_STAMP = "hub.read_stamp"
# Codes kept per database, all kinds together: a national catalog is ~10,000 areas.
MAX_KEPT = 50_000


@dataclass
class _Kept:
    stamp: str
    count: int = 0
    by_kind: dict[str, dict[Hashable, Any]] = field(default_factory=dict)


_kept: dict[str, _Kept] = {}  # by database URL


def mark_read_only(session: AsyncSession) -> None:
    """Lookups through `session` may be served from what other read-only requests read."""
    session.info[_READ_ONLY] = True


async def stamp_of(session: AsyncSession) -> DataStamp:
    """The data stamp `session` reads under: read once by a read-only session (its request's
    ETag and its lookups then name one version, at one round trip), afresh by any other."""
    if not session.info.get(_READ_ONLY):
        return await read_data_stamp(session)
    stamp: DataStamp | None = session.info.get(_STAMP)
    if stamp is None:
        stamp = session.info[_STAMP] = await read_data_stamp(session)
    return stamp


async def by_code(
    session: AsyncSession,
    kind: str,
    codes: Sequence[str],
    load: Callable[[Sequence[str]], Awaitable[Sequence[V | None]]],
) -> list[V | None]:
    """`load(codes)` (one value or None per code, in order), from the shared lookups when
    `session` is read-only."""
    if not session.info.get(_READ_ONLY):
        return list(await load(codes))
    stamp = (await stamp_of(session)).tag
    bind = session.bind
    database = (
        str(bind.engine.url if isinstance(bind, AsyncConnection) else bind.url) if bind else ""
    )
    kept = _kept.get(database)
    if kept is None or kept.stamp != stamp or kept.count > MAX_KEPT:
        kept = _kept[database] = _Kept(stamp)
    table = kept.by_kind.setdefault(kind, {})
    missing = [code for code in dict.fromkeys(codes) if code not in table]
    if missing:
        for code, value in zip(missing, await load(missing), strict=True):
            table[code] = value
        kept.count += len(missing)
    return [table[code] for code in codes]
