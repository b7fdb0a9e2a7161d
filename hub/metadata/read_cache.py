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

A read whose statement carries the stamp (`hub.events.changes.STAMP_COLUMNS`) may skip the
stamp's own round trip (`optimistically`: at concurrency 16 that round trip cost Q3 of the
bench 8-13% of its throughput): its lookups are served under the stamp this worker saw last,
and the stamp its statement saw in its own snapshot tells whether they held. Versions follow
commit order, so the same stamp there means no write committed in between: the lookups were
the current ones. Otherwise (any write since, in any process) the read runs again the plain
way, under the stamp its statement saw; so does any error it raised, which the lookups may
have caused (an indicator published since). Without a carrying statement (no rows), the
stamp is read at the end instead of the start.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from hub.events.changes import DataStamp, read_data_stamp, stamp_carried

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


@dataclass
class _Guess:
    """A read served under the stamp its worker saw last, until its statements tell."""

    session: AsyncSession
    tag: str
    carried: list[DataStamp] = field(default_factory=list)


# A context variable, not the session: sibling fields of a query share its session but run
# in tasks of their own, and only the read that checks its guess may serve lookups under it.
_GUESS: contextvars.ContextVar[_Guess | None] = contextvars.ContextVar(
    "hub_read_guess", default=None
)


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
    guess = _GUESS.get()
    if guess is not None and guess.session is session:
        stamp = guess.tag
    else:
        stamp = (await stamp_of(session)).tag
    database = _database(session)
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


async def optimistically(session: AsyncSession, read: Callable[[], Awaitable[V]]) -> V:
    """`read()`, whose statements carry the stamp (`note_carried`), with its lookups served
    under the stamp this worker saw last instead of a reading of its own; run again the
    plain way when that stamp did not hold (see the module's docstring)."""
    guess = _guess(session)
    if guess is None:
        return await read()
    failure: Exception | None = None
    token = _GUESS.set(guess)
    try:
        result = await read()
    except Exception as error:  # judged once the guess is known to have held
        failure = error
    finally:
        _GUESS.reset(token)
    try:
        held = await _held(guess)
    except Exception:
        if failure is not None:  # the read's own error (a lost connection) tells more
            raise failure from None
        raise
    if held:
        if failure is not None:
            raise failure
        return result
    return await read()


def note_carried(session: AsyncSession, rows: Sequence[sa.Row[Any]]) -> None:
    """The stamp `rows` carry (`STAMP_COLUMNS`), for the guess of the read running them."""
    guess = _GUESS.get()
    if guess is not None and guess.session is session and rows:
        guess.carried.append(stamp_carried(rows[0]))


def _guess(session: AsyncSession) -> _Guess | None:
    """A guess for a read-only session that has no stamp yet, when this worker kept lookups
    of its database (a stamp it saw); None where the read must read the stamp first."""
    if not session.info.get(_READ_ONLY) or _STAMP in session.info:
        return None
    current = _GUESS.get()
    if current is not None and current.session is session:
        return None  # inside a guessing read: it checks for both
    kept = _kept.get(_database(session))
    return None if kept is None else _Guess(session, kept.stamp)


async def _held(guess: _Guess) -> bool:
    """Whether the stamp the guess's statements saw (read now, if none carried it) is the
    one guessed. Either way that stamp becomes the session's: a read run again looks up
    under it."""
    seen = guess.carried or [await read_data_stamp(guess.session)]
    guess.session.info[_STAMP] = seen[-1]
    return all(stamp.tag == guess.tag for stamp in seen)


def _database(session: AsyncSession) -> str:
    bind = session.bind
    return str(bind.engine.url if isinstance(bind, AsyncConnection) else bind.url) if bind else ""
