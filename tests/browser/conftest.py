"""Browser fixtures: one hub with the demo data and one headless Chromium for the whole run.

The tests need Debian's chromium (`apt-get install -y chromium chromium-driver`) and the
playwright package (a dev dependency; its own browser download is never used). Without them
the tests are skipped locally; with `HUB_TEST_REQUIRE_BROWSER=1` (CI, set by .ci/run) they
fail instead, so a CI run never passes by skipping them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.browser.driver import ServedHub, chromium_path, seed_demo_database

REQUIRE_BROWSER = os.environ.get("HUB_TEST_REQUIRE_BROWSER", "") == "1"


def _browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (make .venv/.installed-stamp)"
    if chromium_path() is None:
        return "chromium is not installed (apt-get install -y chromium chromium-driver)"
    return None


@pytest.fixture(scope="session")
def browser_available() -> None:
    missing = _browser_missing()
    if missing and REQUIRE_BROWSER:
        pytest.fail(f"HUB_TEST_REQUIRE_BROWSER=1 but {missing}")
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="session")
async def served_hub(
    browser_available: None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServedHub]:
    """The real app under uvicorn on 127.0.0.1, over the seed catalog and the demo data."""
    hub = ServedHub(await seed_demo_database(tmp_path_factory.mktemp("browser")))
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture(scope="session")
async def browser(browser_available: None) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    from tests.browser.driver import launch_chromium

    async with async_playwright() as playwright:
        chromium = await launch_chromium(playwright)
        yield chromium
        await chromium.close()


@pytest.fixture
async def api(served_hub: ServedHub) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client of the served hub, to compute what the pages should show."""
    async with httpx.AsyncClient(base_url=served_hub.url, timeout=30) as client:
        yield client
