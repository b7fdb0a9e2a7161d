"""A running hub (uvicorn on 127.0.0.1, a free port) over a small accepted data set.

The data: the hand-made catalog of the submission tests and three accepted reports of
regime BC-M (P01 for 2025-M02 and 2025-M03, P02 for 2025-M03), with totals, a
disaggregation, an indicator without one, a converted unit and an estimated value. The
server runs in a thread of its own and is stopped at the end of the run.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
import uvicorn

from hub.app import create_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.reporting.submission import submit_report
from hub.reporting.workflow import accept_report
from hub.settings import Settings
from tests.conftest import fresh_database, postgres_server
from tests.hub.reporting.catalog_fixture import (
    NOW,
    OTHER_PROVINCE,
    PROVINCE,
    VN,
    draft,
    observation,
    store_catalog,
)

# (indicator, area, period, {codelist: code}) -> (value as stored, unit, OBS_STATUS)
Expected = dict[tuple[str, str, str, tuple[tuple[str, str], ...]], tuple[str, str, str]]

FEBRUARY_NOW = datetime(2025, 2, 18, 9, 0, tzinfo=VN)

REPORTS = [
    (
        PROVINCE,
        "2025-M03",
        NOW,
        [
            observation("POP", "P01", dimensions=(("SEX", "T"),), value="1000"),
            observation("POP", "P01", dimensions=(("SEX", "F"),), value="510.5"),
            observation("POP", "P01", dimensions=(("SEX", "M"),), value="489.5"),
            observation("REV", "P01", dimensions=(), value="12.345", unit="BVND"),
            observation(
                "RATE",
                "P01",
                dimensions=(("SEX", "M"),),
                value="4.25",
                unit="PCT",
                status="estimated",
            ),
        ],
    ),
    (
        PROVINCE,
        "2025-M02",
        FEBRUARY_NOW,
        [
            observation("POP", "P01", "2025-M02", dimensions=(("SEX", "T"),), value="998"),
            # Reported in million VND, stored in the indicator's billion VND.
            observation("REV", "P01", "2025-M02", dimensions=(), value="11000", unit="MVND"),
        ],
    ),
    (
        OTHER_PROVINCE,
        "2025-M03",
        NOW,
        [
            observation("POP", "P02", dimensions=(("SEX", "T"),), value="2000"),
            observation("POP", "P02", dimensions=(("SEX", "T"), ("URBAN", "U")), value="800"),
        ],
    ),
]

EXPECTED: Expected = {
    ("POP", "P01", "2025-M03", (("SEX", "T"),)): ("1000", "PERSON", "A"),
    ("POP", "P01", "2025-M03", (("SEX", "F"),)): ("510.5", "PERSON", "A"),
    ("POP", "P01", "2025-M03", (("SEX", "M"),)): ("489.5", "PERSON", "A"),
    ("REV", "P01", "2025-M03", ()): ("12.345", "BVND", "A"),
    ("RATE", "P01", "2025-M03", (("SEX", "M"),)): ("4.25", "PCT", "E"),
    ("POP", "P01", "2025-M02", (("SEX", "T"),)): ("998", "PERSON", "A"),
    ("REV", "P01", "2025-M02", ()): ("11", "BVND", "A"),
    ("POP", "P02", "2025-M03", (("SEX", "T"),)): ("2000", "PERSON", "A"),
    ("POP", "P02", "2025-M03", (("SEX", "T"), ("URBAN", "U"))): ("800", "PERSON", "A"),
}


@dataclass(frozen=True)
class RunningHub:
    base_url: str  # the hub's root
    settings: Settings

    @property
    def sdmx(self) -> str:
        return f"{self.base_url}/sdmx/2.1"


async def seed(settings: Settings) -> None:
    engine = create_engine(settings)
    async with create_session_factory(engine)() as session:
        await store_catalog(session)
        for agency, period, now, observations in REPORTS:
            outcome = await submit_report(
                draft(*observations, agency=agency, period=period),
                session=session,
                actor="test",
                now=now,
            )
            assert outcome.ok, outcome.problems
            await accept_report(
                ("BC-M", agency, period), session=session, actor="reviewer", now=now
            )
        await session.commit()
    await engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
async def hub_settings(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Settings]:
    url, name = await fresh_database(database_backend, tmp_path_factory.mktemp("sdmx"))
    await asyncio.to_thread(run_migrations, url)
    settings = Settings().with_database(url)
    await seed(settings)
    yield settings
    if name is not None:
        await postgres_server().drop(name)


@pytest.fixture(scope="session")
def running_hub(hub_settings: Settings) -> Iterator[RunningHub]:
    """The hub served by uvicorn in a thread on 127.0.0.1; stopped at the end of the run."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(hub_settings), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sdmx-hub", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the hub did not start")
        time.sleep(0.02)
    try:
        yield RunningHub(f"http://127.0.0.1:{port}", hub_settings)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
