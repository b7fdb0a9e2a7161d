"""Time a 10,000-observation `submitReport` through the GraphQL endpoint (the real ASGI app).

    python -m bench.submit_report [--observations 10000] [--json FILE]

Runs on a throwaway SQLite database, and on PostgreSQL too when `HUB_BENCH_POSTGRES_URL`
names a server whose user may create databases. Prints one line per database: validation
only, first submission, and an unchanged resubmission after acceptance (seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.pool import NullPool

from hub.app import create_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.settings import Limits, Settings

# The submission tests' catalog: one monthly regime, a province with as many communes as asked.
from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME, store_catalog

SUBMIT = """
mutation($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } created unchanged }
}
"""
ACCEPT = """
mutation($input: ReviewReportInput!) { acceptReport(input: $input) { errors { code } } }
"""


def report(size: int, validate_only: bool) -> dict[str, Any]:
    communes = -(-size // 9)
    observations = [
        {
            "indicator": "POP",
            "area": f"P01-C{n}",
            "period": PERIOD,
            "dimensions": [{"dimension": "SEX", "code": s}, {"dimension": "URBAN", "code": u}],
            "value": f"{n}.{len(s)}5",
            "unit": "PERSON",
        }
        for n in range(1, communes + 1)
        for s in ("T", "M", "F")
        for u in ("T", "U", "R")
    ][:size]
    return {
        "regime": REGIME,
        "period": PERIOD,
        "agency": PROVINCE,
        "observations": observations,
        "validateOnly": validate_only,
    }


async def _timed(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> float:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    elapsed = time.perf_counter() - started
    body = response.json()
    payload = next(iter(body["data"].values()))
    if body.get("errors") or payload["errors"]:
        raise SystemExit(f"benchmark request failed: {body}")
    return elapsed


async def run(database_url: str, size: int) -> dict[str, float]:
    await asyncio.to_thread(run_migrations, database_url)
    settings = Settings(database_url=database_url, limits=Limits(max_body_bytes=256 * 1024 * 1024))
    engine = create_engine(settings)
    async with create_session_factory(engine)() as session:
        await store_catalog(session, communes=-(-size // 9))
        await session.commit()
    await engine.dispose()
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    review = {"input": {"regime": REGIME, "agency": PROVINCE, "period": PERIOD}}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as c:
        validate = await _timed(c, SUBMIT, {"input": report(size, validate_only=True)})
        first = await _timed(c, SUBMIT, {"input": report(size, validate_only=False)})
        await _timed(c, ACCEPT, review)
        again = await _timed(c, SUBMIT, {"input": report(size, validate_only=False)})
    await app.state.engine.dispose()
    return {"validate_only_s": validate, "first_submission_s": first, "resubmission_s": again}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=10_000)
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}"
        results["sqlite"] = await run(url, args.observations)
    postgres = os.environ.get("HUB_BENCH_POSTGRES_URL")
    if postgres:
        results["postgresql"] = await _on_postgres(postgres, args.observations)
    print(f"submitReport of {args.observations:,} observations through GraphQL (seconds)")
    print(f"{'database':<12}{'validate only':>15}{'first':>10}{'resubmit':>10}")
    for name, figures in results.items():
        print(
            f"{name:<12}{figures['validate_only_s']:>15.2f}"
            f"{figures['first_submission_s']:>10.2f}{figures['resubmission_s']:>10.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


async def _on_postgres(server_url: str, size: int) -> dict[str, float]:
    from sqlalchemy.engine import make_url

    url = make_url(server_url).set(drivername="postgresql+asyncpg")
    name = f"hub_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        Settings(database_url=url.render_as_string(hide_password=False)),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )
    async with admin.connect() as connection:
        await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        return await run(url.set(database=name).render_as_string(hide_password=False), size)
    finally:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
