"""Series per container with default flags, by collector group: what docs/fleet.md's table reports.

    python bench/series.py [--containers 1000] [-- exporter flags, e.g. --collector.containers.vmem]
    python bench/series.py --pods 100 [-- --kubernetes.mode=off]   # portoshim's pods (2 containers each)

Counts the exposition lines of an exporter cycle (the second: the slow tier included) on a
simulated host with N bulk containers against one with none, and attributes each family to its
``--no-collector.containers.<group>`` ("always" for info, state and labels; "kubernetes" for
porto_container_kubernetes_info; "host" for the rest). With ``--pods`` the hosts compared have the
simulator's Kubernetes node (simulator/kubernetes.py) with none and with N more pods.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections import Counter

from porto_exporter.catalog import CONTAINER_INFO, CONTAINER_LABELS, CONTAINER_METRICS, CONTAINER_STATE, KUBERNETES_INFO
from porto_exporter.cli import build_collectors
from porto_exporter.config import load
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator, build_host
from porto_exporter.simulator.kubernetes import WORKLOADS

GROUP = {cm.metric.name: cm.group for cm in CONTAINER_METRICS}
GROUP.update({m.name: "always" for m in (CONTAINER_INFO, CONTAINER_LABELS, CONTAINER_STATE)})
GROUP[KUBERNETES_INFO.name] = "kubernetes"


async def count(containers: int, flags: list[str], pods: int | None = None) -> Counter[str]:
    """Series by group on a host with ``containers`` bulk containers or (``pods`` not None) a node with ``pods``."""
    host = build_host(seed=1, containers=containers) if pods is None else build_host(seed=1, kubernetes=True, pods=pods)
    with tempfile.TemporaryDirectory(prefix="pe-series-") as d:
        async with Simulator(host, f"{d}/portod.sock") as sim:
            scraper = Scraper(PortoClient(sim.socket_path), build_collectors(load(flags)), interval=0)
            await scraper.cycle()
            snapshot = await scraper.cycle()
            await scraper.close()
    out: Counter[str] = Counter()
    for line in b"".join(snapshot.text).decode().splitlines():
        if line and not line.startswith("#"):
            out[GROUP.get(line.split("{", 1)[0].split(" ", 1)[0], "host")] += 1
    return out


async def main(containers: int, flags: list[str], pods: int | None = None) -> None:
    if pods is None:
        empty, full = await count(0, flags), await count(containers, flags)
        print(f"fixed per host: {sum(empty.values()):,}")
        print(f"per {containers:,} containers: {sum(full.values()) - sum(empty.values()):,}")
    else:  # each pod: its own Porto container and two children
        empty, full = await count(0, flags, 0), await count(0, flags, pods)
        print(f"fixed per node (its {sum(w.replicas for w in WORKLOADS)} pods included): {sum(empty.values()):,}")
        print(f"per {pods:,} pods ({3 * pods:,} Porto containers): {sum(full.values()) - sum(empty.values()):,}")
    for group in sorted(full, key=lambda g: empty[g] - full[g]):
        print(f"  {group}: {full[group] - empty[group]:,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--containers", type=int, default=1000)
    parser.add_argument("--pods", type=int, default=None, help="compare Kubernetes nodes with 0 and this many pods")
    parser.add_argument("flags", nargs="*", help="exporter flags (after --)")
    args = parser.parse_args()
    asyncio.run(main(args.containers, args.flags, args.pods))
