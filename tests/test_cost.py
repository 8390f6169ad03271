"""portod's cost of a request, as the simulator charges it (and the read planner assumes it)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.cost import FILTER_TRY_SECONDS, filter_tries
from porto_exporter.simulator import Host, Simulator, build_host
from porto_exporter.simulator import cost as model
from porto_exporter.simulator.masks import match


def test_filter_tries_follow_portods_order() -> None:
    containers = ["/", "a", "a/b", "c"]
    assert filter_tries(["***"], containers) == (4, containers)  # one try each, the root included
    assert filter_tries(["c", "a"], containers) == (2 + 2 + 1 + 2, ["a", "c"])  # a: 2 tries, c: 1, others: all 2
    assert filter_tries(["a/*", "a"], containers) == (2 + 2 + 1 + 2, ["a", "a/b"])  # masks never match the root
    assert filter_tries([], containers) == (0, [])


def calib_host() -> list[str]:
    """The names of bench/calib.py's 2,901-container host (bench/real.py's shape), in portod's order."""
    names = ["/"]
    for g in range(1, 59):
        parent = f"pe-bench-a1b2c3/g{g:03d}" + ("/inner" if g % 4 == 0 else "")
        names += [f"pe-bench-a1b2c3/g{g:03d}", *([parent] if g % 4 == 0 else [])]
        names += [f"{parent}/c{(g - 1) * 50 + i:05d}" for i in range(1, 51)]
    return sorted(names[:2_902])


# bench/calib.py on portod 5.3.59 (bench/calib-results-2.json): the read naming k running containers of the
# 2,901-container host (names of 27-33 characters; wall, ``state`` only, median of 7-15)
MEASURED = ((100, 0.0257), (300, 0.0746), (1_000, 0.2370))


def test_measured_portod_times_are_reproduced_by_the_planner() -> None:
    names = calib_host()
    leaves = [n for n in names if "/c" in n]
    for named, measured in MEASURED:
        tries, matched = filter_tries(leaves[:: len(leaves) // named][:named], names)
        assert len(matched) == named
        assert tries * FILTER_TRY_SECONDS == pytest.approx(measured, rel=0.15)


def test_measured_portod_times_are_reproduced_by_the_simulator() -> None:
    names = calib_host()
    leaves = [n for n in names if "/c" in n]
    for named, measured in MEASURED:
        filters = [model.Filter(n) for n in leaves[:: len(leaves) // named][:named]]
        tries = model.filter_tries(filters, [(n, {}) for n in names])
        assert tries * model.FILTER_TRY_SECONDS == pytest.approx(measured, rel=0.15)


def portods_loop(filters: list[model.Filter], containers: list[tuple[str, dict[str, str]]]) -> int:
    """ListContainersBy's loop in portod's rpc.cpp, as written there: every container tries the filters in order;
    a filter whose name matches but whose labels do not is a try too, and the next filter is tried."""
    tries = 0
    for name, labels in containers:
        for flt in filters:
            tries += 1
            if match(flt.name, name) and all(labels.get(k) == v for k, v in flt.labels.items()):
                break
    return tries


def test_the_simulator_counts_tries_as_portods_loop_makes_them() -> None:
    rng = random.Random(11)
    shard = {c: {"APP.shard": f"s{c % 3}"} if c % 2 else {} for c in range(15)}
    leaves = sorted((f"g{g}/c{c:02d}", shard[c]) for g in range(6) for c in range(15))
    containers: list[tuple[str, dict[str, str]]] = [("/", {}), *leaves]
    names = [n for n, _ in containers]
    pool = [model.Filter(n) for n in [*names, "***", "g1/***", "g2/*", "nope", "g3/c1?", "***1"]]
    pool += [model.Filter(n, {"APP.shard": s}) for n in ("***", "g4/***", "g5/c3") for s in ("s0", "s1")]
    for _ in range(300):
        filters = rng.sample(pool, rng.randint(1, 10))
        assert model.filter_tries(filters, containers) == portods_loop(filters, containers)


async def test_a_label_filter_that_does_not_match_is_tried_past(socket_dir: Path) -> None:
    """Over the socket: a filter naming a container whose labels differ does not stop its tries."""
    host = build_host(seed=1)
    req = pb.TPortoRequest()
    req.ListContainersBy.filters.add(name="infra", labels=pb.TStringMap(map=[{"key": "TEAM.name", "val": "x"}]))
    req.ListContainersBy.filters.add(name="infra")
    req.ListContainersBy.field_options.properties.append("state")
    async with Simulator(host, str(socket_dir / "l.sock")) as sim, PortoClient(sim.socket_path) as c:
        rsp = await c.call(req)
        tries = sim.cost.log[-1].tries
    assert [ct.spec.name for ct in rsp.ListContainersBy.containers] == ["infra"]
    assert tries == 2 * len(host.by_name)  # infra: both filters; every other container: both, matching neither


@pytest.fixture(scope="module")
def big_host() -> Host:
    return build_host(seed=1, containers=10_000)


async def lcb_cost(sim: Simulator, filters: list[str]) -> tuple[float, int]:
    async with PortoClient(sim.socket_path, timeout=60) as c:
        await c.list_containers_by(filters, ["state"])
    entry = sim.cost.log[-1]
    assert entry.method == "ListContainersBy" and entry.filters == len(filters)
    return entry.match_seconds, entry.tries


async def test_filters_cost_containers_times_filters(socket_dir: Path, big_host: Host) -> None:
    names = sorted(n for n in big_host.by_name if n.startswith("bulk/"))
    async with Simulator(big_host, str(socket_dir / "big.sock")) as sim:
        one, one_tries = await lcb_cost(sim, ["***"])
        assert one_tries == len(big_host.by_name)
        thousand, _ = await lcb_cost(sim, names[:1_000])
        two_thousand, _ = await lcb_cost(sim, names[:2_000])
    assert 900 < thousand / one < 1_000  # ~1,000x the matching part of one *** filter
    assert two_thousand / thousand == pytest.approx(2.0, rel=0.1)  # linear in the number of filters


async def test_get_prices_names_as_lookups_and_masks_per_container(socket_dir: Path, big_host: Host) -> None:
    names = sorted(n for n in big_host.by_name if n.startswith("bulk/"))[:1_000]
    async with Simulator(big_host, str(socket_dir / "big.sock")) as sim, PortoClient(sim.socket_path) as c:
        await c.get(names, ["state"])
        by_name = sim.cost.log[-1]
        await c.get(["***", "bulk/***"], ["state"])
        by_mask = sim.cost.log[-1]
        await c.list_containers_by(names, ["state"])
        as_filters = sim.cost.log[-1]
    assert (by_name.lookups, by_name.tries) == (1_000, 0)
    assert (by_mask.lookups, by_mask.tries) == (0, 2 * (len(big_host.by_name) - 1))
    assert by_name.match_seconds * 1_000 < as_filters.match_seconds  # the same names as LCB filters: N x F
