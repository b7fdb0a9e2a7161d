"""PostgreSQL for the bench: the server of HUB_BENCH_POSTGRES_URL, or a throwaway cluster.

The throwaway cluster is started the way `.ci/run` starts CI's: `initdb` and `pg_ctl` of the
Debian packages, as the `postgres` user when run as root, on 127.0.0.1 and a free port,
without fsync (a bench measures the hub, not the disk), and removed at the end.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

# Enough memory for the 10 M data set's hot indexes; the rest as .ci/run has it.
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off "
    "-c synchronous_commit=off -c shared_buffers=1GB -c maintenance_work_mem=512MB "
    "-c max_connections=200 -c max_wal_size=4GB"
)


def _pg_bin() -> Path:
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(directory) / "initdb").exists():
            return Path(directory)
    raise SystemExit(
        "PostgreSQL is not installed (apt-get install postgresql), and "
        "HUB_BENCH_POSTGRES_URL is not set"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """The URL (`postgresql+asyncpg://user@host:port/postgres`) of a server to create
    databases on: HUB_BENCH_POSTGRES_URL's, or a throwaway cluster stopped on exit."""
    given = os.environ.get("HUB_BENCH_POSTGRES_URL")
    if given:
        yield (
            make_url(given)
            .set(drivername="postgresql+asyncpg")
            .render_as_string(hide_password=False)
        )
        return
    pg_bin = _pg_bin()
    directory = Path(tempfile.mkdtemp(prefix="hub-bench-pg."))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    data, port = directory / "data", _free_port()
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(pg_bin / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            _as_postgres(
                [
                    str(pg_bin / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(directory / "log"),
                    "-w",
                    "-o",
                    f"{SERVER_OPTIONS} -p {port} -k {directory}",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(directory, ignore_errors=True)


def database_url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


async def _admin(server: str) -> asyncpg.Connection:
    url = make_url(server).set(drivername="postgresql", database="postgres")
    return await asyncpg.connect(url.render_as_string(hide_password=False))


async def database_exists(server: str, name: str) -> bool:
    connection = await _admin(server)
    try:
        return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await connection.close()


async def create_database(server: str, name: str) -> None:
    connection = await _admin(server)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    finally:
        await connection.close()


async def copy_database(server: str, source: str, name: str) -> None:
    """`name` as a copy of `source` (a file copy: much faster than loading it again)."""
    connection = await _admin(server)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    finally:
        await connection.close()


async def drop_database(server: str, name: str) -> None:
    connection = await _admin(server)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
