"""Bulk ingest: reports through the hub's one submission path, against raw writes of the rows.

The hub's side is what `hub load` and `submitReport` run: `submit_report` (validator against
the stored catalog, recording of identities, dimensions and revisions, the report version and
its audit event), one transaction per report, committed. The floor writes the same rows
into the same tables, one transaction per report, with nothing in between: COPY on
PostgreSQL (asyncpg), executemany on SQLite (sqlite3). Both ingest every province's monthly
report with its communes' values, for two months the data set leaves out (`HUB_PERIOD` for
the hub, `FLOOR_PERIOD` for the floor, so neither finds the other's rows).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import asyncpg

from bench import loading
from bench.dataset import ReportPlan, Value, commune_values, plan_reports, province_values
from catalog import model
from hub.access.signatures import SignaturePolicy
from hub.db import create_engine, create_session_factory, utcnow
from hub.metadata.snapshot import Snapshot
from hub.reporting.drafts import ObservationDraft, SubmissionDraft
from hub.reporting.submission import submit_report
from hub.settings import Settings

HUB_PERIOD = "2026-M01"
FLOOR_PERIOD = "2026-M02"
ACTOR = "bench"
_CURRENT_PG = "UPDATE report SET current_version_id = $1 WHERE id = $2"
_CURRENT_SQLITE = "UPDATE report SET current_version_id = ? WHERE id = ?"


@dataclass(frozen=True)
class IngestReport:
    plan: ReportPlan
    values: tuple[Value, ...]

    def draft(self) -> SubmissionDraft:
        period = self.plan.period.code
        return SubmissionDraft(
            self.plan.regime.code,
            period,
            self.plan.agency,
            observations=tuple(
                ObservationDraft(v.indicator, v.area, period, v.dimensions, str(v.value), v.unit)
                for v in self.values
            ),
        )


def ingest_reports(
    catalog: model.Catalog, period: str, *, reports: int | None, first_number: int = 0
) -> list[IngestReport]:
    """The monthly reports of `period`: every province (or the first `reports`), each with its
    communes' values; pending review, numbered from `first_number`."""
    plans = [p for p in plan_reports(catalog, [period]) if p.area != "VN"][:reports]
    found = []
    for position, plan in enumerate(plans):
        plan = replace(plan, number=first_number + position, fate="pending", accepted_at=None)
        values = (*province_values(catalog, plan), *commune_values(catalog, plan))
        found.append(IngestReport(plan, tuple(values)))
    return found


@dataclass(frozen=True)
class IngestFigures:
    reports: int
    observations: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.observations / self.seconds if self.seconds else 0.0


async def through_hub(database_url: str, reports: Sequence[IngestReport]) -> IngestFigures:
    """Each report through `submit_report`, one committed transaction each."""
    engine = create_engine(Settings(database_url=database_url))
    factory = create_session_factory(engine)
    drafts = [r.draft() for r in reports]
    now = utcnow()
    try:
        started = time.perf_counter()
        for draft in drafts:
            async with factory() as session:
                outcome = await submit_report(
                    draft,
                    session=session,
                    actor=ACTOR,
                    now=now,
                    signature_policy=SignaturePolicy.NEVER,
                )
                if outcome.problems:
                    shown = "; ".join(f"{p.path}: {p.message}" for p in outcome.problems[:3])
                    raise SystemExit(f"an ingest report was refused: {shown}")
                await session.commit()
        elapsed = time.perf_counter() - started
    finally:
        await engine.dispose()
    return IngestFigures(len(drafts), sum(len(d.observations) for d in drafts), elapsed)


def _rows(
    reports: Sequence[IngestReport],
    snapshot: Snapshot,
    plain: bool,
    first_observation: int,
    first_revision: int,
) -> list[tuple[loading.Row, loading.Row, loading.Rows]]:
    maker = loading.RowMaker(
        snapshot, first_observation=first_observation, first_revision=first_revision
    )
    found = []
    for report in reports:
        (report_row,), (version_row,) = loading.report_rows([report.plan], snapshot, plain)
        # The report refers to its version, which refers to the report: set it after both.
        report_row = (*report_row[:7], None, *report_row[8:])
        rows = maker.rows([(report.plan, v) for v in report.values], plain)
        found.append((report_row, version_row, rows))
    return found


async def next_number(database_url: str) -> int:
    """A report number past every stored report and version id (`loading.version_ids`)."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(loading.sqlite_path(database_url)) as connection:
            reports, versions = connection.execute(
                "SELECT (SELECT coalesce(max(id), 0) FROM report), "
                "(SELECT coalesce(max(id), 0) FROM report_version)"
            ).fetchone()
    else:
        connection = await asyncpg.connect(loading.asyncpg_dsn(database_url))
        try:
            reports = await connection.fetchval("SELECT coalesce(max(id), 0) FROM report")
            versions = await connection.fetchval("SELECT coalesce(max(id), 0) FROM report_version")
        finally:
            await connection.close()
    return int(max(reports, versions // 2 + 1)) + 1


async def copy_floor(database_url: str, reports: Sequence[IngestReport]) -> IngestFigures:
    """The same kind of rows COPYed by asyncpg, one transaction per report (FK checks on)."""
    snapshot = await loading.snapshot_of(database_url)
    connection = await asyncpg.connect(loading.asyncpg_dsn(database_url))
    try:
        observation = await connection.fetchval("SELECT coalesce(max(id), 0) FROM observation")
        revision = await connection.fetchval(
            "SELECT coalesce(max(id), 0) FROM observation_revision"
        )
        prepared = _rows(reports, snapshot, False, observation + 1, revision + 1)
        started = time.perf_counter()
        for report_row, version_row, rows in prepared:
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "report", records=[report_row], columns=loading.REPORT_COLUMNS
                )
                await connection.copy_records_to_table(
                    "report_version", records=[version_row], columns=loading.VERSION_COLUMNS
                )
                await connection.execute(_CURRENT_PG, version_row[0], report_row[0])
                await connection.copy_records_to_table(
                    "observation", records=rows.observations, columns=loading.OBSERVATION_COLUMNS
                )
                await connection.copy_records_to_table(
                    "observation_dimension",
                    records=rows.dimensions,
                    columns=loading.DIMENSION_COLUMNS,
                )
                await connection.copy_records_to_table(
                    "observation_revision",
                    records=rows.revisions,
                    columns=loading.REVISION_COLUMNS,
                )
        elapsed = time.perf_counter() - started
        for table in ("report", "report_version", "observation", "observation_revision"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    finally:
        await connection.close()
    return IngestFigures(len(reports), sum(len(r.values) for r in reports), elapsed)


async def executemany_floor(database_url: str, reports: Sequence[IngestReport]) -> IngestFigures:
    """The same kind of rows by sqlite3's executemany, one transaction per report."""
    snapshot = await loading.snapshot_of(database_url)
    return await asyncio.to_thread(_executemany, database_url, snapshot, reports)


def _executemany(
    database_url: str, snapshot: Snapshot, reports: Sequence[IngestReport]
) -> IngestFigures:
    connection = sqlite3.connect(loading.sqlite_path(database_url), isolation_level=None)
    try:
        # As the hub's engine has them (hub.db): foreign keys on, WAL, synchronous NORMAL.
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        observation, revision = connection.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM observation), "
            "(SELECT coalesce(max(id), 0) FROM observation_revision)"
        ).fetchone()
        prepared = _rows(reports, snapshot, True, observation + 1, revision + 1)
        insert = loading.insert_statement
        started = time.perf_counter()
        for report_row, version_row, rows in prepared:
            connection.execute("BEGIN")
            connection.execute(insert("report", loading.REPORT_COLUMNS), report_row)
            connection.execute(insert("report_version", loading.VERSION_COLUMNS), version_row)
            connection.execute(_CURRENT_SQLITE, (version_row[0], report_row[0]))
            connection.executemany(
                insert("observation", loading.OBSERVATION_COLUMNS), rows.observations
            )
            connection.executemany(
                insert("observation_dimension", loading.DIMENSION_COLUMNS), rows.dimensions
            )
            connection.executemany(
                insert("observation_revision", loading.REVISION_COLUMNS), rows.revisions
            )
            connection.execute("COMMIT")
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    return IngestFigures(len(reports), sum(len(r.values) for r in reports), elapsed)
