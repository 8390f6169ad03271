"""The landing page says what it is showing: simulated data, and why the container table is empty.

Headless Chromium (Debian's) reads the real aiohttp app over HTTP; the scraper reads the simulator over a real
unix socket, or a socket where nothing listens (portod down).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from porto_exporter.cli import build_collectors
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator

from .conftest import poll
from .test_landing import browser, until  # noqa: F401  (browser is a fixture)
from .test_service import serve


def shown(driver: WebDriver, element_id: str) -> bool:
    return bool(driver.find_element(By.ID, element_id).is_displayed())


async def first_cycle(scraper: Scraper) -> None:
    async def ended() -> bool:
        return scraper.cycles >= 1

    await poll(ended, "a first cycle", seconds=10, every=0.05)


async def overview(url: str) -> dict[str, dict[str, object]]:
    async with aiohttp.ClientSession() as s, s.get(url + "/api/v1/overview") as r:
        return json.loads(await r.text())


async def test_simulated_data_is_said_on_the_page(sim: Simulator, browser: WebDriver) -> None:  # noqa: F811
    for simulated in (False, True):
        scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load([])), interval=0.3, timeout=5)
        scraper.simulated = simulated
        runner, url = await serve(scraper)
        try:
            await first_cycle(scraper)
            assert (await overview(url))["exporter"]["simulated"] is simulated
            await asyncio.to_thread(browser.get, url + "/")
            await until(lambda: browser.find_element(By.ID, "portod-status").text == "up" or None, "the summary")
            assert await asyncio.to_thread(shown, browser, "simulated") is simulated
            if simulated:
                banner = await asyncio.to_thread(lambda: browser.find_element(By.ID, "simulated").text)
                assert "SIMULATED" in banner
        finally:
            await runner.cleanup()


async def test_an_empty_table_says_why(tmp_path: Path, browser: WebDriver) -> None:  # noqa: F811
    nobody = str(tmp_path / "portod.socket")  # nothing listens: portod down from the start
    scraper = Scraper(PortoClient(nobody, timeout=1), build_collectors(load([])), interval=0.3, timeout=2)
    runner, url = await serve(scraper)
    try:
        await first_cycle(scraper)
        doc = await overview(url)
        assert doc["exporter"]["up"] is False and doc["exporter"]["containers_age_seconds"] is None
        await asyncio.to_thread(browser.get, url + "/")
        text = await until(
            lambda: (t := browser.find_element(By.CSS_SELECTOR, "#containers td.empty").text) and t,
            "the empty table's message",
        )
        assert "portod has not answered" in text
        assert await asyncio.to_thread(lambda: browser.find_element(By.ID, "rows-age").text) == "none served"
        assert await asyncio.to_thread(lambda: browser.find_element(By.ID, "portod-status").text) == "down"
    finally:
        await runner.cleanup()
