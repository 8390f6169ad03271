"""python -m porto_exporter.simulator --socket PATH [--containers N] [--seed S] [--batch-jobs] [--cgroup v2]
[--kubernetes [--pods N]]"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from .scenario import build_host
from .wire import Faults, Simulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m porto_exporter.simulator", description=__doc__)
    parser.add_argument("--socket", required=True, help="unix socket path to listen on")
    parser.add_argument("--containers", type=int, default=0, help="bulk containers besides the realistic ones")
    parser.add_argument("--seed", type=int, default=1, help="seed for workload rates")
    parser.add_argument("--batch-jobs", action="store_true", help="a batch group spawning short-lived jobs")
    parser.add_argument("--kubernetes", action="store_true", help="a node's pods as portoshim makes them")
    parser.add_argument("--pods", type=int, default=0, help="bulk pods besides those (implies --kubernetes)")
    parser.add_argument("--sleep-cost", action="store_true", help="sleep for the modelled portod time per request")
    parser.add_argument("--metrics-socket", help="also serve portod's own metrics endpoint (HTTP) on this unix socket")
    parser.add_argument(
        "--cgroup",
        choices=("v1", "v2"),
        default="v1",
        help="v2: a host whose portod keeps memory, cpu and blkio in cgroup2, as it reports them",
    )
    args = parser.parse_args(argv)
    if args.containers < 0:
        parser.error("--containers must be >= 0")
    return args


async def serve(args: argparse.Namespace) -> None:
    host = build_host(
        seed=args.seed,
        containers=args.containers,
        batch_jobs=args.batch_jobs,
        cgroup=args.cgroup,
        kubernetes=args.kubernetes,
        pods=args.pods,
    )
    sim = Simulator(host, args.socket, faults=Faults(sleep_cost=args.sleep_cost), metrics_socket=args.metrics_socket)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with sim:
        print(f"porto simulator listening on {args.socket} ({len(host.by_name)} containers)", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        asyncio.run(serve(args))
    except OSError as exc:
        print(f"simulator: cannot listen on {args.socket}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
