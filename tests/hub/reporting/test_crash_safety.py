"""Crash safety: a `hub load` killed (SIGKILL) in the middle of its write leaves the whole
report or none of it, and the same load run again stores it completely.

A real `hub load` process on a PostgreSQL database holding the small catalog with 500
communes loads a CSV of 4,509 observations. The test waits until that process's transaction
holds the lock of a table written midway (`observation_dimension`: the report, its version
and the observations are written, the revisions not yet), kills it, and counts.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME, store_catalog

pytestmark = pytest.mark.postgresql_only

COMMUNES = 500
TABLES = (
    "report",
    "report_version",
    "observation",
    "observation_dimension",
    "observation_revision",
)
# A RowExclusiveLock on this table, held by another backend: that backend's transaction has
# begun writing it, and holds the lock until it commits or dies.
WRITING = sa.text(
    "SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE a.datname = current_database() AND l.pid <> pg_backend_pid() "
    "AND c.relname = 'observation_dimension' AND l.mode = 'RowExclusiveLock'"
)
BACKEND_ALIVE = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")


def _write_csv(path: Path) -> int:
    lines = ["indicator,area,period,value,unit,dim.SEX,dim.URBAN"]
    for area in ["P01", *(f"P01-C{n}" for n in range(1, COMMUNES + 1))]:
        for sex in "TMF":
            for urban in "TUR":
                lines.append(f"POP,{area},{PERIOD},{len(lines)},PERSON,{sex},{urban}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


async def _hub_load(database_url: str, csv: Path) -> asyncio.subprocess.Process:
    """`hub load FILE.csv ...` as the operator runs it, in a process of its own."""
    command = "from hub.cli import main; main()"
    arguments = ["load", str(csv), "--regime", REGIME, "--period", PERIOD, "--agency", PROVINCE]
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        command,
        *arguments,
        env={**os.environ, "HUB_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        counts = {
            table: int(await connection.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)
            for table in TABLES
        }
        submits = "SELECT count(*) FROM audit_event WHERE action = 'report.submit'"
        counts["audit_event"] = int(await connection.scalar(sa.text(submits)) or 0)
    return counts


async def _poll(
    engine: AsyncEngine, statement: sa.TextClause, *, until_zero: bool = False, **parameters: object
) -> int:
    """Poll `statement` every 10 ms until its value is truthy (or 0 with `until_zero`) and
    return it; fail after two minutes."""
    for _ in range(12_000):
        async with engine.connect() as connection:
            value = int(await connection.scalar(statement, parameters) or 0)
        if bool(value) != until_zero:
            return value
        await asyncio.sleep(0.01)
    pytest.fail(f"{statement.text!r} did not change in two minutes")


async def test_a_load_killed_midway_leaves_all_or_nothing_and_a_rerun_stores_it(
    database_url: str,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    # given the catalog with 500 communes and a CSV of a value per commune and breakdown
    async with session_factory() as session:
        await store_catalog(session, communes=COMMUNES)
        await session.commit()
    csv = tmp_path / "report.csv"
    rows = _write_csv(csv)
    nothing = await _counts(engine)
    assert nothing == dict.fromkeys((*TABLES, "audit_event"), 0)

    # when a load is killed while its transaction is writing
    process = await _hub_load(database_url, csv)
    try:
        waiting = asyncio.ensure_future(_poll(engine, WRITING))
        exited = asyncio.ensure_future(process.wait())
        done, _ = await asyncio.wait({waiting, exited}, return_when=asyncio.FIRST_COMPLETED)
        assert waiting in done, "hub load ended before it began writing"
        backend = waiting.result()
        process.send_signal(signal.SIGKILL)
        assert await process.wait() == -signal.SIGKILL
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    # PostgreSQL notices the dead client, rolls its transaction back and ends its backend.
    await _poll(engine, BACKEND_ALIVE, until_zero=True, pid=backend)
    after_kill = await _counts(engine)

    # then the database holds none of the report (or all of it, had it committed first)
    whole = {"report": 1, "report_version": 1, "observation": rows}
    whole |= {"observation_dimension": 2 * rows, "observation_revision": rows, "audit_event": 1}
    assert after_kill in (nothing, whole), after_kill
    assert after_kill == nothing, "the kill landed after the commit: the test proved nothing"

    # and the same load run again stores the whole report
    rerun = await _hub_load(database_url, csv)
    stdout, stderr = await rerun.communicate()
    assert rerun.returncode == 0, stderr.decode()
    assert f"{rows} observations ({rows} new" in stdout.decode()
    assert await _counts(engine) == whole
