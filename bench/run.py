"""porto-exporter benchmark: one command, a table, and docs/performance.md.

    python bench/run.py                       # 100, 1,000, 10,000 and 50,000 containers (about an hour)
    python bench/run.py --sizes 100,1000 --churn-cycles 100   # a quick look

For each size the portod simulator runs in this process (in a thread, so its
cost model can be read and its containers replaced between cycles) and the
exporter runs in its own process (bench/worker.py), so the CPU time and RSS
reported are the exporter's alone. Latency is measured from this process
with blocking HTTP clients in threads.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from porto_exporter.simulator import Simulator, build_host
from porto_exporter.simulator.host import Host
from porto_exporter.simulator.scenario import bulk_workload

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


class SimThread:
    """The simulator on its own event loop in a background thread."""

    def __init__(self, containers: int, socket: str, seed: int = 1) -> None:
        self.host = build_host(seed=seed, containers=containers)
        self.sim = Simulator(self.host, socket)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.run(self.sim.start())
        self.next_id = containers
        self.rng = random.Random(seed)

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    @property
    def cost(self) -> float:
        return self.sim.cost.seconds

    def churn(self, fraction: float) -> None:
        """Replace ``fraction`` of the bulk containers with new ones (new names, new ids)."""

        async def replace() -> None:
            replace_bulk(self.host, fraction, self.rng, self)

        self.run(replace())

    def close(self) -> None:
        self.run(self.sim.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


def replace_bulk(host: Host, fraction: float, rng: random.Random, counter: SimThread) -> None:
    bulk = [name for name in host.by_name if name.startswith("bulk/s") and name.count("/") == 2]
    shards = sorted({name.split("/")[1] for name in bulk})
    for name in rng.sample(bulk, int(len(bulk) * fraction)):
        host.destroy(name)
        new = f"bulk/{rng.choice(shards)}/ct-{counter.next_id:05d}"
        counter.next_id += 1
        behaviour, memory_limit, cpu_limit = bulk_workload(rng.randrange(1 << 30), counter.next_id, len(bulk))
        c = host.create(new, behaviour=behaviour)
        c.command = "sleep 100000"
        c.memory_limit = memory_limit
        c.cpu_limit = cpu_limit
        c.labels = {"APP.idx": str(counter.next_id), "APP.shard": new.split("/")[1]}
        host.start(new)


class WorkerProc:
    def __init__(self, socket: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "exporter"))
        self.proc = subprocess.Popen([sys.executable, str(HERE / "worker.py"), "--socket", socket], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip

    def __call__(self, cmd: str, **kw: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **kw}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker died during {cmd}")
        return json.loads(line)  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.close()
        finally:
            self.proc.wait(timeout=30)


def fetch(conn: http.client.HTTPConnection, gzipped: bool) -> float:
    headers = {"Accept-Encoding": "gzip" if gzipped else "identity"}
    t = time.perf_counter()
    conn.request("GET", "/metrics", headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    elapsed = time.perf_counter() - t
    assert resp.status == 200 and body, resp.status
    return elapsed


def latencies(port: int, gzipped: bool, requests: int, concurrency: int) -> tuple[float, float]:
    """p50 and p99 of whole-response times (seconds)."""
    per_thread = requests // concurrency

    def client(_: int) -> list[float]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            return [fetch(conn, gzipped) for _ in range(per_thread)]
        finally:
            conn.close()

    with ThreadPoolExecutor(concurrency) as pool:
        times = sorted(t for ts in pool.map(client, range(concurrency)) for t in ts)
    q = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times), q[98]


class PlainScraper:
    """A client scraping plain text every ``period`` seconds in the background (the RSS setting of the issue)."""

    def __init__(self, port: int, period: float = 0.2) -> None:
        self.port, self.period = port, period
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.scrapes = 0

    def _run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        while not self.stop.wait(self.period):
            fetch(conn, gzipped=False)
            self.scrapes += 1
        conn.close()

    def __enter__(self) -> PlainScraper:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def bench_size(n: int, args: argparse.Namespace, log: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"containers": n}
    # Big hosts take seconds a cycle: fewer cycles, same measurements.
    cycles = min(args.cycles, max(20, 1_000_000 // n))
    churn_cycles = min(args.churn_cycles, max(10, 2_000_000 // n))
    with tempfile.TemporaryDirectory(prefix="porto-bench-") as tmp:
        sock = f"{tmp}/portod.sock"
        sim = SimThread(n, sock)
        worker = WorkerProc(sock)
        try:
            c0 = sim.cost
            cold = worker("cycles", n=1)  # the first cycle: every container's spec is read too
            out.update(cold_portod_s=sim.cost - c0, cold_cpu=cold["cpu"], cold_rss=cold["rss"])
            port = worker("serve")["port"]
            out["cold_gzip_p50"] = latencies(port, True, 20, 1)[0]
            out["cold_plain_p50"] = latencies(port, False, 20, 1)[0]
            steady = 8  # with 15 s cycles and a 60 s slow tier: 2 of these 8 read the costly properties
            c0 = sim.cost
            res = worker("cycles", n=steady)
            out["tiers_portod_s"] = (sim.cost - c0) / steady
            out.update(cpu=res["cpu"], wall=res["wall"], phases=res["phases"], samples=res["samples"],
                       text_bytes=res["text_bytes"], gzip_bytes=res["gzip_bytes"])  # fmt: skip
            c0 = sim.cost
            worker("naive", n=steady)
            out["all_portod_s"] = (sim.cost - c0) / steady
            log(f"  {n}: cold cpu {out['cold_cpu']:.3f}s portod {out['cold_portod_s']:.3f}s; warm cpu "
                f"{res['cpu']:.3f}s, portod tiers {out['tiers_portod_s']:.3f}s all {out['all_portod_s']:.3f}s")
            worker("cycles", n=cycles - 1 - steady)
            out["cycles"] = cycles
            out["rss_100"] = worker("rss")["rss"]
            for gz in (False, True):
                key = "gzip" if gz else "plain"
                out[f"seq_{key}"] = latencies(port, gz, args.requests, 1)
                out[f"conc_{key}"] = latencies(port, gz, args.requests, 20)
            log(f"  {n}: latency seq plain p50 {out['seq_plain'][0] * 1e3:.1f} ms gzip "
                f"{out['seq_gzip'][0] * 1e3:.1f} ms; rss {out['rss_100'] / 2**20:.0f} MB")
            rss_start = None
            rss_max = 0
            started = time.monotonic()
            with PlainScraper(port) as scraper:
                for i in range(churn_cycles):
                    sim.churn(0.10)
                    rss_max = max(rss_max, worker("cycles", n=1)["rss"])
                    if i == 9:
                        rss_start = worker("rss")["rss"]
                    if (i + 1) % 100 == 0:
                        log(f"  {n}: churn cycle {i + 1}, rss {worker('rss')['rss'] / 2**20:.0f} MB, "
                            f"{time.monotonic() - started:.0f}s")  # fmt: skip
            out["churn_cycles"] = churn_cycles
            out["rss_churn_start"] = rss_start
            out["rss_churn_end"] = worker("rss")["rss"]
            out["rss_scraped_max"] = rss_max
            out["plain_scrapes"] = scraper.scrapes
            # last: prometheus_client's families for the comparison would inflate the RSS readings
            out["render"] = worker("compare", repeat=3)
        finally:
            worker.close()
            sim.close()
    return out


def ms(x: float) -> str:
    return f"{x * 1e3:.1f}"


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("cold (first) cycle: modelled portod time (s)", lambda r: f"{r['cold_portod_s']:.3f}"),
        ("cold cycle: exporter CPU (s)", lambda r: f"{r['cold_cpu']:.3f}"),
        ("cold cycle: RSS after it (MB)", lambda r: f"{r['cold_rss'] / 2**20:.0f}"),
        ("cold cycle: /metrics p50 plain / gzip (ms)",
         lambda r: f"{ms(r['cold_plain_p50'])} / {ms(r['cold_gzip_p50'])}"),
        ("warm cycle: modelled portod time (s)", lambda r: f"{r['tiers_portod_s']:.3f}"),
        ("  cold / warm portod time", lambda r: f"{r['cold_portod_s'] / r['tiers_portod_s']:.2f}"),
        ("warm cycle: exporter CPU (s)", lambda r: f"{r['cpu']:.3f}"),
        ("  portod wait (wall s, concurrent requests counted once)", lambda r: f"{r['phases']['portod_wait']:.3f}"),
        ("  decode (CPU s)", lambda r: f"{r['phases']['decode']:.3f}"),
        ("  convert (CPU s)", lambda r: f"{r['phases']['convert']:.3f}"),
        ("  render + gzip (CPU s)", lambda r: f"{r['phases']['render']:.3f}"),
        ("CPU per container (µs)", lambda r: f"{r['cpu'] / r['containers'] * 1e6:.0f}"),
        ("samples per cycle", lambda r: f"{r['samples']:,}"),
        ("exposition size plain / gzip (MB)", lambda r: f"{r['text_bytes'] / 1e6:.2f} / {r['gzip_bytes'] / 1e6:.2f}"),
        ("modelled portod time per cycle, every property (s)", lambda r: f"{r['all_portod_s']:.3f}"),
        ("  tiers / every property", lambda r: f"{r['tiers_portod_s'] / r['all_portod_s']:.2f}"),
        ("/metrics p50 / p99, sequential, plain (ms)", lambda r: f"{ms(r['seq_plain'][0])} / {ms(r['seq_plain'][1])}"),
        ("/metrics p50 / p99, sequential, gzip (ms)", lambda r: f"{ms(r['seq_gzip'][0])} / {ms(r['seq_gzip'][1])}"),
        ("/metrics p50 / p99, 20 concurrent, plain (ms)",
         lambda r: f"{ms(r['conc_plain'][0])} / {ms(r['conc_plain'][1])}"),
        ("/metrics p50 / p99, 20 concurrent, gzip (ms)",
         lambda r: f"{ms(r['conc_gzip'][0])} / {ms(r['conc_gzip'][1])}"),
        ("RSS after the warm cycles (MB)", lambda r: f"{r['rss_100'] / 2**20:.0f} ({r['cycles']} cycles)"),
        ("RSS churning, after cycle 10 -> last (MB)",
         lambda r: f"{(r['rss_churn_start'] or 0) / 2**20:.0f} -> {r['rss_churn_end'] / 2**20:.0f}"
         f" ({r['churn_cycles']} cycles)"),
        ("RSS churning while plain text is scraped every 0.2 s, max (MB)",
         lambda r: f"{r['rss_scraped_max'] / 2**20:.0f} ({r['plain_scrapes']} scrapes)"),
        ("render, ours (CPU s)", lambda r: f"{r['render']['ours']:.3f}"),
        ("render, prometheus_client generate_latest (CPU s)", lambda r: f"{r['render']['prometheus_client']:.3f}"),
        ("  prometheus_client / ours", lambda r: f"{r['render']['prometheus_client'] / r['render']['ours']:.1f}x"),
        ("gzip of both formats, ours (CPU s)", lambda r: f"{r['render']['gzip']:.3f}"),
    ]  # fmt: skip
    head = "| | " + " | ".join(f"{r['containers']:,} containers" for r in results) + " |"
    sep = "|---|" + "---:|" * len(results)
    body = [f"| {label} | " + " | ".join(fn(r) for r in results) + " |" for label, fn in rows]
    return "\n".join([head, sep, *body])


def targets(results: list[dict[str, Any]]) -> str:
    """The issue's targets, judged on these results."""
    by = {r["containers"]: r for r in results}
    rows: list[tuple[str, bool | None, str]] = []

    def add(what: str, ok: bool | None, measured: str) -> None:
        rows.append((what, ok, measured))

    for r in results:
        ratio = r["cold_portod_s"] / r["tiers_portod_s"]
        add(f"{r['containers']:,} containers: cold cycle's modelled portod time <= 2x a warm one's", ratio <= 2,
            f"{ratio:.2f}x ({r['cold_portod_s']:.3f} / {r['tiers_portod_s']:.3f} s)")  # fmt: skip
    if 50000 in by:
        r = by[50000]
        add("50,000 containers: warm cycle exporter CPU <= 5 s", r["cpu"] <= 5.0, f"{r['cpu']:.3f} s")
        rss = max(r["rss_100"], r["rss_churn_end"], r["rss_scraped_max"])
        add("50,000 containers: RSS <= 1.2 GB", rss <= 1.2 * 2**30, f"{rss / 2**20:.0f} MB (worst reading)")
        add("50,000 containers: /metrics gzip p50 <= 100 ms", r["seq_gzip"][0] <= 0.1, f"{ms(r['seq_gzip'][0])} ms")
    if 10000 in by:
        r = by[10000]
        add("10,000 containers: exporter CPU per cycle <= 1.0 s", r["cpu"] <= 1.0, f"{r['cpu']:.3f} s")
        add("10,000 containers: /metrics p50 <= 50 ms, plain and gzip",
            max(r["seq_plain"][0], r["seq_gzip"][0]) <= 0.05,
            f"{ms(r['seq_plain'][0])} / {ms(r['seq_gzip'][0])} ms")  # fmt: skip
        add("10,000 containers: RSS <= 300 MB while plain text is scraped every 0.2 s",
            r["rss_scraped_max"] <= 300 * 2**20, f"{r['rss_scraped_max'] / 2**20:.0f} MB max")  # fmt: skip
        ratio = r["render"]["prometheus_client"] / r["render"]["ours"]
        add("10,000 containers: our render >= 10x prometheus_client's", ratio >= 10, f"{ratio:.1f}x")
    if 1000 in by:
        r = by[1000]
        add("1,000 containers: exporter CPU per cycle <= 0.1 s", r["cpu"] <= 0.1, f"{r['cpu']:.3f} s")
    if 1000 in by and 10000 in by:
        growth = (by[10000]["cpu"] / 10000) / (by[1000]["cpu"] / 1000)
        add("cost per container grows <= 1.3x from 1,000 to 10,000", growth <= 1.3, f"{growth:.2f}x")
    for r in results:
        if r.get("rss_churn_start"):
            growth = r["rss_churn_end"] / r["rss_churn_start"] - 1
            add(f"{r['containers']:,} containers: RSS growth over {r['churn_cycles']} churning cycles <= 10%",
                growth <= 0.10, f"{growth * 100:+.1f}%")  # fmt: skip
    worst_tiers = max(r["tiers_portod_s"] / r["all_portod_s"] for r in results)
    add("modelled portod time with tiers <= half of every property", worst_tiers <= 0.5, f"worst {worst_tiers:.2f}")
    lines = ["| target | met | measured |", "|---|---|---|"]
    lines += [f"| {what} | {'yes' if ok else 'NO'} | {measured} |" for what, ok, measured in rows]
    return "\n".join(lines)


def sizing(results: list[dict[str, Any]]) -> str:
    """Per host size: what the exporter and portod spend, and the interval/timeout to pick."""
    lines = ["| containers | exporter CPU per cycle | exporter RSS (worst) | portod time per cycle (modelled) "
             "| --scrape.timeout | --scrape.interval |", "|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in results:
        rss = max(r["rss_100"], r["rss_churn_end"], r.get("rss_scraped_max") or 0)
        portod, cpu = r["tiers_portod_s"], r["cpu"]
        timeout = nice(1.5 * (portod + cpu))  # a cycle's portod time plus our CPU, with room to spare
        interval = nice(max(15.0, 2 * portod, timeout))  # portod's worker busy with us at most half the time
        lines.append(f"| {r['containers']:,} | {cpu:.2f} s | {rss / 2**20:.0f} MB | {portod:.2f} s "
                     f"| {timeout:g}s | {interval:g}s |")  # fmt: skip
    return "\n".join(lines)


def nice(seconds: float) -> float:
    """Round up to a duration an operator would type."""
    for step in (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300):
        if seconds <= step:
            return float(step)
    return float(int(seconds // 60 + 1) * 60)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}")  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100,1000,10000,50000")
    p.add_argument("--cycles", type=int, default=100, help="cycles before the RSS reading")
    p.add_argument("--churn-cycles", type=int, default=1000, help="cycles replacing 10%% of containers each")
    p.add_argument("--requests", type=int, default=200, help="requests per latency measurement")
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.md"), help="'' to skip writing")
    p.add_argument("--render-only", metavar="MD", help="re-render the doc from the raw results in MD, no measuring")
    args = p.parse_args()
    if args.render_only:
        rerender(Path(args.render_only), Path(args.out or args.render_only))
        return

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = []
    started = time.monotonic()
    for n in (int(s) for s in args.sizes.split(",")):
        log(f"{n} containers ...")
        results.append(bench_size(n, args, log))
    text = table(results)
    print(text)
    if args.out:
        raw = json.dumps(results, indent=1)
        out = Path(args.out)
        out.write_text(with_events_block(out, render_doc(text, args, time.monotonic() - started, raw)))
        log(f"wrote {args.out}")


def render_doc(text: str, args: argparse.Namespace, seconds: float, raw: str) -> str:
    template = (HERE / "performance.md.in").read_text()
    return template.format(
        table=text, machine=machine(), date=time.strftime("%Y-%m-%d"), seconds=f"{seconds / 60:.0f}",
        command=" ".join(["python bench/run.py", *sys.argv[1:]]), raw=raw,
        targets=targets(json.loads(raw)), sizing=sizing(json.loads(raw)),
    )  # fmt: skip


def rerender(source: Path, out: Path) -> None:
    """Rebuild the tables of a written doc from the raw JSON it carries (same header line)."""
    doc = source.read_text()
    raw = doc.split("```json\n", 1)[1].split("\n```", 1)[0]
    header = doc.splitlines()[2]
    results = json.loads(raw)
    template = (HERE / "performance.md.in").read_text()
    body = template.format(table=table(results), targets=targets(results), sizing=sizing(results), raw=raw,
                           machine="{machine}",
                           date="{date}", seconds="{seconds}", command="{command}")  # fmt: skip
    lines = body.splitlines()
    lines[2] = header  # keep when, how and where it was measured
    out.write_text(with_events_block(source, "\n".join(lines) + "\n"))


def with_events_block(previous: Path, text: str) -> str:
    """``text`` plus the sections bench/events.py and bench/web.py wrote into ``previous``, if any."""
    old = previous.read_text() if previous.exists() else ""
    for section in ("events", "web", "real"):
        begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
        if begin in old and end in old:
            block = begin + old.split(begin, 1)[1].split(end, 1)[0] + end
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    return text


if __name__ == "__main__":
    main()
