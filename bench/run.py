"""porto-exporter benchmark: one command, a table, and bench/results.json (then docs/performance.md).

    python bench/run.py                       # 100, 1,000, 10,000 and 50,000 containers (about an hour)
    python bench/run.py --sizes 100,1000 --churn-cycles 100 --out ''   # a quick look, nothing written

The results replace the "simulator" part of bench/results.json, and bench/report.py regenerates
docs/performance.md and the README's Sizing from that file.

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
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import report
from common import WorkerProc, machine

from porto_exporter.simulator import Simulator, build_host
from porto_exporter.simulator.host import Host
from porto_exporter.simulator.scenario import bulk_workload


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
            out.update(
                cpu=res["cpu"],
                wall=res["wall"],
                phases=res["phases"],
                samples=res["samples"],
                text_bytes=res["text_bytes"],
                gzip_bytes=res["gzip_bytes"],
            )
            c0 = sim.cost
            worker("naive", n=steady)
            out["all_portod_s"] = (sim.cost - c0) / steady
            log(
                f"  {n}: cold cpu {out['cold_cpu']:.3f}s portod {out['cold_portod_s']:.3f}s; warm cpu "
                f"{res['cpu']:.3f}s, portod tiers {out['tiers_portod_s']:.3f}s all {out['all_portod_s']:.3f}s"
            )
            worker("cycles", n=cycles - 1 - steady)
            out["cycles"] = cycles
            out["rss_100"] = worker("rss")["rss"]
            for gz in (False, True):
                key = "gzip" if gz else "plain"
                out[f"seq_{key}"] = latencies(port, gz, args.requests, 1)
                out[f"conc_{key}"] = latencies(port, gz, args.requests, 20)
            log(
                f"  {n}: latency seq plain p50 {out['seq_plain'][0] * 1e3:.1f} ms gzip "
                f"{out['seq_gzip'][0] * 1e3:.1f} ms; rss {out['rss_100'] / 2**20:.0f} MB"
            )
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
                        log(
                            f"  {n}: churn cycle {i + 1}, rss {worker('rss')['rss'] / 2**20:.0f} MB, "
                            f"{time.monotonic() - started:.0f}s"
                        )
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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100,1000,10000,50000")
    p.add_argument("--cycles", type=int, default=100, help="cycles before the RSS reading")
    p.add_argument("--churn-cycles", type=int, default=1000, help="cycles replacing 10%% of containers each")
    p.add_argument("--requests", type=int, default=200, help="requests per latency measurement")
    p.add_argument(
        "--out",
        default=str(report.RESULTS),
        help="results file (its 'simulator' part is replaced, then the docs regenerated); '' to only print",
    )
    args = p.parse_args()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = []
    started = time.monotonic()
    for n in (int(s) for s in args.sizes.split(",")):
        log(f"{n} containers ...")
        results.append(bench_size(n, args, log))
    print(report.table(results))
    if args.out:
        report.store(
            "simulator",
            {
                "command": " ".join(["python bench/run.py", *sys.argv[1:]]),
                "date": time.strftime("%Y-%m-%d"),
                "minutes": round((time.monotonic() - started) / 60),
                "machine": machine(),
                "notes": [],
                "sizes": results,
            },
            Path(args.out),
        )


if __name__ == "__main__":
    main()
