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

The results go into docs/performance.md between the ``events`` markers (bench/run.py
keeps that block when it rewrites the rest).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from run import ROOT, SimThread, WorkerProc, machine

BEGIN, END = "<!-- events:begin -->", "<!-- events:end -->"
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
        "burst": {"pushes": burst["received"], "cpu": burst["cpu"] - before["cpu"], "wall": burst_wall,
                  "rss_before": before["rss"], "rss_after": burst["rss"]},
        "storm": {"seconds": args.seconds, "jobs": jobs, "pushes_sent": pushed,
                  "pushes_received": after["received"] - calm["received"], "cpu": after["cpu"] - calm["cpu"],
                  "rss_before": calm["rss"], "rss_after": after["rss"], "exits": after["exits"] - calm["exits"],
                  "starts": after["starts"] - calm["starts"]},
    }  # fmt: skip


def section(r: dict[str, Any], command: str) -> str:
    b, s = r["burst"], r["storm"]
    mb = 1 << 20
    share = s["cpu"] / s["seconds"]
    rate = s["pushes_received"] / s["seconds"]
    return "\n".join([
        BEGIN,
        "## Lifecycle events (AsyncWait)",
        "",
        f"Measured by `{command}` on {time.strftime('%Y-%m-%d')}, on {machine()}: the exporter side",
        "(`bench/worker.py`: the real events collector and subscription) in its own process.",
        "",
        "| | measured |",
        "|---|---:|",
        f"| initial burst: pushes absorbed ({r['containers']:,} containers) | {b['pushes']:,} |",
        f"| initial burst: exporter CPU (s) / wall time (s) | {b['cpu']:.3f} / {b['wall']:.3f} |",
        f"| initial burst: RSS before -> after (MB) | {b['rss_before'] / mb:.0f} -> {b['rss_after'] / mb:.0f} |",
        f"| storm: state changes pushed per second (received / sent over {s['seconds']:g} s) "
        f"| {rate:,.0f} ({s['pushes_received']:,} / {s['pushes_sent']:,}) |",
        f"| storm: exits and starts counted | {s['exits']:,} / {s['starts']:,} ({s['jobs']:,} jobs) |",
        f"| storm: exporter CPU, share of one core | {share:.1%} |",
        f"| storm: RSS before -> after (MB) | {s['rss_before'] / mb:.0f} -> {s['rss_after'] / mb:.0f} |",
        "",
        f"Target: under 20% of a core during the storm, RSS flat: **{'met' if share < 0.2 else 'NOT met'}** "
        f"({share:.1%}, {(s['rss_after'] - s['rss_before']) / mb:+.0f} MB).",
        "",
        "```json",
        json.dumps(r, indent=1),
        "```",
        END,
    ])  # fmt: skip


def insert(doc: Path, block: str, begin: str = BEGIN, end: str = END) -> None:
    """Put ``block`` (which starts with ``begin`` and ends with ``end``) in place of the old one, or append it."""
    text = doc.read_text() if doc.exists() else ""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--containers", type=int, default=10_000)
    p.add_argument("--rate", type=int, default=1000, help="state changes per second during the storm")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.md"), help="'' to only print")
    args = p.parse_args()
    result = measure(args)
    block = section(result, " ".join(["python bench/events.py", *sys.argv[1:]]))
    print(block)
    if args.out:
        insert(Path(args.out), block)


if __name__ == "__main__":
    main()
