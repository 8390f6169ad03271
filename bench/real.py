"""porto-exporter against the real portod: what a cycle costs the daemon, measured, next to the simulator's model.

    python bench/real.py                          # 1,000 and as many as fit up to 2,900 (max_total: /etc/portod.conf)
    python bench/real.py --sizes 1000 --cycles 6  # a quick look
    python bench/real.py --render-only            # docs/performance.md's "Real portod" block from the results file
    python bench/real.py --remodel                # the modelled rows again after a cost model change (no portod)

Needs root and a running portod at /run/portod.socket (``/work/shared/portod/start``). The host is built
with portod itself under one prefix of its own (``pe-bench-<hex>``): nested meta parents, running
``sleep 100000`` leaves, some never started (stopped) and some that exited (dead). Every container
under the prefix is destroyed at the end, on error and on SIGINT/SIGTERM too. ``max_total`` counts every
container on the host (other sessions' too): the biggest size is cut to what fits, and the results say so.

Per exporter cycle (bench/worker.py: the real Scraper and the default collectors, on a virtual 15 s clock,
so the slow tier comes every 4th cycle): portod's CPU (utime + stime of the daemon process, all of
its threads, from /proc/<pid>/stat; the master ``portoloop`` counted apart), each request's wall time,
the exporter's CPU and RSS. The same host shape (names, states) is then given to the simulator and the
same cycles run against it, for the modelled portod seconds next to the measured ones.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, WorkerProc, machine

from porto_exporter.porto import PortoClient, errors
from porto_exporter.simulator import Simulator
from porto_exporter.simulator.accounting import Behaviour
from porto_exporter.simulator.host import Host

SOCKET = "/run/portod.socket"
MAX_TOTAL = 3000  # Porto's default container.max_total: every container on the host counts


def max_total(conf: Path = Path("/etc/portod.conf")) -> int:
    """container.max_total as /etc/portod.conf sets it (Porto's default when it does not), capped at 4,095."""
    try:
        found = re.search(r"^\s*max_total:\s*(\d+)", conf.read_text(), re.M)
    except OSError:
        found = None
    return min(int(found[1]), 4095) if found else MAX_TOTAL


MARGIN = 60  # left for the other sessions' containers that come and go meanwhile
RESULTS = ROOT / "bench" / "real-results.json"
BEFORE = ROOT / "bench" / "real-results-before.json"  # the same benchmark before the slow tier was spread
BEGIN, END = "<!-- real:begin -->", "<!-- real:end -->"
DEADLINE = 10.0  # the default --scrape.timeout
GROUP = 50  # leaves per meta parent
STOPPED_EVERY, DEAD_EVERY = 17, 29  # about 6% of leaves never started, 3.5% exited


def ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def cpu_of(pidfile: str) -> float:
    """utime + stime of the process in ``pidfile`` (every thread's), in seconds; 0 if it is gone."""
    try:
        pid = Path(pidfile).read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / ticks()


def threads_cpu(pidfile: str = "/run/portod.pid") -> dict[str, float]:
    """CPU seconds of each thread of the daemon, summed by thread name (``comm``): which threads burn."""
    out: dict[str, float] = {}
    try:
        pid = Path(pidfile).read_text().strip()
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for t in tasks:
        try:
            head, tail = (t / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue  # the thread ended meanwhile
        name = head.split("(", 1)[1]
        fields = tail.split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks()
    return out


def serves_requests(thread: str) -> bool:
    """portod's threads that answer requests: the main one (the sockets) and the RO/RW workers. The others
    (``portod-NET``: the network and its statistics, refreshed every few seconds for every container;
    ``portod-NET-L3-S``, ``portod-EV*``: events and timers) work on their own clock, requests or none."""
    return thread == "portod" or thread.startswith(("portod-RO", "portod-RW"))


def request_cpu(threads: dict[str, float]) -> float:
    return sum(v for k, v in threads.items() if serves_requests(k))


def threads_delta(t0: dict[str, float], t1: dict[str, float]) -> dict[str, float]:
    return {k: round(v - t0.get(k, 0.0), 3) for k, v in t1.items() if v - t0.get(k, 0.0) > 0}


def portod_cpu() -> tuple[float, float]:
    """(the daemon's CPU seconds, the master's), as /proc tells now."""
    return cpu_of("/run/portod.pid"), cpu_of("/run/portoloop.pid")


class Builder(Protocol):
    """What ``RealHost.grow`` asks of a portod: a ``PortoClient``, or the ``ShapeRecorder`` that only notes it."""

    async def create(self, name: str) -> None: ...
    async def start(self, name: str) -> None: ...
    async def set_property(self, name: str, prop: str, value: str) -> None: ...
    async def set_label(self, name: str, label: str, value: str) -> None: ...


class RealHost:
    """The benchmark's containers on the real portod, all under one prefix."""

    def __init__(self) -> None:
        self.prefix = f"pe-bench-{secrets.token_hex(3)}"
        self.leaves = 0
        self.groups = 0
        self.parent = self.prefix
        self.mix = {"meta": 0, "running": 0, "stopped": 0, "dead": 0}

    async def grow(self, client: Builder, total: int, log: Any) -> None:
        """Add containers under the prefix until it holds ``total`` (the prefix and meta parents included)."""
        if not self.mix["meta"]:
            await client.create(self.prefix)
            await client.start(self.prefix)
            self.mix["meta"] = 1
        sem = asyncio.Semaphore(16)

        async def one(name: str, kind: str) -> None:
            async with sem:
                await client.create(name)
                if kind == "meta":
                    await client.start(name)
                    return
                await client.set_property(name, "command", "true" if kind == "dead" else "sleep 100000")
                await client.set_label(name, "BENCH.kind", kind)
                if kind != "stopped":
                    await client.start(name)

        started = time.monotonic()
        while sum(self.mix.values()) < total:
            batch: list[tuple[str, str]] = []
            if self.leaves % GROUP == 0:  # a new parent; every 4th one nests its leaves one level deeper
                self.groups += 1
                parent = f"{self.prefix}/g{self.groups:03d}"
                await one(parent, "meta")
                self.mix["meta"] += 1
                if self.groups % 4 == 0:
                    await one(parent + "/inner", "meta")
                    self.mix["meta"] += 1
                    parent += "/inner"
                self.parent = parent
            room = total - sum(self.mix.values())
            for _ in range(min(GROUP - self.leaves % GROUP, room)):
                self.leaves += 1
                i = self.leaves
                kind = "stopped" if i % STOPPED_EVERY == 0 else "dead" if i % DEAD_EVERY == 0 else "running"
                batch.append((f"{self.parent}/c{i:05d}", kind))
                self.mix[kind] += 1
            await asyncio.gather(*(one(n, k) for n, k in batch))
        log(f"  host: {sum(self.mix.values())} containers {self.mix} ({time.monotonic() - started:.0f} s)")

    def destroy(self) -> None:
        """The prefix and everything under it (portoctl: a fresh client, whatever state ours is in)."""
        if self.mix["meta"]:
            subprocess.run(["portoctl", "destroy", self.prefix], capture_output=True, timeout=900)


async def listing(client: PortoClient) -> list[tuple[str, str]]:
    """Every container on the host with its state (the root left out)."""
    rsp = await client.list_containers_by(["***"], ["state"])
    return [
        (c.spec.name, c.status.state)
        for c in rsp.ListContainersBy.containers
        if not c.HasField("error") and c.spec.name != "/"
    ]


def measure(worker: WorkerProc, cycles: int, cost: Any = None) -> list[dict[str, Any]]:
    """``cycles`` exporter cycles, one at a time: each one's costs. ``cost``: the simulator's modelled seconds."""
    out = []
    for i in range(cycles):
        d0, m0 = portod_cpu()
        t0 = threads_cpu()
        c0 = cost() if cost else 0.0
        res = worker("cycles", n=1)
        d1, m1 = portod_cpu()
        t1 = threads_cpu()
        reqs = worker("requests")["requests"]
        lcb = [r for r in reqs if r["method"] == "ListContainersBy"]
        out.append(
            {
                "cycle": i,
                "wall": res["wall"],
                "cpu": res["cpu"],
                "rss": res["rss"],
                "portod_cpu": d1 - d0,
                "master_cpu": m1 - m0,
                "model": (cost() - c0) if cost else None,
                "props": lcb[0]["props"] if lcb else 0,  # the fast read's; wider when slow-tier properties ride on it
                "requests": reqs,
                "threads": threads_delta(t0, t1) if not cost else {},
                "request_cpu": request_cpu(threads_delta(t0, t1)) if not cost else None,
            }
        )
    return out


def idle_rate(seconds: float = 3.0) -> float:
    """portod's CPU per second with this benchmark idle (other sessions and its own housekeeping)."""
    d0, _ = portod_cpu()
    time.sleep(seconds)
    return (portod_cpu()[0] - d0) / seconds


IDLE_SAMPLE = 0.25  # seconds between per-thread readings while idle


def idle_threads(seconds: float = 10.0) -> tuple[dict[str, float], list[float]]:
    """Each portod thread's CPU per second with this benchmark idle, and ``portod-NET``'s CPU in each
    ``IDLE_SAMPLE`` (its work comes in bursts)."""
    t0 = prev = threads_cpu()
    net = []
    for _ in range(round(seconds / IDLE_SAMPLE)):
        time.sleep(IDLE_SAMPLE)
        now = threads_cpu()
        net.append(round(now.get("portod-NET", 0.0) - prev.get("portod-NET", 0.0), 3))
        prev = now
    return {k: round(v / seconds, 4) for k, v in threads_delta(t0, prev).items()}, net


def bursts(net: list[float]) -> tuple[int, float]:
    """(bursts of ``portod-NET`` in the samples, their median CPU seconds): a burst is a run of samples where
    it used more than a third of a core; one cut by the window's ends is not counted."""
    runs, cur = [], 0.0
    for i, v in enumerate(net):
        if v > IDLE_SAMPLE / 3:
            cur += v
        elif cur:
            runs.append((cur, i))
            cur = 0.0
    whole = [c for c, end in runs if net[0] <= IDLE_SAMPLE / 3 or end != runs[0][1]]
    return len(whole), statistics.median(whole) if whole else 0.0


def sim_host(shape: list[tuple[str, str]]) -> Host:
    """The real host's names and states on the simulator (running leaves sleep; parents are meta)."""
    host = Host(seed=1)
    parents = {n.rsplit("/", 1)[0] for n, _ in shape if "/" in n}
    for name, state in sorted(shape, key=lambda s: s[0].count("/")):
        meta = name in parents
        behaviour = Behaviour(exit_after=0.001) if state == "dead" else None
        c = host.create(name, behaviour=behaviour)
        if not meta:
            c.command = "true" if state == "dead" else "sleep 100000"
        if state != "stopped":
            host.start(name)
    if any(s == "dead" for _, s in shape):
        host.advance(time.time() + 1)
    return host


class SimThread:
    def __init__(self, host: Host, socket: str) -> None:
        self.sim = Simulator(host, socket)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.sim.start(), self.loop).result()

    def cost(self) -> float:
        return self.sim.cost.seconds

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.sim.stop(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


def property_groups() -> dict[str, list[str]]:
    """The default exporter's properties by what they cost: the fast tier, and each slow-tier group."""
    from porto_exporter.catalog import CONTAINER_METRICS, OPT_IN_GROUPS

    out: dict[str, list[str]] = {"fast": ["state", "change_time"]}
    for cm in CONTAINER_METRICS:
        if cm.group in OPT_IN_GROUPS and cm.tier != "slow":
            continue
        key = "fast" if cm.tier == "fast" else f"slow:{cm.group}" if cm.tier == "slow" else None
        if key is not None and cm.prop not in out.setdefault(key, []):
            out[key].append(cm.prop)
    return out


async def group_costs(client: PortoClient, repeat: int = 3) -> dict[str, dict[str, float]]:
    """One ``***`` ListContainersBy per property group, ``repeat`` times: median wall and portod CPU seconds."""
    out = {}
    for group, props in property_groups().items():
        walls, cpus, reqs = [], [], []
        for _ in range(repeat):
            d0, t0, w0 = portod_cpu()[0], threads_cpu(), time.perf_counter()
            await client.list_containers_by(["***"], props)
            walls.append(time.perf_counter() - w0)
            cpus.append(portod_cpu()[0] - d0)
            reqs.append(request_cpu(threads_delta(t0, threads_cpu())))
        out[group] = {
            "props": len(props),
            "wall": statistics.median(walls),
            "portod_cpu": statistics.median(cpus),
            "request_cpu": statistics.median(reqs),
        }
    return out


def bench_size(host: RealHost, client: PortoClient, size: int, cycles: int, log: Any) -> dict[str, Any]:
    loop = asyncio.new_event_loop()
    try:
        others = len(loop.run_until_complete(listing(client))) - sum(host.mix.values())
        fits = min(size, max_total() - others - MARGIN)
        loop.run_until_complete(host.grow(client, fits, log))
        shape = loop.run_until_complete(listing(client))
        groups = loop.run_until_complete(group_costs(client))
    finally:
        loop.run_until_complete(client.close())
        loop.close()
    rate = idle_rate()
    idle_by_thread, net_samples = idle_threads()
    worker = WorkerProc(SOCKET)
    try:
        real = measure(worker, cycles)
    finally:
        worker.close()
    with tempfile.TemporaryDirectory(prefix="porto-real-") as tmp:
        sim = SimThread(sim_host(shape), f"{tmp}/portod.sock")
        worker = WorkerProc(f"{tmp}/portod.sock")
        try:
            model = measure(worker, cycles, sim.cost)
        finally:
            worker.close()
            sim.close()
    states: dict[str, int] = {}
    for _, s in shape:
        states[s] = states.get(s, 0) + 1
    r = {
        "asked": size,
        "ours": sum(host.mix.values()),
        "others": others,
        "host": len(shape),
        "mix": dict(host.mix),
        "states": states,
        "idle_rate": rate,
        "idle_threads": idle_by_thread,
        "idle_net": net_samples,
        "real": real,
        "model": model,
        "groups": groups,
    }
    log(f"  {len(shape)} on the host: " + summary_line(r))
    return r


def summary_line(r: dict[str, Any]) -> str:
    s = summarise(r)
    return (
        f"cold wall {s['cold_wall']:.2f}s portod {s['cold_portod']:.2f}s; warm fast wall {s['fast_wall']:.2f}s "
        f"portod {s['fast_portod']:.2f}s; slow wall {s['slow_wall']:.2f}s portod {s['slow_portod']:.2f}s"
    )


def summarise(r: dict[str, Any]) -> dict[str, Any]:
    """Cold, warm fast-only and warm slow-tier cycles: medians of what was measured and modelled."""
    real, model = r["real"], r["model"]
    for rows in (real, model):  # a cycle whose fast read carried slow-tier properties: wider than the cold one's
        if any("props" not in x for x in rows):
            continue  # results written before the width was recorded carry "slow" themselves
        narrowest = rows[0]["props"]  # the cold cycle never reads the slow tier
        for x in rows:
            x["slow"] = x["props"] > narrowest

    def med(rows: list[dict[str, Any]], key: str) -> float:
        vals = [row[key] for row in rows if row[key] is not None]
        return statistics.median(vals) if vals else float("nan")

    def lcb(rows: list[dict[str, Any]], which: int) -> float:
        """Median wall time of each cycle's ``which``-th ListContainersBy (0: the fast read)."""
        vals = [[q for q in row["requests"] if q["method"] == "ListContainersBy"] for row in rows]
        return statistics.median([v[which]["seconds"] for v in vals if len(v) > which] or [float("nan")])

    for x in real:  # results with per-thread readings but written before request_cpu was kept
        if x.get("threads") and x.get("request_cpu") is None:
            x["request_cpu"] = request_cpu(x["threads"])
    out: dict[str, Any] = {}
    warm, mwarm = real[1:], model[1:]
    kinds = (
        ("cold", real[:1], model[:1]),
        ("fast", [x for x in warm if not x["slow"]], [x for x in mwarm if not x["slow"]]),
        ("slow", [x for x in warm if x["slow"]], [x for x in mwarm if x["slow"]]),
    )
    for label, rows, mrows in kinds:
        out[f"{label}_wall"] = med(rows, "wall")
        out[f"{label}_portod"] = med(rows, "portod_cpu")
        out[f"{label}_net"] = out[f"{label}_portod"] - r["idle_rate"] * out[f"{label}_wall"]
        out[f"{label}_model"] = med(mrows, "model")
        out[f"{label}_req"] = med([x for x in rows if x.get("request_cpu") is not None], "request_cpu")
        out[f"{label}_bg"] = med([x for x in rows if x.get("threads")], "portod_cpu") - out[f"{label}_req"]
        pairs = [
            (x["request_cpu"], m["model"])
            for x, m in zip(real, model, strict=True)  # the same cycle
            if x in rows and x.get("request_cpu") is not None and m["model"]
        ]
        out[f"{label}_req_ratio"] = statistics.median([a / b for a, b in pairs]) if pairs else float("nan")
        out[f"{label}_cpu"] = med(rows, "cpu")
        out[f"{label}_read"] = lcb(rows, 0)
        out[f"{label}_cycles"] = len(rows)
    out["cold_spec"] = lcb(real[:1], 1)
    out["rss"] = max(x["rss"] for x in real)
    out["max_wall"] = max(x["wall"] for x in real)
    return out


def render(results: dict[str, Any]) -> str:
    rows = [(r, summarise(r)) for r in results["sizes"]]
    head = "| | " + " | ".join(f"{r['host']:,} containers ({r['ours']:,} ours)" for r, _ in rows) + " |"
    lines = [head, "|---|" + "---:|" * len(rows)]

    def row(label: str, fn: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(fn(r, s) for r, s in rows) + " |")

    row(
        "mix: meta / running / stopped / dead (ours)",
        lambda r, s: " / ".join(str(r["mix"][k]) for k in ("meta", "running", "stopped", "dead")),
    )
    row("portod CPU while idle (s per s, other sessions included)", lambda r, s: f"{r['idle_rate']:.3f}")
    row(
        "  of which each thread, over 10 s (s per s)",
        lambda r, s: (
            ", ".join(f"{k} {v:.3f}" for k, v in sorted(r["idle_threads"].items())) if r.get("idle_threads") else "-"
        ),
    )
    row(
        "  `portod-NET` bursts in those 10 s (whole ones) x median CPU of one (s)",
        lambda r, s: "{} x {:.2f}".format(*bursts(r["idle_net"])) if r.get("idle_net") else "-",
    )
    for label, key in (
        ("cold (first) cycle", "cold"),
        ("warm cycle, fast tier only", "fast"),
        ("warm cycle with the slow tier", "slow"),
    ):
        if not any(s[f"{key}_cycles"] for _, s in rows):
            continue  # e.g. no warm cycle without a part of the slow tier once it is spread
        row(f"{label}: cycles measured", lambda r, s, k=key: str(s[f"{k}_cycles"]))
        row(f"{label}: wall (s)", lambda r, s, k=key: f"{s[f'{k}_wall']:.2f}")
        row(f"{label}: portod CPU, measured (s)", lambda r, s, k=key: f"{s[f'{k}_portod']:.2f}")
        row(f"{label}: portod CPU, measured less the idle rate x wall (s)", lambda r, s, k=key: f"{s[f'{k}_net']:.2f}")
        row(f"{label}: portod CPU, modelled by the simulator (s)", lambda r, s, k=key: f"{s[f'{k}_model']:.2f}")
        row(
            "  measured / modelled",
            lambda r, s, k=key: f"{s[f'{k}_portod'] / s[f'{k}_model']:.1f}x" if s[f"{k}_model"] else "-",
        )
        row(
            f"{label}: portod CPU in the threads that serve requests (main, RO/RW workers) (s)",
            lambda r, s, k=key: f"{s[f'{k}_req']:.2f}",
        )
        row(
            "  request threads / modelled (median of each cycle's)",
            lambda r, s, k=key: f"{s[f'{k}_req_ratio']:.2f}x" if s[f"{k}_req_ratio"] == s[f"{k}_req_ratio"] else "-",
        )
        row(f"{label}: portod CPU in its other threads (portod-NET ...) (s)", lambda r, s, k=key: f"{s[f'{k}_bg']:.2f}")
        row(f"{label}: the fast `***` read's wall (s)", lambda r, s, k=key: f"{s[f'{k}_read']:.2f}")
        row(f"{label}: exporter CPU (s)", lambda r, s, k=key: f"{s[f'{k}_cpu']:.2f}")
    row("cold cycle: the spec read's wall (s)", lambda r, s: f"{s['cold_spec']:.3f}")
    row("longest cycle (s; deadline 10 s)", lambda r, s: f"{s['max_wall']:.2f}")
    row("exporter RSS, highest (MB)", lambda r, s: f"{s['rss'] / 2**20:.0f}")
    measured = rows[-1][0].get("groups", {})
    for g in measured:  # the properties counted when measured (the catalog may have more since)
        count = measured[g].get("props", len(property_groups().get(g, [])))
        row(
            f"one `***` read of {g} ({count} properties): wall / portod CPU / request threads' CPU (s)",
            lambda r, s, g=g: (
                f"{r['groups'][g]['wall']:.2f} / {r['groups'][g]['portod_cpu']:.2f} / "
                f"{r['groups'][g].get('request_cpu', float('nan')):.2f}"
                if g in r.get("groups", {})
                else "-"
            ),
        )
    return "\n".join(lines)


def doc_block(results: dict[str, Any]) -> str:
    sizes = ", ".join(
        f"{r['asked']:,} asked, {r['ours']:,} made ({r['others']:,} of other sessions on the host)"
        for r in results["sizes"]
    )
    return f"""{BEGIN}
## Real portod

Generated by `bench/real.py` from `bench/real-results.json` ({results["date"]}, {results["portod"]}, on
{results["machine"]}); regenerate with `python bench/real.py` (measures) or `--render-only`. Sizes: {sizes}.
`max_total` is 3,000 in /etc/portod.conf and counts every container on the host, so the top size is what fit.

Per cycle: portod's CPU is utime + stime of the daemon process (`/run/portod.pid`, all its threads;
the master `portoloop` did {results["master_cpu"]:.2f} s in all), so it includes whatever other sessions made
portod do meanwhile (the idle row). Modelled: the simulator (`porto_exporter.simulator.cost`) given
the same names and states and the same cycles. Medians over the cycles of each kind; the exporter runs
`bench/worker.py` (default collectors, 15 s virtual interval, `--scrape.slow-interval` 60 s); a cycle
counts as "with the slow tier" when its fast read carried more properties than the cold cycle's (which
never reads the slow tier); after the spread that is every warm cycle, each with one part.{remodelled(results)}

Where portod's CPU goes (`/proc/<pid>/task/*/stat`, per thread, before and after each cycle): the
threads that serve requests (the main one and the `portod-RO*`/`portod-RW*` workers) are what the model
prices; portod's other threads work on their own clock, requests or none. With no request at all,
`portod-NET` (portod's network thread: it refreshes every container's network state and statistics)
runs one core flat out in bursts (the idle rows, sampled every 0.25 s with no request of ours): a cycle
either meets a burst (up to its wall time more "portod CPU") or not, and an idle rate taken over 3 s
subtracts the wrong amount. The whole-process rows include those bursts;
the request-thread rows are what the exporter's requests cost, next to the model.

{render(results)}

Every cycle at the top size{compare_note()} (the fast read's properties: wider when slow-tier
properties ride on it; wall and portod CPU in seconds):

{per_cycle(results)}

Requests of the last slow-tier cycle at the top size (method, filters, properties, wall s):
{requests_of(results)}
{END}"""


def remodelled(results: dict[str, Any]) -> str:
    """What the modelled rows are, when ``--remodel`` recomputed them after the measurements."""
    if "remodelled" not in results:
        return ""
    return f"""

The modelled rows were recomputed on {results["remodelled"]} (`--remodel`) with the cost model of that day
(`porto_exporter/simulator/props_stats.py`: the cgroup statistics priced from `bench/calib_threads.py`,
portod's request threads only, on a quiet daemon; `bench/calib-results-quiet.json`); the measured rows
are unchanged."""


def compare_note() -> str:
    return (
        (
            ", before the slow tier was spread (`bench/real-results-before.json`, whole slow tier every 4th cycle)"
            " and after (slow tier split by property group, one part a cycle)"
        )
        if BEFORE.exists()
        else ""
    )


def per_cycle(results: dict[str, Any]) -> str:
    runs = [json.loads(BEFORE.read_text()), results] if BEFORE.exists() else [results]
    tops = [run["sizes"][-1] for run in runs]
    head = (
        "| cycle | "
        + " | ".join(
            f"{t['host']:,} containers{' before' if len(runs) > 1 and i == 0 else ''}"
            f"{' after' if len(runs) > 1 and i == 1 else ''}: props / wall / portod CPU"
            for i, t in enumerate(tops)
        )
        + " |"
    )
    lines = [head, "|---|" + "---:|" * len(tops)]

    def cell(x: dict[str, Any]) -> str:
        props = x.get("props") or next((q["props"] for q in x["requests"] if q["method"] == "ListContainersBy"), 0)
        return f"{props} / {x['wall']:.2f} / {x['portod_cpu']:.2f}"

    for i in range(max(len(t["real"]) for t in tops)):
        label = "0 (cold)" if i == 0 else str(i)
        cells = [cell(t["real"][i]) if i < len(t["real"]) else "" for t in tops]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| longest | " + " | ".join(f"{max(x['wall'] for x in t['real']):.2f} s" for t in tops) + " |")
    return "\n".join(lines)


def requests_of(results: dict[str, Any]) -> str:
    top = results["sizes"][-1]["real"]
    slow = [x for x in top if x["slow"]] or top
    return "\n".join(f"- {q['method']} {q['filters']} x {q['props']}: {q['seconds']:.3f}" for q in slow[-1]["requests"])


class ShapeRecorder:
    """Stands in for portod while ``RealHost.grow`` runs: the names and states it would make, nothing sent."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.commands: dict[str, str] = {}

    async def create(self, name: str) -> None:
        self.states[name] = "stopped"

    async def start(self, name: str) -> None:
        command = self.commands.get(name)
        self.states[name] = "meta" if command is None else "dead" if command == "true" else "running"

    async def set_property(self, name: str, prop: str, value: str) -> None:
        self.commands[name] = value

    async def set_label(self, name: str, label: str, value: str) -> None:
        pass


def remodel(results: dict[str, Any], cycles: int, log: Any) -> None:
    """Each size's modelled cycles again, with the simulator's cost model as it is now; measurements kept.

    The host is rebuilt as ``RealHost.grow`` made it (same names and states; the few containers of other
    sessions left out), grown size after size as the benchmark did.
    """
    host, recorder = RealHost(), ShapeRecorder()
    loop = asyncio.new_event_loop()
    try:
        for r in results["sizes"]:
            loop.run_until_complete(host.grow(recorder, r["ours"], log))
            shape = list(recorder.states.items())
            with tempfile.TemporaryDirectory(prefix="porto-real-") as tmp:
                sim = SimThread(sim_host(shape), f"{tmp}/portod.sock")
                worker = WorkerProc(f"{tmp}/portod.sock")
                try:
                    r["model"] = measure(worker, min(cycles, len(r["real"])), sim.cost)
                finally:
                    worker.close()
                    sim.close()
            log(f"  {r['host']} on the host: " + summary_line(r))
    finally:
        loop.close()
    results["remodelled"] = time.strftime("%Y-%m-%d")


def write_doc(path: Path) -> None:
    """Regenerate docs/performance.md (bench/report.py), whose "Real portod" block comes from RESULTS."""
    if path.resolve() != RESULTS:
        print(f"docs/performance.md not rewritten: it is generated from {RESULTS}, not {path}", file=sys.stderr)
        return
    # a process of its own: bench/report.py reads this module for the block, so importing it here would be a circle
    subprocess.run([sys.executable, str(ROOT / "bench" / "report.py")], check=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,2900", help="containers of ours (prefix and parents included)")
    p.add_argument("--cycles", type=int, default=10, help="exporter cycles per size (the first is cold)")
    p.add_argument("--render-only", action="store_true", help="rewrite the doc block from the results file")
    p.add_argument(
        "--remodel",
        action="store_true",
        help="re-run only the simulator's modelled cycles (after a cost model change), keep the measured",
    )
    p.add_argument("--results", default=str(RESULTS))
    args = p.parse_args()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.render_only or args.remodel:
        saved = json.loads(Path(args.results).read_text())
        if args.remodel:
            remodel(saved, args.cycles, log)
            Path(args.results).write_text(json.dumps(saved, indent=1) + "\n")
        write_doc(Path(args.results))
        return

    def interrupted(signum: int, _: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    host = RealHost()
    version = subprocess.run(["portoctl", "--version"], capture_output=True, text=True).stdout.split()
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "portod": "portod " + (version[-1] if version else "?"),
        "sizes": [],
    }
    m0 = portod_cpu()[1]
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            log(f"{size} containers ...")
            results["sizes"].append(bench_size(host, PortoClient(SOCKET, timeout=300.0), size, args.cycles, log))
    finally:
        log(f"destroying {host.prefix} ...")
        host.destroy()
    results["master_cpu"] = portod_cpu()[1] - m0
    Path(args.results).write_text(json.dumps(results, indent=1) + "\n")
    write_doc(Path(args.results))
    print(render(results))


if __name__ == "__main__":
    try:
        main()
    except errors.PortoError as exc:
        sys.exit(f"bench/real.py: portod refused: {exc}")
