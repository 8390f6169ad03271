"""The landing page in a real headless Chromium (Debian's chromium + chromium-driver, via selenium),
served by the real aiohttp app over HTTP from a simulated portod."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import aiohttp
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

from porto_exporter.cli import build_collectors
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import BUSY_CONTAINER, Simulator

from .conftest import before_each_request, poll, rename
from .test_service import serve

XSS = "<img src=x onerror=alert(1)>"
T = TypeVar("T")


def chrome() -> WebDriver:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver, "install Debian's chromium and chromium-driver (bash .ci/test does)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(driver))


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    driver = chrome()
    yield driver
    driver.quit()


@pytest.fixture
async def page_url(sim: Simulator) -> AsyncIterator[str]:
    rename(sim, "idle-worker", XSS)
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load([])), interval=0.5, timeout=5)
    runner, url = await serve(scraper)
    async with aiohttp.ClientSession() as s:

        async def cpu_known() -> bool:  # two cycles: CPU is a rate
            async with s.get(url + "/api/v1/overview") as r:
                doc = json.loads(await r.text())
            return any(row[2] is not None for row in doc["containers"]["rows"])

        await poll(cpu_known, "a CPU reading in /api/v1/overview", seconds=10, every=0.1)
    yield url
    await runner.cleanup()


async def until(check: Callable[[], T | None], what: str, seconds: float = 15.0) -> T:
    """Poll a (blocking) browser check in a thread, so the event loop keeps serving the page."""
    return await poll(lambda: asyncio.to_thread(check), what, seconds=seconds, every=0.1)


def column(driver: WebDriver, index: int) -> list[str]:
    return [td.text for td in driver.find_elements(By.CSS_SELECTOR, f"#containers tbody td:nth-child({index + 1})")]


def cores(text: str) -> float | None:
    return None if text in ("\u2013", "") else float(text)  # an en dash: no reading


async def test_landing_page_lists_sorts_filters_and_shows_names_as_text(
    page_url: str, sim: Simulator, browser: WebDriver
) -> None:
    await asyncio.to_thread(browser.get, page_url + "/")
    expected = {"/", *(c.name for c in sim.host.containers())}
    names = await until(lambda: set(column(browser, 0)) or None, "rows")
    assert names == expected  # every container, the hostile name included, as text
    cells = await asyncio.to_thread(browser.find_elements, By.CSS_SELECTOR, "#containers tbody td.name")
    assert XSS in [c.text for c in cells]
    assert not await asyncio.to_thread(browser.find_elements, By.CSS_SELECTOR, "#containers tbody img")
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text  # the onerror handler never ran
    assert (await asyncio.to_thread(browser.find_element, By.ID, "portod-status")).text == "up"

    header = await asyncio.to_thread(browser.find_element, By.CSS_SELECTOR, '#containers th[data-key="2"]')
    for descending in (False, True):  # sorted by CPU (desc) at first: one click ascends, the next descends
        await asyncio.to_thread(header.click)
        values = [cores(t) for t in column(browser, 2)]
        known = [v for v in values if v is not None]
        assert known == sorted(known, reverse=descending) and len(known) >= 5
        assert values[: len(known)] == known  # containers without a CPU reading come last
    # the busiest container comes right after its ancestors, whose usage includes it
    assert column(browser, 0)[:4] == ["/", "infra", "infra/web", BUSY_CONTAINER]

    box = await asyncio.to_thread(browser.find_element, By.ID, "filter")
    await asyncio.to_thread(box.send_keys, "infra/web")
    narrowed = await until(
        lambda: rows if (rows := column(browser, 0)) and len(rows) < len(expected) else None, "filter"
    )
    assert narrowed and all("infra/web" in n for n in narrowed)
    assert set(narrowed) == {n for n in expected if "infra/web" in n}

    # one refresh later (the page's timer, every 5 s; each sets a new "Updated <time>") the page is still whole
    drawn = await asyncio.to_thread(lambda: browser.find_element(By.ID, "status").text)
    assert drawn.startswith("Updated "), drawn
    redrawn = await until(
        lambda: text if (text := browser.find_element(By.ID, "status").text) != drawn else None, "a refresh"
    )
    assert redrawn.startswith("Updated "), redrawn
    assert set(column(browser, 0)) == set(narrowed)
    logs: list[dict[str, Any]] = await asyncio.to_thread(browser.get_log, "browser")
    assert [e for e in logs if e["level"] in ("SEVERE", "WARNING")] == []


async def test_overview_json_comes_from_the_snapshot(page_url: str, sim: Simulator) -> None:
    async with aiohttp.ClientSession() as s, s.get(page_url + "/api/v1/overview") as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("application/json")
        doc = json.loads(await r.text())
    rows = {row[0]: dict(zip(doc["containers"]["columns"], row, strict=True)) for row in doc["containers"]["rows"]}
    busy = rows[BUSY_CONTAINER]
    assert busy["state"] == "running" and 0.1 < busy["cpu_cores"] < 0.3  # limited to 0.2 cores
    assert rows["infra/web/mem-hog"]["memory_limit_bytes"] == 256 << 20
    assert rows["oom-victim"]["state"] == "dead" and rows["oom-victim"]["oom_kills"] == 1
    assert doc["portod"]["version"] and doc["exporter"]["collectors"]["containers"]["success"] is True


async def test_opening_the_page_sends_portod_nothing(sim: Simulator) -> None:
    methods: list[str] = []
    before_each_request(sim, lambda req: methods.append(req.ListFields()[0][0].name))
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load([])), interval=3600, timeout=5)
    runner, url = await serve(scraper)  # one cycle now, the next in an hour
    try:
        async with aiohttp.ClientSession() as s:

            async def settled() -> bool:  # the first cycle is done and the events subscription has subscribed
                return scraper.ready and "AsyncWait" in methods

            await poll(settled, "a first cycle and the events subscription's AsyncWait", seconds=10)
            before = list(methods)
            for path in ("/", "/api/v1/overview", "/static/app.js", "/api/v1/overview"):
                async with s.get(url + path) as r:
                    assert r.status == 200, path
    finally:
        await runner.cleanup()
    assert before and methods[len(before) :] in ([], ["StopAsyncWait"])  # cleanup unsubscribes, nothing else
