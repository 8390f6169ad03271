"""Lifecycle events benchmark: what the exporter pays for its AsyncWait subscription.

    python bench/events.py [--containers 10000] [--rate 1000] [--seconds 60]

Two measurements against the simulator (in a thread of this process) and the
exporter side in its own process (``bench/worker.py``, the real EventsCollector
and Subscription), so CPU and RSS are the exporter's alone:

- the initial burst: subscribing to a host of ``--containers`` containers, which
  portod answers with one push per container before its reply;
- a storm: ``--rate`` state changes a second for ``--seconds`` (short jobs created,
  started, killed and destroyed: 7 pushes each), exporter CPU as a share of one
  core and its RSS before and after.

The results replace the "events" part of bench/results.json, and bench/report.py regenerates
docs/performance.md from that file.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import report
from common import WorkerProc, machine
from run import SimThread

PUSHES_PER_JOB = 7  # stopped, starting, running, dead, stopping, stopped, destroyed


def storm(sim: SimThread, rate: int, seconds: float) -> int:
    """Create, start, kill and destroy jobs in the simulator's loop so ``rate`` pushes a second are sent."""

    async def run() -> int:
        host = sim.host
        jobs_per_tick = max(1, round(rate / PUSHES_PER_JOB / 10))
        if "storm" not in host.by_name:
            host.create("storm")
        done = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        next_tick = loop.time()
        while loop.time() < deadline:
            for _ in range(jobs_per_tick):
                name = f"storm/job-{done}"
                c = host.create(name)
                c.command = "sleep 1"
                host.start(name)
                host.kill(name, 9)
                host.destroy(name)
                done += 1
            next_tick += 0.1
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
        return done

    return int(sim.run(run()))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pe-ev-") as tmp:
        socket = str(Path(tmp) / "portod.socket")
        sim = SimThread(args.containers, socket)
        worker = WorkerProc(socket)
        try:
            before = worker("events_stats")
            started = time.perf_counter()
            burst = worker("subscribe")
            burst_wall = time.perf_counter() - started
            pushed0 = sim.host.events.pushed
            time.sleep(1.0)
            calm = worker("events_stats")
            jobs = storm(sim, args.rate, args.seconds)
            time.sleep(1.0)  # let the last pushes arrive
            after = worker("events_stats")
            pushed = sim.host.events.pushed - pushed0
        finally:
            worker.close()
            sim.close()
    return {
        "containers": args.containers,
        "burst": {
            "pushes": burst["received"],
            "cpu": burst["cpu"] - before["cpu"],
            "wall": burst_wall,
            "rss_before": before["rss"],
            "rss_after": burst["rss"],
        },
        "storm": {
            "seconds": args.seconds,
            "jobs": jobs,
            "pushes_sent": pushed,
            "pushes_received": after["received"] - calm["received"],
            "cpu": after["cpu"] - calm["cpu"],
            "rss_before": calm["rss"],
            "rss_after": after["rss"],
            "exits": after["exits"] - calm["exits"],
            "starts": after["starts"] - calm["starts"],
        },
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--containers", type=int, default=10_000)
    p.add_argument("--rate", type=int, default=1000, help="state changes per second during the storm")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument(
        "--out",
        default=str(report.RESULTS),
        help="results file (its 'events' part is replaced, then the docs regenerated); '' to only print",
    )
    args = p.parse_args()
    result = {
        "command": " ".join(["python bench/events.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        **measure(args),
    }
    print(report.events(result))
    if args.out:
        report.store("events", result, Path(args.out))


if __name__ == "__main__":
    main()
