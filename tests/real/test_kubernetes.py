"""Kubernetes mode against the real portod: portoshim's labels are stored and returned as the exporter reads them.

Pods are made the two ways portoshim sets labels: the pod with CreateFromSpec (``TContainerSpec.labels``, as
github.com/ten-nancy/portoshim does) and its container with ``portoctl set labels "k:v;..."`` (the ``labels``
property string, as the older in-tree portodshim does), each ``LABEL.<base64 key>: <base64 value>`` (raw
standard alphabet). portod returns them unchanged; it refuses ``+``, ``/`` and ``=`` in label names and
values (so the shim's create fails for a pod whose encoded labels have one) and names longer than 128 bytes.
A real exporter process then names the pod and its container on ``porto_container_kubernetes_info``, over v5
and v4, and skips (and counts) a pod whose namespace is not base64.
"""

from __future__ import annotations

import asyncio
import base64
import re
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from porto_exporter.porto import rpc_pb2 as pb

from ..conftest import exchange, poll, stop_processes, wait_ready
from .conftest import RealPortod, exporter_env

NS, NAME, UID, CT = (
    "LABEL." + base64.b64encode(k.encode()).decode().rstrip("=")
    for k in (
        "io.kubernetes.pod.namespace",
        "io.kubernetes.pod.name",
        "io.kubernetes.pod.uid",
        "io.kubernetes.container.name",
    )
)


ANNOTATION = "ANNOTATION." + base64.b64encode(b"example.com/runbook").decode().rstrip("=")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode().rstrip("=")


def labels_string(labels: dict[str, str]) -> str:
    return "".join(f"{k}:{v};" for k, v in labels.items())


async def create_from_spec(socket: str, name: str, labels: dict[str, str]) -> pb.TPortoResponse:
    req = pb.TPortoRequest()
    req.CreateFromSpec.container.name = name
    for k, v in labels.items():
        e = req.CreateFromSpec.container.labels.map.add()
        e.key, e.val = k, v
    rsp = await exchange(socket, req)
    assert rsp is not None
    return rsp


async def stored_labels(real: RealPortod, name: str) -> dict[str, str]:
    text = await real.actl("get", name, "labels")
    return dict(kv.split(": ", 1) for kv in text.split("; ")) if text else {}


@pytest.fixture
async def pods(real_portod: RealPortod, own: str) -> dict[str, tuple[str, ...]]:
    """A pod with a container, made as portoshim makes them, and a pod whose namespace is not base64; what the
    exporter should say of each container (container, namespace, pod, uid, kubernetes_container)."""
    uid = "0b5c1d2e-9f3a-4c7d-8e21-5a6b7c8d9e0f"  # a uid's base64 never has + or /: only > ? ~ DEL in ASCII make them
    pod, ct, broken = f"{own}/cart-7d9f8-x2x4q-1a2b", f"{own}/cart-7d9f8-x2x4q-1a2b/redis-0c9d", f"{own}/bad-0e0f"
    kube = {NS: b64("shop"), NAME: b64("cart-7d9f8-x2x4q"), UID: b64(uid)}
    pod_labels = {
        **kube,
        "LABEL." + b64("app.kubernetes.io/name"): b64("cart"),
        "LABEL." + b64("attempt"): b64("0"),
        "ANNOTATION." + b64("kubernetes.io/config.source"): b64("api"),
        "INFRA.engine": "k8s",
    }
    rsp = await create_from_spec(real_portod.socket, pod, pod_labels)
    assert rsp.error == pb.Success, rsp
    await real_portod.actl("create", ct)
    ct_labels = {
        **kube,
        CT: b64("redis"),
        "LABEL." + b64("io.kubernetes.container.logpath"): b64(f"/place/{ct}"),
        "INFRA.engine": "k8s",
    }
    await real_portod.actl("set", ct, "labels", labels_string(ct_labels))
    await real_portod.actl("create", broken)
    await real_portod.actl("set", broken, "labels", labels_string({**kube, NS: "abcde", "INFRA.engine": "k8s"}))
    # portod stores each label as written and returns it unchanged
    assert await stored_labels(real_portod, pod) == pod_labels
    assert await stored_labels(real_portod, ct) == ct_labels
    return {pod: (pod, "shop", "cart-7d9f8-x2x4q", uid, ""), ct: (ct, "shop", "cart-7d9f8-x2x4q", uid, "redis")}


async def test_portod_refuses_what_portoshims_base64_can_hold(real_portod: RealPortod, own: str) -> None:
    """'+', '/' and '=' are base64's but not Porto's (PORTO_NAME_CHARS): the whole create or set fails. Of ASCII, only
    '>', '?', '~' (and DEL) as every third byte encode to + or /: an annotation with a URL's query can make a pod
    portoshim cannot create."""
    for i, (text, has) in enumerate((("x->y", "+"), ("https://wiki.example.com/runbook?id=7", "/"))):
        name, value = f"{own}/refused-{i}", b64(text)
        assert has in value
        rsp = await create_from_spec(real_portod.socket, name, {NS: b64("shop"), ANNOTATION: value})
        assert (rsp.error, rsp.errorMsg.split(":")[0]) == (pb.InvalidLabel, "Invalid label value"), rsp
        assert name not in real_portod.containers()
    await real_portod.actl("create", f"{own}/set")
    for label, value, said in (
        (NS, "c2hvcA==", "Invalid label value"),
        ("LABEL.a+b", "x", "Invalid label name"),
        ("LABEL." + "A" * 123, "x", "Label name too log, max 128 bytes"),
    ):
        req = pb.TPortoRequest()
        req.SetLabel.name, req.SetLabel.label, req.SetLabel.value = f"{own}/set", label, value
        answer = await exchange(real_portod.socket, req)
        assert answer is not None and (answer.error, answer.errorMsg.split(":")[0]) == (pb.InvalidLabel, said), answer
    # one bad pair in the labels string and none of it is set
    done = await real_portod.actl("set", f"{own}/set", "labels", f"{NAME}:{b64('ok')};{NS}:eHk+;", check=False)
    assert done == "" and await stored_labels(real_portod, f"{own}/set") == {}


async def test_a_limit_set_to_zero_gives_a_nested_container_its_cgroup(real_portod: RealPortod, own: str) -> None:
    """portoshim sets memory_limit and cpu_limit on every container, 0 when the pod spec has none: portod then gives
    it its own memory and cpu cgroups (their usage series are its own, not its pod's)."""
    name = f"{own}/unlimited"
    await real_portod.actl("create", name)
    assert "memory" not in (await real_portod.actl("get", name, "controllers")).split(";")
    await real_portod.actl("set", name, "memory_limit", "0")
    await real_portod.actl("set", name, "cpu_limit", "0c")
    assert {"memory", "cpu"} <= set((await real_portod.actl("get", name, "controllers")).split(";"))


@pytest.fixture(params=["auto", "v4"])
async def exporter(real_portod: RealPortod, own: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """An exporter process reading this test's subtree only, over v5 (auto) and v4; its URL."""
    env = exporter_env()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porto_exporter",
        f"--porto.socket={real_portod.socket}",
        f"--porto.api={request.param}",
        "--web.listen-address=127.0.0.1:0",
        "--scrape.interval=250ms",
        f"--containers.include={own}/***",
        "--no-collector.events",
        "--kubernetes.mode=on",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    stderr = proc.stderr
    assert stderr is not None
    log: list[str] = []
    drain: asyncio.Task[bytes] | None = None
    try:
        while not (m := re.search(r"listening on (http://[\d.]+:\d+)/metrics", log[-1] if log else "")):
            line = await asyncio.wait_for(stderr.readline(), 30)
            assert line, "the exporter exited before listening:\n" + "".join(log)
            log.append(line.decode(errors="replace"))
        drain = asyncio.create_task(stderr.read())  # the rest of its log: a full pipe would stop it
        await wait_ready(m[1] + "/-/ready", proc)
        yield m[1]
    finally:
        await stop_processes([proc])
        if drain is not None:
            await drain


async def test_the_exporter_names_pods_and_containers_from_what_portod_returns(
    pods: dict[str, tuple[str, ...]], exporter: str
) -> None:
    async def served() -> dict[str, list[dict[str, str]]] | None:
        async with aiohttp.ClientSession() as s, s.get(exporter + "/metrics") as r:
            text = await r.text()
        out: dict[str, list[dict[str, str]]] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                out.setdefault(sample.name, []).append(sample.labels)
        return out if "porto_container_kubernetes_info" in out else None

    got = await poll(served, "porto_container_kubernetes_info served", seconds=20)
    assert got is not None
    keys = ("container", "namespace", "pod", "uid", "kubernetes_container")
    rows = {tuple(labels.get(k, "") for k in keys) for labels in got["porto_container_kubernetes_info"]}
    assert rows == set(pods.values())  # and not the broken pod
    assert got["porto_exporter_parse_errors_total"] == [{"property": "labels"}]  # the broken pod, counted
