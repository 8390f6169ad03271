"""An include mask that matches nothing says so: a typo on a fleet must not look healthy.

Served over a real port against the simulator on a unix socket, read with aiohttp's client.
"""

from __future__ import annotations

import logging

import aiohttp
import pytest

from porto_exporter.collect import ContainersCollector, Selection
from porto_exporter.collect.containers import Api
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator

from .test_self_metrics import by_collector, scrape, serve

LOG = "porto_exporter.collect.containers"


def containers_logged(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    """What the containers collector logged about its include masks."""
    return [
        (r.levelno, r.getMessage())
        for r in caplog.records
        if r.name == LOG and r.levelno >= logging.INFO and "--containers.include" in r.getMessage()
    ]


@pytest.mark.parametrize("api", ["v5", "v4"])
async def test_an_include_matching_no_container_is_warned_once_and_recovery_logged(
    sim: Simulator, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: zero porto_container_* series, collector_success 1 and not a line in the log."""
    collector = ContainersCollector(api=api, selection=Selection(include=("nomatch", "typo/***")))
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [collector], interval=0, timeout=5)
    runner, url = await serve(scraper)
    try:
        async with aiohttp.ClientSession() as http:
            with caplog.at_level(logging.INFO, LOG):
                for _ in range(3):  # three cycles: one warning, not one per cycle
                    _, empty = await scrape(http, url)
                warned = containers_logged(caplog)
                sim.host.create("nomatch")
                for _ in range(2):
                    _, found = await scrape(http, url)
                logged = containers_logged(caplog)
    finally:
        await runner.cleanup()
    assert by_collector(empty, "porto_exporter_collector_success") == {"containers": 1}
    assert not any(name.startswith("porto_container_") for name, _ in empty)
    assert len(warned) == 1 and warned[0][0] == logging.WARNING, warned
    assert "nomatch typo/***" in warned[0][1] and "matches no container" in warned[0][1]
    assert any(name == "porto_container_state" and dict(labels).get("container") == "nomatch" for name, labels in found)
    back = "containers: --containers.include nomatch typo/*** now matches 1 container(s)"
    assert logged[1:] == [(logging.INFO, back)]


async def test_an_include_that_matches_from_the_start_logs_nothing(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    collector = ContainersCollector(selection=Selection(include=("***",)))
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), [collector], interval=0, timeout=5)
    try:
        with caplog.at_level(logging.INFO, LOG):
            await scraper.cycle()
            await scraper.cycle()
    finally:
        await scraper.close()
    assert containers_logged(caplog) == []
