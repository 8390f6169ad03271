"""The Kubernetes joins on a real Prometheus: docs/kubernetes.md's and the README's PromQL, the recording rules
and the host dashboard's Kubernetes row, against an exporter process serving the simulator's Kubernetes node.

Prometheus scrapes the exporter as the PodMonitor of deploy/kubernetes/ does: the exporter pod's own
``namespace``, ``pod`` and ``container`` as target labels, and ``honor_labels``. A stand-in for
kube-state-metrics serves ``kube_pod_container_resource_limits`` for the node's containers, so the joins with it
run too. Every documented query must return series; the two the issue asks for (CPU by namespace, memory by
pod) must equal what portod itself says, read over its socket, of the pods' Porto containers.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from porto_exporter.porto import PortoClient
from porto_exporter.simulator import Simulator, build_host

from .conftest import poll, stop_processes
from .test_e2e_prometheus import free_port, query, until_up

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "kubernetes.md"
RULES = ROOT / "deploy" / "prometheus" / "porto-kubernetes-rules.yml"
WINDOW = "10s"  # the documented [5m] windows, shortened to what the test has scraped
NS, NAME, CT = (
    "LABEL." + base64.b64encode(k.encode()).decode().rstrip("=")
    for k in ("io.kubernetes.pod.namespace", "io.kubernetes.pod.name", "io.kubernetes.container.name")
)


def unb64(text: str) -> str:
    return base64.b64decode(text + "=" * (-len(text) % 4)).decode()


def documented_queries() -> dict[str, str]:
    """docs/kubernetes.md's ```promql blocks by the ### heading above each, and the README's Kubernetes one."""
    out: dict[str, str] = {}
    for part in re.split(r"\n### ", DOCS.read_text())[1:]:
        title = part.split("\n", 1)[0]
        for i, block in enumerate(re.findall(r"```promql\n(.*?)```", part, re.S)):
            out[f"{title} {i}" if i else title] = block
    readme = (ROOT / "README.md").read_text().split("\n## Under Kubernetes\n", 1)[1].split("\n## ", 1)[0]
    (out["README"],) = re.findall(r"```promql\n(.*?)```", readme, re.S)
    return {title: expr.replace("[5m]", f"[{WINDOW}]") for title, expr in out.items()}


def dashboard_queries() -> dict[str, str]:
    doc = json.loads((ROOT / "dashboards" / "porto.json").read_text())
    row = next(i for i, p in enumerate(doc["panels"]) if p["type"] == "row" and "Kubernetes" in p["title"])
    out = {}
    for panel in doc["panels"][row + 1 :]:
        if panel["type"] == "row":
            break
        (target,) = panel["targets"]
        expr = target["expr"]
        for var, value in {"$instance": ".*", "$namespace": ".*", "$__rate_interval": WINDOW}.items():
            expr = expr.replace(var, value)
        out[panel["title"]] = expr
    assert len(out) >= 6, out
    return out


def ksm_limits(sim: Simulator) -> str:
    """What kube-state-metrics says of the node's containers' limits (memory and CPU), as it says it."""
    lines = ["# TYPE kube_pod_container_resource_limits gauge"]
    for c in sim.host.containers():
        if CT in c.labels and c.memory_limit:
            ns, pod, name = unb64(c.labels[NS]), unb64(c.labels[NAME]), unb64(c.labels[CT])
            for resource, unit, value in (("memory", "byte", c.memory_limit), ("cpu", "core", c.cpu_limit or 1)):
                lines.append(f'kube_pod_container_resource_limits{{namespace="{ns}",pod="{pod}",container="{name}",'
                             f'node="sim",resource="{resource}",unit="{unit}"}} {value}')  # fmt: skip
    return "\n".join(lines) + "\n"


async def portod_pods(porto: PortoClient, sim: Simulator) -> tuple[float, dict[str, tuple[str, str, int, int]]]:
    """When, and each pod's Porto container: (namespace, pod, cpu_usage ns, memory_usage), as portod says."""
    pods = {c.name: (unb64(c.labels[NS]), unb64(c.labels[NAME])) for c in sim.host.containers()
            if NS in c.labels and CT not in c.labels}  # fmt: skip
    reply = await porto.get(sorted(pods), ["cpu_usage", "memory_usage"])
    now = time.monotonic()
    return now, {e.name: (*pods[e.name], int(str(e.values["cpu_usage"])), int(str(e.values["memory_usage"])))
                 for e in reply.containers}  # fmt: skip


def labelled(result: list[dict], *keys: str) -> dict[tuple[str, ...], float]:
    return {tuple(r["metric"].get(k, "") for k in keys): float(r["value"][1]) for r in result}


async def test_the_documented_joins_on_prometheus() -> None:
    assert shutil.which("prometheus"), "install Debian's prometheus package (bash .ci/test does)"
    exporter_port, prom_port, ksm_port = free_port(), free_port(), free_port()
    running: list[asyncio.subprocess.Process] = []
    with tempfile.TemporaryDirectory(prefix="pe-k8s-") as tmp:
        sim = Simulator(build_host(seed=1, kubernetes=True), f"{tmp}/portod.sock")
        ksm = web.Application()

        async def limits(_: web.Request) -> web.Response:
            return web.Response(text=ksm_limits(sim))

        ksm.router.add_get("/metrics", limits)
        runner = web.AppRunner(ksm)
        await runner.setup()
        rules = Path(tmp) / "rules.yml"
        rules.write_text(RULES.read_text().replace("interval: 30s", "interval: 1s"))
        config = Path(tmp) / "prometheus.yml"
        config.write_text(
            "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
            f"rule_files: [{rules}]\n"
            "scrape_configs:\n"
            "  - job_name: porto\n    honor_labels: true\n"  # as the PodMonitor: the exporter pod's own labels
            f"    static_configs: [{{targets: ['127.0.0.1:{exporter_port}'], labels: {{namespace: monitoring, "
            "pod: porto-exporter-7x2kq, container: porto-exporter}}]\n"
            "  - job_name: kube-state-metrics\n    honor_labels: true\n"
            f"    static_configs: [{{targets: ['127.0.0.1:{ksm_port}']}}]\n"
        )
        try:
            async with sim:
                await web.TCPSite(runner, "127.0.0.1", ksm_port).start()
                running.append(await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "porto_exporter", f"--porto.socket={sim.socket_path}",
                    "--scrape.interval=0s", f"--web.listen-address=127.0.0.1:{exporter_port}", "--kubernetes.mode=on",
                    stderr=asyncio.subprocess.DEVNULL))  # fmt: skip
                running.append(await asyncio.create_subprocess_exec(
                    "prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp}/data",
                    f"--web.listen-address=127.0.0.1:{prom_port}", stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL))  # fmt: skip
                base = f"http://127.0.0.1:{prom_port}"
                async with aiohttp.ClientSession() as s, PortoClient(sim.socket_path, timeout=10.0) as porto:
                    await until_up(s, base, "up", series=2)
                    first = await portod_pods(porto, sim)
                    pod = next(iter(first[1]))
                    counted = f'count_over_time(porto_container_cpu_usage_seconds_total{{container="{pod}"}}[{WINDOW}])'

                    async def window_full() -> bool:
                        got = await query(s, base, counted)
                        return bool(got) and float(got[0]["value"][1]) >= 10

                    await poll(window_full, f"a {WINDOW} window of samples in Prometheus", seconds=60, every=0.25)
                    await check(s, base, porto, sim, first)
        finally:
            await stop_processes(running)
            await runner.cleanup()


async def check(s: aiohttp.ClientSession, base: str, porto: PortoClient, sim: Simulator,
                first: tuple[float, dict[str, tuple[str, str, int, int]]]) -> None:  # fmt: skip
    docs = documented_queries()
    assert {"CPU by namespace", "Memory by pod", "README"} <= docs.keys(), docs.keys()
    empty = [title for title, expr in {**docs, **dashboard_queries()}.items() if not await query(s, base, expr)]
    assert not empty, empty
    # what portod says of the pods' Porto containers, over the time Prometheus scraped them
    ended, now = await portod_pods(porto, sim)
    cores: dict[str, float] = {}
    memory: dict[tuple[str, str], float] = {}
    for name, (ns, pod, cpu, mem) in now.items():
        cores[ns] = cores.get(ns, 0.0) + (cpu - first[1][name][2]) / 1e9 / (ended - first[0])
        memory[(ns, pod)] = memory.get((ns, pod), 0.0) + mem
    by_namespace = labelled(await query(s, base, docs["CPU by namespace"]), "namespace")
    assert by_namespace.keys() == {(ns,) for ns in cores} == {("kube-system",), ("shop",), ("monitoring",)}
    for ns, value in cores.items():
        assert by_namespace[(ns,)] == pytest.approx(value, rel=0.05), ns
    assert docs["README"] == docs["CPU by namespace"]  # the README shows the same query
    by_pod = labelled(await query(s, base, docs["Memory by pod"]), "namespace", "pod")
    assert by_pod.keys() == memory.keys() and all(by_pod[k] == pytest.approx(v, rel=0.03) for k, v in memory.items())
    # per Kubernetes container, named as kube-state-metrics names it, and joined with it
    containers = {(unb64(c.labels[NS]), unb64(c.labels[NAME]), unb64(c.labels[CT])): c for c in sim.host.containers()
                  if CT in c.labels}  # fmt: skip
    by_ct = labelled(await query(s, base, docs["CPU by container, named as kube-state-metrics names it"]),
                     "namespace", "pod", "container")  # fmt: skip
    assert by_ct.keys() == containers.keys() and all(v > 0 for v in by_ct.values())
    limited = {k: c for k, c in containers.items() if c.memory_limit}
    assert limited and len(limited) < len(containers)  # kube-proxy has none: no ratio for it
    for title in ("Memory used of the limit, with kube-state-metrics", "With the recording rules"):
        ratio = labelled(await query(s, base, docs[title]), "namespace", "pod", "container")
        assert ratio.keys() == limited.keys(), title
        for key, c in limited.items():
            used = int(str((await porto.get([c.name], ["memory_usage"])).containers[0].values["memory_usage"]))
            assert ratio[key] == pytest.approx(used / c.memory_limit, rel=0.03), (title, key)
    # every recording rule has data, named as documented
    for record, keys in (("namespace_pod:porto_container_cpu_usage_seconds:rate5m", ("namespace", "pod")),
                         ("namespace_pod:porto_container_memory_usage_bytes:sum", ("namespace", "pod")),
                         ("namespace_pod_container:porto_container_cpu_usage_seconds:rate5m",
                          ("namespace", "pod", "container")),
                         ("namespace_pod_container:porto_container_memory_usage_bytes:sum",
                          ("namespace", "pod", "container")),
                         ("namespace:porto_container_cpu_usage_seconds:rate5m", ("namespace",)),
                         ("namespace:porto_container_memory_usage_bytes:sum", ("namespace",))):  # fmt: skip
        got = labelled(await query(s, base, record), *keys)
        # the simulator gives a nested container its own memory cgroup only with a memory limit (portod: once
        # memory_limit is set, to 0 too, as portoshim does): kube-proxy's has no memory series of its own
        own = "container" not in keys or "memory" not in record
        has = {k for k, c in containers.items() if own or c.owns("memory")}
        assert got.keys() == {k[: len(keys)] for k in has}, record
