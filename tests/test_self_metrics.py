"""The exporter's own metrics say what they mean, read over real HTTP and parsed by prometheus_client.

Each test serves the aiohttp app on a real TCP port (or runs the exporter process) against the simulator on
a unix socket, injects the fault (portod stopped, replies delayed or held, a method portod lacks) and reads
/metrics with aiohttp's client; promtool checks what is served where the output changes shape.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.cli import build_collectors
from porto_exporter.collect import Batch, CollectContext, Collector
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator
from porto_exporter.web import build_app

from .conftest import answer_with, before_each_request, free_port

PORTOD_COLLECTORS = ("system", "containers", "volumes", "storage")
# the collectors that ask portod's API (not the events subscription, nor portod's own metrics endpoint)
API_ONLY = ["--no-collector.events", "--no-collector.portod_metrics"]
Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def serve(scraper: Scraper) -> tuple[web.AppRunner, str]:
    """The app on a real port; a handler still waiting at shutdown is cut after 1 s (aiohttp's default: 60)."""
    runner = web.AppRunner(build_app(scraper), shutdown_timeout=1.0)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def scrape(session: aiohttp.ClientSession, url: str) -> tuple[str, Series]:
    async with session.get(url + "/metrics", headers={"Accept-Encoding": "identity"}) as r:
        assert r.status == 200
        text = await r.text()
    series = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    return text, series


async def scrape_once(session: aiohttp.ClientSession, scraper: Scraper) -> tuple[str, Series]:
    """Serve ``scraper`` on a real port for one scrape of /metrics (on demand: that scrape runs the cycle)."""
    runner, url = await serve(scraper)
    try:
        return await scrape(session, url)
    finally:
        await runner.cleanup()


def by_collector(series: Series, name: str) -> dict[str, float]:
    return {dict(labels)["collector"]: v for (n, labels), v in series.items() if n == name}


def promtool_clean(text: str) -> None:
    check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True, check=False)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), check.stdout + check.stderr


def hold_replies(sim: Simulator) -> tuple[asyncio.Event, asyncio.Event]:
    """Hold every request the simulator gets until ``release`` is set; ``asked`` is set by the first one."""
    asked, release = asyncio.Event(), asyncio.Event()

    async def hold(req: pb.TPortoRequest) -> None:
        asked.set()
        await release.wait()

    before_each_request(sim, hold)
    return asked, release


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_a_refused_collector_reports_how_long_it_took_not_the_timeout(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """Before: with portod gone, every collector read 10 (the --scrape.timeout) for a refusal taking ~1 ms."""
    await sim.stop()
    scraper = Scraper(
        PortoClient(sim.socket_path, timeout=10), build_collectors(load(API_ONLY)), interval=0, timeout=10
    )
    _, series = await scrape_once(http, scraper)
    assert series[("porto_up", ())] == 0
    cycle = series[("porto_exporter_cycle_duration_seconds", ())]
    durations = by_collector(series, "porto_exporter_collector_duration_seconds")
    assert set(durations) == set(PORTOD_COLLECTORS)
    for name, seconds in durations.items():
        assert 0 < seconds <= cycle < 10, (name, seconds, cycle)  # within the cycle that ran it, not the deadline


async def test_a_collector_cut_at_the_deadline_reports_the_deadline(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    asked, release = hold_replies(sim)
    scraper = Scraper(
        PortoClient(sim.socket_path, timeout=30), build_collectors(load(API_ONLY)), interval=0, timeout=0.3
    )
    runner, url = await serve(scraper)
    try:
        _, series = await scrape(http, url)
    finally:
        release.set()
        await runner.cleanup()
    assert asked.is_set()
    for name, seconds in by_collector(series, "porto_exporter_collector_duration_seconds").items():
        assert seconds >= 0.3, (name, seconds)
    assert set(by_collector(series, "porto_exporter_collector_success").values()) == {0}


async def test_portod_wait_is_wall_time_never_more_than_the_cycle(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """Before: the seconds of concurrent requests were summed (8.47 s of "wall" time in a 3.61 s cycle)."""
    sim.faults.delay = 0.2  # every reply: four collectors wait side by side, two of them for two replies in a row
    scraper = Scraper(
        PortoClient(sim.socket_path, timeout=10), build_collectors(load(API_ONLY)), interval=0, timeout=10
    )
    _, series = await scrape_once(http, scraper)
    cycle = series[("porto_exporter_cycle_duration_seconds", ())]
    wait = series[("porto_exporter_cycle_phase_seconds", (("phase", "portod_wait"),))]
    summed = sum(v for (n, _), v in series.items() if n == "porto_exporter_portod_request_seconds_total")
    assert summed > cycle  # the premise: requests overlapped
    assert 0.4 <= wait <= cycle, (wait, cycle)  # at least the two replies in a row, at most the cycle


async def test_data_age_grows_while_last_good_data_is_served(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """Before: only porto_exporter_snapshot_age_seconds, which stays near 0 while old container data is served."""
    scraper = Scraper(
        PortoClient(sim.socket_path, timeout=2, backoff_initial=0.01, backoff_max=0.02),
        build_collectors(load(API_ONLY)),
        interval=0,
        timeout=2,
        max_age=600,
    )
    runner, url = await serve(scraper)
    try:
        _, healthy = await scrape(http, url)
        assert set(by_collector(healthy, "porto_exporter_collector_data_age_seconds")) == set(PORTOD_COLLECTORS)
        await sim.stop()
        stopped = time.monotonic()
        for _ in range(200):  # each scrape is a cycle that fails (portod gone) and serves the last good data
            text, series = await scrape(http, url)
            ages = by_collector(series, "porto_exporter_collector_data_age_seconds")
            if ages and min(ages.values()) > 0.5:
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError(f"the data age never grew: {ages}")
    finally:
        await runner.cleanup()
    assert series[("porto_up", ())] == 0
    assert any(n == "porto_container_state" for n, _ in series)  # last good container data is still served
    assert set(ages) == set(PORTOD_COLLECTORS)
    assert all(age >= time.monotonic() - stopped - 0.5 for age in ages.values())  # read before portod went away
    assert series[("porto_exporter_snapshot_age_seconds", ())] < min(ages.values())  # rendered anew each cycle
    promtool_clean(text)


async def test_data_age_is_absent_for_a_collector_whose_data_was_dropped(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    await sim.stop()
    scraper = Scraper(PortoClient(sim.socket_path, timeout=2), build_collectors(load(API_ONLY)), interval=0, timeout=2)
    _, series = await scrape_once(http, scraper)
    assert by_collector(series, "porto_exporter_collector_data_age_seconds") == {}  # nothing served, no age


async def test_porto_up_and_collector_success_are_served_before_the_first_cycle_ends(
    sim: Simulator, procs: list[asyncio.subprocess.Process], http: aiohttp.ClientSession
) -> None:
    """Before: /metrics answered ~80 lines without porto_up until the first cycle ended (the exporter process)."""
    asked, release = hold_replies(sim)  # portod answers nothing: the first cycle cannot end
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter",
        f"--porto.socket={sim.socket_path}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--scrape.interval=1m",
        "--scrape.timeout=1m",
        stderr=asyncio.subprocess.DEVNULL,
    )
    procs.append(proc)
    try:
        for _ in range(400):
            try:
                text, series = await scrape(http, url)
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.025)
        else:
            raise AssertionError("the exporter never listened")
        await asyncio.wait_for(asked.wait(), 10)
        text, series = await scrape(http, url)  # the cycle is under way now, held by portod
        async with http.get(url + "/-/ready") as r:
            assert r.status == 503
    finally:
        release.set()
    assert series[("porto_up", ())] == 0
    assert by_collector(series, "porto_exporter_collector_success") == dict.fromkeys(
        ("system", "containers", "volumes", "storage", "events", "portod_metrics"), 0
    )
    promtool_clean(text)
    for _ in range(400):  # released: the first cycle ends, the snapshot's own porto_up replaces this one
        text, series = await scrape(http, url)
        if series.get(("porto_up", ())) == 1:
            break
        await asyncio.sleep(0.025)
    assert series[("porto_up", ())] == 1
    assert text.count("# TYPE porto_up gauge") == 1 and text.count("# TYPE porto_exporter_collector_success ") == 1
    promtool_clean(text)


class NoGetVolume:
    """A portod without GetVolume (older than typed volumes): the collector falls back to ListVolumes."""

    def __init__(self, sim: Simulator) -> None:
        self.original = sim.handle
        answer_with(sim, self.handle)

    async def handle(self, body: bytes, conn: object) -> pb.TPortoResponse | None:
        req = pb.TPortoRequest()
        req.ParseFromString(body)
        if req.HasField("GetVolume"):
            return pb.TPortoResponse(error=pb.InvalidMethod, errorMsg="invalid RPC method", timestamp=1)
        return await self.original(body, conn)


async def test_the_listvolumes_fallback_exports_no_build_time(sim: Simulator, http: aiohttp.ClientSession) -> None:
    """Before: the fallback served each volume's change_time as porto_volume_build_time_seconds."""
    NoGetVolume(sim)
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load(API_ONLY)), interval=0, timeout=5)
    _, series = await scrape_once(http, scraper)
    assert by_collector(series, "porto_exporter_collector_success")["volumes"] == 1
    names = {n for n, _ in series}
    assert {"porto_volume_info", "porto_volume_space_used_bytes"} <= names  # the fallback works
    assert "porto_volume_build_time_seconds" not in names


class Stall(Collector):
    """A collector that blocks the event loop (as converting 10,000 containers' replies on it did)."""

    name = "stall"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def collect(self, ctx: CollectContext) -> Batch:
        time.sleep(self.seconds)  # on purpose: the stall being measured
        return Batch.of([])


async def test_event_loop_lag_shows_a_stall(sim: Simulator, http: aiohttp.ClientSession) -> None:
    collectors = [*build_collectors(load(API_ONLY)), Stall(0.3)]
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), collectors, interval=0.2, timeout=5)
    runner, url = await serve(scraper)
    try:
        for _ in range(400):
            text, series = await scrape(http, url)
            if series[("porto_exporter_cycles_total", ())] >= 1:
                break
            await asyncio.sleep(0.025)
    finally:
        await runner.cleanup()
    # every cycle stalls the loop 0.3 s; a probe ticking every 0.05 s wakes at least 0.25 s late
    assert series[("porto_exporter_event_loop_lag_max_seconds", ())] >= 0.2
    promtool_clean(text)


@pytest.mark.parametrize("interval", [60.0, 0.0], ids=["background", "on-demand"])
async def test_stopping_mid_cycle_leaves_no_task_behind(
    sim: Simulator, http: aiohttp.ClientSession, interval: float
) -> None:
    """Before: the collector tasks of a cycle cut by shutdown ran on, and failed unretrieved at exit."""
    asked, release = hold_replies(sim)
    scraper = Scraper(
        PortoClient(sim.socket_path, timeout=30), build_collectors(load([])), interval=interval, timeout=30
    )
    runner, url = await serve(scraper)
    scrape_task = asyncio.create_task(scrape(http, url)) if interval == 0 else None  # on demand: a scrape's cycle
    try:
        await asyncio.wait_for(asked.wait(), 10)  # a cycle is waiting on portod
        await runner.cleanup()
        mine = ("collector ", "event loop lag")
        left = [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith(mine) and not t.done()]
        assert left == []
        assert scraper.cycles == 0
    finally:
        release.set()
        if scrape_task is not None:
            await asyncio.gather(scrape_task, return_exceptions=True)  # cut by the shutdown: an error is expected
