"""Kubernetes mode: portoshim's pods and containers, named by their labels, on the simulator's wire.

The decoding is tested on plain strings; the rest through the simulator's socket, where the scenario lays
pods out as portoshim's source does (simulator/kubernetes.py). The expected identities are decoded here with
the standard library, not with the exporter's decoder.
"""

from __future__ import annotations

import base64
import logging
import re
import subprocess
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
import yaml

from porto_exporter.collect import CollectContext, ContainersCollector
from porto_exporter.collect.containers import Api
from porto_exporter.collect.kubernetes import KEYS, Kubernetes, Mode, decode, encode, identify
from porto_exporter.collect.labels import LabelAllowlist
from porto_exporter.config import ConfigError, load
from porto_exporter.porto import PortoClient
from porto_exporter.porto import rpc_pb2 as pb
from porto_exporter.samples import Sample
from porto_exporter.simulator import Simulator, build_host

from .conftest import exchange

INFO = "porto_container_kubernetes_info"
# The Porto label names portoshim writes for the kubelet's keys (Go's base64.RawStdEncoding of each).
PORTOSHIM_NAMES = {
    "io.kubernetes.pod.namespace": "LABEL.aW8ua3ViZXJuZXRlcy5wb2QubmFtZXNwYWNl",
    "io.kubernetes.pod.name": "LABEL.aW8ua3ViZXJuZXRlcy5wb2QubmFtZQ",
    "io.kubernetes.pod.uid": "LABEL.aW8ua3ViZXJuZXRlcy5wb2QudWlk",
    "io.kubernetes.container.name": "LABEL.aW8ua3ViZXJuZXRlcy5jb250YWluZXIubmFtZQ",
}
NS, NAME, UID, CT = PORTOSHIM_NAMES.values()
# Porto's PORTO_NAME_CHARS: what portod takes in a label name or value (tests/real/test_kubernetes.py)
PORTO_CHARS = re.compile(r"[a-zA-Z0-9_\-@:.]+")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode().rstrip("=")


def unb64(text: str) -> str:
    return base64.b64decode(text + "=" * (-len(text) % 4)).decode()


POD = {
    NS: b64("shop"),
    NAME: b64("cart-7d9f8-x2x4q"),
    UID: b64("0b5c1d2e-aaaa-4bbb-8ccc-0123456789ab"),
    "LABEL." + b64("app.kubernetes.io/name"): b64("cart"),
    "ANNOTATION." + b64("kubernetes.io/config.source"): b64("api"),
    "INFRA.engine": "k8s",
}
CONTAINER = {**{k: v for k, v in POD.items() if not k.startswith("LABEL.YXBw")}, CT: b64("redis")}


def test_the_names_looked_up_are_portoshims() -> None:
    assert {name: key for name, key in KEYS.items()} == PORTOSHIM_NAMES
    for text in ("shop", "a", "ab", "abc", "io.kubernetes.pod.uid", "ünïcode/ключ", ""):
        assert decode(b64(text)) == text and encode(text) == b64(text)
    # the URL-safe alphabet (the only one portod would store whole) reads the same
    assert decode(base64.urlsafe_b64encode("ключ?>".encode()).decode().rstrip("=")) == "ключ?>"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("abcde", "length 5"),  # no base64 string has 4n+1 characters
        ("ab!c", "not base64"),
        ("ab@c", "not base64"),  # a character portod takes in a value, not base64's
        ("gA", "not UTF-8"),  # b"\x80"
    ],
)
def test_what_is_not_base64_of_text_is_refused_saying_why(value: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        decode(value)


def test_identify_a_pod_a_container_and_what_is_neither() -> None:
    assert identify(POD) == (
        ("namespace", "shop"),
        ("pod", "cart-7d9f8-x2x4q"),
        ("uid", "0b5c1d2e-aaaa-4bbb-8ccc-0123456789ab"),
        ("kubernetes_container", ""),
    )
    assert dict(identify(CONTAINER) or ())["kubernetes_container"] == "redis"
    assert identify({"TEAM.name": "infra", "LABEL.x": "garbage!"}) is None  # a Porto-native container
    assert identify({}) is None
    # a Kubernetes label allowlist adds the pod's labels, named as kube-state-metrics names them
    allow = LabelAllowlist(["app.kubernetes.io/*"])
    pod = identify(POD, allow)
    assert pod is not None
    assert pod[-1] == ("label_app_kubernetes_io_name", "cart")
    # garbage in labels that are not the identity's costs nothing
    assert identify({**POD, "LABEL.%%%": "???", "LABEL." + b64("team"): "abcde"}, allow) == identify(POD, allow)


@pytest.mark.parametrize(
    ("labels", "why"),
    [
        ({**POD, NS: "abcde"}, "io.kubernetes.pod.namespace: 'abcde' is not base64"),
        ({k: v for k, v in POD.items() if k != UID}, "no io.kubernetes.pod.uid label"),
        ({**CONTAINER, NAME: ""}, "no io.kubernetes.pod.name label"),
        ({"INFRA.engine": "k8s"}, "no io.kubernetes.pod.namespace, io.kubernetes.pod.name, io.kubernetes.pod.uid"),
        ({CT: b64("redis")}, "no io.kubernetes.pod.namespace"),
    ],
)
def test_portoshims_labels_without_a_readable_identity_say_why(labels: dict[str, str], why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        identify(labels)


def test_the_flags() -> None:
    cfg = load([], environ={})
    assert cfg.kubernetes_mode == "auto" and cfg.kubernetes_labels == []
    cfg = load(["--kubernetes.mode=on", "--kubernetes.labels-allowlist=app,team.*"], environ={})
    settings = cfg.collector_settings()
    assert settings.kubernetes_mode == "on" and settings.kubernetes_labels == ("app", "team.*")
    with pytest.raises(ConfigError, match=r"kubernetes\.mode"):
        load(["--kubernetes.mode=yes"], environ={})
    with pytest.raises(ValueError, match="kubernetes mode 'yes'"):
        Kubernetes("yes")  # type: ignore[arg-type]  # a wrong mode on purpose: refused at run time


# --- through the simulator ------------------------------------------------------------------------------------


@pytest.fixture
async def node(socket_dir: Path) -> AsyncIterator[Simulator]:
    """A host with a node's pods as portoshim makes them, beside the usual Porto-native containers."""
    async with Simulator(build_host(seed=5, kubernetes=True, pods=3), str(socket_dir / "portod.socket")) as sim:
        yield sim


def expected(sim: Simulator, but: str = "") -> set[tuple[str, ...]]:
    """Every container portoshim made (but ``but``) as the info metric should name it: decoded here from the host's
    labels."""
    out: set[tuple[str, ...]] = set()
    for c in sim.host.containers():
        if c.labels.get("INFRA.engine") == "k8s" and c.name != but:
            ct = c.labels.get(CT)
            out.add((c.name, unb64(c.labels[NS]), unb64(c.labels[NAME]), unb64(c.labels[UID]), unb64(ct) if ct else ""))
    return out


def info_rows(batch: Iterable[Sample]) -> set[tuple[str, ...]]:
    rows = set()
    for s in batch:
        if s.name == INFO:
            labels = dict(s.labels)
            assert s.value == 1 and list(labels)[:5] == ["container", "namespace", "pod", "uid", "kubernetes_container"]
            rows.add(tuple(labels[k] for k in ("container", "namespace", "pod", "uid", "kubernetes_container")))
    return rows


@pytest.mark.parametrize("api", ["v5", "v4"])
async def test_every_pod_and_container_portoshim_made_is_named_and_nothing_else(node: Simulator, api: Api) -> None:
    want = expected(node)
    pods = {row for row in want if not row[4]}
    assert len(pods) == 9 and len(want) - len(pods) == 15  # the node's 6 pods (9 containers), 3 bulk ones (2 each)
    async with PortoClient(node.socket_path, timeout=10.0) as client:
        ctx = CollectContext(client)
        collector = ContainersCollector(api=api, kubernetes=Kubernetes("auto", ("app.kubernetes.io/name",)))
        first = await collector.collect(ctx)
        second = await collector.collect(ctx)  # replayed from the cache: the same
    assert info_rows(first) == info_rows(second) == want
    # the pod's own labels, decoded, on the pod's row only
    apps = {
        dict(s.labels)["container"]: dict(s.labels).get("label_app_kubernetes_io_name") for s in first if s.name == INFO
    }
    for name, app in apps.items():
        assert (app is not None) == ("/" not in name), name
    assert ctx.parse_errors == {}


async def test_mode_off_decodes_nothing(node: Simulator) -> None:
    async with PortoClient(node.socket_path, timeout=10.0) as client:
        batch = await ContainersCollector(kubernetes=Kubernetes("off")).collect(CollectContext(client))
    assert not info_rows(batch) and any(s.name == "porto_container_info" for s in batch)


async def set_label(sim: Simulator, name: str, label: str, value: str) -> None:
    """As portoshim or an operator would: SetLabel over portod's socket (the container's spec changes)."""
    req = pb.TPortoRequest()
    req.SetLabel.name, req.SetLabel.label, req.SetLabel.value = name, label, value
    rsp = await exchange(sim.socket_path, req)
    assert rsp is not None and rsp.error == pb.Success, rsp


async def test_an_unreadable_identity_is_skipped_and_counted_and_logged_once_per_fault(
    node: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    pod = next(c for c in node.host.containers() if c.labels.get(NAME) and unb64(c.labels[NAME]).startswith("cart-"))
    child = next(iter(pod.children))
    await set_label(node, pod.name, NS, "abcde")  # characters portod takes; not base64
    want = expected(node, but=pod.name)
    async with PortoClient(node.socket_path, timeout=10.0) as client:
        ctx = CollectContext(client)
        collector = ContainersCollector(kubernetes=Kubernetes("on"))
        with caplog.at_level(logging.INFO, "porto_exporter.collect.kubernetes"):
            for _ in range(3):
                assert info_rows(await collector.collect(ctx)) == want  # the others, the pod's containers too
            assert ctx.parse_errors == {"labels": 1}  # counted once, not per cycle (nor per re-read of its spec)
            await set_label(node, pod.name, "TEAM.name", "shop")  # another change, the same fault
            assert info_rows(await collector.collect(ctx)) == want
            assert ctx.parse_errors == {"labels": 1}
            await set_label(node, pod.name, NS, b64("shop"))  # mended
            assert info_rows(await collector.collect(ctx)) == expected(node)
            await set_label(node, pod.name, NS, "gA")  # broken anew: counted and said again
            assert info_rows(await collector.collect(ctx)) == want
            assert ctx.parse_errors == {"labels": 2}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    head = f"kubernetes: container {pod.name} has portoshim's labels but no readable pod identity (io.kubernetes."
    assert warnings == [
        head + "pod.namespace: 'abcde' is not base64 (length 5)): no porto_container_kubernetes_info for it",
        head + "pod.namespace: 'gA' is base64 of bytes that are not UTF-8): no porto_container_kubernetes_info for it",
    ], warnings
    assert child in {row[0] for row in want}
    assert any("portoshim's pods found" in r.getMessage() for r in caplog.records)


async def test_pod_labels_that_sanitize_alike_are_all_kept_logged_and_counted_once(
    node: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """--kubernetes.labels-allowlist='*' on a pod labelled app.kubernetes.io/name and app_kubernetes_io_name, and
    with two non-ASCII keys of one length (both label_____): every one is on the pod's row, named as
    kube-state-metrics names them; each collision set is logged and counted once over cycles and spec re-reads.
    (One of each set was dropped without a word.)"""
    pod = next(c for c in node.host.containers() if c.labels.get(NAME) and unb64(c.labels[NAME]).startswith("cart-"))
    for key, value in (("app_kubernetes_io_name", "cart-too"), ("ключ", "one"), ("дядя", "two")):
        await set_label(node, pod.name, "LABEL." + b64(key), b64(value))
    async with PortoClient(node.socket_path, timeout=10.0) as client:
        ctx = CollectContext(client)
        collector = ContainersCollector(kubernetes=Kubernetes("auto", ("*",)))
        with caplog.at_level(logging.WARNING, "porto_exporter"):
            for n in range(3):
                batch = await collector.collect(ctx)
                await set_label(node, pod.name, "TEAM.n", str(n))  # its spec changes: read again next cycle
    (row,) = [dict(s.labels) for s in batch if s.name == INFO and dict(s.labels)["container"] == pod.name]
    app = "label_app_kubernetes_io_name"
    assert (row[app + "_conflict1"], row[app + "_conflict2"]) == ("cart", "cart-too") and app not in row
    # sorted keys: "дядя" < "ключ" (as Go's sort.Strings orders their UTF-8 bytes)
    assert (row["label______conflict1"], row["label______conflict2"]) == ("two", "one")
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [
        f"labels: pod labels app.kubernetes.io/name, app_kubernetes_io_name all sanitize to {app}: kept as "
        f"{app}_conflict1 (app.kubernetes.io/name), {app}_conflict2 (app_kubernetes_io_name), as kube-state-metrics "
        "names them",
        "labels: pod labels дядя, ключ all sanitize to label_____: kept as label______conflict1 (дядя), "
        "label______conflict2 (ключ), as kube-state-metrics names them",
    ]
    assert ctx.label_conflicts == {"kubernetes": 2} and ctx.parse_errors == {}


@pytest.mark.parametrize(("mode", "warned"), [("on", True), ("auto", False)])
async def test_mode_on_warns_when_the_host_has_no_pods(
    client: PortoClient, caplog: pytest.LogCaptureFixture, mode: Mode, warned: bool
) -> None:
    collector = ContainersCollector(kubernetes=Kubernetes(mode))
    with caplog.at_level(logging.INFO, "porto_exporter.collect.kubernetes"):
        for _ in range(2):
            assert not info_rows(await collector.collect(CollectContext(client)))
    said = [r.getMessage() for r in caplog.records if r.name == "porto_exporter.collect.kubernetes"]
    assert len(said) == (1 if warned else 0), said
    if warned:
        assert "--kubernetes.mode=on, but no container carries portoshim's labels" in said[0]


async def test_the_scenario_lays_pods_out_as_portoshim_does(node: Simulator) -> None:
    """Names (createID), levels, labels portod would take, the kubelet's keys on pods and containers."""
    async with PortoClient(node.socket_path, timeout=10.0) as client:
        reply = await client.get(["***"], ["labels", "level", "command"])
    entries = {e.name: e.values for e in reply.containers}
    pods = [n for n, v in entries.items() if "INFRA.engine: k8s" in str(v["labels"]) and "/" not in n]
    assert len(pods) == 9
    for pod in pods:
        assert re.fullmatch(r".{1,58}-[0-9a-f]{4}", pod) and str(entries[pod]["level"]) == "1"
        assert str(entries[pod]["command"]) == "/pause"
        children = [n for n in entries if n.startswith(pod + "/")]
        assert children and all(re.fullmatch(re.escape(pod) + r"/[^/]{1,58}-[0-9a-f]{4}", n) for n in children)
        labels = dict(kv.split(": ", 1) for kv in str(entries[pod]["labels"]).split("; "))
        for name in (pod, *children):
            theirs = dict(kv.split(": ", 1) for kv in str(entries[name]["labels"]).split("; "))
            for key, value in theirs.items():
                assert PORTO_CHARS.fullmatch(key) and len(key) <= 128 and PORTO_CHARS.fullmatch(value), (key, value)
            assert {theirs[k] for k in (NS, NAME, UID)} == {labels[k] for k in (NS, NAME, UID)}
            assert (CT in theirs) == (name != pod)
        assert unb64(labels[NAME]) == pod.rsplit("-", 1)[0]  # createID: the pod's name and 4 hex digits


# --- what ships: the deploy kit and the recording rules ------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PROM = ROOT / "deploy" / "prometheus"


def test_the_daemonset_runs_kubernetes_mode_and_the_scrapes_keep_the_exporters_labels() -> None:
    docs = [
        d for f in sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml")) for d in yaml.safe_load_all(f.read_text())
    ]
    kinds = {d["kind"]: d for d in docs}
    (container,) = kinds["DaemonSet"]["spec"]["template"]["spec"]["containers"]
    assert load(container["args"], environ={}).kubernetes_mode == "on"
    # the operator adds the exporter pod's namespace, pod and container as target labels: ours must win
    (endpoint,) = kinds["PodMonitor"]["spec"]["podMetricsEndpoints"]
    assert endpoint["honorLabels"] is True
    (job,) = yaml.safe_load((PROM / "scrape-porto-kubernetes.yml").read_text())["scrape_configs"]
    assert job["honor_labels"] is True
    # and none of the exporter pod's own target labels goes on the series that lack them: dropped last
    # (tests/test_kubernetes_prometheus.py scrapes as the operator's job and looks for the pod's name)
    for last in (endpoint["relabelings"][-1], job["relabel_configs"][-1]):
        assert last["action"] == "labeldrop"
        assert all(re.fullmatch(last["regex"], name) for name in ("namespace", "pod", "container", "endpoint"))
        assert not re.fullmatch(last["regex"], "instance") and not re.fullmatch(last["regex"], "job")


def test_the_kubernetes_recording_rules_pass_promtool_and_their_unit_tests() -> None:
    rules = PROM / "porto-kubernetes-rules.yml"
    check = subprocess.run(["promtool", "check", "rules", str(rules)], capture_output=True, text=True)
    assert check.returncode == 0 and "SUCCESS: 6 rules found" in check.stdout, check.stdout + check.stderr
    names = [r["record"] for g in yaml.safe_load(rules.read_text())["groups"] for r in g["rules"]]
    assert all(re.fullmatch(r"[a-z_]+:porto_[a-z_]+:[a-z0-9_]+", n) for n in names), names  # level:metric:ops
    tests = (ROOT / "tests" / "rules" / "porto-kubernetes-rules.test.yml").read_text()
    assert all(n in tests for n in names)  # every rule has an expected value in the unit test
    where = ROOT / "tests" / "rules"
    unit = subprocess.run(
        ["promtool", "test", "rules", "porto-kubernetes-rules.test.yml"], cwd=where, capture_output=True, text=True
    )
    assert unit.returncode == 0, unit.stdout + unit.stderr
