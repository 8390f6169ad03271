"""The containers collector when a cycle breaks part way: what changed is read again, never lost.

Each test changes a label, then breaks the cycle after the point where it
was read (portod answers an error, does not answer in time, or the scraper
cancels the collector at its deadline; or the conversion itself fails) and
checks that the next cycle serves the label. Through the simulator on a real
unix socket, with a hand-moved clock (portod's change_time and the v4
``changed_since`` cursor count whole seconds).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from porto_exporter.catalog import CONTAINER_METRICS
from porto_exporter.collect import CollectContext, ContainersCollector, LabelAllowlist, container_emit
from porto_exporter.collect.containers import Api
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.samples import Batch
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator, build_host

from .conftest import FakeClock, answer_with, before_each_request

if TYPE_CHECKING:
    from porto_exporter.collect.steps import Steps

CHANGED = "infra/db"  # has ancestors, so v4 reads them (by name) after the changed ones
LABEL = "label_APP_version"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def fsim(socket_dir: Path, clock: FakeClock) -> AsyncIterator[Simulator]:
    """A simulator whose clock moves only when the test moves it."""
    simulator = Simulator(build_host(seed=7, clock=clock), str(socket_dir / "portod.socket"))
    async with simulator:
        yield simulator


@pytest.fixture
async def fclient(fsim: Simulator) -> AsyncIterator[PortoClient]:
    async with PortoClient(fsim.socket_path, timeout=10.0) as c:
        yield c


Match = Callable[[pb.TPortoRequest], bool]


class Fault:
    """Breaks the first request ``matches`` accepts once ``armed``: answers an error, or holds it until released."""

    def __init__(self, sim: Simulator, matches: Match, action: str) -> None:
        self.armed = False
        self.hits = 0
        self.held = asyncio.Event()
        self.release = asyncio.Event()
        original = sim.handle

        async def handle(body: bytes, conn: object) -> pb.TPortoResponse | None:
            req = pb.TPortoRequest()
            req.ParseFromString(body)
            if self.armed and matches(req):
                self.armed = False
                self.hits += 1
                if action == "error":
                    return pb.TPortoResponse(
                        error=pb.Unknown, errorMsg="injected failure", timestamp=int(sim.host.clock())
                    )
                self.held.set()
                await self.release.wait()  # no reply until the test lets go (the client gave up by then)
            return await original(body, conn)

        answer_with(sim, handle)


def v4_relatives_get(req: pb.TPortoRequest) -> bool:
    """v4's third read: the changed containers' relatives, by name, without a cursor."""
    return req.HasField("Get") and "***" not in req.Get.name and not req.Get.HasField("changed_since")


def v5_spec_read(req: pb.TPortoRequest) -> bool:
    """v5's second read: the spec of what changed (labels are among its properties)."""
    return req.HasField("ListContainersBy") and "labels" in req.ListContainersBy.field_options.properties


LATER_READ = {"v4": v4_relatives_get, "v5": v5_spec_read}


def label(batches: list[Batch], container: str = CHANGED) -> str | None:
    for batch in batches:
        for s in batch:
            if s.name == "porto_container_labels" and ("container", container) in s.labels:
                return dict(s.labels).get(LABEL)
    return None


def success(scraper: Scraper) -> float:
    return next(s.value for s in scraper.last_batches[0] if s.name == "porto_exporter_collector_success")


async def change_label(client: PortoClient, clock: FakeClock, value: str) -> None:
    """Set the label in a second of its own, and let a second pass: a cursor taken now lies after the change."""
    clock.now += 2
    await client.set_label(CHANGED, "APP.version", value)
    clock.now += 2


@pytest.mark.parametrize("action", ["error", "timeout", "cancel"])
@pytest.mark.parametrize("api", ["v4", "v5"])
async def test_a_change_read_in_a_cycle_that_breaks_later_is_served_next_cycle(
    fsim: Simulator, clock: FakeClock, api: Api, action: str
) -> None:
    """The later read fails, times out (client deadline) or the scraper cancels the collector (cycle deadline)."""
    client_timeout, cycle_timeout = (0.3, 10.0) if action == "timeout" else (10.0, 0.3)
    async with PortoClient(fsim.socket_path, timeout=client_timeout) as client:
        collector = ContainersCollector(api=api, allowlist=LabelAllowlist(["APP.*"]))
        scraper = Scraper(client, [collector], interval=15.0, timeout=cycle_timeout)
        fault = Fault(fsim, LATER_READ[api], action)
        try:
            await scraper.cycle()  # cold: every spec read
            assert success(scraper) == 1 and label(scraper.last_batches) is None
            await change_label(client, clock, "7")
            fault.armed = True
            await scraper.cycle()
            assert fault.hits == 1, "the fault was not reached: the test no longer breaks the read it means to"
            assert success(scraper) == 0
            fault.release.set()
            clock.now += 2
            await scraper.cycle()
            assert success(scraper) == 1
            assert label(scraper.last_batches) == "7", "the change read in the broken cycle was lost"
            await change_label(client, clock, "8")  # and the collector still follows later changes
            await scraper.cycle()
            assert label(scraper.last_batches) == "8"
        finally:
            fault.release.set()
            await scraper.close()


@pytest.mark.parametrize("api", ["v4", "v5"])
async def test_a_change_is_kept_when_the_conversion_fails(
    fclient: PortoClient, clock: FakeClock, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every read answered, then turning the readings into samples fails: the next cycle reads them again."""
    collector = ContainersCollector(api=api, allowlist=LabelAllowlist(["APP.*"]))
    ctx = CollectContext(fclient)
    await collector.collect(ctx)
    await change_label(fclient, clock, "7")
    original = container_emit._emit

    def broken(*args: object) -> None:
        raise RuntimeError("injected conversion failure")

    monkeypatch.setattr(container_emit, "_emit", broken)  # a container's fast samples cannot be made
    with pytest.raises(RuntimeError, match="injected"):
        await collector.collect(ctx)
    monkeypatch.setattr(container_emit, "_emit", original)
    clock.now += 2
    assert label([await collector.collect(ctx)]) == "7"


async def test_the_slow_tier_is_read_again_when_its_cycle_fails(
    fclient: PortoClient, fsim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cycle that read a part of the slow tier but made no samples of it leaves it due: the next cycle reads it."""
    asked: list[set[str]] = []
    before_each_request(
        fsim,
        lambda req: (
            asked.append(set(req.ListContainersBy.field_options.properties))
            if req.HasField("ListContainersBy")
            else None
        ),
    )
    cycle_clock = FakeClock()
    collector = ContainersCollector(slow_interval=60.0, clock=cycle_clock)
    slow = {cm.prop for cm in collector.slow_parts[0]}  # the first part: its turn is the first warm cycle
    ctx = CollectContext(fclient)
    await collector.collect(ctx)  # cold: the slow tier waits for the next cycle
    cycle_clock.now += 15
    original = container_emit._emit

    def broken(*args: object) -> None:
        raise RuntimeError("injected conversion failure")

    monkeypatch.setattr(container_emit, "_emit", broken)  # a container's fast samples cannot be made
    asked.clear()
    with pytest.raises(RuntimeError, match="injected"):
        await collector.collect(ctx)
    assert slow <= set().union(*asked)
    monkeypatch.setattr(container_emit, "_emit", original)
    cycle_clock.now += 15
    asked.clear()
    batch = await collector.collect(ctx)
    assert slow <= set().union(*asked), "the slow tier was skipped until its next interval"
    assert [s for s in batch if s.name == "porto_container_memory_cache_bytes"]


@pytest.mark.parametrize("api", ["v4", "v5"])
async def test_a_cycle_cancelled_mid_conversion_leaves_whole_entries_and_loses_nothing(
    fclient: PortoClient, clock: FakeClock, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled (the scraper's deadline) half way through turning readings into samples: the next cycle
    serves the change that cycle read, and exactly what a collector starting afresh serves."""
    monkeypatch.setattr(container_emit, "SLICE", 4)  # several slices on the simulator's small host
    collector = ContainersCollector(api=api, allowlist=LabelAllowlist(["APP.*"]))
    collector.worker.budget = 0.0  # back to the loop after every slice
    ctx = CollectContext(fclient)
    await collector.collect(ctx)
    await change_label(fclient, clock, "7")
    emit = collector.emitter.emit
    task: asyncio.Task[Batch] | None = None
    slices = 0

    def cancelled_half_way(*args: Any) -> Steps[Batch]:
        nonlocal slices
        steps = emit(*args)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value
            slices += 1
            if slices == 3 and task is not None:
                task.cancel()  # takes effect where the worker gives the loop back
            yield

    monkeypatch.setattr(collector.emitter, "emit", cancelled_half_way)
    task = asyncio.create_task(collector.collect(ctx))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert slices == 3, "cancelled elsewhere than half way through the conversion"
    monkeypatch.setattr(collector.emitter, "emit", emit)
    clock.now += 2
    batch = await collector.collect(ctx)
    assert label([batch]) == "7", "the change read by the cancelled cycle was lost"
    fresh = await ContainersCollector(api=api, allowlist=LabelAllowlist(["APP.*"])).collect(ctx)
    assert spec_tier(batch) == spec_tier(fresh)


def spec_tier(batch: Batch) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The samples kept between cycles (spec tier, states), which a cut conversion could leave stale."""
    spec = {cm.metric.name for cm in CONTAINER_METRICS if cm.tier == "spec"}
    spec |= {"porto_container_info", "porto_container_labels", "porto_container_state"}
    return {(s.name, s.labels): s.value for s in batch if s.name in spec}
