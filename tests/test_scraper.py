"""The collection loop: collectors side by side under one deadline per cycle, and what it logs when they fail."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from porto_exporter.cli import build_collectors
from porto_exporter.collect import Batch, CollectContext, Collector
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator

from .conftest import answer_with, before_each_request


def slow_down(sim: Simulator, method: str, seconds: float) -> None:
    """Delay the simulator's replies to one method."""

    async def slow(req: pb.TPortoRequest) -> None:
        if req.HasField(method):
            await asyncio.sleep(seconds)

    before_each_request(sim, slow)


def gauge(batch: list[Batch], name: str, collector: str) -> float:
    return next(s.value for b in batch for s in b if s.name == name and ("collector", collector) in s.labels)


async def test_a_late_collector_is_cut_at_the_deadline_and_the_others_land(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    async with PortoClient(sim.socket_path, timeout=30) as client:
        scraper = Scraper(client, build_collectors(load([])), interval=0, timeout=0.5)
        await scraper.cycle()
        assert scraper.up
        before = {s.labels for b in scraper.last_batches for s in b if s.name == "porto_container_state"}
        slow_down(sim, "ListContainersBy", 5.0)
        caplog.set_level(logging.WARNING)
        await scraper.cycle()
    assert "collector containers: no reply from portod to ListContainersBy within 0.5s" in caplog.messages
    assert not [m for m in caplog.messages if "collector system" in m or "collector volumes" in m]
    batches = scraper.last_batches
    assert gauge(batches, "porto_exporter_collector_success", "containers") == 0
    for name in ("system", "volumes", "storage"):
        assert gauge(batches, "porto_exporter_collector_success", name) == 1
    after = {s.labels for b in batches for s in b if s.name == "porto_container_state"}
    assert after == before and after  # its last good samples are still served (max-age not reached)


async def test_collectors_run_side_by_side_each_on_its_own_connection(sim: Simulator) -> None:
    in_flight = most = 0
    original = sim.handle

    async def counting(body: bytes, conn: object) -> pb.TPortoResponse | None:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        try:
            await asyncio.sleep(0.05)
            return await original(body, conn)
        finally:
            in_flight -= 1

    answer_with(sim, counting)
    async with PortoClient(sim.socket_path, timeout=30) as client:
        scraper = Scraper(client, build_collectors(load([])), interval=0, timeout=30)
        await scraper.cycle()
        await scraper.close()
        # the pool: system, containers, volumes, storage, and events asking where the client is (its burst gives it
        # groups to name); the events subscription has a connection of its own
        assert client.stats.connects == 5
    assert most == 5  # system, containers, volumes, storage and the events' AsyncWait at the same time


async def test_porto_timeout_bounds_each_request(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    slow_down(sim, "GetSystem", 2.0)
    caplog.set_level(logging.WARNING)
    async with PortoClient(sim.socket_path, timeout=0.2) as client:
        scraper = Scraper(client, build_collectors(load([])), interval=0, timeout=30)
        await scraper.cycle()
    system = [m for m in caplog.messages if m.startswith("collector system: ")]
    assert system and system[0].endswith("GetSystem got no reply within 0.2s"), system
    assert gauge(scraper.last_batches, "porto_exporter_collector_success", "containers") == 1


class Broken(Collector):
    """A collector failing with an exception that carries no message."""

    name = "broken"

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    async def collect(self, ctx: CollectContext) -> Batch:
        raise self.exc


@pytest.mark.parametrize("exc", [OSError(), ConnectionResetError(), ValueError()])
async def test_every_failure_line_says_why(
    sim: Simulator, caplog: pytest.LogCaptureFixture, exc: BaseException
) -> None:
    caplog.set_level(logging.WARNING)
    async with PortoClient(sim.socket_path) as client:
        await Scraper(client, [Broken(exc)], interval=0, timeout=5).cycle()
    lines = [r.getMessage() for r in caplog.records if "broken" in r.getMessage()]
    assert lines and all(not line.rstrip().endswith(":") for line in lines), lines
    assert type(exc).__name__ in lines[0]


async def test_a_failure_is_logged_when_it_starts_and_when_it_ends_not_every_cycle(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="porto_exporter.scraper")
    await sim.stop()
    scraper = Scraper(
        PortoClient(sim.socket_path, timeout=1, backoff_initial=0.001, backoff_max=0.002),
        build_collectors(load(["--no-collector.events"])),
        interval=0,
        timeout=2,
    )
    try:
        for _ in range(5):  # portod away for five cycles
            await scraper.cycle()
            await asyncio.sleep(0.01)
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 4, warnings  # once per collector (system, containers, volumes, storage)
        assert all("No such file" in w for w in warnings)
        assert sum("still failing" in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG) == 16
        await sim.start()
        await scraper.cycle()
        await scraper.cycle()
    finally:
        await scraper.close()
    back = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert sorted(back) == sorted(
        f"collector {c}: working again" for c in ("system", "containers", "volumes", "storage")
    )


class Crashing(Collector):
    """A collector with a bug: the same exception every run until ``message`` changes or ``fixed`` is set."""

    name = "crashing"

    def __init__(self) -> None:
        self.message = "unexpected reply shape"
        self.fixed = False

    async def collect(self, ctx: CollectContext) -> Batch:
        if self.fixed:
            return Batch.of([])
        raise KeyError(self.message)


async def test_a_crash_is_logged_with_its_traceback_once_then_at_debug(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: a traceback at error level every cycle for as long as the collector kept crashing."""
    caplog.set_level(logging.DEBUG, logger="porto_exporter.scraper")
    crashing = Crashing()
    async with PortoClient(sim.socket_path) as client:
        scraper = Scraper(client, [crashing], interval=0, timeout=5)
        for _ in range(4):
            await scraper.cycle()
        crashing.message = "another shape"  # a different crash is news: logged again
        await scraper.cycle()
        crashing.fixed = True
        await scraper.cycle()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        "collector crashing: crashed: KeyError: 'unexpected reply shape'",
        "collector crashing: crashed: KeyError: 'another shape'",
    ]
    assert all(r.exc_info is not None and r.exc_info[0] is KeyError for r in errors)  # with the traceback
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert debug.count("collector crashing: still failing: crashed: KeyError: 'unexpected reply shape'") == 3
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert infos == ["collector crashing: working again"]


async def test_what_survives_a_cycle_is_frozen_out_of_the_full_collections(sim: Simulator) -> None:
    """A full gc pass at 50,000 containers walks the snapshot and caches for 90-140 ms, holding the GIL: after
    each cycle they are frozen (gc.freeze), so the collector only walks what the next cycle makes."""
    gc.unfreeze()
    async with PortoClient(sim.socket_path, timeout=30) as client:
        scraper = Scraper(client, build_collectors(load([])), interval=0, timeout=10)
        snapshot = await scraper.cycle()
        frozen = gc.get_freeze_count()
        tracked = {id(o) for o in gc.get_objects()}  # the generations the collector walks
        assert frozen > 0
        assert id(scraper.last_batches) not in tracked and id(snapshot.memo) not in tracked
