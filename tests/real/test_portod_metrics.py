"""portod's own metrics endpoint on the real portod 5.3.59: the simulator serves its shape, and the exporter
re-exports it with portod's values, in seconds, over HTTP (promtool-clean).

The endpoint is read directly (aiohttp over the unix socket) just before and just after an exporter cycle that
began after the first read: every re-exported counter must lie between the two readings (milliseconds turned
into seconds), every gauge must be there. The exporter looks only at this test's own container, so its reads
stay small while other sessions use portod.
"""

from __future__ import annotations

import asyncio
import math
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.catalog import PORTOD_ENDPOINT_METRICS
from porto_exporter.simulator import Simulator, build_host

from ..conftest import free_port, poll, stop_processes, wait_ready
from .conftest import RealPortod
from .test_families import portod_pids

ENDPOINT = "/run/portod_metrics.socket"
Series = dict[tuple[str, frozenset[tuple[str, str]]], float]
REQUEST_LABELS = frozenset({"client", "error", "long", "queue"})  # what portod may put on requests_total


async def read_endpoint(path: str = ENDPOINT) -> str:
    async with (
        aiohttp.ClientSession(
            connector=aiohttp.UnixConnector(path=path, force_close=True), timeout=aiohttp.ClientTimeout(total=10)
        ) as session,
        session.get("http://localhost/metrics") as r,
    ):
        assert r.status == 200, r.status
        return await r.text()


def series_of(text: str) -> Series:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def shape(text: str) -> list[tuple[str, str, frozenset[str]]]:
    return [
        (f.name, f.type, frozenset(k for s in f.samples for k in s.labels))
        for f in text_string_to_metric_families(text)
    ]


async def test_the_simulator_serves_what_this_portod_serves(real_portod: RealPortod, socket_dir: Path) -> None:
    """Families in portod's order, their types and label names: the live daemon against the simulator's endpoint."""
    # portod writes volumes{backend} only while some volume exists (other tests make and remove theirs): that family
    # is compared where both have it, and left out of the order otherwise
    real = shape(await read_endpoint())
    sim = Simulator(build_host(seed=1), str(socket_dir / "p.sock"), metrics_socket=str(socket_dir / "m.sock"))
    async with sim:
        simulated = shape(await read_endpoint(str(socket_dir / "m.sock")))
    if {n for n, _, _ in real} ^ {n for n, _, _ in simulated} == {"volumes"}:
        real, simulated = ([f for f in fams if f[0] != "volumes"] for fams in (real, simulated))
    assert [(n, t) for n, t, _ in simulated] == [(n, t) for n, t, _ in real]
    for (name, _, ours), (_, _, theirs) in zip(simulated, real, strict=True):
        allowed = REQUEST_LABELS if name == "requests" else theirs  # which of those portod writes varies
        assert ours <= allowed and theirs <= allowed, (name, ours, theirs)


@pytest.fixture
async def exporter(real_portod: RealPortod, own: str, socket_dir: Path) -> AsyncIterator[tuple[str, Path]]:
    """The exporter process on portod's two sockets, looking at ``own`` only; its URL and its log file."""
    port = free_port()
    log = socket_dir / "exporter.log"
    with log.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porto_exporter",
            f"--porto.socket={real_portod.socket}",
            f"--porto.metrics-socket={ENDPOINT}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--scrape.interval=250ms",
            "--no-collector.events",
            f"--containers.include={own}",
            f"--containers.include={own}/***",
            stderr=err,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(url + "/-/ready", proc)
        yield url, log
    finally:
        await stop_processes([proc])


async def test_the_exporter_reexports_portods_metrics_with_their_values(exporter: tuple[str, Path]) -> None:
    url, log = exporter
    async with aiohttp.ClientSession() as session:

        async def scrape() -> tuple[str, Series]:
            async with session.get(url + "/metrics", headers={"Accept-Encoding": "identity"}) as r:
                assert r.status == 200
                text = await r.text()
            return text, series_of(text)

        def one(got: Series, name: str, **labels: str) -> float:
            return got.get((name, frozenset(labels.items())), math.nan)

        for _ in range(3):  # again only if portod restarted between the readings (another session's reload)
            pids = portod_pids()
            _, first = await scrape()
            cycles = one(first, "porto_exporter_cycles_total")
            before = series_of(await read_endpoint())

            async def fresh(at_least: float = cycles + 2) -> tuple[str, Series] | None:
                text, got = await scrape()
                done = one(got, "porto_exporter_cycles_total") >= at_least
                ok = one(got, "porto_exporter_collector_success", collector="portod_metrics") == 1
                return (text, got) if done and ok else None

            got_text = await poll(fresh, "an exporter cycle begun after portod's endpoint was read", seconds=20)
            assert got_text is not None
            text, got = got_text
            after = series_of(await read_endpoint())
            if portod_pids() == pids:
                break

    check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True, check=False)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), check.stdout + check.stderr
    compared = 0
    for em in PORTOD_ENDPOINT_METRICS:
        ours = {labels: v for (n, labels), v in got.items() if n == em.metric.name}
        assert ours, f"{em.metric.name} not served"
        for labels, value in ours.items():
            raw = value * 1000 if em.ms else value
            assert raw == round(raw) >= 0, (em.metric.name, labels, value)  # whole milliseconds, whole counts
            if em.metric.type == "counter":
                low, high = before.get((em.portod, labels), 0.0), after[(em.portod, labels)]
                assert low <= round(raw) <= high, (em.metric.name, dict(labels), low, raw, high)
                compared += 1
            else:
                assert (em.portod, labels) in after, (em.metric.name, dict(labels))
    reads = [
        v
        for (n, labels), v in got.items()
        if n == "porto_daemon_requests_total" and dict(labels).get("queue") == "portod-RO"
    ]
    assert compared >= 17 and sum(reads) > 0, (compared, reads)  # 4 queues x 3 times, 4 single, requests
    said = log.read_text()
    assert said.count(f"portod serves its own metrics at {ENDPOINT}") == 1 and "level=warn" not in said, said
