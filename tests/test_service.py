"""The exporter as a service over real HTTP and as a CLI process."""

from __future__ import annotations

import asyncio
import gzip
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.cli import build_collectors
from porto_exporter.config import ConfigError, load, parse_duration, parse_listen_address
from porto_exporter.porto import PortoClient
from porto_exporter.scraper import Scraper
from porto_exporter.simulator import Simulator
from porto_exporter.web import WebConfig, build_app

from .conftest import free_port, poll


async def serve(scraper: Scraper, config: WebConfig | None = None) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(build_app(scraper, config))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def exporter(sim: Simulator) -> AsyncIterator[tuple[str, Scraper]]:
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load([])), interval=0.3, timeout=5)
    runner, url = await serve(scraper)
    yield url, scraper
    await runner.cleanup()


async def wait_process_ready(session: aiohttp.ClientSession, url: str) -> None:
    """Like wait_ready, for an exporter process that may not be listening yet."""
    for _ in range(200):
        try:
            async with session.get(url + "/-/ready") as r:
                if r.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("the exporter process never became ready")


async def wait_ready(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(100):
        async with session.get(url + "/-/ready") as r:
            if r.status == 200:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("never ready")


async def test_http_endpoints(exporter: tuple[str, Scraper]) -> None:
    url, _ = exporter
    async with aiohttp.ClientSession(auto_decompress=False) as s:
        async with s.get(url + "/-/healthy") as r:
            assert r.status == 200
        await wait_ready(s, url)
        async with s.get(url + "/metrics", headers={"Accept-Encoding": "identity"}) as r:
            assert r.status == 200 and "Content-Encoding" not in r.headers
            assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            text = await r.text()
        names = {f.name for f in text_string_to_metric_families(text)}
        assert {
            "porto_up",
            "porto_container_cpu_usage_seconds",
            "process_resident_memory_bytes",
            "porto_exporter_snapshot_age_seconds",
            "porto_exporter_portod_requests",
            "porto_exporter_cycle_phase_seconds",
        } <= names
        async with s.get(
            url + "/metrics",
            headers={"Accept": "application/openmetrics-text; version=1.0.0", "Accept-Encoding": "gzip"},
        ) as r:
            assert r.headers["Content-Encoding"] == "gzip"
            assert r.headers["Content-Type"].startswith("application/openmetrics-text")
            body = gzip.decompress(await r.read())  # one member: tests/test_http_gzip.py reads it with curl, Chromium
            assert body.endswith(b"# EOF\n") and body.count(b"# EOF") == 1
        async with s.head(url + "/metrics", headers={"Accept-Encoding": "identity"}) as r:
            assert r.status == 200 and int(r.headers["Content-Length"]) > 1000
        async with s.get(url + "/nope") as r:
            assert r.status == 404
        async with s.get(url + "/") as r:
            assert "Porto Exporter" in await r.text()


async def test_ready_is_503_before_a_good_cycle(socket_dir: Path) -> None:
    scraper = Scraper(
        PortoClient(str(socket_dir / "none.sock"), timeout=1), build_collectors(load([])), interval=0.2, timeout=1
    )
    runner, url = await serve(scraper)
    try:

        async def cycled() -> bool:
            return scraper.cycles >= 1

        await poll(cycled, "a first (failed) cycle", seconds=10)
        async with aiohttp.ClientSession() as s:
            async with s.get(url + "/-/ready") as r:
                assert r.status == 503
            async with s.get(url + "/metrics") as r:
                text = await r.text()
                assert "porto_up 0" in text
                assert 'porto_exporter_collector_success{collector="containers"} 0' in text
                failures = value(text, "porto_exporter_portod_connect_failures_total")
                assert failures >= 1  # no socket: every attempt (spaced by the backoff) fails
    finally:
        await runner.cleanup()


def value(text: str, name: str) -> float:
    """The value of an unlabelled sample in an exposition."""
    found = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ")]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


async def test_retries_and_connect_failures_are_exported(sim: Simulator) -> None:
    scraper = Scraper(
        PortoClient(sim.socket_path, timeout=5, backoff_initial=0.01, backoff_max=0.02),
        build_collectors(load([])),
        interval=0,
        timeout=5,
    )
    runner, url = await serve(scraper)
    try:
        async with aiohttp.ClientSession() as s:
            async with s.get(url + "/metrics") as r:
                first = await r.text()
            assert value(first, "porto_exporter_portod_retries_total") == 0
            assert value(first, "porto_exporter_portod_connect_failures_total") == 0
            sim.faults.reloaded = 1  # a read answered PortodReloaded is sent once more
            async with s.get(url + "/metrics") as r:
                second = await r.text()
            assert value(second, "porto_exporter_portod_retries_total") == 1
            assert value(second, "porto_up") == 1
    finally:
        await runner.cleanup()


async def test_on_demand_single_flight_and_max_requests(sim: Simulator) -> None:
    scraper = Scraper(PortoClient(sim.socket_path, timeout=5), build_collectors(load([])), interval=0, timeout=5)
    runner, url = await serve(scraper, WebConfig(max_requests=3))
    sim.faults.delay = 0.05
    try:
        async with aiohttp.ClientSession() as s:

            async def get() -> int:
                async with s.get(url + "/metrics") as r:
                    await r.read()
                    return r.status

            statuses = await asyncio.gather(*(get() for _ in range(8)))
        assert statuses.count(200) >= 3 and set(statuses) <= {200, 503}
        assert 503 in statuses
        assert scraper.cycles <= 2  # concurrent requests shared one cycle
    finally:
        await runner.cleanup()


async def test_portod_restart_under_a_running_exporter(exporter: tuple[str, Scraper], sim: Simulator) -> None:
    url, _ = exporter
    seen = []
    async with aiohttp.ClientSession() as s:
        await wait_ready(s, url)
        await sim.stop()
        for _ in range(30):
            async with s.get(url + "/metrics") as r:
                assert r.status == 200  # the HTTP server keeps answering
                seen.append("\nporto_up 1\n" in await r.text())
            if not seen[-1]:
                break
            await asyncio.sleep(0.1)
        assert seen[-1] is False
        await sim.start()
        for _ in range(150):  # reconnect within the client's capped backoff (5 s)
            async with s.get(url + "/metrics") as r:
                if "\nporto_up 1\n" in await r.text():
                    break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("porto_up never came back")


def test_flags_env_and_durations() -> None:
    assert parse_duration("500ms") == 0.5 and parse_duration("1m30s") == 90 and parse_duration("0") == 0
    with pytest.raises(ValueError):
        parse_duration("15")
    assert parse_listen_address("[::1]:10091") == ("::1", 10091)
    assert parse_listen_address(":10091") == ("", 10091)
    cfg = load(
        ["--scrape.interval=30s", "--no-collector.volumes", "--labels.allowlist=TEAM.*,APP.tier"],
        environ={
            "PORTO_EXPORTER_SCRAPE_INTERVAL": "5s",
            "PORTO_EXPORTER_PORTO_SOCKET": "/x.sock",
            "PORTO_EXPORTER_WEB_LISTEN_ADDRESS": ":1,[::]:2",
        },
    )
    assert cfg.interval == 30 and cfg.socket == "/x.sock"  # the flag wins over the environment
    assert "volumes" not in cfg.collectors and cfg.labels_allowlist == ["TEAM.*", "APP.tier"]
    assert cfg.listen == [("", 1), ("::", 2)]
    bad_flags = (
        ("--scrape.interval=fast", "--scrape.interval"),
        ("--web.listen-address=nope", "listen"),
        ("--web.max-requests=0", "--web.max-requests"),
        ("--containers.max-depth=-1", "max-depth"),
    )
    for bad, flag in bad_flags:
        with pytest.raises(ConfigError, match=flag.lstrip("-").split(".")[-1]):
            load([bad], environ={})


def test_cli_errors_are_one_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "porto_exporter", "--scrape.timeout=abc"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert out.returncode != 0 and out.stderr.count("\n") == 1 and "--scrape.timeout" in out.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "porto_exporter",
                f"--web.listen-address=127.0.0.1:{port}",
                "--porto.socket=/nonexistent",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert out.returncode == 1 and "--web.listen-address" in out.stderr.splitlines()[-1]


async def scrape_demo_process(*flags: str) -> tuple[str, str]:
    """Run ``porto-exporter --demo`` with ``flags``, fetch /metrics once ready, SIGTERM it (it must exit 0).

    Returns the metrics text and what the process logged.
    """
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter",
        "--demo",
        f"--web.listen-address=127.0.0.1:{port}",
        "--scrape.interval=1s",
        *flags,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as s:
            await wait_process_ready(s, f"http://127.0.0.1:{port}")
            async with s.get(f"http://127.0.0.1:{port}/metrics") as r:
                text = await r.text()
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    assert proc.stderr is not None
    return text, (await proc.stderr.read()).decode()


async def test_demo_process_serves_and_exits_cleanly_on_sigterm() -> None:
    text, _ = await scrape_demo_process()
    assert 'porto_container_state{container="flaky",state="running"}' in text
    assert 'porto_container_oom_killed{container="oom-victim"} 1' in text


async def test_demo_exports_a_real_portod_when_there_is_one(sim: Simulator) -> None:
    """--demo starts the simulator only when nothing answers at --porto.socket (the README's promise)."""
    text, log = await scrape_demo_process(f"--porto.socket={sim.socket_path}")
    assert f"portod is at {sim.socket_path}" in log and "simulator on" not in log
    assert 'container="bulk/' not in text and 'container="batch/' not in text  # the fixture's host, not the demo's
    assert 'porto_container_state{container="flaky",state="running"}' in text


async def test_a_scraper_hanging_up_mid_body_is_not_an_error(
    socket_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from porto_exporter.simulator import build_host

    async with Simulator(build_host(containers=1500), str(socket_dir / "big.sock")) as sim:
        # the whole slow tier every cycle (by default it is spread over the slow interval, a part per cycle)
        scraper = Scraper(
            PortoClient(sim.socket_path, timeout=30),
            build_collectors(load(["--scrape.slow-interval=0s"])),
            interval=60,
            timeout=30,
        )
        await scraper.cycle()
        await scraper.cycle()  # with the slow tier
        assert scraper.snapshot is not None and sum(map(len, scraper.snapshot.text)) > 5_000_000
        runner, url = await serve(scraper)
        try:
            port = int(url.rsplit(":", 1)[1])
            for _ in range(5):  # read a little of a multi-megabyte body, then hang up
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n")
                await writer.drain()
                assert (await reader.read(4096)).startswith(b"HTTP/1.1 200")
                writer.transport.abort()
            server = runner.server
            assert server is not None

            async def all_hung_up() -> bool:  # aiohttp forgets a connection once its handler task has ended
                return not server.connections

            await poll(all_hung_up, "the server to finish with the connections that hung up", seconds=10)
            async with aiohttp.ClientSession() as s, s.get(url + "/metrics") as r:
                assert r.status == 200 and len(await r.read()) > 5_000_000
            errors = [r for r in caplog.records if r.levelname == "ERROR"]
            assert not errors, [r.getMessage() for r in errors]
        finally:
            await runner.cleanup()


async def test_build_info_and_every_served_family_is_documented(exporter: tuple[str, Scraper]) -> None:
    url, _ = exporter
    async with aiohttp.ClientSession() as s:
        await wait_ready(s, url)
        async with s.get(url + "/metrics") as r:
            text = await r.text()
    from porto_exporter import __version__

    families = {f.name: f for f in text_string_to_metric_families(text)}
    (build,) = families["porto_exporter_build_info"].samples
    assert build.labels["version"] == __version__ and build.value == 1 and build.labels["python_version"]
    documented = (Path(__file__).resolve().parent.parent / "docs" / "metrics.md").read_text()
    own = ("process_", "python_")  # prometheus_client's process and runtime collectors
    for name, family in families.items():
        if not name.startswith(own):
            full = name + ("_total" if family.type == "counter" else "")
            assert f"`{full}`" in documented, f"{full} is served but not in docs/metrics.md"


def test_accept_and_accept_encoding_honour_q_values() -> None:
    from porto_exporter.web.app import wants_gzip, wants_openmetrics

    prometheus = (
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
        "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
    )
    assert wants_openmetrics(prometheus)
    assert not wants_openmetrics("application/openmetrics-text;q=0, text/plain")  # refused outright
    assert not wants_openmetrics("application/openmetrics-text;q=0.3, text/plain;q=0.5")  # text preferred
    assert not wants_openmetrics("") and not wants_openmetrics("text/plain")
    assert wants_gzip("gzip") and wants_gzip("br;q=1, gzip;q=0.5") and wants_gzip("*")
    assert not wants_gzip("gzip;q=0") and not wants_gzip("identity") and not wants_gzip("gzip;q=x")
