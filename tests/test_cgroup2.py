"""cgroup v2 hosts and newer portod fields: the simulator reports them as portod does, the exporter serves what
means something there (over its unix socket and HTTP), and an older portod's missing fields are left out quietly.

What portod does on a cgroup v2 host, with its sources: ``simulator/cgroup2.py`` and docs/cgroup-v2.md.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.catalog import CONTAINER_METRICS
from porto_exporter.cli import build_collectors
from porto_exporter.collect.base import CollectContext
from porto_exporter.collect.cgroup_layout import V1_ONLY, layout_of
from porto_exporter.collect.containers import Api, ContainersCollector
from porto_exporter.collect.system import SystemCollector
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.errors import PortoError
from porto_exporter.porto.values import ValueFormatError
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Behaviour, Simulator, build_host
from porto_exporter.simulator.scenario import LEAKY_CONTAINER

from .conftest import CAPTURES, FakeClock, answer_with, poll
from .test_e2e_prometheus import free_port, query, start_prometheus, until_up
from .test_service import serve

ROOT = Path(__file__).resolve().parent.parent

# Families portod's cgroup v2 values make meaningless (catalog ``cgroup2``), and some that mean the same on both.
V1_FAMILIES = {cm.metric.name for cm in CONTAINER_METRICS if cm.cgroup2}
BOTH = (
    "porto_container_cpu_usage_seconds_total",
    "porto_container_memory_usage_bytes",
    "porto_container_cpu_pressure_seconds_total",
    "porto_container_memory_pressure_seconds_total",
    "porto_container_io_pressure_seconds_total",
    "porto_container_subtree_oom_kills_total",
    "porto_container_io_read_bytes_total",
    "porto_container_memory_limit_bytes",
)
NEWER_SYSTEM = {"fatals", "postfork_issues", "request_top_running_time"}


@pytest.fixture(params=["v1", "v2"])
async def host_sim(request: pytest.FixtureRequest, socket_dir: Path) -> AsyncIterator[Simulator]:
    async with Simulator(build_host(seed=7, cgroup=request.param), str(socket_dir / "portod.socket")) as sim:
        yield sim


def test_layout_from_the_cgroups_portod_prints() -> None:
    """The real portod 5.3.59 (cgroup v1, cgroup2 mounted beside): 1; portod's cgroup2 paths: 2."""
    rsp = pb.TPortoResponse()
    rsp.ParseFromString((CAPTURES / "62_get_controllers_cgroups.rsp.bin").read_bytes())
    captured = [kv.value for item in rsp.Get.list for kv in item.keyval if kv.variable == "cgroups"]
    assert captured and {layout_of(text).version for text in captured} == {1}
    v2 = (
        "blkio: /sys/fs/cgroup/porto/a; cpu: /sys/fs/cgroup/porto/a; cpuacct: /sys/fs/cgroup/cpuacct/porto%a; "
        "freezer: /sys/fs/cgroup/freezer/porto/a; memory: /sys/fs/cgroup/porto/a; unified: /sys/fs/cgroup/porto/a"
    )
    assert layout_of(v2).version == 2 and set(layout_of(v2).meaningless) == set(V1_ONLY)
    assert layout_of("memory: /sys/fs/cgroup/memory; freezer: /sys/fs/cgroup/freezer").version == 1  # no cgroup2
    with pytest.raises(ValueFormatError):
        layout_of("freezer: /sys/fs/cgroup/freezer/porto/a")  # neither memory nor cpu: nothing to tell by


async def test_the_simulated_cgroup2_host_answers_as_portod(socket_dir: Path) -> None:
    """portod's values on a cgroup v2 host, side by side with the same scenario on cgroup v1."""
    names = ["/", "a/b", "infra/web/cpu-hog", "oom-victim"]
    props = [
        "cgroups",
        "controllers",
        "cpu_throttled",
        "anon_usage",
        "cache_usage",
        "minor_faults",
        "oom_kills",
        "oom_kills_total",
        "io_time",
        "cpu_pressure",
        "memory_usage",
        "cpu_usage",
    ]
    got: dict[str, dict[str, dict[str, str | PortoError]]] = {}
    cgroups_v5: dict[str, pb.TContainerCgroups] = {}
    for cgroup in ("v1", "v2"):
        path = str(socket_dir / f"{cgroup}.socket")
        host = build_host(seed=7, cgroup=cgroup, clock=FakeClock())  # still: two reads see the same instant
        async with Simulator(host, path), PortoClient(path) as client:
            got[cgroup] = {e.name: e.values for e in (await client.get(names, props)).containers}
            level1 = [n for n in await client.list() if "/" not in n]
            used = [e.values.get("memory_usage") for e in (await client.get(level1, ["memory_usage"])).containers]
            got[cgroup]["level1_memory"] = {"sum": str(sum(int(v) for v in used if isinstance(v, str)))}
            lcb = await client.list_containers_by(["a/b"], ["cgroups"])
            cgroups_v5[cgroup] = lcb.ListContainersBy.containers[0].status.cgroups
    v1, v2 = got["v1"], got["v2"]
    cpu_hog, nested = v2["infra/web/cpu-hog"], v2["a/b"]
    # every container has a cgroup2 cgroup of its own for memory, cpu, cpuset, blkio, pids (unified's path)
    paths = dict(item.split(": ") for item in str(nested["cgroups"]).split("; "))
    assert {paths[k] for k in ("memory", "cpu", "cpuset", "blkio", "pids", "unified")} == {"/sys/fs/cgroup/porto/a/b"}
    assert paths["freezer"] == "/sys/fs/cgroup/freezer/porto/a/b"  # v1 hierarchies stay
    assert {"memory", "cpu", "blkio", "cpuset", "pids"} <= set(str(nested["controllers"]).split(";"))
    assert not {"memory", "cpu"} & set(str(v1["a/b"]["controllers"]).split(";"))  # inherited on v1
    (memory,) = [cg for cg in cgroups_v5["v2"].cgroup if cg.controller == "memory"]
    assert memory.path == "/sys/fs/cgroup/porto/a/b" and not memory.inherited
    (memory,) = [cg for cg in cgroups_v5["v1"].cgroup if cg.controller == "memory"]
    assert memory.path == "/sys/fs/cgroup/memory/porto%a" and memory.inherited
    # cgroup v1 files portod reads: 0 on cgroup2, whatever the container does
    assert int(str(v1["infra/web/cpu-hog"]["cpu_throttled"])) > 0 and cpu_hog["cpu_throttled"] == "0"
    for prop in ("anon_usage", "cache_usage", "minor_faults"):
        assert int(str(v1["infra/web/cpu-hog"][prop])) > 0 and cpu_hog[prop] == "0", prop
    assert cpu_hog["io_time"] == "" and int(str(cpu_hog["cpu_usage"])) > 0  # cpuacct stays v1
    # both OOM counts are the subtree's (memory.events); v1 keeps the container's own apart
    assert v1["/"]["oom_kills"] == "0" and v1["/"]["oom_kills_total"] == "1"
    assert v2["/"]["oom_kills"] == v2["/"]["oom_kills_total"] == "1"
    assert v2["oom-victim"]["oom_kills"] == v2["oom-victim"]["oom_kills_total"] == "1"
    # PSI from the cgroup2 cgroup on both; the root's memory cgroup is /porto on cgroup2: Porto's containers only
    assert str(cpu_hog["cpu_pressure"]).startswith("full: ") and str(v1["/"]["cpu_pressure"]).startswith("full: ")
    assert v2["/"]["memory_usage"] == v2["level1_memory"]["sum"] != v1["/"]["memory_usage"]


async def test_the_simulator_cli_serves_a_cgroup2_host(
    socket_dir: Path, procs: list[asyncio.subprocess.Process]
) -> None:
    path = str(socket_dir / "cli.sock")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter.simulator",
        "--socket",
        path,
        "--cgroup",
        "v2",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    procs.append(proc)
    assert proc.stdout is not None
    assert f"listening on {path}" in (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
    async with PortoClient(path) as client:
        (entry,) = (await client.get(["self"], ["cgroups"])).containers
    assert layout_of(str(entry.values["cgroups"])).version == 2


async def exposition(sim: Simulator) -> str:
    """/metrics over HTTP from an exporter reading ``sim`` (every slow part every cycle), after 3 cycles."""
    cfg = load(["--scrape.slow-interval=0s"])
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(cfg), interval=0.05, timeout=5)
    runner, url = await serve(scraper)
    try:

        async def cycled() -> bool:
            return scraper.cycles >= 3

        await poll(cycled, "three collection cycles", seconds=30)
        async with aiohttp.ClientSession() as s, s.get(url + "/metrics") as r:
            assert r.status == 200
            return await r.text()
    finally:
        await runner.cleanup()


def families(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for fam in text_string_to_metric_families(text):
        name = fam.name + ("_total" if fam.type == "counter" else "")
        out[name] = [(s.labels, s.value) for s in fam.samples]
    return out


async def test_the_exporter_serves_what_means_something_on_each_host(host_sim: Simulator) -> None:
    """cgroup v2: no family whose value is a cgroup v1 file's 0, every container's own cgroups; v1 as before."""
    v2 = bool(host_sim.host.cgroup2_controllers)
    text = await exposition(host_sim)
    check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True, check=False)
    assert check.returncode == 0 and not check.stdout and not check.stderr, check.stdout + check.stderr
    got = families(text)
    assert got["porto_daemon_cgroup_version"] == [({}, 2.0 if v2 else 1.0)]
    served = set(got)
    for name in BOTH:
        assert name in served, name
    if v2:
        assert not V1_FAMILIES & served, f"cgroup v1 zeros served on cgroup v2: {sorted(V1_FAMILIES & served)}"
    else:  # io_time: portod 5.3.59 gives it empty on this kernel, so no series on either
        assert V1_FAMILIES - {"porto_container_io_time_seconds_total"} <= served
    memory = {labels["container"] for labels, _ in got["porto_container_memory_usage_bytes"]}
    assert ("a/b" in memory) == v2  # a/b limits nothing: its memory is a's on v1, its own cgroup on v2
    errors = {labels["error"] for labels, _ in got.get("porto_exporter_property_errors_total", [])}
    assert errors <= {"InvalidState", "NotSupported"}, errors
    for name in ("porto_daemon_fatals_total", "porto_daemon_longest_request_seconds"):
        assert got[name] == [({}, 0.0)], name


def without_newer_system_fields(sim: Simulator) -> None:
    """Answer GetSystem as a portod older than 5.3.59: without fatals, postfork_issues, request_top_running_time."""
    original = sim.handle

    async def older(body: bytes, conn: object) -> pb.TPortoResponse | None:
        rsp = await original(body, conn)
        if rsp is not None and rsp.HasField("GetSystem"):
            for name in NEWER_SYSTEM:
                rsp.GetSystem.ClearField(name)
        return rsp

    answer_with(sim, older)


@pytest.mark.parametrize("api", ["v5", "v4"])
async def test_an_older_portod_without_the_newer_fields_is_read_quietly(
    sim: Simulator, client: PortoClient, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """Properties it does not list are asked once and dropped without a counted error or a warning; GetSystem
    fields it does not send make no series."""
    newer = {
        "cpu_burst_usage",
        "cpu_unconstrained_wait",
        "net_rx_overlimits",
        "cpu_pressure",
        "memory_pressure",
        "io_pressure",
    }
    sim.host.unknown_properties = newer
    without_newer_system_fields(sim)
    ctx = CollectContext(client)
    collector = ContainersCollector(api=api, slow_interval=0.0)
    with caplog.at_level(logging.INFO, logger="porto_exporter"):
        for _ in range(3):
            batch = await collector.collect(ctx)
        system = await SystemCollector().collect(ctx)
    assert newer <= collector.dropped
    assert not [k for k in ctx.property_errors if k[0] in newer], dict(ctx.property_errors)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [r.getMessage() for r in caplog.records]
    served = {s.name for s in batch}
    props = {cm.metric.name: cm.prop for cm in CONTAINER_METRICS}
    assert not {name for name in served if props.get(name) in newer}
    names = {s.name for s in system}
    assert "porto_daemon_errors_total" in names
    assert not {"porto_daemon_fatals_total", "porto_daemon_longest_request_seconds"} & names


@pytest.mark.parametrize("cgroup", ["v1", "v2"])
async def test_a_destroyed_childs_oom_kills_stay_in_its_ancestors_totals(socket_dir: Path, cgroup: str) -> None:
    """portod's oom_kills_total counts the subtree since creation (Porto's test-oom: the root's and a parent's
    totals keep a destroyed child's kills; cgroup2's memory.events keeps them too): what lets the OOM alert name
    the parent of a job killed and destroyed between two scrapes."""
    path = str(socket_dir / f"{cgroup}.socket")
    host = build_host(seed=7, cgroup=cgroup, clock=FakeClock())
    host.create("team")
    job = host.create("team/job", behaviour=Behaviour(oom_after=1.0))
    job.command, job.memory_limit = "stress", 16 << 20
    async with Simulator(host, path), PortoClient(path) as client:

        async def totals() -> list[str]:
            reply = await client.get(["/", "team"], ["oom_kills_total"])
            return [str(e.values["oom_kills_total"]) for e in reply.containers]

        before = await totals()
        host.start("team/job")
        host._die(job, host.clock(), exit_code=-99, exit_status=9, oom=True)
        killed = await totals()
        host.destroy("team/job")
        assert await totals() == killed == [str(int(before[0]) + 1), "1"]


async def test_memory_near_the_limit_stalls_and_the_v2_alert_sees_it_on_prometheus(
    socket_dir: Path, procs: list[asyncio.subprocess.Process]
) -> None:
    """The simulator's leaky container holds its memory at 95% of its limit: on a cgroup v2 host its PSI memory
    "some" grows (reclaim stalls its tasks), and PortoContainerMemoryNearLimit's expression, evaluated by a real
    Prometheus scraping a real exporter (its [5m] window cut to what the test scrapes), returns it, and no
    container with room to spare. (The simulator said 0 for every memory pressure: the v2 clause could not fire.)"""
    assert shutil.which("prometheus"), "install Debian's prometheus package (bash .ci/test does)"
    sim = Simulator(build_host(seed=1, cgroup="v2"), str(socket_dir / "portod.socket"))
    exporter_port, prom_port = free_port(), free_port()
    config = socket_dir / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"scrape_configs:\n  - job_name: porto\n    static_configs: [{{targets: ['127.0.0.1:{exporter_port}']}}]\n"
    )
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "porto-alerts.yml").read_text())
    (alert,) = [
        r["expr"]
        for group in rules["groups"]
        for r in group["rules"]
        if r.get("alert") == "PortoContainerMemoryNearLimit"
    ]
    base = f"http://127.0.0.1:{prom_port}"
    pressure = 'porto_container_memory_pressure_seconds_total{kind="some",container="%s"}'
    async with sim, aiohttp.ClientSession() as s:
        procs.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "porto_exporter",
                f"--porto.socket={sim.socket_path}",
                "--scrape.interval=0s",
                "--scrape.slow-interval=0s",
                f"--web.listen-address=127.0.0.1:{exporter_port}",
                "--no-collector.volumes",
                "--no-collector.storage",
                "--no-collector.events",
                "--no-collector.portod_metrics",
                stderr=asyncio.subprocess.DEVNULL,
            )
        )
        procs.append(await start_prometheus(config, f"{socket_dir}/data", prom_port))
        await until_up(s, base, 'up{job="porto"}')

        async def window_full() -> bool:
            got = await query(s, base, f"count_over_time({pressure % LEAKY_CONTAINER}[10s])")
            return bool(got) and float(got[0]["value"][1]) >= 8

        await poll(window_full, "10 s of the leaky container's memory pressure in Prometheus", seconds=60, every=0.25)
        stalled = await query(s, base, f"rate({pressure % LEAKY_CONTAINER}[10s])")
        assert stalled and float(stalled[0]["value"][1]) > 0.05, stalled
        roomy = await query(s, base, f"rate({pressure % 'infra/web/mem-hog'}[10s])")  # 100 MiB of its 256 MiB
        assert roomy and float(roomy[0]["value"][1]) == 0, roomy
        firing = await query(s, base, alert.replace("[5m]", "[10s]"))
    assert {r["metric"]["container"] for r in firing} == {LEAKY_CONTAINER}, firing
