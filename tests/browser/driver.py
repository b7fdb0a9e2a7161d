"""Headless Chromium (Debian's package) driven by Playwright, and a hub served for it.

Shared by the browser tests and `make screenshots`: the real app under uvicorn on 127.0.0.1
and a free port, over a SQLite database loaded with the seed catalog and the demo data, and
one browser whose pages may reach that server only (anything else is refused and recorded).
Playwright's own browser download is never used: `executable_path` is Debian's chromium.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from catalog.mapping import load_source_catalog
from hub.app import create_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.demo import load_demo
from hub.metadata.store import import_catalog
from hub.settings import Settings

if TYPE_CHECKING:  # imported by the tests' conftest before it knows playwright is there
    from playwright.async_api import Browser, BrowserContext, Page, Playwright, Route

# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # as root (CI)
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Debian's chromium (`apt-get install chromium`), or HUB_CHROMIUM when set."""
    return os.environ.get("HUB_CHROMIUM") or shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def seed_demo_database(directory: Path) -> str:
    """A new SQLite database with the seed catalog and the demo data (as `make serve` loads)."""
    url = f"sqlite+aiosqlite:///{directory / 'hub-demo.sqlite3'}"
    await asyncio.to_thread(run_migrations, url)
    engine = create_engine(Settings(database_url=url))
    try:
        async with create_session_factory(engine)() as session:
            await import_catalog(load_source_catalog(), session=session)
            await load_demo(session=session)
            await session.commit()
    finally:
        await engine.dispose()
    return url


class ServedHub:
    """The hub under uvicorn in a thread of its own, on 127.0.0.1 and a free port."""

    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = Settings(database_url=database_url, base_iri=f"{self.url}/id")
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="served-hub", daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start on {self.url}")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


async def launch_chromium(playwright: Playwright) -> Browser:
    executable = chromium_path()
    if executable is None:
        raise RuntimeError("chromium is not installed: apt-get install -y chromium")
    # Playwright gives every launch a fresh, empty profile (--user-data-dir) of its own.
    return await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


@dataclass
class PageWatch:
    """What went wrong on a page: console errors, script errors, failed or foreign requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [
            *(f"console: {m}" for m in self.console_errors),
            *(f"script: {m}" for m in self.page_errors),
            *(f"failed: {m}" for m in self.failed_requests),
            *(f"left {self.origin}: {m}" for m in self.foreign_requests),
        ]


@asynccontextmanager
async def watched_page(
    browser: Browser, origin: str, *, width: int = 1280, height: int = 900
) -> AsyncIterator[tuple[Page, PageWatch]]:
    """A page in a fresh context that may load from `origin` only, with what went wrong."""
    watch = PageWatch(origin)
    context: BrowserContext = await browser.new_context(
        viewport={"width": width, "height": height}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )

    async def only_the_hub(route: Route) -> None:
        url = route.request.url
        if url.startswith(origin + "/") or url == origin or url.startswith("data:"):
            await route.continue_()
        else:
            watch.foreign_requests.append(url)
            await route.abort("blockedbyclient")

    await context.route("**/*", only_the_hub)
    page = await context.new_page()
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: (
            None
            if r.url in watch.foreign_requests
            else watch.failed_requests.append(f"{r.url} {r.failure}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            watch.failed_requests.append(f"{r.url} HTTP {r.status}") if r.status >= 400 else None
        ),
    )
    try:
        yield page, watch
    finally:
        await context.close()


async def open_page(page: Page, url: str) -> str:
    """Go to `url` and wait until its script says the figures are drawn; its `data-ready`."""
    await page.goto(url)
    await page.wait_for_selector("body[data-ready]", timeout=20_000)
    state: str = await page.get_attribute("body", "data-ready") or ""
    return state
