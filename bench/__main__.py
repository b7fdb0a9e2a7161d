"""`make bench`: the hub against the floor and the peer, in one run, at national scale.

    python -m bench [--observations 1e6[,1e7]] [--duration 10] [--workers 1] [--skip-peer]
                    [--skip-sqlite] [--only reads,ingest,submit] [--json FILE] [--reuse]
                    [--cache]

For each size (ascending; a larger one appends to the smaller): the data set is loaded
(`bench.loading`), then Q1-Q3 are measured over HTTP on PostgreSQL (`bench.reads`), then, in
a copy of the database, bulk ingest (`bench.ingest`) and a 10,000-observation submitReport
(`bench.submit_report`), on PostgreSQL and SQLite. PostgreSQL is HUB_BENCH_POSTGRES_URL's
server, or a throwaway cluster (`bench.postgres`). Results go to bench/results/ as JSON.
Figures, not pass/fail: the exit status is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import ingest, loading, peer, postgres, reads, report
from bench.dataset import ReportPlan, plan_reports
from bench.load import wrk_available
from bench.scale_catalog import national_catalog
from bench.servers import ROOT, free_port, hub_env, serving, uvicorn_command
from bench.submit_report import issue_tokens, measure_submit
from catalog import model

DATA_VERSION = "v2"  # bump when bench.dataset changes what it generates
DATABASE = f"hub_bench_{DATA_VERSION}"
SECTIONS = ("reads", "ingest", "submit")
CACHE_BYTES = 256 * 1024 * 1024  # of the hub that keeps answers (--cache)


def _sizes(text: str) -> list[int]:
    return sorted(int(float(part)) for part in text.split(",") if part.strip())


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--observations",
        type=_sizes,
        default=[1_000_000],
        help="data set size(s), comma-separated (1e6 default; 1e6,1e7 for growth)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="seconds of load per query, target and concurrency",
    )
    parser.add_argument(
        "--concurrency", default="1,16", help="concurrencies of the read load (default 1,16)"
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (hub and floor)")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help="sections to run, of: " + ", ".join(SECTIONS)
    )
    parser.add_argument("--skip-peer", action="store_true", help="leave PostGraphile out")
    parser.add_argument(
        "--cache",
        action="store_true",
        help="also measure a hub that keeps answers (HUB_RESPONSE_CACHE_BYTES), reported "
        "apart: the targets are about the hub without it",
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--ingest-reports",
        type=int,
        default=None,
        help="monthly reports per ingest run (default: every province, 34)",
    )
    parser.add_argument("--submit-observations", type=int, default=10_000)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"keep the loaded data sets (PostgreSQL databases {DATABASE}_<size>, SQLite "
        "files in bench/results/data/) and reuse them next time",
    )
    parser.add_argument(
        "--json", type=Path, help="results file (default bench/results/<time>.json)"
    )
    options = parser.parse_args(argv)
    options.only = {s.strip() for s in options.only.split(",") if s.strip()}
    unknown = options.only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}")
    options.concurrencies = tuple(int(c) for c in options.concurrency.split(","))
    return options


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _say(text: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {text}", flush=True)


@contextlib.contextmanager
def _sqlite_directory(reuse: bool) -> Iterator[Path]:
    if reuse:
        directory = ROOT / "bench" / "results" / "data"
        directory.mkdir(parents=True, exist_ok=True)
        yield directory
        return
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as name:
        yield Path(name)


def _clone_sqlite(source: str, directory: Path) -> str:
    path = directory / "ingest.sqlite3"
    with sqlite3.connect(loading.sqlite_path(source)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(loading.sqlite_path(source), path)
    return f"sqlite+aiosqlite:///{path}"


async def _clone_postgres(server: str, name: str) -> str:
    clone = f"{name}_write"
    await postgres.copy_database(server, name, clone)
    return postgres.database_url(server, clone)


async def _writes(
    options: argparse.Namespace,
    catalog: model.Catalog,
    database: str,
    url: str,
    stage: dict[str, Any],
) -> None:
    """Ingest, then submitReport over HTTP, in `url` (a copy of the data set)."""
    if "ingest" in options.only:
        _say(f"ingest on {database}")
        number = await ingest.next_number(url)
        floor_reports = ingest.ingest_reports(
            catalog, ingest.FLOOR_PERIOD, reports=options.ingest_reports, first_number=number
        )
        hub_reports = ingest.ingest_reports(
            catalog, ingest.HUB_PERIOD, reports=options.ingest_reports
        )
        if database == "postgresql":
            floor, kind = await ingest.copy_floor(url, floor_reports), "COPY (asyncpg)"
        else:
            floor, kind = await ingest.executemany_floor(url, floor_reports), "executemany"
        hub = await ingest.through_hub(url, hub_reports)
        stage.setdefault("ingest", {})[database] = {
            "reports": hub.reports,
            "observations": hub.observations,
            "hub_s": hub.seconds,
            "hub_per_s": hub.per_second,
            "floor_s": floor.seconds,
            "floor_per_s": floor.per_second,
            "floor": kind,
        }
        _say(f"  hub {hub.per_second:,.0f}/s, floor {floor.per_second:,.0f}/s")
    if "submit" in options.only:
        _say(f"submitReport over HTTP on {database}")
        tokens = await issue_tokens(url, catalog)
        port = free_port()
        with serving(
            "hub-submit",
            uvicorn_command("hub.app:create_app", port),
            port=port,
            env=hub_env(url),
            ready_path="/",
        ):
            figures = await asyncio.to_thread(
                measure_submit,
                f"http://127.0.0.1:{port}",
                tokens,
                catalog,
                options.submit_observations,
            )
        stage.setdefault("submit", {})[database] = figures


def _reads(options: argparse.Namespace, url: str, stage: dict[str, Any]) -> None:
    if not wrk_available():
        stage["reads_skipped"] = "wrk is not installed (apt-get install wrk)"
        _say(stage["reads_skipped"])
        return
    hub_port, floor_port = free_port(), free_port()
    floor_env = {"BENCH_FLOOR_DSN": loading.asyncpg_dsn(url)}
    with contextlib.ExitStack() as stack:
        hub = stack.enter_context(
            serving(
                "hub",
                uvicorn_command("hub.app:create_app", hub_port, options.workers),
                port=hub_port,
                env=hub_env(url),
                ready_path="/",
            )
        )
        floor = stack.enter_context(
            serving(
                "floor",
                uvicorn_command("bench.floor:create_app", floor_port, options.workers),
                port=floor_port,
                env=floor_env,
                ready_path="/",
            )
        )
        targets = [reads.hub_target(hub), reads.floor_target(floor)]
        if not options.skip_peer:
            targets.append(reads.peer_target(stack.enter_context(peer.peer_server(url))))
        if options.cache:
            cached_port = free_port()
            cached = stack.enter_context(
                serving(
                    "hub-cached",
                    uvicorn_command("hub.app:create_app", cached_port, options.workers),
                    port=cached_port,
                    env=hub_env(url, {"HUB_RESPONSE_CACHE_BYTES": str(CACHE_BYTES)}),
                    ready_path="/",
                )
            )
            targets.append(reads.hub_target(cached, name=reads.CACHED))
        _say("reads: " + ", ".join(t.name for t in targets))
        results, checks = reads.measure(
            targets, concurrencies=options.concurrencies, duration_s=options.duration
        )
    stage["reads"] = [r.as_dict() for r in results]
    stage["answers"] = checks
    stage["workers"] = options.workers
    stage["concurrencies"] = list(options.concurrencies)


async def run(options: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "commit": _commit(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_start": _load_average()},
        "options": {
            k: (sorted(v) if isinstance(v, set) else v)
            for k, v in vars(options).items()
            if k != "json"
        },
        "stages": [],
    }
    _say("building the national catalog and the report plans")
    catalog = national_catalog()
    plans = plan_reports(catalog)
    if not options.skip_peer and "reads" in options.only:
        peer.install()
    with postgres.postgres_server() as server, _sqlite_directory(options.reuse) as directory:
        created: list[str] = []
        try:
            await _stages(options, catalog, plans, server, directory, created, results)
        finally:
            if not options.reuse:
                for name in created:
                    await postgres.drop_database(server, name)
    results["machine"]["load_end"] = _load_average()
    return results


def database_name(size: int) -> str:
    """One database per size: a larger one starts as a copy of the next smaller."""
    return f"{DATABASE}_{size}"


async def _postgres_stage(
    server: str,
    size: int,
    smaller: str | None,
    reuse: bool,
    catalog: model.Catalog,
    created: list[str],
) -> tuple[str, bool]:
    """The database of `size` (to load into) and whether it must be loaded."""
    name = database_name(size)
    url = postgres.database_url(server, name)
    if reuse and await postgres.database_exists(server, name):
        # Kept from an earlier run, maybe of an earlier commit: migrated and its catalog
        # brought up to date (both idempotent), its values left as they are.
        await loading.import_bench_catalog(url, catalog)
        return url, False
    created.append(name)
    if smaller is None:
        await postgres.create_database(server, name)
        await loading.import_bench_catalog(url, catalog)
    else:
        await postgres.copy_database(server, smaller, name)
    return url, True


def _sqlite_stage(
    directory: Path, size: int, smaller: Path | None, reuse: bool
) -> tuple[Path, bool]:
    path = directory / f"{database_name(size)}.sqlite3"
    if reuse and path.exists():
        return path, False
    if smaller is not None:
        with sqlite3.connect(smaller) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(smaller, path)
    return path, True


async def _stages(
    options: argparse.Namespace,
    catalog: model.Catalog,
    plans: list[ReportPlan],
    server: str,
    directory: Path,
    created: list[str],
    results: dict[str, Any],
) -> None:
    smaller: str | None = None
    smaller_sqlite: Path | None = None
    for size in options.observations:
        stage: dict[str, Any] = {"observations": size}
        results["stages"].append(stage)
        url, load = await _postgres_stage(server, size, smaller, options.reuse, catalog, created)
        smaller = database_name(size)
        _say(f"PostgreSQL at {size:,} observations" + (": loading" if load else ": reused"))
        started = time.perf_counter()
        stage["observations"] = await loading.load_postgres(url, catalog, plans, size)
        stage["load_postgresql_s"] = time.perf_counter() - started
        if not options.skip_sqlite:
            path, load = _sqlite_stage(directory, size, smaller_sqlite, options.reuse)
            smaller_sqlite = path
            sqlite_url = f"sqlite+aiosqlite:///{path}"
            if not load or not path.exists():
                await loading.import_bench_catalog(sqlite_url, catalog)
            _say(f"SQLite at {size:,} observations" + (": loading" if load else ": reused"))
            started = time.perf_counter()
            await loading.load_sqlite(sqlite_url, catalog, plans, size)
            stage["load_sqlite_s"] = time.perf_counter() - started
        if "reads" in options.only:
            if not options.skip_peer:
                await peer.create_views(url)
            _reads(options, url, stage)
        if options.only & {"ingest", "submit"}:
            clone = await _clone_postgres(server, smaller)
            try:
                await _writes(options, catalog, "postgresql", clone, stage)
            finally:
                await postgres.drop_database(server, f"{smaller}_write")
            if not options.skip_sqlite:
                clone = _clone_sqlite(sqlite_url, directory)
                try:
                    await _writes(options, catalog, "sqlite", clone, stage)
                finally:
                    loading.sqlite_path(clone).unlink(missing_ok=True)
        report.print_all({**results, "stages": [stage]})


def main(argv: list[str] | None = None) -> None:
    options = _options(argv)
    results = asyncio.run(run(options))
    print("\n======== summary")
    report.print_all(results)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = options.json or ROOT / "bench" / "results" / f"{stamp}-{results['commit']}.json"
    report.write_json(results, path)
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
