"""What portod's metrics endpoint may do wrong, and what the exporter serves meanwhile, read over real HTTP.

The simulator's endpoint (a real unix socket) answers with garbage, a reply too big (announced, or streamed
without a length), never, an HTTP error or a broken status line; a socket file nobody listens on; no socket at
all, as on an older portod. Each time: the collector's success gauge says 0 and its failure counter says why,
none of portod's families is served from that read, the exporter logs the failure once, promtool finds the
exposition clean; when the endpoint recovers everything comes back.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.collect import SystemCollector
from porto_exporter.collect.portod_metrics import MAX_BODY, PortodMetricsCollector
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator, build_host
from porto_exporter.simulator.metrics_endpoint import EndpointFaults, MetricsEndpoint
from porto_exporter.web import build_app

Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]
PORTOD_FAMILY = "porto_daemon_requests_exec_seconds_total"
COLLECTOR = "portod_metrics"


def promtool_clean(text: str) -> None:
    check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True, check=False)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), check.stdout + check.stderr


class Served:
    """The exporter's app on a real TCP port over one collector of portod's endpoint; each scrape runs a cycle."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url

    async def scrape(self) -> tuple[str, Series]:
        async with self.session.get(self.url + "/metrics", headers={"Accept-Encoding": "identity"}) as r:
            assert r.status == 200
            text = await r.text()
        promtool_clean(text)
        return text, {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for f in text_string_to_metric_families(text)
            for s in f.samples
        }


def success(series: Series) -> float:
    return series[("porto_exporter_collector_success", (("collector", COLLECTOR),))]


def errors(series: Series) -> dict[str, float]:
    return {dict(k)["reason"]: v for (n, k), v in series.items() if n == "porto_exporter_portod_metrics_errors_total"}


def portod_families(series: Series) -> set[str]:
    return {n for n, _ in series if n.startswith("porto_daemon_")}


@pytest.fixture
async def msim(socket_dir: Path) -> AsyncIterator[Simulator]:
    sim = Simulator(
        build_host(seed=7), str(socket_dir / "portod.socket"), metrics_socket=str(socket_dir / "portod_metrics.socket")
    )
    async with sim:
        yield sim


async def serve(socket_path: str, metrics_path: str) -> tuple[web.AppRunner, Served, aiohttp.ClientSession]:
    """Each scrape waits for the end of its own read (a grace longer than the read's deadline): what one read does
    is what that scrape shows. (The default grace is short: test_a_hung_endpoint_does_not_hold_the_cycle_back.)"""
    collector = PortodMetricsCollector(metrics_path, timeout=0.5, grace=5.0)
    scraper = Scraper(PortoClient(socket_path, timeout=5), [collector], interval=0, timeout=5)
    runner = web.AppRunner(build_app(scraper), shutdown_timeout=1.0)
    await runner.setup()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    await web.TCPSite(runner, "127.0.0.1", port).start()
    session = aiohttp.ClientSession()
    return runner, Served(session, f"http://127.0.0.1:{port}"), session


@pytest.fixture
async def served(msim: Simulator) -> AsyncIterator[Served]:
    assert msim.metrics is not None
    runner, srv, session = await serve(msim.socket_path, msim.metrics.path)
    try:
        yield srv
    finally:
        await session.close()
        await runner.cleanup()


BIG = b"# TYPE events_queued gauge\n" + b"events_queued 1\n" * (MAX_BODY // 16 + 1)
CASES = {
    "garbage": (EndpointFaults(body=b"\x00\xff<html>not prometheus{{{"), "unparsable", "not Prometheus text"),
    "too big": (EndpointFaults(body=BIG), "too_large", f"over {MAX_BODY}"),
    "too big, streamed": (
        EndpointFaults(raw=b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + BIG),
        "too_large",
        f"a reply over {MAX_BODY} bytes",
    ),
    "hung": (EndpointFaults(hang=True), "timeout", "no whole reply within 0.5s"),
    "HTTP 500": (EndpointFaults(status=500, body=b"oops"), "http_status", "HTTP 500 Internal Server Error"),
    "not HTTP": (
        EndpointFaults(raw=b"SSH-2.0-OpenSSH\r\n\r\n"),
        "bad_response",
        "a broken HTTP reply: Bad status line",
    ),
    "cut short": (
        EndpointFaults(raw=b"HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n# TYPE events_queued"),
        "bad_response",
        "a broken HTTP reply: ",
    ),
}


@pytest.mark.parametrize("case", CASES)
async def test_a_bad_reply_is_counted_logged_once_and_serves_nothing_of_it(
    case: str, msim: Simulator, served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    fault, reason, said = CASES[case]
    assert msim.metrics is not None
    _, good = await served.scrape()
    assert success(good) == 1 and PORTOD_FAMILY in portod_families(good) and errors(good) == {}
    msim.metrics.faults = fault
    with caplog.at_level(logging.INFO, logger="porto_exporter"):
        for n in (1, 2, 3):
            _, bad = await served.scrape()
            assert success(bad) == 0 and errors(bad) == {reason: n}, (n, errors(bad))
            assert portod_families(bad) == set(), "a failed read serves nothing of portod's"
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1, warned  # once, not every cycle
    assert warned[0].startswith(f"collector {COLLECTOR}: {msim.metrics.path}: ") and said in warned[0], warned[0]
    msim.metrics.faults = EndpointFaults()
    with caplog.at_level(logging.INFO, logger="porto_exporter"):
        _, back = await served.scrape()
    assert success(back) == 1 and PORTOD_FAMILY in portod_families(back) and errors(back) == {reason: 3}
    assert f"collector {COLLECTOR}: working again" in caplog.text


async def test_bad_samples_in_a_good_reply_are_skipped_counted_and_logged_once(
    msim: Simulator, served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    assert msim.metrics is not None
    msim.metrics.faults = EndpointFaults(
        body=b"".join(
            [
                b"# TYPE requests_exec_ms_total counter\n",
                b'requests_exec_ms_total{queue="portod-RO"} 1500\n',
                b'requests_exec_ms_total{queue="portod-RO"} 1600\n',  # again
                b'requests_exec_ms_total{queue="portod-RW",injected="1"} 3\n',  # a label portod does not write
                b"# TYPE events_queued gauge\nevents_queued -1\n",
                b"# TYPE clients gauge\nclients 2\n",  # GetSystem's: not served twice
            ]
        )
    )
    with caplog.at_level(logging.INFO, logger="porto_exporter"):
        await served.scrape()
        text, series = await served.scrape()
    assert success(series) == 1 and errors(series) == {"bad_sample": 6}  # 3 a cycle
    assert {k: v for k, v in series.items() if k[0].startswith("porto_daemon_")} == {
        (PORTOD_FAMILY, (("queue", "portod-RO"),)): 1.5
    }
    assert f'{PORTOD_FAMILY}{{queue="portod-RO"}} 1.5\n' in text
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1 and "skipped 3 bad_sample (not served, counted)" in warned[0], warned
    for why in ("given twice", "a label not of ('queue',)", "events_queued: value -1"):
        assert why in warned[0], warned[0]


async def test_no_socket_serves_nothing_says_so_once_and_notices_when_it_appears(
    socket_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An older portod (5.3.15) has no metrics socket: no series, no failure, one info line; then a newer portod
    comes up with its endpoint (one info line), and goes (one again)."""
    sim = Simulator(build_host(seed=7), str(socket_dir / "portod.socket"))
    path = str(socket_dir / "portod_metrics.socket")
    async with sim:
        runner, srv, session = await serve(sim.socket_path, path)
        try:
            with caplog.at_level(logging.INFO, logger="porto_exporter"):
                for _ in range(3):
                    _, series = await srv.scrape()
                    assert success(series) == 1 and portod_families(series) == set() and errors(series) == {}
                endpoint = MetricsEndpoint(sim.daemon, path)
                await endpoint.start()
                try:
                    for _ in range(2):
                        _, series = await srv.scrape()
                        assert success(series) == 1 and PORTOD_FAMILY in portod_families(series)
                finally:
                    await endpoint.stop()  # the socket file goes with it
                _, series = await srv.scrape()
                assert success(series) == 1 and portod_families(series) == set()
        finally:
            await session.close()
            await runner.cleanup()
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("porto_exporter.collect")]
    assert [line.split(" ", 3)[:3] for line in lines] == [
        ["no", "portod", "metrics"],
        ["portod", "serves", "its"],
        ["no", "portod", "metrics"],
    ], lines
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_socket_file_nobody_listens_on_is_a_failure_not_an_absence(
    socket_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """portod gone, its socket file left behind: connection refused, counted as unreachable."""
    path = str(socket_dir / "portod_metrics.socket")
    with socket.socket(socket.AF_UNIX) as stale:
        stale.bind(path)  # the file exists; nothing listens
    sim = Simulator(build_host(seed=7), str(socket_dir / "portod.socket"))
    async with sim:
        runner, srv, session = await serve(sim.socket_path, path)
        try:
            with caplog.at_level(logging.INFO, logger="porto_exporter"):
                _, series = await srv.scrape()
        finally:
            await session.close()
            await runner.cleanup()
    assert success(series) == 0 and errors(series) == {"unreachable": 1} and portod_families(series) == set()
    assert f"collector {COLLECTOR}: {path}: cannot connect: Connection refused" in caplog.text


async def test_a_big_reply_within_the_cap_is_read_and_its_series_capped(msim: Simulator, served: Served) -> None:
    """~150 KB (over the size parsed inline: a worker thread parses it): a portod.conf naming thousands of
    clients would write this; the first 2,000 series are kept, the rest counted."""
    assert msim.metrics is not None
    lines = [b"# TYPE requests_total counter\n"] + [
        f'requests_total{{client="c{i}",queue="portod-RO"}} {i}\n'.encode() for i in range(2_500)
    ]
    msim.metrics.faults = EndpointFaults(body=b"".join(lines))
    assert 32 << 10 < len(msim.metrics.faults.body or b"") < MAX_BODY
    _, series = await served.scrape()
    kept = [k for n, k in series if n == "porto_daemon_requests_total"]
    assert success(series) == 1 and len(kept) == 2_000 and errors(series) == {"too_many_series": 500}


async def test_a_hung_endpoint_does_not_hold_the_cycle_back(msim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    """The metrics socket accepts and never answers (portod's metrics thread stuck, as when portod struggles):
    cycles take as long as without it, not the read's deadline (they took all of it, so the container data went
    that much staler). The read goes on in the background, one at a time; until it ends the last good read is
    served, its data age growing; its timeout, when it comes, is counted once and fails the collector, whose
    success gauge stays 0 while reads keep timing out; a working endpoint is back within one deadline."""
    assert msim.metrics is not None
    deadline = 2.0
    scraper = Scraper(
        PortoClient(msim.socket_path, timeout=5),
        [SystemCollector(), PortodMetricsCollector(msim.metrics.path, timeout=deadline)],
        interval=0,
        timeout=10,
    )
    took: list[float] = []

    async def cycle() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        await scraper.cycle()
        took.append(scraper.cycle_seconds)
        return {(s.name, tuple(s.labels)): s.value for batch in scraper.last_batches for s in batch}

    def ok(got: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> float:
        return got[("porto_exporter_collector_success", (("collector", COLLECTOR),))]

    def timeouts(got: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> float:
        return got.get(("porto_exporter_portod_metrics_errors_total", (("reason", "timeout"),)), 0)

    try:
        with caplog.at_level(logging.INFO, logger="porto_exporter"):
            got = await cycle()
            assert ok(got) == 1 and PORTOD_FAMILY in {name for name, _ in got}
            msim.metrics.faults = EndpointFaults(hang=True)
            second = time.time()
            got = await cycle()  # its read hangs: the last good one is served meanwhile, aged as it is
            assert ok(got) == 1 and PORTOD_FAMILY in {name for name, _ in got} and scraper.served[COLLECTOR] < second
            while timeouts(got) < 2:  # the hung reads end one deadline apart
                got = await cycle()
                if timeouts(got):
                    assert ok(got) == 0 and PORTOD_FAMILY not in {name for name, _ in got}
                await asyncio.sleep(0.1)
            # one read at a time: the good one, the two that timed out, and at most one going on
            assert msim.metrics.requests in (1 + 2, 1 + 2 + 1), msim.metrics.requests
            msim.metrics.faults = EndpointFaults()
            while ok(got) == 0:  # the read in flight still hangs until its deadline: back after it
                got = await cycle()
                await asyncio.sleep(0.1)
            assert PORTOD_FAMILY in {name for name, _ in got} and timeouts(got) == 2
    finally:
        await scraper.close()
    assert max(took) < deadline / 2, f"cycles waited for the hung read: {took}"
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warned == [f"collector {COLLECTOR}: {msim.metrics.path}: no whole reply within {deadline:g}s"], warned
