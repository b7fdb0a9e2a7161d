"""Set-up: the bench's data set written straight into the hub's own tables, fast.

Not a measurement and not the hub's write path: COPY (asyncpg) on PostgreSQL, executemany
(sqlite3) on SQLite, foreign-key checks off while loading (the rows are consistent by
construction). The catalog goes in through the hub's own `import_catalog`. Row ids are
assigned here: observation n of the stream has id n, so a larger data set is the smaller one
plus what follows (`load_observations` appends from the highest id loaded).
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench.dataset import ReportPlan, Value, stream
from catalog import model
from hub.db import create_engine, create_session_factory, run_migrations
from hub.metadata.snapshot import Snapshot, read_snapshot
from hub.metadata.store import import_catalog
from hub.reporting.drafts import dimension_key
from hub.reporting.validation import VIETNAM
from hub.settings import Settings

BATCH = 50_000  # values per COPY / executemany round
DEFER_INDEXES = 500_000  # a load of more values builds the plain indexes afterwards
LOADER = "bench-loader"
REVIEWER = "bench-reviewer"

OBSERVATION_COLUMNS = (
    "id",
    "indicator_id",
    "area_id",
    "period",
    "period_start",
    "period_end",
    "frequency",
    "dimension_key",
    "created_at",
)
DIMENSION_COLUMNS = ("observation_id", "codelist_id", "code_id")
REVISION_COLUMNS = (
    "id",
    "observation_id",
    "revision",
    "report_version_id",
    "indicator_version_id",
    "value",
    "reported_value",
    "reported_unit_id",
    "status_flag",
    "comment",
    "recorded_at",
    "accepted_at",
)
REPORT_COLUMNS = (
    "id",
    "regime_id",
    "agency_id",
    "period",
    "period_start",
    "period_end",
    "status",
    "current_version_id",
    "created_at",
    "updated_at",
)
VERSION_COLUMNS = (
    "id",
    "report_id",
    "version",
    "status",
    "sections",
    "submitted_at",
    "submitted_by",
    "deadline",
    "on_time",
    "reviewed_by",
    "reviewed_at",
    "observation_count",
    "created_count",
    "revised_count",
    "unchanged_count",
    "created_at",
)

Row = tuple[Any, ...]


def version_ids(plan: ReportPlan) -> tuple[int, int]:
    """The ids of a report's first and (for revised reports) second version."""
    return 2 * plan.number + 1, 2 * plan.number + 2


@dataclass
class Rows:
    """Rows of the three observation tables for one batch of values."""

    observations: list[Row]
    dimensions: list[Row]
    revisions: list[Row]


class RowMaker:
    """Turns values into rows with ids; `adapt` turns Python values into the driver's."""

    def __init__(self, snapshot: Snapshot, *, first_observation: int, first_revision: int) -> None:
        self.snapshot = snapshot
        self.next_observation = first_observation
        self.next_revision = first_revision

    def rows(self, values: Iterable[tuple[ReportPlan, Value]], plain: bool) -> Rows:
        """`plain`: SQLite's storage forms (text dates and decimals); else asyncpg's."""
        s = self.snapshot
        t = _sqlite_value if plain else _same
        rows = Rows([], [], [])
        add_observation = rows.observations.append
        add_dimension = rows.dimensions.append
        add_revision = rows.revisions.append
        keys: dict[tuple[tuple[str, str], ...], str] = {}
        codes: dict[tuple[str, str], tuple[int, int]] = {}
        plan_parts: dict[int, tuple[Any, ...]] = {}
        for plan, value in values:
            parts = plan_parts.get(plan.number)
            if parts is None:
                period = plan.period
                first, second = version_ids(plan)
                parts = plan_parts[plan.number] = (
                    period.code,
                    t(period.start),
                    t(period.end),
                    period.frequency.value,
                    t(plan.submitted_at),
                    t(plan.accepted_at),
                    t(plan.resubmitted_at),
                    t(plan.reaccepted_at),
                    first,
                    second,
                )
            code, start, end, frequency, sent, accepted, resent, reaccepted, first, second = parts
            oid = self.next_observation
            self.next_observation += 1
            indicator_id = s.indicator_ids[value.indicator]
            key = keys.get(value.dimensions)
            if key is None:
                key = keys[value.dimensions] = dimension_key(value.dimensions)
            add_observation(
                (oid, indicator_id, s.area_ids[value.area], code, start, end, frequency, key, sent)
            )
            for pair in value.dimensions:
                ids = codes.get(pair)
                if ids is None:
                    codelist_id = s.codelist_ids[pair[0]]
                    ids = codes[pair] = (codelist_id, s.code_rows[(codelist_id, pair[1])][0])
                add_dimension((oid, *ids))
            version_id = s.published_version_ids[indicator_id]
            unit_id = s.unit_ids[value.unit]
            rid = self.next_revision
            exact = t(value.value)
            if value.estimate is not None:
                estimate = t(value.estimate)
                add_revision(
                    (
                        rid,
                        oid,
                        1,
                        first,
                        version_id,
                        estimate,
                        estimate,
                        unit_id,
                        "estimated",
                        None,
                        sent,
                        accepted,
                    )
                )
                add_revision(
                    (
                        rid + 1,
                        oid,
                        2,
                        second,
                        version_id,
                        exact,
                        exact,
                        unit_id,
                        "normal",
                        None,
                        resent,
                        reaccepted,
                    )
                )
                self.next_revision += 2
            else:
                add_revision(
                    (
                        rid,
                        oid,
                        1,
                        first,
                        version_id,
                        exact,
                        exact,
                        unit_id,
                        "normal",
                        None,
                        sent,
                        accepted,
                    )
                )
                self.next_revision += 1
        return rows


def report_rows(
    plans: Sequence[ReportPlan], snapshot: Snapshot, plain: bool
) -> tuple[list[Row], list[Row]]:
    """The report and report_version rows of `plans`."""
    t = _sqlite_value if plain else _same
    reports: list[Row] = []
    versions: list[Row] = []
    for plan in plans:
        first, second = version_ids(plan)
        revised = plan.fate == "revised"
        pending = plan.fate == "pending"
        current = second if revised else first
        reports.append(
            (
                plan.number + 1,
                snapshot.regime_ids[plan.regime.code],
                snapshot.agency_ids[plan.agency],
                plan.period.code,
                t(plan.period.start),
                t(plan.period.end),
                "submitted" if pending else "accepted",
                current,
                t(plan.submitted_at),
                t(plan.reaccepted_at or plan.accepted_at or plan.submitted_at),
            )
        )
        due = plan.deadline
        moments = [(first, 1, plan.submitted_at, plan.accepted_at)]
        if revised:
            assert plan.resubmitted_at is not None
            moments.append((second, 2, plan.resubmitted_at, plan.reaccepted_at))
        for version_id, number, sent, reviewed in moments:
            versions.append(
                (
                    version_id,
                    plan.number + 1,
                    number,
                    "submitted" if reviewed is None else "accepted",
                    "[]",
                    t(sent),
                    LOADER,
                    t(due),
                    t(sent.astimezone(VIETNAM).date() <= due),
                    None if reviewed is None else REVIEWER,
                    t(reviewed),
                    0,
                    0,
                    0,
                    0,
                    t(sent),
                )
            )
    return reports, versions


def _same(value: Any) -> Any:
    return value


def _sqlite_value(value: Any) -> Any:
    """SQLAlchemy's SQLite storage forms: naive UTC datetimes and ISO dates as text, exact
    decimals as plain text (`hub.db.ExactDecimal`), booleans as integers."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return int(value)
    return value


def _batches(
    values: Iterator[tuple[ReportPlan, Value]], size: int
) -> Iterator[list[tuple[ReportPlan, Value]]]:
    while batch := list(itertools.islice(values, size)):
        yield batch


# ---------------------------------------------------------------- the database side


async def import_bench_catalog(database_url: str, catalog: model.Catalog) -> None:
    """Migrate the database and import `catalog` through the hub (`hub catalog import`)."""
    await asyncio.to_thread(run_migrations, database_url)
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with create_session_factory(engine)() as session:
            await import_catalog(catalog, session=session)
            await session.commit()
    finally:
        await engine.dispose()


async def snapshot_of(database_url: str) -> Snapshot:
    engine = create_engine(Settings(database_url=database_url))
    try:
        async with create_session_factory(engine)() as session:
            return await read_snapshot(session)
    finally:
        await engine.dispose()


def asyncpg_dsn(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    assert database, database_url
    return Path(database)


async def load_postgres(
    database_url: str,
    catalog: model.Catalog,
    plans: Sequence[ReportPlan],
    target: int,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Append values to the data set until it has `target` observations; returns the count."""
    snapshot = await snapshot_of(database_url)
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        # Foreign keys are not checked while loading: the rows reference what exists.
        await connection.execute("SET session_replication_role = replica")
        loaded = await connection.fetchval("SELECT coalesce(max(id), 0) FROM observation")
        revisions = await connection.fetchval(
            "SELECT coalesce(max(id), 0) FROM observation_revision"
        )
        if loaded == 0:
            reports, versions = report_rows(plans, snapshot, plain=False)
            await connection.copy_records_to_table(
                "report", records=reports, columns=REPORT_COLUMNS
            )
            await connection.copy_records_to_table(
                "report_version", records=versions, columns=VERSION_COLUMNS
            )
        maker = RowMaker(snapshot, first_observation=loaded + 1, first_revision=revisions + 1)
        batches = _batches(itertools.islice(stream(catalog, plans), loaded, target), BATCH)

        def next_rows() -> Rows | None:
            batch = next(batches, None)
            return None if batch is None else maker.rows(batch, plain=False)

        deferred = await _drop_indexes(connection) if target - loaded > DEFER_INDEXES else []
        # The next batch is generated in a thread while the server copies this one.
        upcoming = asyncio.create_task(asyncio.to_thread(next_rows))
        while (rows := await upcoming) is not None:
            upcoming = asyncio.create_task(asyncio.to_thread(next_rows))
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "observation", records=rows.observations, columns=OBSERVATION_COLUMNS
                )
                await connection.copy_records_to_table(
                    "observation_dimension", records=rows.dimensions, columns=DIMENSION_COLUMNS
                )
                await connection.copy_records_to_table(
                    "observation_revision", records=rows.revisions, columns=REVISION_COLUMNS
                )
            if on_progress:
                on_progress(rows.observations[-1][0])
        for definition in deferred:
            await connection.execute(definition)
        for table in ("report", "report_version", "observation", "observation_revision"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        # VACUUM as well: a set just loaded has no visibility map, so index-only scans
        # (the revision probe of every read) visit the heap until autovacuum passes, which
        # it may do in the middle of a measurement. Reads are measured in the state of a
        # database in service; seconds on a reused set.
        await connection.execute("VACUUM (ANALYZE)")
        return int(maker.next_observation - 1)
    finally:
        await connection.close()


async def load_sqlite(
    database_url: str,
    catalog: model.Catalog,
    plans: Sequence[ReportPlan],
    target: int,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """As `load_postgres`, with sqlite3's executemany (in a thread)."""
    snapshot = await snapshot_of(database_url)
    return await asyncio.to_thread(
        _load_sqlite, sqlite_path(database_url), catalog, plans, snapshot, target, on_progress
    )


async def _drop_indexes(connection: asyncpg.Connection) -> list[str]:
    """Drop the plain (non-constraint) indexes of the observation tables; their definitions,
    to build them again after a large load (faster than maintaining them row by row)."""
    rows = await connection.fetch(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        ["observation", "observation_dimension", "observation_revision"],
    )
    for row in rows:
        await connection.execute(f'DROP INDEX "{row["indexname"]}"')
    return [row["indexdef"] for row in rows]


def insert_statement(table: str, columns: Sequence[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def _load_sqlite(
    path: Path,
    catalog: model.Catalog,
    plans: Sequence[ReportPlan],
    snapshot: Snapshot,
    target: int,
    on_progress: Callable[[int], None] | None,
) -> int:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        loaded = connection.execute("SELECT coalesce(max(id), 0) FROM observation").fetchone()[0]
        revisions = connection.execute(
            "SELECT coalesce(max(id), 0) FROM observation_revision"
        ).fetchone()[0]
        if loaded == 0:
            reports, versions = report_rows(plans, snapshot, plain=True)
            connection.execute("BEGIN")
            connection.executemany(insert_statement("report", REPORT_COLUMNS), reports)
            connection.executemany(insert_statement("report_version", VERSION_COLUMNS), versions)
            connection.execute("COMMIT")
        maker = RowMaker(snapshot, first_observation=loaded + 1, first_revision=revisions + 1)
        values = itertools.islice(stream(catalog, plans), loaded, target)
        for batch in _batches(values, BATCH):
            rows = maker.rows(batch, plain=True)
            connection.execute("BEGIN")
            connection.executemany(
                insert_statement("observation", OBSERVATION_COLUMNS), rows.observations
            )
            connection.executemany(
                insert_statement("observation_dimension", DIMENSION_COLUMNS), rows.dimensions
            )
            connection.executemany(
                insert_statement("observation_revision", REVISION_COLUMNS), rows.revisions
            )
            connection.execute("COMMIT")
            if on_progress:
                on_progress(rows.observations[-1][0])
        connection.execute("ANALYZE")
        return int(maker.next_observation - 1)
    finally:
        connection.close()
