"""A real Prometheus (Debian's package) scrapes a real exporter process on a simulated portod."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import aiohttp
import pytest

from porto_exporter.porto import PortoClient
from porto_exporter.porto.values import parse_uint_map
from porto_exporter.simulator import BUSY_CONTAINER, BUSY_CPU_CORES

from .conftest import free_port, poll
from .test_deploy import DASHBOARD, alert_exprs, dashboard_exprs


class NotReady(Exception):
    """Prometheus answered, but not yet with its API (503 "Service Unavailable" while it starts)."""


async def query(session: aiohttp.ClientSession, base: str, expr: str) -> list[dict]:
    async with session.get(f"{base}/api/v1/query?query={urllib.parse.quote(expr)}") as r:
        if r.status == 503:
            raise NotReady(await r.text())
        doc = json.loads(await r.text())
    assert doc["status"] == "success", doc
    return doc["data"]["result"]


async def start_prometheus(config: Path | str, data: Path | str, port: int) -> asyncio.subprocess.Process:
    """Debian's prometheus with ``config``, its TSDB in ``data``, listening on 127.0.0.1:``port``, output dropped."""
    return await asyncio.create_subprocess_exec(
        "prometheus",
        f"--config.file={config}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address=127.0.0.1:{port}",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def until_up(s: aiohttp.ClientSession, base: str, expr: str, series: int = 1, tries: int = 120) -> None:
    """Poll Prometheus until ``expr`` gives ``series`` results, all 1 (it may not listen yet), for tries / 2 s."""
    result: list = []
    deadline = asyncio.get_running_loop().time() + tries * 0.5
    while True:
        with contextlib.suppress(aiohttp.ClientError, NotReady):  # Prometheus may not listen or be ready yet
            result = await query(s, base, expr)
        if [r["value"][1] for r in result] == ["1"] * series:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{expr} did not become 1 on {series} series in Prometheus: {result}")
        await asyncio.sleep(0.2)


Reading = tuple[float, list]  # (time.monotonic(), portod's entries for "/", infra/web)


async def portod_counters(porto: PortoClient) -> Reading:
    """portod's own counters behind the panels, read over its socket, and when."""
    entries = (await porto.get(["/", "infra/web"], ["net_rx_bytes", "cpu_usage"])).containers
    return time.monotonic(), entries


async def panels_show_portods_numbers(s: aiohttp.ClientSession, base: str, porto: PortoClient, first: Reading) -> None:
    """Three panels for one container each, against what portod itself says over its socket meanwhile: its rates
    from ``first`` (read as Prometheus began scraping) to now, the panels' over their last 10 s."""

    async def panel(title: str, container: str) -> float:
        (expr,) = dashboard_exprs(title, container=re.escape(container), __rate_interval="10s")
        (result,) = await query(s, base, expr)
        return float(result["value"][1])

    started, before = first
    # A deliberate wait: portod's rate is measured over as long as the panels' 10 s window, and only time passing
    # makes it; nothing to poll. Mostly it has passed already, while Prometheus filled its own window.
    await asyncio.sleep(max(0.0, started + 10 - time.monotonic()))
    ended, after = await portod_counters(porto)
    elapsed = ended - started
    memory = int(str((await porto.get(["infra/web"], ["memory_usage"])).containers[0].values["memory_usage"]))

    def per_second(i: int, prop: str, key: str | None = None) -> float:
        def read(entries: list) -> float:
            raw = str(entries[i].values[prop])
            return float(parse_uint_map(raw)[key] if key else int(raw))

        return (read(after) - read(before)) / elapsed

    received, cores = per_second(0, "net_rx_bytes", "Uplink"), per_second(1, "cpu_usage") / 1e9  # ns -> cores
    assert received > 0 and cores > BUSY_CPU_CORES and memory > 0
    # "/"'s net map holds Uplink, eth0 and "group default" with the same bytes: the panel shows them once
    assert await panel("Network receive", "/") == pytest.approx(received, rel=0.1)
    # infra/web's CPU includes its children's (the 0.2-core burner among them)
    assert await panel("CPU usage (cores)", "infra/web") == pytest.approx(cores, rel=0.1)
    assert await panel("Memory usage", "infra/web") == pytest.approx(memory, rel=0.03)


async def test_prometheus_scrapes_the_exporter() -> None:
    assert shutil.which("prometheus"), "install Debian's prometheus package (bash .ci/test does)"
    exporter_port, prom_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="pe-e2e-") as tmp:
        sock = str(Path(tmp) / "portod.sock")
        config = Path(tmp) / "prometheus.yml"
        config.write_text(
            "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
            "scrape_configs:\n"
            f"  - job_name: porto\n    static_configs: [{{targets: ['127.0.0.1:{exporter_port}']}}]\n"
        )
        sim = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porto_exporter.simulator",
            "--socket",
            sock,
            "--containers",
            "20",
            stdout=asyncio.subprocess.PIPE,
        )
        assert sim.stdout is not None
        await asyncio.wait_for(sim.stdout.readline(), 20)
        # On demand (interval 0): each scrape's counters are read at scrape time, so the rate
        # Prometheus computes is not skewed by a background loop aliasing with its scrapes.
        exporter = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "porto_exporter",
            f"--porto.socket={sock}",
            "--scrape.interval=0s",
            f"--web.listen-address=127.0.0.1:{exporter_port}",
            stderr=asyncio.subprocess.DEVNULL,
        )
        prom = await start_prometheus(config, f"{tmp}/data", prom_port)
        base = f"http://127.0.0.1:{prom_port}"
        try:
            async with aiohttp.ClientSession() as s:
                await until_up(s, base, 'up{job="porto"}')
                async with PortoClient(sock, timeout=10.0) as porto:  # closed before the simulator goes away
                    first = await portod_counters(porto)  # the start of portod's side of the panels' comparison
                    busy = f'porto_container_cpu_usage_seconds_total{{container="{BUSY_CONTAINER}"}}'

                    async def window_full() -> list:
                        """Enough samples for a 10s rate: a scrape a second over the whole window (so Prometheus does
                        not extrapolate a partial one). Returned only then."""
                        counted = await query(s, base, f"count_over_time({busy}[10s])")
                        return counted if counted and float(counted[0]["value"][1]) >= 10 else []

                    await poll(window_full, f"10 samples of {busy} in Prometheus", seconds=60, every=0.25)
                    for expr in (
                        "porto_up",
                        "porto_daemon_info",
                        'porto_container_state{state="running"}',
                        "porto_volume_space_used_bytes",
                        "porto_exporter_collector_success",
                    ):
                        assert await query(s, base, expr), expr
                    rate = await query(s, base, f"rate({busy}[10s])")
                    assert rate, "no rate for the busy container"
                    value = float(rate[0]["value"][1])
                    assert abs(value - BUSY_CPU_CORES) <= 0.1 * BUSY_CPU_CORES, value
                    await panels_show_portods_numbers(s, base, porto, first)
                # every dashboard panel and alert expression is valid PromQL on this data; the key ones
                # return series (query() asserts the status is "success")
                empty = []
                for expr in [*dashboard_exprs(), *alert_exprs()]:
                    if not await query(s, base, expr):
                        empty.append(expr)
                for key in ("CPU usage (cores)", "Memory usage", "Containers by state", "Exporter cycle"):
                    assert not set(dashboard_exprs(key)) & set(empty), key
                # the Container list offers the chosen depths: nested containers can be picked
                variable = next(
                    v for v in json.loads(DASHBOARD.read_text())["templating"]["list"] if v["name"] == "container"
                )
                match = re.fullmatch(r"label_values\((.*), container\)", variable["query"]["query"])
                assert match, variable["query"]
                for level, inside, outside in (("2", "infra/db", "infra"), ("0|1", "infra", "infra/db")):
                    selector = match.group(1).replace("$instance", ".*").replace("$level", level)
                    async with s.get(f"{base}/api/v1/label/container/values", params={"match[]": selector}) as r:
                        offered = json.loads(await r.text())["data"]
                    assert inside in offered and outside not in offered, (level, offered)
                # the simulator goes away: porto_up drops to 0 while the target stays up
                sim.terminate()
                await sim.wait()

                async def porto_down() -> bool:
                    res = await query(s, base, "porto_up")
                    return bool(res) and res[0]["value"][1] == "0"

                await poll(porto_down, "porto_up 0 in Prometheus once the simulator is gone", seconds=20, every=0.25)
                assert (await query(s, base, 'up{job="porto"}'))[0]["value"][1] == "1"
        finally:
            for proc in (prom, exporter, sim):
                if proc.returncode is None:
                    proc.terminate()
                    await proc.wait()
