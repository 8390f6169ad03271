"""The landing page laid out in a wide and a narrow window (real headless Chromium), screenshots saved.

The screenshots go to pytest's tmp_path (or to $LANDING_SCREENSHOTS when set, e.g. to look at them or
to refresh docs/landing.png); the assertions are the layout facts a person would check on them.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from .test_landing import chrome, column, page_url, until

__all__ = ["page_url"]  # the fixture, shared with test_landing.py

# One way per kind: ages and uptimes in whole units, largest two ("8 s", "21 s", "3 min 5 s", "2 h 10 min",
# "4 d 3 h"); how long something took in seconds with three decimals ("0.012 s"); an en dash when unknown.
NONE = "\u2013"
AGE = re.compile(rf"\d+ s|\d+ min \d+ s|\d+ h \d+ min|\d+ d \d+ h|{NONE}")
TOOK = re.compile(rf"\d+\.\d{{3}} s|{NONE}")

LAYOUT = """
const cards = [...document.querySelectorAll('.cards .card')].map((c) => c.getBoundingClientRect());
const overflowing = [...document.querySelectorAll('body *')].filter((n) => {
  const r = n.getBoundingClientRect();
  return r.width > 0 && r.right > window.innerWidth + 0.5 && !n.closest('.scroll');
}).map((n) => n.tagName + (n.id ? '#' + n.id : '') + (n.className ? '.' + n.className : ''));
return {
  inner: window.innerWidth,
  scroll: document.documentElement.scrollWidth,
  left: Math.min(...cards.map((r) => r.left)), right: Math.max(...cards.map((r) => r.right)),
  cards: cards.map((r) => [r.left, r.right]),
  overflowing: overflowing,
};
"""


def viewport(driver: WebDriver, width: int, height: int) -> None:
    """An exact CSS viewport (what a window of that size shows), whatever the headless window's chrome."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def texts(driver: WebDriver, css: str) -> list[str]:
    return [n.text for n in driver.find_elements(By.CSS_SELECTOR, css)]


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("LANDING_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


@pytest.mark.parametrize("width", [1400, 420])
async def test_the_page_uses_a_wide_window_and_fits_a_narrow_one(page_url: str, width: int, shots: Path) -> None:
    driver = await asyncio.to_thread(chrome)
    try:
        await asyncio.to_thread(viewport, driver, width, 900)
        await asyncio.to_thread(driver.get, page_url + "/")
        await until(
            lambda: (column(driver, 7) and driver.find_element(By.ID, "cycle").text != "…") or None, "the page drawn"
        )
        layout: dict[str, Any] = await asyncio.to_thread(driver.execute_script, LAYOUT)
        shot = shots / f"landing-{width}.png"
        await asyncio.to_thread(driver.save_screenshot, str(shot))
        ages = [*texts(driver, "#age, #portod-uptime"), *column(driver, 7)]
        took = [*texts(driver, "#cycle"), *texts(driver, "#collectors td:nth-child(3)")]
    finally:
        await asyncio.to_thread(driver.quit)
    print(f"screenshot: {shot}")
    assert layout["inner"] == width, layout
    assert layout["scroll"] <= width, f"the page scrolls sideways at {width} px: {layout}"
    assert layout["overflowing"] == [], layout["overflowing"]
    assert layout["right"] - layout["left"] >= 0.9 * (width - 40), f"the cards leave the window empty: {layout}"
    assert all(right <= width for _, right in layout["cards"]), layout
    assert ages and all(AGE.fullmatch(t) for t in ages), sorted(set(ages))
    assert took and all(TOOK.fullmatch(t) for t in took), sorted(set(took))
