"""The floor: Q1-Q3 answered by a minimal Starlette + asyncpg + orjson endpoint.

What the hub's GraphQL answer costs at least on this stack: the request body parsed, one SQL
statement (`bench.queries.FLOOR`, prepared by asyncpg's statement cache), rows shaped into the
same JSON the hub returns. Served by the same uvicorn as the hub, one process:

    BENCH_FLOOR_DSN=postgresql://... python -m uvicorn bench.floor:create_app --factory
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.queries import FLOOR
from catalog.periods import parse_period


def _json(data: Any) -> Response:
    return Response(orjson.dumps({"data": data}), media_type="application/json")


def create_app() -> Starlette:
    dsn = os.environ["BENCH_FLOOR_DSN"]
    pool: asyncpg.Pool | None = None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal pool
        pool = await asyncpg.create_pool(dsn, min_size=4, max_size=16)
        yield
        await pool.close()

    async def fetch(sql: str, *args: Any) -> list[asyncpg.Record]:
        assert pool is not None
        async with pool.acquire() as connection:
            return list(await connection.fetch(sql, *args))

    async def q1(request: Request) -> Response:
        variables = orjson.loads(await request.body())["variables"]
        rows = await fetch(FLOOR["q1"], variables["indicator"], variables["areas"])
        series: dict[tuple[str, str], list[dict[str, str]]] = {}
        for row in rows:
            point = {"period": row["period"], "value": row["value"]}
            series.setdefault((row["area"], row["frequency"]), []).append(point)
        return _json(
            {
                "series": [
                    {"areaCode": area, "frequency": frequency, "points": points}
                    for (area, frequency), points in series.items()
                ]
            }
        )

    async def q2(request: Request) -> Response:
        variables = orjson.loads(await request.body())["variables"]
        wanted = variables["filter"]
        start = parse_period(wanted["periodFrom"]).start
        end = parse_period(wanted["periodTo"]).end
        rows = await fetch(FLOOR["q2"], wanted["indicators"][0], start, end, variables["first"])
        edges = [
            {
                "node": {
                    "period": row["period"],
                    "value": row["value"],
                    "dimensions": [
                        {"dimension": d, "code": c}
                        for d, c in (p.split("=", 1) for p in row["dimension_key"].split(";") if p)
                    ],
                    "indicator": {"code": row["indicator"], "name": row["indicator_name"]},
                    "area": {"code": row["area"], "name": row["area_name"]},
                }
            }
            for row in rows
        ]
        return _json({"observations": {"edges": edges}})

    async def q3(request: Request) -> Response:
        variables = orjson.loads(await request.body())["variables"]
        start = parse_period(variables["from"]).start
        end = parse_period(variables["to"]).end
        rows = await fetch(FLOOR["q3"], variables["indicator"], start, end)
        groups = [
            {
                "areaCode": None,
                "period": str(row["year"]),
                "value": row["value"],
                "count": row["count"],
            }
            for row in rows
        ]
        return _json({"aggregate": {"groups": groups}})

    return Starlette(
        routes=[
            Route("/q1", q1, methods=["POST"]),
            Route("/q2", q2, methods=["POST"]),
            Route("/q3", q3, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
