"""A fleet end to end: three simulated hosts (simulator + exporter process each, different seeds) ->
one real Prometheus with every rule file -> remote_write into a real VictoriaMetrics, and alerts
through a real Alertmanager to a webhook receiver inside the test.

The simulators run in this process so the test can script what happens on each host: an OOM kill
on host-1, a container near its memory limit on host-2, portod going away on host-3.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web

from porto_exporter.simulator import Behaviour, Simulator, build_host

from .conftest import stop_processes
from .test_e2e_prometheus import free_port, until_up

ROOT = Path(__file__).resolve().parent.parent
PROM = ROOT / "deploy" / "prometheus"
# what the scenario does -> the alert it must bring, with its labels
EXPECTED = {
    "PortoContainerOOMKilled": {"instance": "host-1", "container": "leaky"},
    "PortoContainerMemoryNearLimit": {"instance": "host-2", "container": "nearly-full"},
    "PortodDown": {"instance": "host-3"},
}


@dataclass
class Webhook:
    """Alertmanager's notifications, as received."""

    firing: list[tuple[float, dict]] = field(default_factory=list)  # (arrived, alert)

    async def handle(self, request: web.Request) -> web.Response:
        doc = await request.json()
        self.firing += [(time.monotonic(), a) for a in doc["alerts"] if a["status"] == "firing"]
        return web.Response(text="ok")

    def find(self, name: str, **labels: str) -> tuple[float, dict] | None:
        for arrived, alert in self.firing:
            if alert["labels"]["alertname"] == name and all(alert["labels"].get(k) == v for k, v in labels.items()):
                return arrived, alert
        return None


async def spawn(*cmd: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )


async def get_json(s: aiohttp.ClientSession, url: str, tries: int = 25) -> dict:
    """A JSON API answer; a server still starting (or briefly busy) answers text: asked again, then a clear failure."""
    last = ""
    for _ in range(tries):
        async with s.get(url) as r:
            body = await r.text()
            if r.status == 200:
                try:
                    return json.loads(body)
                except json.JSONDecodeError as exc:
                    last = f"HTTP 200 but not JSON ({exc}): {body[:200]!r}"
            else:
                last = f"HTTP {r.status}: {body[:200]!r}"
        await asyncio.sleep(0.2)
    raise AssertionError(f"{url}: no JSON answer after {tries} tries: {last}")


async def rules_evaluated_since(s: aiohttp.ClientSession, prom: str, since: float, tries: int = 100) -> None:
    """Poll Prometheus until every rule group has been evaluated after ``since`` (a Unix time)."""
    last: list[str] = []
    for _ in range(tries):
        groups = (await get_json(s, f"{prom}/api/v1/rules"))["data"]["groups"]
        last = [g["lastEvaluation"] for g in groups]
        if groups and all(datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() > since for t in last):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"rule groups not evaluated after {since}: {last}")


def fast_rules(tmp: Path) -> list[str]:
    """Copies of the rule files with 1 s evaluation and short `for:` (promtool tests the real ones)."""
    out = []
    for name in ("porto-rules.yml", "porto-alerts.yml"):
        doc = yaml.safe_load((PROM / name).read_text())
        for group in doc["groups"]:
            group["interval"] = "1s"
            for rule in group["rules"]:
                if "for" in rule:
                    rule["for"] = "2s"
        path = tmp / name
        path.write_text(yaml.safe_dump(doc))
        out.append(str(path))
    return out


async def test_three_hosts_into_victoriametrics_and_alerts_to_a_webhook(
    procs: list[asyncio.subprocess.Process],
) -> None:
    for tool in ("prometheus", "victoria-metrics", "prometheus-alertmanager"):
        assert shutil.which(tool), f"install Debian's {tool} (bash .ci/test does)"
    with tempfile.TemporaryDirectory(prefix="pe-fleet-") as d:
        tmp = Path(d)
        sims = [Simulator(build_host(seed=i + 1), str(tmp / f"portod-{i}.sock")) for i in range(3)]
        for sim in sims:
            await sim.start()
        hook = Webhook()
        app = web.Application()
        app.router.add_post("/hook", hook.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        hook_port = free_port()
        await web.TCPSite(runner, "127.0.0.1", hook_port).start()
        ports = [free_port() for _ in range(6)]
        exporter_ports, prom_port, vm_port, am_port = ports[:3], ports[3], ports[4], ports[5]
        try:
            for sim, port in zip(sims, exporter_ports, strict=True):
                procs.append(
                    await spawn(
                        sys.executable,
                        "-m",
                        "porto_exporter",
                        f"--porto.socket={sim.socket_path}",
                        f"--web.listen-address=127.0.0.1:{port}",
                        "--scrape.interval=1s",
                        "--scrape.max-age=3s",
                    )
                )
            procs.append(
                await spawn(
                    "victoria-metrics",
                    f"-storageDataPath={tmp}/vm",
                    f"-httpListenAddr=127.0.0.1:{vm_port}",
                    "-search.latencyOffset=0s",
                    "-retentionPeriod=1d",
                )
            )
            (tmp / "am.yml").write_text(
                yaml.safe_dump(
                    {
                        "route": {
                            "receiver": "hook",
                            "group_by": ["alertname", "instance"],
                            "group_wait": "0s",
                            "group_interval": "1s",
                            "repeat_interval": "1h",
                        },
                        "inhibit_rules": yaml.safe_load((PROM / "alertmanager.yml").read_text())["inhibit_rules"],
                        "receivers": [
                            {"name": "hook", "webhook_configs": [{"url": f"http://127.0.0.1:{hook_port}/hook"}]}
                        ],
                    }
                )
            )
            procs.append(
                await spawn(
                    "prometheus-alertmanager",
                    f"--config.file={tmp}/am.yml",
                    f"--storage.path={tmp}/am",
                    f"--web.listen-address=127.0.0.1:{am_port}",
                    "--cluster.listen-address=",
                )
            )
            (tmp / "prometheus.yml").write_text(
                yaml.safe_dump(
                    {
                        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                        "rule_files": fast_rules(tmp),
                        "scrape_configs": [
                            {
                                "job_name": "porto",
                                "static_configs": [
                                    {"targets": [f"127.0.0.1:{p}"], "labels": {"host": f"host-{i + 1}"}}
                                    for i, p in enumerate(exporter_ports)
                                ],
                                "relabel_configs": [{"source_labels": ["host"], "target_label": "instance"}],
                            }
                        ],
                        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]},
                        "remote_write": [
                            {
                                "url": f"http://127.0.0.1:{vm_port}/api/v1/write",
                                "queue_config": {"batch_send_deadline": "1s"},
                            }
                        ],
                    }
                )
            )
            # flush-deadline: on SIGTERM, Prometheus waits this long to flush remote_write (1m by default)
            procs.append(
                await spawn(
                    "prometheus",
                    f"--config.file={tmp}/prometheus.yml",
                    f"--storage.tsdb.path={tmp}/prom",
                    f"--web.listen-address=127.0.0.1:{prom_port}",
                    "--storage.remote.flush-deadline=2s",
                )
            )
            prom, vm = f"http://127.0.0.1:{prom_port}", f"http://127.0.0.1:{vm_port}"
            async with aiohttp.ClientSession() as s:
                await until_up(s, prom, "porto_up", series=3)  # all three hosts scraped with porto_up 1
                await rules_evaluated_since(s, prom, time.time() + 1)  # a few rule evaluations with everything up
                # the scripted scenario
                started = {}
                host1 = sims[0].host
                c = host1.create("leaky", behaviour=Behaviour(memory_bytes=1 << 20, oom_after=5.0))  # seen alive first
                c.command, c.memory_limit = "leak", 64 << 20
                host1.start("leaky")
                started["PortoContainerOOMKilled"] = time.monotonic()
                host2 = sims[1].host
                c = host2.create(
                    "nearly-full", behaviour=Behaviour(memory_bytes=95 << 20, anon_fraction=0.98, cpu_cores=0.01)
                )
                c.command, c.memory_limit = "cache", 100 << 20
                host2.start("nearly-full")
                started["PortoContainerMemoryNearLimit"] = time.monotonic()
                await sims[2].stop()
                started["PortodDown"] = time.monotonic()
                for _ in range(180):
                    if all(hook.find(n, **labels) for n, labels in EXPECTED.items()):
                        break
                    await asyncio.sleep(0.5)
                # recording rules: every one of them reached VictoriaMetrics, for every host it covers
                rules = [
                    r["record"]
                    for g in yaml.safe_load((PROM / "porto-rules.yml").read_text())["groups"]
                    for r in g["rules"]
                ]
                missing: dict[str, object] = {}
                for _ in range(60):
                    missing = {}
                    for name in rules:
                        q = urllib.parse.quote(f"last_over_time({name}[10m])")
                        res = (await get_json(s, f"{vm}/api/v1/query?query={q}"))["data"]["result"]
                        hosts = {r["metric"].get("instance") for r in res}
                        want = {None} if name.startswith("job:") else {"host-1", "host-2", "host-3"}
                        if name == "instance:porto_container_exits:rate5m":
                            want = {"host-1"}  # only host-1 is sure to have had an exit (its OOM kill)
                        if not want <= hosts:
                            missing[name] = sorted(h or "-" for h in hosts)
                    if not missing:
                        break
                    await asyncio.sleep(1)
                assert not missing, missing
                # every query of the fleet dashboard returns data from VictoriaMetrics
                fleet = json.loads((ROOT / "dashboards" / "porto-fleet.json").read_text())
                exprs = [t["expr"].replace("$instance", ".*") for p in fleet["panels"] for t in p.get("targets", [])]
                empty: list[str] = []
                for _ in range(30):
                    empty = []
                    for expr in exprs:
                        q = urllib.parse.quote(expr)
                        if not (await get_json(s, f"{vm}/api/v1/query?query={q}"))["data"]["result"]:
                            empty.append(expr)
                    if not empty:
                        break
                    await asyncio.sleep(1)
                assert len(exprs) >= 10 and not empty, empty
        finally:
            await stop_processes(procs)  # before their data directories go with tmp
            await runner.cleanup()
            for sim in sims:
                await sim.stop()
    latency = {}
    for name, labels in EXPECTED.items():
        found = hook.find(name, **labels)
        assert found is not None, (name, sorted({a["labels"]["alertname"] for _, a in hook.firing}))
        arrived, alert = found
        notes = alert["annotations"]
        assert notes["summary"] and notes["description"] and notes["runbook_url"].endswith(name.lower())
        latency[name] = round(arrived - started[name], 1)
    # PortodDown on host-3 silences that host's container alerts (the inhibition rule), not the others'.
    # A margin of 10 s: an alert that became active in the same evaluations as PortodDown may race it.
    down = hook.find("PortodDown", instance="host-3")
    assert down is not None
    silenced_after = datetime.fromisoformat(down[1]["startsAt"].replace("Z", "+00:00")) + timedelta(seconds=10)
    assert not [
        a
        for _, a in hook.firing
        if a["labels"]["alertname"].startswith("PortoContainer")
        and a["labels"]["instance"] == "host-3"
        and datetime.fromisoformat(a["startsAt"].replace("Z", "+00:00")) > silenced_after
    ]
    print(f"alert -> webhook latency (s): {latency}")
