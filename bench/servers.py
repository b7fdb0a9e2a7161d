"""The HTTP servers a bench run starts on 127.0.0.1 and stops: the hub, the floor, the peer."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(
    name: str,
    command: Sequence[str],
    *,
    port: int,
    env: Mapping[str, str],
    ready_path: str,
    cwd: Path = ROOT,
    timeout_s: float = 120,
) -> Iterator[str]:
    """Run `command` until the block ends; yields its base URL once `ready_path` answers."""
    log = (ROOT / "bench" / "results").resolve()
    log.mkdir(parents=True, exist_ok=True)
    with open(log / f"{name}.log", "wb") as output:
        process = subprocess.Popen(
            list(command), cwd=cwd, env={**os.environ, **env}, stdout=output, stderr=output
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"{name} exited at start-up; see bench/results/{name}.log")
                try:
                    httpx.get(base + ready_path, timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise SystemExit(
                            f"{name} did not start; see bench/results/{name}.log"
                        ) from None
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def uvicorn_command(app: str, port: int, workers: int = 1) -> list[str]:
    """uvicorn as the hub is deployed (docs/operators.md), without access logs."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def hub_env(database_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The hub's settings for a bench: Q2's page of 1,000 allowed, no rate limit in the way."""
    return {
        "HUB_DATABASE_URL": database_url,
        "HUB_MAX_PAGE_SIZE": "1000",
        "HUB_REQUESTS_PER_MINUTE": str(10**9),
        "HUB_MAX_BODY_BYTES": str(256 * 1024 * 1024),
        "HUB_RESPONSE_CACHE_BYTES": "0",  # uncached: what the targets are about
        **(extra or {}),
    }
