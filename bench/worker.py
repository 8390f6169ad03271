"""The exporter side of the benchmark: one process, driven by bench/run.py over stdin/stdout.

It runs the real Scraper (client -> collectors -> renderer -> snapshot) and
the real aiohttp app against the simulator socket it is given, so its CPU
time and RSS are the exporter's own. Commands are JSON lines; every command
gets one JSON line back.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from porto_exporter.catalog import INFO_PROPS, all_metrics
from porto_exporter.collect import (
    CollectContext,
    ContainersCollector,
    EventsCollector,
    StorageCollector,
    SystemCollector,
    VolumesCollector,
)
from porto_exporter.collect.container_reads import FAST_ALWAYS
from porto_exporter.exposition import Renderer, build_snapshot
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.porto.transport import method_of
from porto_exporter.samples import Batch, Sample
from porto_exporter.scraper import Scraper
from porto_exporter.web import build_app

INTERVAL = 15.0  # the default --scrape.interval the cycles pretend to be spaced by
SLOW_INTERVAL = 60.0  # the default --scrape.slow-interval


class VirtualClock:
    """Cycles run back to back; the slow tier sees them INTERVAL seconds apart."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def families_for_prometheus_client(batches: list[Batch]) -> list[Metric]:
    """The same samples as prometheus_client metric families (built outside the timed part)."""
    types = {m.name: m for m in all_metrics()}
    out: list[Metric] = []
    merged = Batch()
    for b in batches:
        merged.extend(b)
    grouped: dict[str, list[Sample]] = {}
    for sample in merged:  # values in the metric's unit, as prometheus_client would be given them
        grouped.setdefault(sample.name, []).append(sample)
    for name, samples in grouped.items():
        m = types[name]
        fam = (CounterMetricFamily if m.type == "counter" else GaugeMetricFamily)(name, m.help)
        sample_name = fam.name + ("_total" if m.type == "counter" else "")
        for s in samples:
            fam.add_sample(sample_name, dict(s.labels), s.value)
        out.append(fam)
    return out


def describe(request: pb.TPortoRequest, seconds: float) -> dict[str, Any]:
    """One request for the log: its method, how many filters/names and properties it carried, its wall time."""
    method = method_of(request)
    filters = props = 0
    if method == "ListContainersBy":
        filters = len(request.ListContainersBy.filters)
        props = len(request.ListContainersBy.field_options.properties)
    elif method == "Get":
        filters, props = len(request.Get.name), len(request.Get.variable)
    return {"method": method, "filters": filters, "props": props, "seconds": seconds}


class LoggedClient(PortoClient):
    """A client that notes each request it makes (``describe``): what bench/real.py reads back."""

    def __init__(self, socket: str, timeout: float) -> None:
        super().__init__(socket, timeout=timeout)
        self.log: list[dict[str, Any]] = []  # each request's method, size and wall time

    async def call(
        self, request: pb.TPortoRequest, *, timeout: float | None = None, idempotent: bool = False
    ) -> pb.TPortoResponse:
        t = time.perf_counter()
        try:
            return await super().call(request, timeout=timeout, idempotent=idempotent)
        finally:
            self.log.append(describe(request, time.perf_counter() - t))


class Fixed:
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> list[Metric]:
        return self.families


class Worker:
    def __init__(self, socket: str) -> None:
        self.client = LoggedClient(socket, timeout=120.0)
        self.clock = VirtualClock()
        # its default groups are a default porto-exporter's (the opt-in ones left out)
        self.containers = ContainersCollector(slow_interval=SLOW_INTERVAL, clock=self.clock)
        self.others = [SystemCollector(), VolumesCollector(), StorageCollector()]
        self.scraper = Scraper(
            self.client, [self.others[0], self.containers, *self.others[1:]], interval=INTERVAL, timeout=120.0
        )
        self.runner: web.AppRunner | None = None
        self.events = EventsCollector()

    async def requests(self) -> dict[str, Any]:
        """The requests made since the last ask, in order (method, filters, properties, wall seconds)."""
        out, self.client.log = self.client.log, []
        return {"requests": out}

    async def subscribe(self) -> dict[str, Any]:
        """Start the events subscription and return once portod's initial burst has been absorbed."""
        await self.events.collect(CollectContext(self.client))
        sub = self.events.subscription
        assert sub is not None
        while not sub.stats.connected:
            await asyncio.sleep(0.01)
        return await self.events_stats()

    async def events_stats(self) -> dict[str, Any]:
        """The exporter process's CPU and RSS, and what the events collector has counted."""
        sub = self.events.subscription
        return {
            "cpu": time.process_time(),
            "rss": rss_bytes(),
            "received": sub.stats.received if sub else 0,
            "exits": sum(self.events.exits.values()),
            "starts": sum(self.events.starts.values()),
        }

    async def cycles(self, n: int) -> dict[str, Any]:
        phases: dict[str, float] = {}
        cpu = wall = 0.0
        for _ in range(n):
            c0, w0 = time.process_time(), time.perf_counter()
            await self.scraper.cycle()
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
            for k, v in self.scraper.phases.items():
                phases[k] = phases.get(k, 0.0) + v
            self.clock.now += INTERVAL
        snap = self.scraper.snapshot
        assert snap is not None and self.scraper.up
        return {
            "cpu": cpu / n,
            "wall": wall / n,
            "phases": {k: v / n for k, v in phases.items()},
            "samples": snap.samples,
            "text_bytes": sum(map(len, snap.text)),
            "gzip_bytes": sum(map(len, snap.text_deflate)),
            "rss": rss_bytes(),
        }

    async def naive(self, n: int) -> dict[str, Any]:
        """What an exporter without tiers reads: every property of every container, every cycle."""
        props = list(dict.fromkeys([*FAST_ALWAYS, *INFO_PROPS, *(cm.prop for cm in self.containers.metrics)]))
        ctx = CollectContext(self.client)
        for _ in range(n):
            await self.client.list_containers_by(["***"], props)
            for c in self.others:
                await c.collect(ctx)
        return {}

    async def serve(self) -> dict[str, Any]:
        self.scraper.interval = 3600.0  # keep the snapshot; the app's loop must not start cycles now
        app = build_app(self.scraper)
        app.cleanup_ctx.clear()
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        return {"port": port}

    async def compare(self, repeat: int) -> dict[str, Any]:
        """Best-of-N CPU time of our renderer and of generate_latest on the same samples.

        Ours is timed first, before prometheus_client's families (millions of objects) exist,
        and each side after a full garbage collection, so neither pays for the other's heap. Ours is a
        new Renderer each time (kept pieces keep their text, every family body is joined again): the
        scraper's own would hand back the bodies of kept families it rendered from these very batches.
        """
        batches = self.scraper.last_batches
        ours = ours_gzip = prom = float("inf")
        for _ in range(repeat):
            renderer = Renderer()  # a fresh one each time: the scraper's would reuse the families it rendered
            gc.collect()
            t = time.process_time()
            exposition = renderer.render(batches)
            ours = min(ours, time.process_time() - t)
            t = time.process_time()
            build_snapshot(exposition, 0.0)
            ours_gzip = min(ours_gzip, time.process_time() - t)
        registry = CollectorRegistry(auto_describe=False)
        registry.register(Fixed(families_for_prometheus_client(batches)))
        for _ in range(repeat):
            gc.collect()
            t = time.process_time()
            generate_latest(registry)
            prom = min(prom, time.process_time() - t)
        return {"ours": ours, "gzip": ours_gzip, "prometheus_client": prom, "samples": exposition.samples}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    args = parser.parse_args()
    worker = Worker(args.socket)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        cmd = json.loads(line)
        op = cmd.pop("cmd")
        if op == "quit":
            break
        if op == "rss":
            result: dict[str, Any] = {"rss": rss_bytes()}
        else:
            result = await getattr(worker, op)(**cmd)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    if worker.runner is not None:
        await worker.runner.cleanup()
    await worker.client.close()


if __name__ == "__main__":
    asyncio.run(main())
