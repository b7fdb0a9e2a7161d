"""Recording a report version's observations: identities upserted, one revision per change.

The rule (never overwrite, never lose): for each observation of the version,
- no stored identity yet: the identity and revision 1 are added (counted `created`);
- the latest revision has the same value (numerically: 1.50 = 1.5), status flag and comment
  and is already accepted: nothing is added (`unchanged`), the accepted revision stays current;
- otherwise revision n+1 is added (`revised`). A value equal to a latest revision that is not
  accepted (its version was returned or superseded before review) is added again, so that
  accepting this version makes it public.
Observations stored earlier but absent from this version are left as they are.

Everything runs as bulk statements, never a statement per row: on PostgreSQL each table's
rows go in as one `INSERT ... SELECT FROM unnest(arrays)` (asyncpg sends the arrays in
binary, close to COPY's speed, and RETURNING gives the new identities' ids without reading
them back); on SQLite as executemany. Only identities stored before this report are locked
and have their latest revision read: the ones this transaction inserts are locked by the
insert itself and have no revision yet. On PostgreSQL the stored observation rows are locked
(in id order) before revisions are numbered, so two reports revising the same data point at
once number their revisions one after the other.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.db import Base
from hub.decimals import decimal_text
from hub.metadata.snapshot import Snapshot
from hub.observations.models import (
    Observation,
    ObservationRevision,
    StatusFlag,
)
from hub.reporting.drafts import NormalisedObservation

# asyncpg takes at most 32,767 parameters per statement; IN lists stay well below that.
IN_CHUNK = 5_000
Key = tuple[int, int, str, str]  # indicator id, area id, period code, dimension key


@dataclass(frozen=True)
class RecordCounts:
    """What recording a version did to each of its observations."""

    created: int = 0
    revised: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class _Latest:
    revision: int
    value: Decimal
    status: StatusFlag
    comment: str | None
    accepted: bool


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


def _table(mapped: type[Base]) -> sa.Table:
    # Core statements on the table: bulk executemany without the ORM's per-row bookkeeping.
    table = mapped.__table__
    assert isinstance(table, sa.Table)
    return table


def _is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert_or_ignore(session: AsyncSession, table: sa.Table) -> sa.Insert:
    """INSERT ... ON CONFLICT DO NOTHING, in the session's dialect."""
    if _is_postgresql(session):
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


# PostgreSQL: one statement per table whatever the number of rows, the columns as arrays.
_UNNEST_OBSERVATIONS = sa.text(
    """
    INSERT INTO observation (indicator_id, area_id, period, period_start, period_end,
                             frequency, dimension_key, created_at)
    SELECT * FROM unnest(CAST(:indicator_id AS integer[]), CAST(:area_id AS integer[]),
                         CAST(:period AS text[]), CAST(:period_start AS date[]),
                         CAST(:period_end AS date[]), CAST(:frequency AS text[]),
                         CAST(:dimension_key AS text[]), CAST(:created_at AS timestamptz[]))
    ON CONFLICT DO NOTHING
    RETURNING id, indicator_id, area_id, period, dimension_key
    """
)
_UNNEST_DIMENSIONS = sa.text(
    """
    INSERT INTO observation_dimension (observation_id, codelist_id, code_id)
    SELECT * FROM unnest(CAST(:observation_id AS integer[]), CAST(:codelist_id AS integer[]),
                         CAST(:code_id AS integer[]))
    """
)
_UNNEST_REVISIONS = sa.text(
    """
    INSERT INTO observation_revision (observation_id, revision, report_version_id,
        indicator_version_id, value, reported_value, reported_unit_id, status_flag, comment,
        recorded_at, accepted_at)
    SELECT * FROM unnest(CAST(:observation_id AS integer[]), CAST(:revision AS integer[]),
        CAST(:report_version_id AS integer[]), CAST(:indicator_version_id AS integer[]),
        CAST(:value AS numeric[]), CAST(:reported_value AS numeric[]),
        CAST(:reported_unit_id AS integer[]), CAST(:status_flag AS text[]),
        CAST(:comment AS text[]), CAST(:recorded_at AS timestamptz[]),
        CAST(:accepted_at AS timestamptz[]))
    """
)


def _columns(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in names}


def _sqlite_text(value: Any) -> Any:
    """A value in the form SQLAlchemy stores it in on SQLite (`hub.db` column types): UTC
    instants as naive ISO text, dates as ISO text, exact decimals as plain text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _sqlite_column(values: list[Any]) -> list[Any]:
    """`_sqlite_text` of a column's values, deciding once per column whether it is needed."""
    sample = next((v for v in values if v is not None), None)
    if sample is None or isinstance(sample, int | str):
        return values
    return [None if v is None else _sqlite_text(v) for v in values]


async def _sqlite_insert(
    session: AsyncSession, table: str, rows: Sequence[dict[str, Any]], *, ignore: bool = False
) -> None:
    """executemany of plain tuples on SQLite: the hub's validator has made every value what
    its column holds, so SQLAlchemy's per-value type processing is skipped (most of the time
    of a large report's insert)."""
    names = list(rows[0])
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    marks = ", ".join("?" for _ in names)
    statement = f"{verb} INTO {table} ({', '.join(names)}) VALUES ({marks})"
    columns = [_sqlite_column([row[name] for row in rows]) for name in names]
    values = list(zip(*columns, strict=True))
    connection = await session.connection()
    await connection.exec_driver_sql(statement, values)


def _key(snapshot: Snapshot, item: NormalisedObservation) -> Key:
    return (
        snapshot.indicator_ids[item.indicator],
        snapshot.area_ids[item.area],
        item.period.code,
        item.dimension_key,
    )


async def _identities(session: AsyncSession, keys: set[Key]) -> dict[Key, int]:
    """The ids of the stored observations among `keys`."""
    indicators = sorted({k[0] for k in keys})
    areas = sorted({k[1] for k in keys})
    periods = sorted({k[2] for k in keys})
    found: dict[Key, int] = {}
    for area_chunk in _chunks(areas):
        rows = await session.execute(
            sa.select(
                Observation.id,
                Observation.indicator_id,
                Observation.area_id,
                Observation.period,
                Observation.dimension_key,
            ).where(
                Observation.indicator_id.in_(indicators),
                Observation.area_id.in_(area_chunk),
                Observation.period.in_(periods),
            )
        )
        for id_, *key_parts in rows.all():
            key = (key_parts[0], key_parts[1], key_parts[2], key_parts[3])
            if key in keys:
                found[key] = id_
    return found


async def _add_identities(
    session: AsyncSession,
    snapshot: Snapshot,
    missing: dict[Key, NormalisedObservation],
    now: datetime,
) -> tuple[dict[Key, int], set[int]]:
    """Insert the identities of `missing` (a concurrent insert of one is not an error): the
    ids of all of them, and the ids of those this transaction inserted."""
    # Sorted, so that two transactions inserting overlapping keys take them in the same order.
    ordered = sorted(missing.items())
    rows = [
        {
            "indicator_id": key[0],
            "area_id": key[1],
            "period": key[2],
            "period_start": item.period.start,
            "period_end": item.period.end,
            "frequency": item.period.frequency,
            "dimension_key": key[3],
            "created_at": now,
        }
        for key, item in ordered
    ]
    if _is_postgresql(session):
        arrays = _columns(rows, list(rows[0]))
        arrays["frequency"] = [f.value for f in arrays["frequency"]]
        inserted = await session.execute(_UNNEST_OBSERVATIONS, arrays)
        ids = {(i, a, p, d): id_ for id_, i, a, p, d in inserted.all()}
        mine = set(ids.values())
        if len(ids) < len(missing):  # a concurrent report stored some first: read theirs
            ids.update(await _identities(session, set(missing) - set(ids)))
    else:
        await _sqlite_insert(session, "observation", rows, ignore=True)
        ids = await _identities(session, set(missing))
        # SQLite has one writer at a time: nobody else inserted any of them meanwhile.
        mine = set(ids.values())
    dimensions = [
        {
            "observation_id": ids[key],
            "codelist_id": snapshot.codelist_ids[codelist],
            "code_id": snapshot.code_rows[(snapshot.codelist_ids[codelist], code)][0],
        }
        for key, item in ordered
        if ids[key] in mine
        for codelist, code in item.dimensions
    ]
    if dimensions:
        if _is_postgresql(session):
            names = ("observation_id", "codelist_id", "code_id")
            await session.execute(_UNNEST_DIMENSIONS, _columns(dimensions, names))
        else:
            await _sqlite_insert(session, "observation_dimension", dimensions, ignore=True)
    return ids, mine


async def _lock(session: AsyncSession, ids: list[int]) -> None:
    if not _is_postgresql(session):
        return  # SQLite has one writer at a time anyway
    for chunk in _chunks(sorted(ids)):
        await session.execute(
            sa.select(Observation.id)
            .where(Observation.id.in_(chunk))
            .order_by(Observation.id)
            .with_for_update()
        )


async def _latest_revisions(session: AsyncSession, ids: list[int]) -> dict[int, _Latest]:
    newer = aliased(ObservationRevision)
    latest: dict[int, _Latest] = {}
    for chunk in _chunks(sorted(ids)):
        rows = await session.execute(
            sa.select(
                ObservationRevision.observation_id,
                ObservationRevision.revision,
                ObservationRevision.value,
                ObservationRevision.status_flag,
                ObservationRevision.comment,
                ObservationRevision.accepted_at,
            ).where(
                ObservationRevision.observation_id.in_(chunk),
                ~sa.exists().where(
                    newer.observation_id == ObservationRevision.observation_id,
                    newer.revision > ObservationRevision.revision,
                ),
            )
        )
        for observation_id, revision, value, status, comment, accepted_at in rows.all():
            latest[observation_id] = _Latest(
                revision, value, status, comment, accepted_at is not None
            )
    return latest


async def record_observations(
    observations: Sequence[NormalisedObservation],
    *,
    session: AsyncSession,
    snapshot: Snapshot,
    report_version_id: int,
    now: datetime,
) -> RecordCounts:
    """Store `observations` as revisions of report version `report_version_id` (rule above).

    `snapshot` resolves the catalog's codes to row ids. The caller owns the transaction.
    """
    by_key = {_key(snapshot, item): item for item in observations}
    ids = await _identities(session, set(by_key))
    missing = {key: item for key, item in by_key.items() if key not in ids}
    mine: set[int] = set()
    if missing:
        added, mine = await _add_identities(session, snapshot, missing, now)
        ids.update(added)
    # All the stored ones, not only those found first: a concurrent report may have inserted
    # one of the "missing" identities (ON CONFLICT DO NOTHING kept its row) with a revision
    # of its own. The ones inserted here are locked already and have no revision.
    stored = [id_ for id_ in ids.values() if id_ not in mine]
    await _lock(session, stored)
    latest = await _latest_revisions(session, stored) if stored else {}

    rows: list[dict[str, Any]] = []
    created = revised = unchanged = 0
    for key, item in by_key.items():
        observation_id = ids[key]
        before = latest.get(observation_id)
        if before is None:
            created += 1
        elif (
            before.accepted
            and before.value == item.value
            and before.status is item.status
            and before.comment == item.comment
        ):
            unchanged += 1
            continue
        else:
            revised += 1
        indicator_id = snapshot.indicator_ids[item.indicator]
        rows.append(
            {
                "observation_id": observation_id,
                "revision": 1 if before is None else before.revision + 1,
                "report_version_id": report_version_id,
                "indicator_version_id": snapshot.published_version_ids[indicator_id],
                "value": item.value,
                "reported_value": item.reported_value,
                "reported_unit_id": snapshot.unit_ids[item.reported_unit],
                "status_flag": item.status,
                "comment": item.comment,
                "recorded_at": now,
                "accepted_at": None,
            }
        )
    if rows and _is_postgresql(session):
        arrays = _columns(rows, list(rows[0]))
        arrays["status_flag"] = [flag.value for flag in arrays["status_flag"]]
        await session.execute(_UNNEST_REVISIONS, arrays)
    elif rows:
        await _sqlite_insert(session, "observation_revision", rows)
    return RecordCounts(created=created, revised=revised, unchanged=unchanged)
