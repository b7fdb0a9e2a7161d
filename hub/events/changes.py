"""What a write transaction changed, published when it commits and never if it rolls back.

Every session of the hub is a `ChangeTrackingSession` (`hub.db`, `hub.graphql.context`). Its
listeners note the table of each INSERT, UPDATE and DELETE it runs or flushes; services add
the domain events of their writes with `publish(session, event)`. At the COMMIT of a session
that wrote anything, in the same transaction and after every other statement:

1. the data version is bumped (`data_version`: its row lock is taken last and held until
   COMMIT, so versions follow commit order and a reader that sees N sees every write <= N);
2. the change (version, tables, events) is appended to the outbox `data_change`;
3. on PostgreSQL, `NOTIFY hub_changes, '<version>'`: delivered to every listening process
   when the transaction commits, dropped if it rolls back.

After the COMMIT the change feeds of this process on the same engine are woken at once (the
only way on SQLite, which has no NOTIFY). Events published inside a SAVEPOINT that rolls
back are dropped with it. Sessions outside the hub's factories track nothing.

Cost: concurrent write transactions queue on the data version's row from their bump to their
COMMIT, which is the COMMIT alone since the bump comes last; PostgreSQL already serialises the
commits of notifying transactions (its notification queue lock), and SQLite has one writer.
Each write pays three small statements; reads pay nothing (a GET with an ETag reads one row).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from hub.db import utcnow
from hub.events.models import DATA_VERSION_ROW, DataChange, DataVersion

CHANNEL = "hub_changes"
# The outbox keeps this many changes: a listener that was away longer misses events (the
# data version, and so every ETag, stays exact).
RETAINED_CHANGES = 10_000
PRUNE_EVERY = 100

# Any: an event is a JSON object; its `kind` (`report.submitted` ...) says what the rest is.
Event = dict[str, Any]

_PENDING = "hub.events.pending"
_COMMITTED = "hub.events.committed"


@dataclass(frozen=True)
class DataStamp:
    """The data version as a reader saw it; `tag` changes with every committed write."""

    version: int
    changed_at: datetime | None

    @property
    def tag(self) -> str:
        moment = round(self.changed_at.timestamp() * 1_000_000) if self.changed_at else 0
        return f"{self.version}.{moment}"


async def read_data_stamp(session: AsyncSession) -> DataStamp:
    """The current data version: one primary-key read, 0 on a database never written to."""
    row = (await session.execute(_STAMP)).one_or_none()
    return DataStamp(row.version, row.changed_at) if row else DataStamp(0, None)


# Built once: building it cost more Python than running it (it runs for every query).
_STAMP = sa.select(DataVersion.version, DataVersion.changed_at).where(
    DataVersion.id == DATA_VERSION_ROW
)

# The data stamp as two columns a read may carry, seen in its own snapshot (`stamp_carried`).
STAMP_COLUMNS = tuple(
    sa.select(column)
    .where(DataVersion.id == DATA_VERSION_ROW)
    .scalar_subquery()
    .label(f"hub_stamp_{column.key}")
    for column in (DataVersion.version, DataVersion.changed_at)
)


def stamp_carried(row: sa.Row[Any]) -> DataStamp:
    """The data stamp a row of a statement selecting `STAMP_COLUMNS` carries."""
    values = row._mapping
    version = values["hub_stamp_version"]
    return (
        DataStamp(version, values["hub_stamp_changed_at"])
        if version is not None
        else DataStamp(0, None)
    )


class ChangeTrackingSession(Session):
    """The hub's sync session class (under `AsyncSession`): its commits publish changes."""


@dataclass
class _Pending:
    tables: set[str] = field(default_factory=set)
    events: list[tuple[SessionTransaction | None, Event]] = field(default_factory=list)
    publishing: bool = False


def _pending(session: Session) -> _Pending:
    pending = session.info.get(_PENDING)
    if not isinstance(pending, _Pending):
        pending = session.info[_PENDING] = _Pending()
    return pending


def has_pending_changes(session: Session) -> bool:
    """Whether the session's transaction wrote anything (or published events) so far."""
    pending = session.info.get(_PENDING)
    return isinstance(pending, _Pending) and bool(pending.tables or pending.events)


def publish(session: AsyncSession | Session, change_event: Event) -> None:
    """Publish `change_event` (a JSON object with a `kind`) once the session's transaction
    commits; dropped if it (or the SAVEPOINT it was published in) rolls back."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    transaction = sync.get_nested_transaction() or sync.get_transaction()
    _pending(sync).events.append((transaction, change_event))


@event.listens_for(ChangeTrackingSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        pending = _pending(state.session)
        if not pending.publishing:  # the change's own bookkeeping is not a change
            table = getattr(state.statement, "table", None)
            pending.tables.add(str(getattr(table, "name", "?")))


@event.listens_for(ChangeTrackingSession, "after_flush")
def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    # Still the pre-flush state here: new, dirty and deleted say what the flush wrote.
    written = [*session.new, *session.deleted]
    written += [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    if written:
        tables = (getattr(sa.inspect(o).mapper.local_table, "name", "?") for o in written)
        _pending(session).tables.update(tables)


@event.listens_for(ChangeTrackingSession, "before_commit")
def _record_change(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the outer transaction publishes
    pending = session.info.get(_PENDING)
    if isinstance(pending, _Pending) and pending.publishing:
        return
    session.flush()  # what is still unflushed counts too
    pending = session.info.get(_PENDING)
    if not isinstance(pending, _Pending) or not (pending.tables or pending.events):
        return
    pending.publishing = True
    try:
        session.info[_COMMITTED] = _write_change(session, pending)
    finally:
        pending.publishing = False


def _write_change(session: Session, pending: _Pending) -> int:
    now = utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    bump = (
        insert(DataVersion)
        .values(id=DATA_VERSION_ROW, version=1, changed_at=now)
        .on_conflict_do_update(
            index_elements=[DataVersion.id],
            set_={"version": DataVersion.version + 1, "changed_at": now},
        )
        .returning(DataVersion.version)
    )
    version: int = session.execute(bump).scalar_one()
    session.execute(
        sa.insert(DataChange).values(
            version=version,
            at=now,
            tables=sorted(pending.tables),
            events=[e for _, e in pending.events],
        )
    )
    if version % PRUNE_EVERY == 0:
        session.execute(
            sa.delete(DataChange).where(DataChange.version <= version - RETAINED_CHANGES)
        )
    if dialect == "postgresql":
        session.execute(sa.select(sa.func.pg_notify(CHANNEL, str(version))))
    return version


@event.listens_for(ChangeTrackingSession, "after_commit")
def _wake_feeds(session: Session) -> None:
    if session.in_nested_transaction():
        return
    version = session.info.pop(_COMMITTED, None)
    if isinstance(version, int):
        bind = session.get_bind()
        engine = bind.engine if isinstance(bind, Connection) else bind
        for wake in list(_WAKERS.get(engine, ())):
            wake(version)


@event.listens_for(ChangeTrackingSession, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if isinstance(pending, _Pending):
        pending.events = [(t, e) for t, e in pending.events if not _within(t, previous)]


@event.listens_for(ChangeTrackingSession, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or not, done
        session.info.pop(_PENDING, None)
        session.info.pop(_COMMITTED, None)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return ancestor.parent is None


# Feeds to wake after a commit on an engine; weak keys, so a disposed app leaves nothing here.
_WAKERS: weakref.WeakKeyDictionary[Engine, list[Callable[[int], None]]] = (
    weakref.WeakKeyDictionary()
)


def on_commit(engine: AsyncEngine, wake: Callable[[int], None]) -> Callable[[], None]:
    """Call `wake(version)` after each change committed on `engine` by this process; returns
    the function that stops it."""
    wakers = _WAKERS.setdefault(engine.sync_engine, [])
    wakers.append(wake)
    return lambda: wakers.remove(wake) if wake in wakers else None
