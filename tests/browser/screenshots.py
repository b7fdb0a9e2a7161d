"""`make screenshots`: PNG screenshots of the dashboard pages, for people to look at.

    python -m tests.browser.screenshots [OUTPUT_DIR]   (default var/screenshots)

Serves the hub over a fresh database with the seed catalog and the demo data, opens each page
in headless Chromium (the driver of the browser tests) and writes one PNG per page, desktop
and phone widths. Nothing is committed: var/ is git-ignored.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from tests.browser.driver import (
    ServedHub,
    launch_chromium,
    open_page,
    seed_demo_database,
    watched_page,
)

PAGES = [
    ("overview-vi", "/", 1280),
    ("overview-en", "/?lang=en", 1280),
    ("overview-phone", "/", 390),
    ("indicator-exports", "/indicators/HUB-EXPORTS", 1280),
    ("indicator-population-en", "/indicators/0102?lang=en", 1280),
    ("compliance-monthly", "/regimes/HUB-RR-PROV-SEM-M/compliance", 1280),
    ("compliance-quarterly-en", "/regimes/HUB-RR-MIN-MACRO-Q/compliance?lang=en", 1280),
]


async def take_screenshots(output: Path) -> list[str]:
    """Write the PNGs into `output`; return what went wrong on the pages (nothing, normally)."""
    output.mkdir(parents=True, exist_ok=True)
    trouble: list[str] = []
    with tempfile.TemporaryDirectory() as directory:
        print("loading the seed catalog and the demo data ...", flush=True)
        hub = ServedHub(await seed_demo_database(Path(directory)))
        hub.start()
        try:
            async with async_playwright() as playwright:
                browser = await launch_chromium(playwright)
                for name, path, width in PAGES:
                    async with watched_page(browser, hub.url, width=width) as (page, watch):
                        state = await open_page(page, hub.url + path)
                        target = output / f"{name}.png"
                        await page.screenshot(path=str(target), full_page=True)
                        problems = watch.problems + ([] if state == "true" else [f"ready={state}"])
                        trouble += [f"{path}: {problem}" for problem in problems]
                        print(target)
                async with watched_page(browser, hub.url) as (page, watch):
                    await page.goto(hub.url + "/graphql")
                    await page.wait_for_selector(".graphiql-container .CodeMirror")
                    await page.click(".graphiql-execute-button")
                    await page.wait_for_selector(".result-window .CodeMirror-code >> text=areaName")
                    target = output / "graphiql.png"
                    await page.screenshot(path=str(target))
                    trouble += [f"/graphql: {problem}" for problem in watch.problems]
                    print(target)
                await browser.close()
        finally:
            hub.stop()
    return trouble


def main() -> None:
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots")
    trouble = asyncio.run(take_screenshots(output))
    if trouble:
        sys.exit("problems on the pages:\n" + "\n".join(trouble))


if __name__ == "__main__":
    main()
