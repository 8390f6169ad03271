"""What the containers collector asks portod for, request by request: filters and modelled cost.

Every test runs the collector against the simulator over a real socket and reads the simulator's
request log (``sim.cost.log``), which prices each request the way portod 5.3 spends on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from porto_exporter.collect import CollectContext, ContainersCollector, Selection
from porto_exporter.collect.containers import Api
from porto_exporter.collect.read_plan import MAX_NAME_FILTERS, name_filter_tries, plan_spec_read
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.cost import FILTER_TRY_SECONDS
from porto_exporter.simulator import Simulator, build_host
from porto_exporter.simulator.cost import RequestCost

from .conftest import FakeClock, before_each_request

BULK = 2_000
SPEC_PROP = "memory_limit"  # read only by the spec tier


@pytest.fixture
async def big(socket_dir: Path) -> AsyncIterator[tuple[Simulator, PortoClient, FakeClock]]:
    clock = FakeClock()
    host = build_host(seed=5, containers=BULK, clock=clock)
    async with Simulator(host, str(socket_dir / "big.sock")) as sim, PortoClient(sim.socket_path, timeout=60) as c:
        yield sim, c, clock


async def cycle(sim: Simulator, collector: ContainersCollector, client: PortoClient) -> list[RequestCost]:
    """One collection; the requests it made, as the simulator priced them (what is asked once per connection
    is asked before)."""
    await collector.learn(CollectContext(client))
    start = len(sim.cost.log)
    await collector.collect(CollectContext(client))
    return list(sim.cost.log)[start:]


def record_filters(sim: Simulator) -> list[str]:
    """Every name or mask the collector sends to portod from now on."""
    seen: list[str] = []

    def recording(req: pb.TPortoRequest) -> None:
        seen.extend(f.name for f in req.ListContainersBy.filters)
        seen.extend(req.Get.name)

    before_each_request(sim, recording)
    return seen


def leaves(sim: Simulator) -> list[str]:
    """The bulk containers themselves (bulk/sK/ct-NNNNN), not their group parents."""
    return sorted(n for n in sim.host.by_name if n.startswith("bulk/") and n.count("/") == 2)


def touch(sim: Simulator, names: list[str], clock: FakeClock) -> None:
    """Change containers' specs the way SetProperty does (their change_time moves)."""
    for name in names:
        c = sim.host.by_name[name]
        c.memory_limit = (c.memory_limit or 64 << 20) + (1 << 20)
        c.change_time = int(clock())


def test_the_planner_prices_both_ways_and_caps_names() -> None:
    assert name_filter_tries(3, 10) == 1 + 2 + 3 + 7 * 3
    one = plan_spec_read(["a"], containers=10_000, wanted=10_000, properties=25)
    assert one.by_name and one.filters == ("a",)
    half = plan_spec_read([f"c{i}" for i in range(1_000)], containers=2_000, wanted=2_000, properties=25)
    assert not half.by_name and half.filters == ("***",)
    many = plan_spec_read([f"c{i}" for i in range(MAX_NAME_FILTERS + 1)], containers=10**6, wanted=10**6, properties=25)
    assert not many.by_name  # even where naming would be cheaper: never more than 1,000 filters
    masked = plan_spec_read(
        [f"c{i}" for i in range(900)], containers=5_000, wanted=100, properties=25, masks=("team/***",)
    )
    assert masked.filters == ("team/***",)


def test_the_planners_crossover_is_where_the_real_portod_had_it() -> None:
    """portod 5.3.59, 2,901 containers, the 31-property spec read (bench/calib.py, bench/calib-results-2.json):
    100 names 26-29 ms, one ``***`` read 29-37 ms, 300 names 75-78 ms; naming stops paying at about 120."""
    host, props = 2_901, 31

    def plan(k: int) -> bool:
        return plan_spec_read([f"c{i}" for i in range(k)], containers=host, wanted=host, properties=props).by_name

    assert plan(100)
    assert not plan(300) and not plan(500)
    crossover = next(k for k in range(1, MAX_NAME_FILTERS + 1) if not plan(k))
    assert 100 < crossover < 160


async def test_cold_start_reads_the_spec_once_through_a_mask(big: tuple[Simulator, PortoClient, FakeClock]) -> None:
    sim, client, _ = big
    requests = await cycle(sim, ContainersCollector(), client)
    fast, spec = requests
    assert (fast.filters, spec.filters) == (1, 1)  # *** twice, not one filter per container
    assert spec.seconds < fast.seconds  # the cold cycle costs at most twice a warm one
    assert max(r.filters for r in requests) <= MAX_NAME_FILTERS


async def test_one_change_is_read_by_name_and_half_the_host_by_mask(
    big: tuple[Simulator, PortoClient, FakeClock],
) -> None:
    sim, client, clock = big
    collector = ContainersCollector()
    await cycle(sim, collector, client)
    clock.now += 5
    steady = await cycle(sim, collector, client)
    assert len(steady) == 1, "nothing changed: only the fast read"
    bulk = leaves(sim)
    touch(sim, bulk[:1], clock)
    clock.now += 5
    fast, spec = await cycle(sim, collector, client)
    assert spec.filters == 1 + 3  # the changed container and its ancestors (bulk/sN, bulk, /) by name
    assert spec.seconds < fast.seconds / 100
    touch(sim, bulk[: len(bulk) // 2], clock)
    clock.now += 5
    fast, spec = await cycle(sim, collector, client)
    assert spec.filters == 1, "half the host changed: one *** read is cheaper than 1,000 names"
    named = name_filter_tries(len(bulk) // 2, len(sim.host.by_name)) * FILTER_TRY_SECONDS
    assert spec.match_seconds < named / 100


async def test_include_masks_go_to_portod(big: tuple[Simulator, PortoClient, FakeClock]) -> None:
    sim, client, _ = big
    collector = ContainersCollector(selection=Selection(include=("infra/***", "a/***")))
    requests = await cycle(sim, collector, client)
    listing, fast, spec = requests
    assert listing.filters == 1 and fast.filters == 2 and spec.filters <= 2
    assert fast.containers < 20  # only the included containers' counters were dumped, not 2,000 bulk ones
    assert fast.seconds < listing.seconds * 10
    batch = await collector.collect(CollectContext(client))
    counted = {s.labels: s.value for s in batch if s.name == "porto_daemon_containers"}
    assert sum(counted.values()) == len(sim.host.by_name) - 1  # states still counted over the whole host
    assert not [s for s in batch if ("container", "bulk") in s.labels]


async def test_excluded_containers_cost_no_spec_reads(big: tuple[Simulator, PortoClient, FakeClock]) -> None:
    sim, client, clock = big
    named = record_filters(sim)
    collector = ContainersCollector(selection=Selection(exclude=("bulk", "bulk/***")))
    await cycle(sim, collector, client)
    named.clear()
    for _ in range(3):
        clock.now += 5
        requests = await cycle(sim, collector, client)
        assert sum(r.containers for r in requests[1:]) < 10  # at most a respawning job and its parents
    assert not [n for n in named if n.startswith("bulk")], "excluded containers were read again"


async def test_v4_fallback_names_at_most_a_thousand_per_request(
    big: tuple[Simulator, PortoClient, FakeClock],
) -> None:
    sim, client, clock = big
    collector = ContainersCollector(api="v4")
    cold = await cycle(sim, collector, client)
    assert [r.method for r in cold] == ["Get", "Get"] and all(r.tries for r in cold)  # masks, no names
    parents = sorted({n.rsplit("/", 1)[0] for n in leaves(sim)})
    touch(sim, parents, clock)  # a limit on every bulk/sN: all their children's totals must be re-read
    clock.now += 5
    warm = await cycle(sim, collector, client)
    assert max(r.filters for r in warm) <= MAX_NAME_FILTERS
    assert sum(r.lookups for r in warm) >= BULK  # the descendants, by name, in chunks


@pytest.mark.parametrize("api", ["v5", "v4"])
async def test_two_changes_in_one_second_are_not_lost(big: tuple[Simulator, PortoClient, FakeClock], api: Api) -> None:
    sim, client, clock = big
    clock.now = float(int(clock.now))  # at the start of a second
    await client.set_property("a/b/c", "memory_limit", "100M")
    collector = ContainersCollector(api=api)

    async def limit() -> float:
        batch = await collector.collect(CollectContext(client))
        return next(
            s.value
            for s in batch
            if s.name == "porto_container_memory_limit_bytes" and ("container", "a/b/c") in s.labels
        )

    assert await limit() == 100 << 20
    clock.now += 0.4  # the same second as that read
    await client.set_property("a/b/c", "memory_limit", "200M")
    assert sim.host.by_name["a/b/c"].change_time == int(clock.now)
    assert await limit() == 200 << 20
    clock.now += 5
    assert await limit() == 200 << 20


async def test_requests_never_carry_more_than_a_thousand_name_filters(
    big: tuple[Simulator, PortoClient, FakeClock],
) -> None:
    sim, client, clock = big
    seen: list[int] = []
    before_each_request(
        sim,
        lambda req: seen.append(
            len(req.ListContainersBy.filters) if req.HasField("ListContainersBy") else len(req.Get.name)
        ),
    )
    collector = ContainersCollector()
    bulk = leaves(sim)
    for share in (1, 10, 500, 999, 1_500, BULK):
        touch(sim, bulk[:share], clock)
        clock.now += 5
        await collector.collect(CollectContext(client))
    assert seen and max(seen) <= MAX_NAME_FILTERS, max(seen)
