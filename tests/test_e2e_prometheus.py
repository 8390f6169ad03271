"""A real Prometheus (Debian's package) scrapes a real exporter process on a simulated portod."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import sys
import tempfile
import urllib.parse
from pathlib import Path

import aiohttp

from porto_exporter.simulator import BUSY_CONTAINER, BUSY_CPU_CORES

from .test_deploy import alert_exprs, dashboard_exprs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def query(session: aiohttp.ClientSession, base: str, expr: str) -> list[dict]:  # type: ignore[type-arg]
    async with session.get(f"{base}/api/v1/query?query={urllib.parse.quote(expr)}") as r:
        doc = json.loads(await r.text())
    assert doc["status"] == "success", doc
    return doc["data"]["result"]  # type: ignore[no-any-return]


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
            sys.executable, "-m", "porto_exporter.simulator", "--socket", sock, "--containers", "20",
            stdout=asyncio.subprocess.PIPE)  # fmt: skip
        assert sim.stdout is not None
        await asyncio.wait_for(sim.stdout.readline(), 20)
        # On demand (interval 0): each scrape's counters are read at scrape time, so the rate
        # Prometheus computes is not skewed by a background loop aliasing with its scrapes.
        exporter = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "porto_exporter", f"--porto.socket={sock}", "--scrape.interval=0s",
            f"--web.listen-address=127.0.0.1:{exporter_port}", stderr=asyncio.subprocess.DEVNULL)  # fmt: skip
        prom = await asyncio.create_subprocess_exec(
            "prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp}/data",
            f"--web.listen-address=127.0.0.1:{prom_port}", stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)  # fmt: skip
        base = f"http://127.0.0.1:{prom_port}"
        try:
            async with aiohttp.ClientSession() as s:
                up: list = []  # type: ignore[type-arg]
                for _ in range(120):
                    await asyncio.sleep(0.5)
                    try:
                        up = await query(s, base, 'up{job="porto"}')
                    except aiohttp.ClientError:
                        continue
                    if up and up[0]["value"][1] == "1":
                        break
                assert up and up[0]["value"][1] == "1"
                await asyncio.sleep(12)  # enough samples for a 10s rate
                for expr in ("porto_up", "porto_daemon_info", 'porto_container_state{state="running"}',
                             "porto_volume_space_used_bytes", "porto_exporter_collector_success"):  # fmt: skip
                    assert await query(s, base, expr), expr
                rate = await query(
                    s, base, f'rate(porto_container_cpu_usage_seconds_total{{container="{BUSY_CONTAINER}"}}[10s])')
                assert rate, "no rate for the busy container"
                value = float(rate[0]["value"][1])
                assert abs(value - BUSY_CPU_CORES) <= 0.1 * BUSY_CPU_CORES, value
                # every dashboard panel and alert expression is valid PromQL on this data; the key ones
                # return series (query() asserts the status is "success")
                empty = []
                for expr in [*dashboard_exprs(), *alert_exprs()]:
                    if not await query(s, base, expr):
                        empty.append(expr)
                for key in ("CPU usage (cores)", "Memory usage", "Containers by state", "Exporter cycle"):
                    assert not set(dashboard_exprs(key)) & set(empty), key
                # the simulator goes away: porto_up drops to 0 while the target stays up
                sim.terminate()
                await sim.wait()
                for _ in range(40):
                    await asyncio.sleep(0.5)
                    res = await query(s, base, "porto_up")
                    if res and res[0]["value"][1] == "0":
                        break
                assert res[0]["value"][1] == "0"
                assert (await query(s, base, 'up{job="porto"}'))[0]["value"][1] == "1"
        finally:
            for proc in (prom, exporter, sim):
                if proc.returncode is None:
                    proc.terminate()
                    await proc.wait()
