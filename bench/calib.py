"""Targeted real-portod measurements for the cost model's constants and the read planner's crossover.

    python bench/calib.py                 # 1,000 then 2,900 containers of ours; writes bench/calib-results.json
    python bench/calib.py 2900 calib-results-2.json   # one size, another results file (in bench/)

Builds the same host as bench/real.py (its ``RealHost``, one prefix of ours, destroyed at the end), then per
size: one ``***`` ListContainersBy per property group (the exporter's fast tier, each slow-tier group, the
spec read), repeated; at the top size also the spec read naming k running containers (one filter each), and a
one-name ``state`` read (the fixed cost of a request). portod's CPU is utime + stime of the daemon process
from /proc, less its idle rate (measured just before) x the request's wall time. Needs root and a running
portod at /run/portod.socket.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real import SOCKET, RealHost, idle_rate, listing, portod_cpu, property_groups

from porto_exporter.catalog import CONTAINER_METRICS, INFO_PROPS
from porto_exporter.porto import PortoClient

OUT = Path(__file__).resolve().parent / (sys.argv[2] if len(sys.argv) > 2 else "calib-results.json")
SPEC = list(
    dict.fromkeys(["state", "change_time", *INFO_PROPS, *(c.prop for c in CONTAINER_METRICS if c.tier == "spec")])
)


async def timed(client: PortoClient, filters: list[str], props: list[str], repeat: int, rate: float) -> dict[str, Any]:
    """``repeat`` identical reads: each one's wall and portod CPU (net of the idle rate), and their medians."""
    walls, cpus = [], []
    for _ in range(repeat):
        d0, w0 = portod_cpu()[0], time.perf_counter()
        await client.list_containers_by(filters, props)
        wall = time.perf_counter() - w0
        walls.append(wall)
        cpus.append(portod_cpu()[0] - d0 - rate * wall)
    return {
        "filters": len(filters),
        "props": len(props),
        "walls": walls,
        "cpus": cpus,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "cpu_mean": statistics.fmean(cpus),
        "cpu_stdev": statistics.pstdev(cpus),
    }


async def measure(client: PortoClient, host: RealHost, size: int, top: bool, log: Any) -> dict[str, Any]:
    await host.grow(client, size, log)
    shape = await listing(client)
    rate = idle_rate(5.0)
    states: dict[str, int] = {}
    for _, s in shape:
        states[s] = states.get(s, 0) + 1
    out: dict[str, Any] = {
        "host": len(shape),
        "states": states,
        "idle_rate": rate,
        "groups": {},
        "named": {},
        "named_state": {},
    }
    groups = {**property_groups(), "spec": SPEC, "state": ["state"]}
    for name, props in groups.items():
        out["groups"][name] = g = await timed(client, ["***"], props, 7, rate)
        log(f"  {len(shape)}: *** {name} ({len(props)}): wall {g['wall']:.3f} cpu {g['cpu']:.3f} ±{g['cpu_stdev']:.3f}")
    one = await timed(client, [host.prefix], ["state"], 200, rate)
    out["fixed"] = {"wall": one["wall"], "cpu_mean": one["cpu_mean"]}
    log(f"  one-name state read: wall {one['wall'] * 1e3:.2f} ms cpu {one['cpu_mean'] * 1e3:.2f} ms")
    if top:
        running = [n for n, s in shape if s == "running" and n.startswith(host.prefix + "/g") and "/c" in n]
        rng = random.Random(1)
        for k in (10, 30, 100, 300, 500, 1000):
            names = rng.sample(running, k)
            out["named"][k] = g = await timed(client, names, SPEC, 15 if k <= 100 else 7, rate)
            log(f"  {len(shape)}: spec by {k} names: wall {g['wall']:.4f} cpu {g['cpu_mean']:.4f}")
            out["named_state"][k] = g = await timed(client, names, ["state"], 15 if k <= 100 else 7, rate)
            log(f"  {len(shape)}: state by {k} names: wall {g['wall']:.4f} cpu {g['cpu_mean']:.4f}")
        out["groups"]["spec_again"] = g = await timed(client, ["***"], SPEC, 7, rate)
        log(f"  {len(shape)}: *** spec again: wall {g['wall']:.3f} cpu {g['cpu']:.3f}")
    return out


async def run(sizes: list[int], log: Any) -> dict[str, Any]:
    host = RealHost()
    client = PortoClient(SOCKET, timeout=300.0)
    results: dict[str, Any] = {"prefix": host.prefix, "sizes": []}
    try:
        for i, size in enumerate(sizes):
            results["sizes"].append(await measure(client, host, size, i == len(sizes) - 1, log))
            OUT.write_text(json.dumps(results, indent=1) + "\n")
    finally:
        await client.close()
        host.destroy()
    return results


def main() -> None:
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "1000,2900").split(",")]

    def log(msg: str) -> None:
        print(msg, flush=True)

    def interrupted(signum: int, _: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    asyncio.run(run(sizes, log))


if __name__ == "__main__":
    main()
