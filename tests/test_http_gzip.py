"""/metrics with Accept-Encoding: gzip, read by other people's decoders: curl, Chromium, aiohttp, zlib.

A response must be ONE gzip member: curl, browsers and many HTTP libraries stop after the first member of a
multi-member stream (curl exits 23), so a body of one member per family showed them only the first family.
"""

from __future__ import annotations

import asyncio
import shutil
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from selenium.webdriver.common.by import By

from porto_exporter.cli import build_collectors
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator

from .test_landing import chrome
from .test_service import serve, wait_ready

OPENMETRICS = "application/openmetrics-text; version=1.0.0"


@pytest.fixture
async def served(sim: Simulator) -> AsyncIterator[tuple[str, Scraper]]:
    """An exporter over real HTTP whose snapshot changes only when the test runs a cycle."""
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load([])), interval=3600, timeout=5)
    runner, url = await serve(scraper)
    async with aiohttp.ClientSession() as s:
        await wait_ready(s, url)
    yield url, scraper
    await runner.cleanup()


def series(text: bytes) -> list[bytes]:
    """Every line without its value: two scrapes agree on it while the exporter's own values move."""
    return [line if line.startswith(b"#") else line.rsplit(b" ", 1)[0] for line in text.splitlines()]


async def curl(url: str, *args: str) -> tuple[int, bytes]:
    assert shutil.which("curl"), "install curl"
    proc = await asyncio.create_subprocess_exec(
        "curl", "-sS", *args, url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out


async def check_curl(url: str, scraper: Scraper) -> None:
    snapshot = scraper.snapshot
    assert snapshot is not None
    for accept, porto in (("text/plain", snapshot.text), (OPENMETRICS, snapshot.openmetrics)):
        rc, decoded = await curl(url + "/metrics", "--compressed", "-H", f"Accept: {accept}")
        assert rc == 0  # 23 ("failure writing output") when the stream goes on after the first member
        rc, plain = await curl(url + "/metrics", "-H", f"Accept: {accept}", "-H", "Accept-Encoding: identity")
        assert rc == 0
        assert decoded.startswith(b"".join(porto)) and plain.startswith(b"".join(porto))  # every Porto byte
        assert series(decoded) == series(plain)  # and the per-scrape part after it, line for line
        assert b"porto_exporter_build_info" in decoded and decoded.endswith(b"\n")
        if accept == OPENMETRICS:
            assert decoded.endswith(b"# EOF\n") and decoded.count(b"# EOF") == 1
        rc, raw = await curl(url + "/metrics", "-H", f"Accept: {accept}", "-H", "Accept-Encoding: gzip")
        d = zlib.decompressobj(31)  # one gzip member, nothing after it
        assert rc == 0 and series(d.decompress(raw)) == series(decoded)
        assert d.eof and d.unused_data == b""


async def test_curl_compressed_reads_the_whole_body(served: tuple[str, Scraper]) -> None:
    url, scraper = served
    await check_curl(url, scraper)
    first = scraper.snapshot
    await scraper.cycle()  # the next snapshot reuses the unchanged families' segments
    second = scraper.snapshot
    assert first is not None and second is not None and second is not first
    reused = {id(p) for p in first.text_deflate} & {id(p) for p in second.text_deflate}
    assert len(reused) > len(second.text_deflate) // 4
    await check_curl(url, scraper)


async def test_one_gzip_member_for_zlib_and_aiohttp(served: tuple[str, Scraper]) -> None:
    url, scraper = served
    async with aiohttp.ClientSession(auto_decompress=False) as s:
        async with s.get(url + "/metrics", headers={"Accept-Encoding": "gzip"}) as r:
            assert r.headers["Content-Encoding"] == "gzip"
            raw = await r.read()
        assert int(r.headers["Content-Length"]) == len(raw)
    d = zlib.decompressobj(31)
    body = d.decompress(raw)
    assert d.eof and d.unused_data == b""
    assert scraper.snapshot is not None and body.startswith(b"".join(scraper.snapshot.text))
    # aiohttp's own decoder (it asks for gzip by default)
    async with aiohttp.ClientSession() as s, s.get(url + "/metrics", headers={"Accept": OPENMETRICS}) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        text = await r.read()
    assert text.startswith(b"".join(scraper.snapshot.openmetrics)) and text.endswith(b"# EOF\n")


async def test_chromium_shows_the_whole_exposition(served: tuple[str, Scraper]) -> None:
    url, scraper = served
    async with aiohttp.ClientSession() as s, s.get(url + "/metrics", headers={"Accept-Encoding": "identity"}) as r:
        plain = await r.read()

    def load_in_chromium() -> str:
        driver = chrome()
        try:
            driver.get(url + "/metrics")  # Chromium asks for gzip, deflate, br
            return str(driver.find_element(By.TAG_NAME, "pre").get_attribute("textContent"))
        finally:
            driver.quit()

    shown = (await asyncio.to_thread(load_in_chromium)).encode()
    assert scraper.snapshot is not None and shown.startswith(b"".join(scraper.snapshot.text))
    assert series(shown) == series(plain)
