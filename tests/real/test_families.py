"""The exporter held against portod itself: every family it serves about a realistic host, value by value.

portod builds the host (nested meta containers, a CPU burner under ``cpu_limit``, a memory hog near its
limit, a container that exited 3, an OOM-killed one, a stopped one, a paused one, a respawning job,
labels, and volumes of two backends); a real exporter process scrapes it; /metrics is read over HTTP and
parsed by prometheus_client. What portod says about the same containers is read with portoctl (its v4
strings; the exporter reads the typed v5 replies, and in a second run the v4 Get it falls back to on older
portods), just before and just after a cycle that started after the first read, so a counter must lie
between the two readings and a gauge that did not move must be equal. The families come from the catalog,
so one added there is compared here or has to be listed, with its reason, among those that cannot be
compared on these machines. The host is then changed (limits, labels, states, a volume's limit) and
compared again.
"""

from __future__ import annotations

import asyncio
import fnmatch
import math
import re
import sys
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.catalog import (
    CONTAINER_INFO,
    CONTAINER_LABELS,
    CONTAINER_METRICS,
    CONTAINER_STATE,
    EVENT_METRICS,
    KUBERNETES_INFO,
    LISTED_STATES,
    VOLUME_GAUGES,
    VOLUME_INFO,
    ContainerMetric,
    all_metrics,
)

from ..conftest import poll, stop_processes, wait_ready
from .conftest import RealPortod, exporter_env

ALLOWLIST = ("TEAM.*",)  # --labels.allowlist: TEAM.name and TEAM.oncall pass, APP.version must not
NS, US, S = 1e-9, 1e-6, 1.0
# Porto's unit for every time-valued property (Porto's docs: counters in ns, PSI totals in us, `time` in
# seconds, ``*_time[raw]`` unix seconds), kept here rather than taken from the catalog, so a wrong scale there
# shows as a wrong value. A family named ``*_seconds*`` whose property is missing here fails the test.
PORTO_UNITS: dict[str, float] = {
    "cpu_usage": NS,
    "cpu_usage_system": NS,
    "cpu_wait": NS,
    "cpu_throttled": NS,
    "io_time": NS,
    "cpu_burst_usage": NS,
    "cpu_unconstrained_wait": NS,
    "cpu_pressure": US,
    "memory_pressure": US,
    "io_pressure": US,
    "time": S,
    "start_time": S,
    "death_time": S,
    "creation_time": S,
    "change_time": S,
}

# Families about containers the host cannot make comparable, and why. Each must really be absent for our
# containers (for the reason given: the test checks portod's side says the same).
NOT_SERVED_HERE: dict[str, str] = {
    "porto_container_io_time_seconds_total": "portod: io_time is empty on these machines",
    "porto_container_cpu_wait_seconds_total": "portod: cpu_wait NotSupported on this kernel",
    "porto_container_cpu_burst_seconds_total": "portod: cpu_burst_usage NotSupported on this kernel",
    "porto_container_cpu_unconstrained_wait_seconds_total": "portod: cpu_unconstrained_wait NotSupported here",
    "porto_container_network_rx_overlimits_total": "no `Uplink` key in net_rx_overlimits: the uplink is unmanaged",
    "porto_container_memory_guarantee_bytes": "portod: memory_guarantee NotSupported on this kernel",
    "porto_container_memory_anon_limit_bytes": "portod: anon_limit NotSupported on this kernel",
    "porto_container_network_rx_drops_total": "no `Uplink` key in net_rx_drops: the host's uplink is unmanaged",
    "porto_container_network_tx_drops_total": "no `Uplink` key in net_tx_drops: the host's uplink is unmanaged",
    "porto_container_network_overlimits_total": "no `Uplink` key in net_overlimits: the host's uplink is unmanaged",
}
# Families about containers that are not a per-container portod property at all.
NOT_COMPARED: dict[str, str] = {
    m.name: "counted from portod's AsyncWait pushes, by group, not read from a property (issue 20 item 2)"
    for m in EVENT_METRICS
    if "group" in m.labels
}
NOT_COMPARED[KUBERNETES_INFO.name] = (
    "decoded from portoshim's base64 labels: tests/real/test_kubernetes.py holds it to portod"
)


# --- reading portod with portoctl ----------------------------------------------------------------------------


def v4_name(cm: ContainerMetric) -> str:
    return f"{cm.prop}[raw]" if cm.parse == "raw_time" else cm.prop


CONTAINER_PROPS = tuple(
    dict.fromkeys(
        [
            "state",
            "controllers",
            "labels",
            "respawn_count",
            "start_time[raw]",
            "id",
            "level",
            "parent",
            "absolute_name",
            "owner_user",
            "owner_group",
            "virt_mode",
            *(v4_name(cm) for cm in CONTAINER_METRICS),
        ]
    )
)
_PROP_LINE = re.compile(r"^(\S+) =(?: (.*))?$")


def parse_get(text: str, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """``portoctl get a b -- p q`` output -> name -> property -> value (a property portod refused is absent)."""
    names = list(names)
    out: dict[str, dict[str, str]] = {}
    current = out.setdefault(names[0], {}) if len(names) == 1 else None
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _PROP_LINE.match(line)
        if m and current is not None:
            current[m[1]] = m[2] or ""
        elif line.endswith(":") and line[:-1] in names:
            current = out.setdefault(line[:-1], {})
        else:
            raise AssertionError(f"portoctl get: a line neither a container nor a property: {line!r}")
    return out


def parse_vlist(text: str) -> dict[str, dict[str, str]]:
    """``portoctl vlist -v path...`` output -> path -> property -> value."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            current = out.setdefault(line.strip(), {})
        else:
            key, _, value = line.strip().partition(" ")
            current[key] = value.strip()
    return out


def portod_pids() -> tuple[str, ...]:
    """portod's master and worker pids: a restart (another helper's reload, a killed master) changes them."""
    return tuple(
        Path(p).read_text().strip() if Path(p).exists() else "" for p in ("/run/portoloop.pid", "/run/portod.pid")
    )


@dataclass
class PortodView:
    """What portod answered at one moment for our containers and volumes."""

    containers: dict[str, dict[str, str]]
    volumes: dict[str, dict[str, str]]
    pids: tuple[str, ...]


async def read_portod(real: RealPortod, names: list[str], volumes: list[str]) -> PortodView:
    """One portoctl Get of every property for our containers, one vlist of our volumes (retried while portod
    restarts under another helper's test)."""

    async def attempt() -> PortodView | None:
        pids = portod_pids()
        got = await asyncio.create_subprocess_exec(
            real.portoctl,
            "-t",
            "10",
            "get",
            *names,
            "--",
            *CONTAINER_PROPS,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, _err = await got.communicate()  # the errors (a property not in this state) are on stderr
        containers = parse_get(out.decode(), names)
        if any("state" not in containers.get(n, {}) for n in names):
            return None  # portod not answering (restarting): again
        vol = await asyncio.create_subprocess_exec(
            real.portoctl,
            "-t",
            "10",
            "vlist",
            "-v",
            *volumes,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        vout, _ = await vol.communicate()
        parsed = parse_vlist(vout.decode())
        if vol.returncode != 0 or set(parsed) != set(volumes):
            return None
        return PortodView(containers, parsed, pids)

    view = await poll(attempt, "portoctl get/vlist answering for our containers and volumes", seconds=20)
    assert view is not None
    return view


# --- what the exporter should serve, from portod's answers ---------------------------------------------------

Labels = frozenset[tuple[str, str]]
Series = dict[str, dict[Labels, float]]  # family -> label set -> value


def str_map(text: str) -> dict[str, str]:
    """portod's ``k: v; k2: v2`` (a bare value is the ``fs`` key of io limits)."""
    if not text:
        return {}
    if ":" not in text:
        return {"fs": text}
    return dict(item.split(": ", 1) for item in text.split("; "))


def value_of(cm: ContainerMetric, text: str) -> float | dict[str, float] | None:
    """A v4 string as the metric's number, in the metric's unit (None: no sample)."""
    factor = PORTO_UNITS.get(cm.prop, 1.0)
    if cm.parse == "map":
        entries = {k: int(v) * factor for k, v in str_map(text).items()}
        if cm.pick is not None:
            return entries.get(cm.pick)
        return {k: v for k, v in entries.items() if k not in cm.skip_keys}
    if cm.parse == "cores":
        assert text.endswith("c"), (cm.prop, text)
        value = float(text[:-1])
    elif cm.parse == "bool":
        value = {"true": 1.0, "false": 0.0}[text]
    elif cm.parse == "optional_int":
        if text == "" or int(text) < 0:
            return None
        value = int(text)
    else:
        value = int(text) * factor
    if cm.skip_zero and value == 0:
        return None
    return value


def expected(view: PortodView) -> Series:
    """Every series the exporter should serve for our containers and volumes, by what portod answered."""
    out: Series = {m.name: {} for m in all_metrics()}
    for name, props in view.containers.items():
        ct = (("container", name),)
        owned = set(props.get("controllers", "").split(";"))
        for cm in CONTAINER_METRICS:
            if cm.controller and cm.controller not in owned:
                continue  # portod answers with the nearest ancestor's cgroup: the ancestor's series has it
            text = props.get(v4_name(cm))
            if text is None:  # portod refused it (not in this state, not supported)
                continue
            value = value_of(cm, text)
            if isinstance(value, dict):
                for key, v in value.items():
                    out[cm.metric.name][frozenset((*ct, (cm.key_label or "", key)))] = v
            elif value is not None:
                out[cm.metric.name][frozenset(ct)] = value
        for s in LISTED_STATES:
            out[CONTAINER_STATE.name][frozenset((*ct, ("state", s)))] = float(props["state"] == s)
        info = tuple((k, props.get(k, "")) for k in CONTAINER_INFO.labels[1:])
        out[CONTAINER_INFO.name][frozenset((*ct, *info))] = 1.0
        labels = str_map(props.get("labels", ""))
        allowed = {
            "label_" + re.sub(r"[^a-zA-Z0-9_]", "_", k): v
            for k, v in labels.items()
            if any(fnmatch.fnmatchcase(k, p) for p in ALLOWLIST)
        }
        out[CONTAINER_LABELS.name][frozenset((*ct, *allowed.items()))] = 1.0
    for path, props in view.volumes.items():
        vol = (("volume", path),)
        vinfo = tuple((k, props.get(k, "")) for k in VOLUME_INFO.labels[1:])
        out[VOLUME_INFO.name][frozenset((*vol, *vinfo))] = 1.0
        v4 = {
            "space.usage": "space_used",
            "space.limit": "space_limit",
            "space.guarantee": "space_guarantee",
            "space.available": "space_available",
            "inodes.usage": "inode_used",
            "inodes.limit": "inode_limit",
            "inodes.guarantee": "inode_guarantee",
            "inodes.available": "inode_available",
        }
        for family, path_, _help in VOLUME_GAUGES:
            if path_ == "links":
                value = float(len(props.get("containers", "").split()))
            elif path_ == "build_time":  # vlist prints local time
                value = time.mktime(time.strptime(props["build_time"], "%Y-%m-%d %H:%M:%S"))
            else:
                value = float(props[v4[path_]])
                if path_.endswith(("limit", "guarantee")) and value == 0:
                    continue  # 0: none
            out[family][frozenset(vol)] = value
    return out


# --- the comparison ------------------------------------------------------------------------------------------


@dataclass
class Verdict:
    mismatches: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # what makes a disagreement in this round inconclusive
    compared: set[str] = field(default_factory=set)  # families with a series compared


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def compare(before: PortodView, after: PortodView, served: Series, kinds: Mapping[str, str]) -> Verdict:
    """Each of our series: a counter between the two readings, a gauge equal to a reading that did not move
    (between them when it did); no series portod has no value for; none missing."""
    v = Verdict()
    if before.pids != after.pids:
        v.moved.append(f"portod restarted (pids {before.pids} -> {after.pids})")
    for name in before.containers:
        b, a = before.containers[name], after.containers[name]
        for prop in ("state", "start_time[raw]", "respawn_count"):
            if b.get(prop) != a.get(prop):
                v.moved.append(f"{name}: {prop} {b.get(prop)} -> {a.get(prop)}")
    exp_b, exp_a = expected(before), expected(after)
    for family in exp_b:
        lo_side, hi_side, got = exp_b[family], exp_a[family], served.get(family, {})
        for key in lo_side.keys() ^ hi_side.keys():
            v.moved.append(f"{family}{dict(key)} present in one reading only")
        for key in sorted(got.keys() - lo_side.keys() - hi_side.keys(), key=sorted):
            v.mismatches.append(f"{family}{dict(key)} = {got[key]}: portod has no such value")
        for key in lo_side.keys() & hi_side.keys():
            lo, hi = lo_side[key], hi_side[key]
            if key not in got:
                v.mismatches.append(f"{family}{dict(key)} missing (portod: {lo} .. {hi})")
                continue
            value = got[key]
            v.compared.add(family)
            if kinds[family] == "counter" and lo > hi:
                v.moved.append(f"{family}{dict(key)} went back: {lo} -> {hi}")
            low, high = min(lo, hi), max(lo, hi)
            if not (low <= value <= high or close(value, low) or close(value, high)):
                side = "counter outside the cycle's movement" if kinds[family] == "counter" else "gauge"
                v.mismatches.append(f"{family}{dict(key)} = {value!r}; portod before {lo!r}, after {hi!r} ({side})")
                if kinds[family] != "counter" and lo != hi:  # a gauge may have gone anywhere between two readings
                    v.moved.append(f"{family}{dict(key)} moved: {lo} -> {hi}")
    return v


# --- the host ------------------------------------------------------------------------------------------------


@dataclass
class Host:
    top: str
    containers: list[str]
    volumes: list[str]

    def ct(self, rel: str) -> str:
        return f"{self.top}/{rel}"


HOG_MIB = 40  # the hog touches this much under its 64 MiB limit
TREE: tuple[tuple[str, dict[str, str]], ...] = (
    # (name under the test's container, properties); started in this order, parents first
    (
        "svc",
        {
            "memory_limit": "256M",
            "cpu_limit": "1c",
            "cpu_guarantee": "0.1c",
            "cpu_weight": "2",
            "dirty_limit": "32M",
            "hugetlb_limit": "2M",
            "thread_limit": "500",
            "io_limit": "/place: 10M",
            "io_ops_limit": "fs: 1000",
            "net_limit": "default: 1M",
            "net_guarantee": "default: 100K",
            "labels": "TEAM.name:core;APP.version:7",
        },
    ),
    ("svc/web", {"labels": "TEAM.name:web;TEAM.oncall:alice;APP.version:8"}),  # meta without its own cgroups
    ("svc/web/burner", {"command": "sh -c 'while :; do :; done'", "cpu_limit": "0.2c"}),
    (
        "svc/web/hog",
        {
            "memory_limit": "64M",
            "command": f"python3 -c \"import time; b = bytearray(b'x') * ({HOG_MIB} << 20); time.sleep(3600)\"",
        },
    ),
    (
        "svc/disk",
        {
            "io_limit": "/place: 20M",  # its own blkio cgroup: per-disk io counters, then dead
            "command": "sh -c 'dd if=/dev/zero of=data bs=64k count=16 oflag=direct status=none && "
            "dd if=data of=/dev/null bs=64k iflag=direct status=none'",
        },
    ),
    ("svc/exit3", {"command": "sh -c 'exit 3'"}),
    ("svc/oom", {"memory_limit": "16M", "command": "python3 -c \"b = bytearray(b'x') * (64 << 20)\""}),
    ("svc/paused", {"command": "sleep 3600"}),
    ("jobs", {}),  # meta; the respawning job's memory is charged above our containers, not to a moving gauge here
    ("jobs/respawn", {"command": "true", "respawn": "true", "respawn_delay": "50ms", "max_respawns": "1000"}),
)


async def build_host(real: RealPortod, top: str) -> Host:
    async def make(rel: str, props: Mapping[str, str], start: bool = True) -> None:
        name = f"{top}/{rel}"
        await real.actl("create", name)
        for key, value in props.items():
            await real.actl("set", name, key, value)
        if start:
            await real.actl("start", name)

    for rel, props in TREE:
        await make(rel, props)
    await make("svc/stopped", {"command": "sleep 3600"}, start=False)
    await real.actl("pause", f"{top}/svc/paused")

    async def value(rel: str, prop: str) -> str:
        """One property (portoctl prints the bare value); '' when portod refuses it."""
        return await real.actl("get", f"{top}/{rel}", prop, check=False)

    async def at_least(rel: str, prop: str, n: int) -> bool:
        got = await value(rel, prop)
        return got.isdigit() and int(got) >= n

    async def equals(rel: str, prop: str, want: str) -> bool:
        return await value(rel, prop) == want

    # the respawning job: respawned a few times, then left waiting a minute in "respawning"
    await poll(lambda: at_least("jobs/respawn", "respawn_count", 2), "two respawns")
    await real.actl("set", f"{top}/jobs/respawn", "respawn_delay", "60s")
    await poll(lambda: equals("jobs/respawn", "state", "respawning"), "the job waiting to respawn")
    await poll(lambda: equals("svc/exit3", "state", "dead"), "exit3 dead")
    await poll(lambda: equals("svc/disk", "exit_code", "0"), "the disk writer done")
    for _ in range(3):  # an OOM kill while portod restarts (another test's reload) is a plain SIGKILL to it
        await poll(lambda: equals("svc/oom", "state", "dead"), "the OOM-killed container dead")
        if await equals("svc/oom", "oom_killed", "true"):
            break
        await real.actl("stop", f"{top}/svc/oom")
        await real.actl("start", f"{top}/svc/oom")
    assert await equals("svc/oom", "oom_killed", "true"), "the hog under 16M was never OOM-killed"
    await poll(lambda: at_least("svc/web/hog", "anon_usage", HOG_MIB << 20), "the hog's memory")

    volumes = []
    for spec in (
        ("backend=tmpfs", "space_limit=8M", "space_guarantee=1M", "inode_limit=1000"),
        ("backend=loop", "space_limit=16M", "space_guarantee=1M", "inode_guarantee=10"),
    ):
        path = await real.actl("vcreate", "-A", *spec, f"containers={top}/svc")
        (Path(path) / "data").write_bytes(b"v" * (1 << 20))  # something to count as used
        volumes.append(path)
    names = [top, *(f"{top}/{rel}" for rel, _ in TREE), f"{top}/svc/stopped"]
    return Host(top, names, volumes)


@pytest.fixture
async def host(real_portod: RealPortod, own: str) -> AsyncIterator[Host]:
    """The host, under the test's own container; destroyed (volumes with it) and checked gone afterwards."""
    h = Host(own, [own], [])
    try:
        h = await build_host(real_portod, own)
        yield h
    finally:
        await real_portod.actl("destroy", own, check=False)
        left = await real_portod.actl("vlist", "-1", check=False)
        ours = [v for v in h.volumes if v in left.split()]
        for path in ours:  # linked to a destroyed container only, they should be gone: make sure, then fail
            await real_portod.actl("vunlink", path, "***", check=False)
        assert not ours, f"volumes left behind: {ours}"


# --- the exporter ------------------------------------------------------------------------------------------


@dataclass
class Exporter:
    url: str
    proc: asyncio.subprocess.Process
    log: list[str]  # its stderr so far, for failure messages


@pytest.fixture(params=["auto", "v4"])
async def exporter(real_portod: RealPortod, host: Host, request: pytest.FixtureRequest) -> AsyncIterator[Exporter]:
    """``python3 -m porto_exporter`` on a free port, scraping our subtree of the real portod every 250 ms, over
    the API it picks (v5 ListContainersBy on portod 5.3) and over the v4 Get it falls back to on older portods."""
    env = exporter_env()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter",
        f"--porto.socket={real_portod.socket}",
        f"--porto.api={request.param}",
        "--web.listen-address=127.0.0.1:0",
        "--scrape.interval=250ms",
        "--scrape.slow-interval=0s",
        f"--containers.include={host.top}",
        f"--containers.include={host.top}/***",
        f"--labels.allowlist={','.join(ALLOWLIST)}",
        "--collector.containers.hierarchy",
        "--collector.containers.vmem",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    log: list[str] = []
    listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def drain() -> None:  # read all it logs (a full pipe would stop it), note where it listens
        assert proc.stderr is not None
        async for raw in proc.stderr:
            line = raw.decode(errors="replace").rstrip()
            log.append(line)
            m = re.search(r"listening on (http://[\d.]+:\d+)/metrics", line)
            if m and not listening.done():
                listening.set_result(m[1])
        if not listening.done():
            listening.set_exception(AssertionError("the exporter exited before listening:\n" + "\n".join(log)))

    reader = asyncio.create_task(drain())
    try:
        url = await asyncio.wait_for(listening, 30)
        await wait_ready(url + "/-/ready", proc)
        yield Exporter(url, proc, log)
    finally:
        await stop_processes([proc])
        await reader


async def scrape(session: aiohttp.ClientSession, url: str) -> Series:
    async with session.get(url + "/metrics") as r:
        assert r.status == 200, r.status
        text = await r.text()
    out: Series = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, {})[frozenset(s.labels.items())] = s.value
    return out


def one(served: Series, family: str, **labels: str) -> float:
    return served.get(family, {}).get(frozenset(labels.items()), math.nan)


async def scrape_after(session: aiohttp.ClientSession, url: str) -> Series:
    """/metrics from a cycle that started after this call: two cycles past the count seen now (the one running
    may have started before), with the containers and volumes collectors successful in it."""
    first = await scrape(session, url)
    start = one(first, "porto_exporter_cycles_total")

    async def fresh() -> Series | None:
        served = await scrape(session, url)
        ok = all(one(served, "porto_exporter_collector_success", collector=c) == 1 for c in ("containers", "volumes"))
        return served if ok and one(served, "porto_exporter_cycles_total") >= start + 2 else None

    served = await poll(fresh, "an exporter cycle begun after portod was read", seconds=20, every=0.05)
    assert served is not None
    return served


# --- the test --------------------------------------------------------------------------------------------------


def ours(served: Series, host: Host) -> Series:
    mine, vols = set(host.containers), set(host.volumes)
    return {
        f: {k: v for k, v in series.items() if dict(k).get("container") in mine or dict(k).get("volume") in vols}
        for f, series in served.items()
    }


@dataclass
class Round:
    """One conclusive comparison: portod before, what was served, portod after, and the verdict."""

    before: PortodView
    served: Series
    after: PortodView
    verdict: Verdict
    tries: int


async def agreed_round(real: RealPortod, session: aiohttp.ClientSession, exporter: Exporter, host: Host) -> Round:
    """Read portod, scrape a cycle begun after that, read portod again, compare; again (a few times) only while a
    disagreement coincides with something that moved (a respawn, a state change, portod restarted by another
    test), since then the readings do not bound the cycle's."""
    kinds = {m.name: m.type for m in all_metrics()}
    tries = 0
    while tries < 6:
        tries += 1
        before = await read_portod(real, host.containers, host.volumes)
        served = ours(await scrape_after(session, exporter.url), host)
        after = await read_portod(real, host.containers, host.volumes)
        verdict = compare(before, after, served, kinds)
        if not verdict.mismatches or not verdict.moved:
            break  # agreed, or disagreed while nothing moved: conclusive either way
    assert not verdict.mismatches, "\n".join(
        [
            "the exporter disagrees with portod:",
            *verdict.mismatches,
            "moved meanwhile:",
            *verdict.moved,
            "exporter log:",
            *exporter.log,
        ]
    )
    return Round(before, served, after, verdict, tries)


CONTAINER_FAMILIES = {cm.metric.name for cm in CONTAINER_METRICS} | {
    CONTAINER_STATE.name,
    CONTAINER_INFO.name,
    CONTAINER_LABELS.name,
}
VOLUME_FAMILIES = {VOLUME_INFO.name, *(n for n, *_ in VOLUME_GAUGES)}


def test_the_catalog_is_covered_and_its_time_units_known() -> None:
    """Every catalog family about containers or volumes is compared below or set aside here with its reason,
    and every time family's Porto unit is known here (not taken from the catalog's scale)."""
    about = {m.name for m in all_metrics() if {"container", "volume", "group"} & set(m.labels)}
    assert about <= CONTAINER_FAMILIES | VOLUME_FAMILIES | NOT_COMPARED.keys(), about - CONTAINER_FAMILIES
    assert set(NOT_SERVED_HERE) <= CONTAINER_FAMILIES | VOLUME_FAMILIES
    for cm in CONTAINER_METRICS:
        if "_seconds" in cm.metric.name:
            assert cm.prop in PORTO_UNITS, f"{cm.metric.name}: Porto's unit of {cm.prop} is not known here"
        else:
            assert cm.prop not in PORTO_UNITS and cm.metric.decimals == 0, cm.metric.name


async def test_every_family_matches_what_portod_says(real_portod: RealPortod, host: Host, exporter: Exporter) -> None:
    c = host.ct
    async with aiohttp.ClientSession() as session:
        first = await agreed_round(real_portod, session, exporter, host)

        # every family about our containers and volumes was compared, or is listed with the reason it cannot be
        served_names = {f for f, series in first.served.items() if series}
        unknown = served_names - CONTAINER_FAMILIES - VOLUME_FAMILIES
        assert not unknown, f"families about our containers the catalog does not know: {unknown}"
        compared = first.verdict.compared
        uncompared = sorted((CONTAINER_FAMILIES | VOLUME_FAMILIES) - compared - NOT_SERVED_HERE.keys())
        assert not uncompared, f"families neither compared nor listed with a reason: {uncompared}"
        listed_yet_served = sorted(compared & set(NOT_SERVED_HERE))
        assert not listed_yet_served, f"listed as not served here, yet compared (update the list): {listed_yet_served}"

        # the host is what it claims to be, so the comparison above covered what it should
        got, before = first.served, first.before
        state = {n: before.containers[n]["state"] for n in host.containers}
        assert [
            state[c(n)]
            for n in ("svc", "svc/web/burner", "svc/exit3", "svc/oom", "svc/stopped", "svc/paused", "jobs/respawn")
        ] == ["meta", "running", "dead", "dead", "stopped", "paused", "respawning"]
        assert one(got, "porto_container_exit_code", container=c("svc/exit3")) == 3
        assert one(got, "porto_container_exit_code", container=c("svc/oom")) == -99
        assert one(got, "porto_container_oom_killed", container=c("svc/oom")) == 1
        assert one(got, "porto_container_respawns_total", container=c("jobs/respawn")) >= 2
        assert one(got, "porto_container_cpu_limit_cores", container=c("svc/web/burner")) == 0.2
        assert one(got, "porto_container_cpu_throttled_seconds_total", container=c("svc/web/burner")) > 0
        hog = one(got, "porto_container_memory_usage_bytes", container=c("svc/web/hog"))
        assert HOG_MIB << 20 <= hog <= 64 << 20, hog
        assert {dict(k)["volume"]: dict(k)["backend"] for k in got[VOLUME_INFO.name]} == dict(
            zip(host.volumes, ("tmpfs", "loop"), strict=True)
        )

        # inherited controllers: web owns no memory or cpu cgroup, so portod answers svc's figures for it; the
        # exporter serves them once, on svc
        web, svc = before.containers[c("svc/web")], before.containers[c("svc")]
        assert "memory" not in web["controllers"].split(";") and "memory" in svc["controllers"].split(";")
        assert "cpu" not in web["controllers"].split(";") and "cpu" in svc["controllers"].split(";")
        # read one after the other while the hog and the burner run: the same cgroup, within what moved meanwhile
        web_mem, svc_mem = int(web["memory_usage"]), int(svc["memory_usage"])
        assert abs(web_mem - svc_mem) <= 0.1 * svc_mem, (web_mem, svc_mem)
        for family in ("porto_container_memory_usage_bytes", "porto_container_cpu_throttled_seconds_total"):
            holders = {dict(k)["container"] for k in got.get(family, {})}
            assert c("svc") in holders and c("svc/web") not in holders, (family, holders)

        # labels only through the allowlist
        assert (
            one(got, CONTAINER_LABELS.name, container=c("svc/web"), label_TEAM_name="web", label_TEAM_oncall="alice")
            == 1
        )
        assert not [k for series in got.values() for k in series if any(n.startswith("label_APP") for n, _ in k)]

        # what changes reaches the exporter: limits (and the totals of the children they bound), labels, states,
        # a volume's limit; compared again, family by family
        await real_portod.actl("set", c("svc"), "memory_limit", "200M")
        await real_portod.actl("set", c("svc"), "cpu_limit", "0.8c")
        await real_portod.actl("set", c("svc/web"), "labels[TEAM.oncall]", "bob")
        await real_portod.actl("resume", c("svc/paused"))
        await real_portod.actl("stop", c("svc/exit3"))
        await real_portod.actl("vtune", host.volumes[0], "space_limit=12M")
        second = await agreed_round(real_portod, session, exporter, host)
        got = second.served
        assert one(got, "porto_container_memory_limit_bytes", container=c("svc")) == 200 << 20
        assert one(got, "porto_container_memory_limit_total_bytes", container=c("svc/web/burner")) == 200 << 20
        assert one(got, "porto_container_cpu_limit_total_cores", container=c("svc/web")) == 0.8
        assert (
            one(got, CONTAINER_LABELS.name, container=c("svc/web"), label_TEAM_name="web", label_TEAM_oncall="bob") == 1
        )
        assert one(got, CONTAINER_STATE.name, container=c("svc/paused"), state="running") == 1
        assert one(got, CONTAINER_STATE.name, container=c("svc/exit3"), state="stopped") == 1
        assert math.isnan(one(got, "porto_container_exit_code", container=c("svc/exit3")))
        assert one(got, "porto_volume_space_limit_bytes", volume=host.volumes[0]) == 12 << 20

        everything = await scrape(session, exporter.url)
    assert not everything.get("porto_exporter_parse_errors_total"), everything.get("porto_exporter_parse_errors_total")
    assert not [line for line in exporter.log if "level=error" in line], exporter.log
