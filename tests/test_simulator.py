"""Simulator behaviour beyond the captures: time, hierarchy, lifecycle, names, scale, CLI."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from porto_exporter.catalog import STATES
from porto_exporter.porto import PortoClient, errors
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.values import parse_uint_map
from porto_exporter.simulator import BUSY_CONTAINER, BUSY_CPU_CORES, Behaviour, Frame, Simulator, build_host
from porto_exporter.simulator.accounting import HOST_CORES, HOST_MEMORY
from porto_exporter.simulator.container import Container
from porto_exporter.simulator.cost import FILTER_TRY_SECONDS, STOPPED_BASE_SECONDS, STOPPED_PER_PROPERTY_SECONDS
from porto_exporter.simulator.properties import PROPERTIES
from porto_exporter.simulator.scenario import LEAKY_CONTAINER

from .conftest import FakeClock, texts


def test_counters_advance_at_the_configured_rate() -> None:
    clock = FakeClock()
    host = build_host(seed=3, clock=clock)
    busy = host.by_name[BUSY_CONTAINER]
    before = Frame(host, clock()).value(busy, "cpu_usage")
    clock.now += 10
    after = Frame(host, clock()).value(busy, "cpu_usage")
    assert after - before == pytest.approx(BUSY_CPU_CORES * 10 * 1e9, rel=1e-6)
    assert Frame(host, clock()).value(busy, "cpu_throttled") > 0  # it wants more than its limit


def test_parent_includes_children_and_inherited_cgroups() -> None:
    clock = FakeClock()
    host = build_host(seed=3, clock=clock)
    frame = Frame(host, clock())
    web = host.by_name["infra/web"]
    kids = [host.by_name[n] for n in ("infra/web/cpu-hog", "infra/web/mem-hog", "infra/web/threads", "infra/web/leaky")]
    assert frame.value(web, "cpu_usage") == pytest.approx(sum(frame.value(k, "cpu_usage") for k in kids), abs=3)
    # cpu-hog has no memory limit, so no memory cgroup: it reports infra/web's memory (which includes mem-hog)
    assert "memory" not in kids[0].controllers()
    assert frame.value(kids[0], "memory_usage") == frame.value(web, "memory_usage")
    assert frame.value(kids[1], "memory_usage") < frame.value(web, "memory_usage")
    root = host.root
    assert frame.value(root, "cpu_usage") > frame.value(host.by_name["infra"], "cpu_usage")


def test_stopping_a_child_keeps_the_parents_counter_monotonic() -> None:
    clock = FakeClock()
    host = build_host(seed=3, clock=clock)
    clock.now += 30
    web = host.by_name["infra/web"]
    before = Frame(host, clock()).value(web, "cpu_usage")
    host.stop(BUSY_CONTAINER)
    assert Frame(host, clock()).value(web, "cpu_usage") >= before


def test_respawning_container_cycles_and_bumps_change_time() -> None:
    clock = FakeClock()
    host = build_host(seed=3, clock=clock, age=0)
    flaky = host.by_name["flaky"]
    first = flaky.change_time
    seen = set()
    for _ in range(40):
        clock.now += 1
        host.advance(clock())
        seen.add(flaky.state)
    assert seen == {"running", "respawning"}
    assert flaky.respawn_count == 2
    assert flaky.change_time > first


def test_exit_and_oom_behaviours() -> None:
    clock = FakeClock()
    host = build_host(seed=3, clock=clock)
    c = host.create("job")
    c.command = "sleep 5"
    c.behaviour.exit_after = 5
    c.behaviour.exit_code = 2
    host.start("job")
    clock.now += 6
    host.advance(clock())
    assert (c.state, c.exit_code, c.exit_status) == ("dead", 2, 512)
    oom = host.by_name["oom-victim"]
    assert (oom.state, oom.exit_code, oom.oom_killed, oom.oom_kills) == ("dead", -99, True, 1)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("solo", True),
        ("n1/b-c_d.e@f:g", True),
        ("x" * 200, True),
        ("x" * 201, False),
        ("/".join(["l"] * 16), True),
        ("/".join(["l"] * 17), False),
        ("bad name", False),
        ("n2//b", False),
        ("n3/./b", False),
        ("", False),
        ("self", False),
        ("n4/b$", False),
    ],
)
async def test_name_rules(client: PortoClient, name: str, ok: bool) -> None:
    parts = name.split("/")
    for i in range(1, len(parts)):  # create parents first when the name is valid
        parent = "/".join(parts[:i])
        if ok and parent not in await client.list():
            await client.create(parent)
    if ok:
        await client.create(name)
        assert name in await client.list()
    else:
        with pytest.raises(errors.PortoError):
            await client.create(name)


@pytest.mark.parametrize(
    ("label", "ok"),
    [
        ("TEAM.name", True),
        ("AB.x-y.z_1", True),
        ("team.name", False),
        ("T.name", False),
        ("NOPREFIX", False),
        ("PORTO.x", False),
        ("TOOLONGPREFIXABCDEFG.x", False),
    ],
)
async def test_label_rules(client: PortoClient, label: str, ok: bool) -> None:
    if ok:
        await client.set_label("infra", label, "v")
        assert (await client.get(["infra"], [f"labels[{label}]"])).containers[0].values[f"labels[{label}]"] == "v"
    else:
        with pytest.raises(errors.InvalidLabel):
            await client.set_label("infra", label, "v")


async def test_changed_since_answers_no_changes(socket_dir: Path) -> None:
    clock = FakeClock()
    sim = Simulator(build_host(seed=7, clock=clock), str(socket_dir / "portod.socket"))
    async with sim, PortoClient(sim.socket_path, timeout=10.0) as client:
        first = await client.get(["***"], ["state", "labels"])
        clock.now += 1.05  # whole seconds: a change in the cursor's second would be sent again
        second = await client.get(["***"], ["state", "labels"], changed_since=first.timestamp + 1)
        unchanged = [e for e in second.containers if e.no_changes]
        assert unchanged and all(not e.values for e in unchanged)
        await client.set_label("a/b/c", "APP.version", "2")
        third = await client.get(["***"], ["state", "labels"], changed_since=second.timestamp)
        changed = [e.name for e in third.containers if not e.no_changes]
        assert "a/b/c" in changed and "infra" not in changed


async def test_masks(client: PortoClient) -> None:
    assert await client.list("infra/*") == ["infra/db", "infra/web"]
    assert set(await client.list("infra/***")) == {
        "infra/db",
        "infra/web",
        "infra/web/cpu-hog",
        "infra/web/leaky",
        "infra/web/mem-hog",
        "infra/web/threads",
    }
    lcb = await client.list_containers_by(["***"], ["state"])
    assert lcb.ListContainersBy.containers[0].spec.name == "/"
    get = await client.get(["***"], ["state"])
    assert "/" not in [e.name for e in get.containers]


async def test_ten_thousand_containers_answered_and_priced(socket_dir: Path) -> None:
    host = build_host(seed=1, containers=10_000)
    props = ["state", "cpu_usage", "memory_usage", "io_read", "net_bytes", "labels"]
    async with Simulator(host, str(socket_dir / "big.sock")) as sim, PortoClient(sim.socket_path, timeout=60) as c:
        before = sim.cost.seconds
        result = await c.get(["***"], props)
        charged = sim.cost.seconds - before
    assert len(result.containers) == len(host.by_name) - 1
    values = result.containers[-1].values
    assert isinstance(values["io_read"], str) and "hw" in parse_uint_map(values["io_read"])
    # priced as portod: the mask matched against every container, then per running container the sum of the
    # properties' measured costs, per stopped one a little per property
    running = sum(1 for c in host.by_name.values() if c.has_stats and not c.is_root)
    stopped = len(host.by_name) - 1 - running
    per_running = sum(PROPERTIES[p].cost_ms for p in props) / 1e6
    per_stopped = STOPPED_BASE_SECONDS + len(props) * STOPPED_PER_PROPERTY_SECONDS
    match = (running + stopped) * FILTER_TRY_SECONDS
    assert running > 9_000 and stopped > 0
    assert charged == pytest.approx(match + running * per_running + stopped * per_stopped, rel=1e-9)


async def test_cli_prints_one_line_and_exits_on_sigterm(socket_dir: Path) -> None:
    path = str(socket_dir / "cli.sock")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter.simulator",
        "--socket",
        path,
        "--containers",
        "5",
        "--seed",
        "2",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 20)
    assert f"listening on {path}" in line.decode()
    async with PortoClient(path) as c:
        assert len(await c.list("bulk/***")) >= 5
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 10) == 0
    assert not os.path.exists(path)


async def test_states_named_in_requests_come_from_the_catalog(client: PortoClient) -> None:
    req = pb.TPortoRequest()
    req.FindLabel.label = "TEAM.*"
    for state in STATES:  # every state the exporter knows is one the simulator accepts
        req.FindLabel.state = state
        await client.call(req)
    req.FindLabel.state = "runing"
    with pytest.raises(errors.InvalidValue, match="runing"):
        await client.call(req)


def test_the_root_is_never_throttled_though_its_children_are() -> None:
    """Real portod reports cpu_throttled 0 for / (the root cgroup has no limit); the burner below it is throttled."""
    clock = FakeClock()
    host = build_host(seed=1, clock=clock)
    clock.now += 60
    frame = Frame(host, clock.now)
    assert frame.value(host.by_name[BUSY_CONTAINER], "cpu_throttled") > 0
    assert frame.value(host.root, "cpu_throttled") == 0
    assert frame.value(host.root, "cpu_usage") > frame.value(host.by_name[BUSY_CONTAINER], "cpu_usage")


@pytest.mark.parametrize("containers", [2_000, 20_000])
def test_the_host_is_busy_but_not_overloaded_at_any_size(containers: int) -> None:
    """/ stays within the host's RAM and cores; bulk usage is spread below the limits; only the scenario's
    intended problems show: the leak near its memory limit and the burner throttled (at most 1 s/s per CPU)."""
    clock = FakeClock()
    host = build_host(seed=7, containers=containers, clock=clock)
    before = Frame(host, clock.now)
    clock.now += 100
    after = Frame(host, clock.now)
    root = host.root
    assert 0.3 * HOST_MEMORY < after.value(root, "memory_usage") < 0.8 * HOST_MEMORY
    cores = (after.value(root, "cpu_usage") - before.value(root, "cpu_usage")) / 100e9
    assert 0.3 < cores < HOST_CORES * 0.6
    near, throttled, fills = [], [], []
    for c in host.by_name.values():
        if c.state != "running":
            continue
        if c.memory_limit and c.owns("memory"):
            fills.append(after.value(c, "memory_usage") / c.memory_limit)
            if after.value(c, "anon_usage") > 0.9 * c.memory_limit:
                near.append(c.name)
        if c.cpu_limit and after.value(c, "cpu_throttled") > before.value(c, "cpu_throttled"):
            throttled.append(c.name)
            assert after.value(c, "cpu_throttled") - before.value(c, "cpu_throttled") <= 100e9 * HOST_CORES
    assert near == [LEAKY_CONTAINER] and throttled == [BUSY_CONTAINER]
    fills.sort()
    assert fills[len(fills) // 10] < 0.25 and fills[len(fills) * 9 // 10] > 0.3, "usage spread, not all at one level"


@pytest.mark.parametrize("how", ["dead", "paused"])
def test_destroying_a_finished_or_paused_container_keeps_its_parents_usage(how: str) -> None:
    """The parent keeps what the child used (cgroup v1), not the time it spent dead or paused as if it ran."""
    clock = FakeClock()
    host = build_host(seed=3, clock=clock)
    host.create("group")
    job = host.create("group/job", behaviour=Behaviour(cpu_cores=0.5, exit_after=2.0 if how == "dead" else None))
    job.command = "run-job"
    host.start("group/job")
    clock.now += 2
    host.advance(clock.now)
    if how == "paused":
        host.pause("group/job")
    assert job.state == how
    clock.now += 100
    host.advance(clock.now)
    group = host.by_name["group"]
    before = Frame(host, clock.now).value(group, "cpu_usage")
    host.destroy("group/job")
    after = Frame(host, clock.now).value(group, "cpu_usage")
    assert before == pytest.approx(0.5 * 2 * 1e9, rel=1e-6)
    assert after == pytest.approx(before, rel=1e-6)  # was 52 s: 100 s dead or paused ran


async def test_the_demo_host_keeps_to_its_cores_and_ram_with_batch_jobs(
    socket_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's host (cli.py: seed 1, 24 bulk containers, batch jobs) over 5 minutes of host time, read
    through the socket each second: / never uses more than the host's cores or RAM, and the batch group's CPU
    is what its jobs used, not the time they lay dead before being reaped."""
    clock = FakeClock()
    host = build_host(seed=1, containers=24, clock=clock, batch_jobs=True)
    jobs: dict[str, tuple[float, Behaviour]] = {}  # every batch job: (created at, workload)
    create = host.create

    def recording(name: str, **kwargs: Any) -> Container:
        c = create(name, **kwargs)
        jobs[name] = (clock.now, c.behaviour)
        return c

    monkeypatch.setattr(host, "create", recording)
    readings: list[tuple[float, int, int, int]] = []  # (time, / cpu ns, / memory bytes, batch cpu ns)
    async with Simulator(host, str(socket_dir / "portod.socket")) as sim, PortoClient(sim.socket_path) as c:
        for _ in range(300):
            clock.now += 1  # each request applies the lifecycle events due (exits, OOM kills, the batch ticker)
            got = await c.get(["/", "batch"], ["cpu_usage", "memory_usage"])
            values = {e.name: texts(e) for e in got.containers}
            readings.append(
                (
                    clock.now,
                    int(values["/"]["cpu_usage"]),
                    int(values["/"]["memory_usage"]),
                    int(values["batch"]["cpu_usage"]),
                )
            )
    assert len([n for n in jobs if n.startswith("batch/")]) > 100  # jobs came and went all along
    rates = [(b[1] - a[1]) / 1e9 / (b[0] - a[0]) for a, b in zip(readings[::5], readings[5::5], strict=False)]
    assert max(rates) <= HOST_CORES * 1.01, max(rates)  # was up to 3.4 cores on a 2-core host
    assert max(r[2] for r in readings) <= HOST_MEMORY
    assert all(b[3] >= a[3] for a, b in itertools.pairwise(readings))  # a counter: never down
    could = sum(b.cpu_cores * min(b.exit_after or b.oom_after or 0.0, clock.now - at) for at, b in jobs.values())
    batch_cpu = readings[-1][3] / 1e9
    assert batch_cpu <= could * 1.001, (batch_cpu, could)  # was 599 s after 300 s
    assert batch_cpu >= could * 0.99  # and what the reaped jobs used stays in the group
