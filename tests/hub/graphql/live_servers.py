"""Real servers for live-update tests: uvicorn on 127.0.0.1 in this process or in a child
process, and a graphql-transport-ws client on the `websockets` package.

Servers are stopped by the fixtures that start them; a child process that does not stop
within seconds of SIGTERM is killed, so no test leaves one behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

PROJECT = Path(__file__).resolve().parents[3]
WAIT = 15.0  # seconds anything may take on a loaded machine before a test fails


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def serve_in_process(app: Starlette) -> AsyncIterator[str]:
    """Serve `app` with uvicorn on a free port of this event loop; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + WAIT
    while not server.started:
        if task.done() or time.monotonic() > deadline:
            await task  # raises why it stopped
            raise RuntimeError("uvicorn did not start")
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        async with asyncio.timeout(WAIT):
            await task


@asynccontextmanager
async def serve_in_children(database_url: str, count: int) -> AsyncIterator[list[str]]:
    """`count` processes of `hub.app:create_app` under uvicorn (started side by side);
    yields their base URLs."""
    ports = [free_port() for _ in range(count)]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "hub.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=PROJECT,
            env={**os.environ, "HUB_DATABASE_URL": database_url},
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        await asyncio.gather(
            *(_started(child, base) for child, base in zip(children, bases, strict=True))
        )
        yield bases
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                await asyncio.to_thread(child.wait, WAIT)
            except subprocess.TimeoutExpired:
                child.kill()
                await asyncio.to_thread(child.wait, WAIT)


async def _started(child: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 4 * WAIT  # a cold interpreter imports the whole hub
    async with httpx.AsyncClient(base_url=base) as client:
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"the hub at {base} exited with {child.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hub at {base} did not start")
            await asyncio.sleep(0.1)


class LiveClient:
    """One graphql-transport-ws connection: init, subscribe, read messages by id."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._ids = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(orjson.dumps(message).decode())

    async def receive(self, timeout: float = WAIT) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            raw = await self.connection.recv()
        message: dict[str, Any] = orjson.loads(raw)
        return message

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(self, query: str, **variables: Any) -> str:
        self._ids += 1
        op = str(self._ids)
        await self.send(
            {"id": op, "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )
        return op

    async def next_data(self, op: str, timeout: float = WAIT) -> dict[str, Any]:
        """The `data` of the next message of operation `op` (fails on anything else)."""
        message = await self.receive(timeout)
        assert message.get("id") == op and message["type"] == "next", message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data


@asynccontextmanager
async def live_client(
    base: str, headers: dict[str, str] | None = None
) -> AsyncIterator[LiveClient]:
    url = base.replace("http://", "ws://") + "/graphql"
    async with connect(
        url,
        subprotocols=["graphql-transport-ws"],
        additional_headers=headers,  # type: ignore[list-item]
    ) as connection:
        yield LiveClient(connection)
