"""The Kubernetes joins on a real Prometheus: docs/kubernetes.md's and the README's PromQL, the recording rules
and the host dashboard's Kubernetes row, against an exporter process serving the simulator's Kubernetes node.

Prometheus scrapes the exporter with the job the Prometheus Operator generates from the PodMonitor of
deploy/kubernetes/: the exporter pod's own ``namespace``, ``pod``, ``container`` and ``endpoint`` as target
labels, ``honor_labels``, then the PodMonitor's relabelings (the node as ``instance``, those target labels
dropped). No series may carry the exporter pod's name. A stand-in for
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
import yaml
from aiohttp import web

from porto_exporter.porto import PortoClient
from porto_exporter.simulator import Simulator, build_host

from .conftest import poll, stop_processes
from .test_e2e_prometheus import free_port, query, start_prometheus, until_up

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "kubernetes.md"
RULES = ROOT / "deploy" / "prometheus" / "porto-kubernetes-rules.yml"
PODMONITOR = ROOT / "deploy" / "kubernetes" / "podmonitor.yaml"
# The exporter's own pod, as Kubernetes SD describes the DaemonSet's pod on one node.
EXPORTER_POD = {
    "__meta_kubernetes_namespace": "porto-exporter",
    "__meta_kubernetes_pod_name": "porto-exporter-7x2kq",
    "__meta_kubernetes_pod_container_name": "porto-exporter",
    "__meta_kubernetes_pod_node_name": "node-a",
    "__meta_kubernetes_pod_container_port_name": "metrics",
}
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


def operator_job(target: str) -> dict[str, object]:
    """The scrape job the Prometheus Operator makes of the PodMonitor (``generatePodMonitorConfig`` in its
    pkg/prometheus/promcfg.go: the pod's namespace, container and pod, the job and the endpoint as target labels,
    then the PodMonitor's own relabelings), on a static target with the exporter pod's Kubernetes SD labels."""
    monitor = yaml.safe_load(PODMONITOR.read_text())
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    keys = {"sourceLabels": "source_labels", "targetLabel": "target_label"}
    return {
        "job_name": f"podMonitor/{monitor['metadata']['namespace']}/{monitor['metadata']['name']}/0",
        "honor_labels": endpoint.get("honorLabels", False),
        "static_configs": [{"targets": [target], "labels": EXPORTER_POD}],
        "relabel_configs": [
            {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"},
            {"source_labels": ["__meta_kubernetes_pod_container_name"], "target_label": "container"},
            {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
            {"target_label": "job", "replacement": f"{monitor['metadata']['namespace']}/{monitor['metadata']['name']}"},
            {"target_label": "endpoint", "replacement": endpoint["port"]},
            *({keys.get(k, k): v for k, v in r.items()} for r in endpoint.get("relabelings", [])),
        ],
    }


def ksm_limits(sim: Simulator) -> str:
    """What kube-state-metrics says of the node's containers' limits (memory and CPU), as it says it."""
    lines = ["# TYPE kube_pod_container_resource_limits gauge"]
    for c in sim.host.containers():
        if CT in c.labels and c.memory_limit:
            ns, pod, name = unb64(c.labels[NS]), unb64(c.labels[NAME]), unb64(c.labels[CT])
            for resource, unit, value in (("memory", "byte", c.memory_limit), ("cpu", "core", c.cpu_limit or 1)):
                lines.append(
                    f'kube_pod_container_resource_limits{{namespace="{ns}",pod="{pod}",container="{name}",'
                    f'node="sim",resource="{resource}",unit="{unit}"}} {value}'
                )
    return "\n".join(lines) + "\n"


async def portod_pods(porto: PortoClient, sim: Simulator) -> tuple[float, dict[str, tuple[str, str, int, int]]]:
    """When, and each pod's Porto container: (namespace, pod, cpu_usage ns, memory_usage), as portod says."""
    pods = {
        c.name: (unb64(c.labels[NS]), unb64(c.labels[NAME]))
        for c in sim.host.containers()
        if NS in c.labels and CT not in c.labels
    }
    reply = await porto.get(sorted(pods), ["cpu_usage", "memory_usage"])
    now = time.monotonic()
    return now, {
        e.name: (*pods[e.name], int(str(e.values["cpu_usage"])), int(str(e.values["memory_usage"])))
        for e in reply.containers
    }


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
            yaml.safe_dump(
                {
                    "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                    "rule_files": [str(rules)],
                    "scrape_configs": [
                        operator_job(f"127.0.0.1:{exporter_port}"),
                        {
                            "job_name": "kube-state-metrics",
                            "honor_labels": True,
                            "static_configs": [{"targets": [f"127.0.0.1:{ksm_port}"]}],
                        },
                    ],
                }
            )
        )
        try:
            async with sim:
                await web.TCPSite(runner, "127.0.0.1", ksm_port).start()
                running.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "porto_exporter",
                        f"--porto.socket={sim.socket_path}",
                        "--scrape.interval=0s",
                        f"--web.listen-address=127.0.0.1:{exporter_port}",
                        "--kubernetes.mode=on",
                        stderr=asyncio.subprocess.DEVNULL,
                    )
                )
                running.append(await start_prometheus(config, f"{tmp}/data", prom_port))
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
                    await only_the_exporters_labels(s, base)
        finally:
            await stop_processes(running)
            await runner.cleanup()


async def check(
    s: aiohttp.ClientSession,
    base: str,
    porto: PortoClient,
    sim: Simulator,
    first: tuple[float, dict[str, tuple[str, str, int, int]]],
) -> None:
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
    containers = {
        (unb64(c.labels[NS]), unb64(c.labels[NAME]), unb64(c.labels[CT])): c
        for c in sim.host.containers()
        if CT in c.labels
    }
    by_ct = labelled(
        await query(s, base, docs["CPU by container, named as kube-state-metrics names it"]),
        "namespace",
        "pod",
        "container",
    )
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
    for record, keys in (
        ("namespace_pod:porto_container_cpu_usage_seconds:rate5m", ("namespace", "pod")),
        ("namespace_pod:porto_container_memory_usage_bytes:sum", ("namespace", "pod")),
        ("namespace_pod_container:porto_container_cpu_usage_seconds:rate5m", ("namespace", "pod", "container")),
        ("namespace_pod_container:porto_container_memory_usage_bytes:sum", ("namespace", "pod", "container")),
        ("namespace:porto_container_cpu_usage_seconds:rate5m", ("namespace",)),
        ("namespace:porto_container_memory_usage_bytes:sum", ("namespace",)),
    ):
        got = labelled(await query(s, base, record), *keys)
        # the simulator gives a nested container its own memory cgroup only with a memory limit (portod: once
        # memory_limit is set, to 0 too, as portoshim does): kube-proxy's has no memory series of its own
        own = "container" not in keys or "memory" not in record
        has = {k for k, c in containers.items() if own or c.owns("memory")}
        assert got.keys() == {k[: len(keys)] for k in has}, record


async def only_the_exporters_labels(s: aiohttp.ClientSession, base: str) -> None:
    """No series carries the exporter pod's name or its endpoint (they would start anew with each rollout); every
    one of the exporter's is the node's (instance); the exporter's own container, namespace and pod labels are its
    own (the Porto name; the pods' identity on porto_container_kubernetes_info)."""
    job = 'job="porto-exporter/porto-exporter"'
    assert not await query(s, base, f'{{pod="{EXPORTER_POD["__meta_kubernetes_pod_name"]}"}}')
    assert not await query(s, base, f'{{{job},endpoint!=""}}') and not await query(s, base, f'{{{job},service!=""}}')
    instances = await query(s, base, f'count by (instance) ({{{job},__name__!~".*:.*"}})')  # (not the records)
    assert [r["metric"] for r in instances] == [{"instance": "node-a"}], instances
    # the exporter's own series: the target labels were not put on them
    for expr in ("porto_up", "porto_daemon_info", "porto_exporter_build_info"):
        (got,) = await query(s, base, expr)
        assert not {"namespace", "pod", "container"} & got["metric"].keys(), got
    namespaces = {r["metric"]["namespace"] for r in await query(s, base, "porto_container_kubernetes_info")}
    assert namespaces == {"kube-system", "shop", "monitoring"}  # the pods', not the exporter pod's
    assert not await query(s, base, '{__name__=~"porto_.+",container="porto-exporter"}')
