"""The landing page's JSON (/api/v1/overview) is built from the collectors' structured samples, never from text."""

from __future__ import annotations

import json

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.cli import build_collectors
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator

from .conftest import poll, rename
from .test_service import serve

# Characters the exposition escapes (quote, backslash, newline) and line breaks it does not (CR, U+2028):
# text split into lines and parsed back would lose or mangle this name; structured values carry it as it is.
ODD = 'odd "quoted" \\back\\slash\nnew line\rcr\u2028ls'


async def test_overview_carries_a_name_needing_escapes_exactly(sim: Simulator) -> None:
    rename(sim, "idle-worker", ODD)
    sim.host.by_name[ODD].memory_limit = 123 << 20  # a spec-tier (kept) value to find in its row
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load([])), interval=3600, timeout=5)
    runner, url = await serve(scraper)  # one cycle now, the next in an hour
    try:
        async with aiohttp.ClientSession() as s:

            async def ready() -> bool:
                async with s.get(url + "/-/ready") as r:
                    return r.status == 200

            await poll(ready, "the first cycle")
            async with s.get(url + "/api/v1/overview") as r:
                assert r.status == 200, await r.text()
                doc = json.loads(await r.text())
            async with s.get(url + "/metrics") as r:
                metrics = await r.text()
    finally:
        await runner.cleanup()
    columns = doc["containers"]["columns"]
    rows = {row[0]: dict(zip(columns, row, strict=True)) for row in doc["containers"]["rows"]}
    assert ODD in rows, sorted(rows)
    assert rows[ODD]["state"] == "running" and rows[ODD]["memory_limit_bytes"] == 123 << 20
    assert rows[ODD]["age_seconds"] is not None
    # and the exposition writes it escaped, as another parser reads it back
    states = {
        (s.labels["container"], s.labels["state"])
        for f in text_string_to_metric_families(metrics)
        if f.name == "porto_container_state"
        for s in f.samples
        if s.value == 1
    }
    assert (ODD, "running") in states
