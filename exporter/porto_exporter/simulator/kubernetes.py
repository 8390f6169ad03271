"""Kubernetes pods as portoshim (Porto's CRI shim) lays them out in portod: names, labels, limits.

From portoshim's source (github.com/ten-nancy/portoshim ``cmd/portoshim/runtime_mapper.go``; the
older in-tree ``portodshim/runtime_mapper.go`` of yandex/porto): ``RunPodSandbox`` creates the pod as
a Porto container ``createID(<pod name>)`` = the name cut to 58 characters, ``-`` and 4 random hex
digits, at level 1 (no ``Porto.ParentContainer`` configured), running ``/pause``; ``CreateContainer``
creates each container as its child ``<pod>/createID(<container name>)``. Every Kubernetes label and
annotation becomes a Porto label ``LABEL.<key>`` / ``ANNOTATION.<key>``, key and value in raw
(unpadded) standard base64 (``convertBase64``); the shim adds ``attempt``, the log path and its own
ids as Kubernetes labels, and ``INFRA.engine: k8s`` in plain text. The kubelet puts
``io.kubernetes.pod.{name,namespace,uid}`` among the labels of the sandbox and of each container,
``io.kubernetes.container.name`` among a container's. CPU and memory requests become
``cpu_limit``/``cpu_guarantee`` (``CpuQuota / 100000`` cores) and ``memory_limit``.

portod refuses ``+``, ``/`` and ``=`` in label names and values (InvalidLabel: Porto's ``PORTO_NAME_CHARS``)
and names over 128 bytes (tests/real/test_kubernetes.py shows both on the real daemon), so the shim's create
fails for a pod with a key over 91 bytes (87 for an annotation) or a value whose base64 has ``+`` or ``/``:
in ASCII only ``>``, ``?`` and ``~`` make one (a URL with a query in an annotation), besides most non-ASCII
text. Names, uids and label values never do. ``porto_accepts`` holds this scenario to it.
"""

from __future__ import annotations

import base64
import datetime
import random
import uuid
import zlib
from dataclasses import dataclass

from .accounting import Behaviour
from .host import Host

PAUSE_IMAGE = "registry.k8s.io/pause:3.7"
PORTO_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@:.")
LABEL_NAME_MAX, LABEL_VALUE_MAX, LABELS_MAX = 128, 65536, 100  # Porto's PORTO_LABEL_*_MAX
SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # Kubernetes' random name suffixes (k8s.io/apimachinery rand)


@dataclass(frozen=True)
class Box:
    """One Kubernetes container: its name, image, what it does and its limits (0: none)."""

    name: str
    image: str
    cores: float
    memory: int
    cpu_limit: float = 0.0
    memory_limit: int = 0


@dataclass(frozen=True)
class Workload:
    """A Deployment (pods named <name>-<hash>-<xxxxx>) or a DaemonSet (<name>-<xxxxx>) in a namespace."""

    namespace: str
    name: str
    containers: tuple[Box, ...]
    replicas: int = 1
    daemon: bool = False


# The node's pods: a few namespaces, single- and multi-container pods, limited and unlimited.
WORKLOADS = (
    Workload(
        "kube-system",
        "coredns",
        (Box("coredns", "registry.k8s.io/coredns/coredns:v1.11.1", 0.004, 18 << 20, 0.0, 170 << 20),),
    ),
    Workload(
        "kube-system",
        "kube-proxy",
        (Box("kube-proxy", "registry.k8s.io/kube-proxy:v1.29.4", 0.002, 22 << 20),),
        daemon=True,
    ),
    Workload(
        "shop",
        "frontend",
        (
            Box("nginx", "nginx:1.25", 0.03, 12 << 20, 0.5, 128 << 20),
            Box("app", "shop/frontend:2.4.1", 0.12, 180 << 20, 1.0, 512 << 20),
        ),
        replicas=2,
    ),
    Workload(
        "shop",
        "cart",
        (
            Box("cart", "shop/cart:1.9.0", 0.05, 96 << 20, 0.5, 256 << 20),
            Box("redis", "redis:7.2", 0.01, 40 << 20, 0.2, 64 << 20),
        ),
    ),
    Workload(
        "monitoring",
        "porto-exporter",
        (Box("porto-exporter", "porto-exporter:0.1.0", 0.02, 60 << 20, 0.0, 512 << 20),),
        daemon=True,
    ),
)


def encode(text: str) -> str:
    """portoshim's convertBase64: raw standard base64."""
    return base64.b64encode(text.encode()).decode().rstrip("=")


def porto_labels(labels: dict[str, str], annotations: dict[str, str]) -> dict[str, str]:
    """As portoshim's convertToPortoLabels (plus its plain ``INFRA.engine``)."""
    out = {f"LABEL.{encode(k)}": encode(v) for k, v in labels.items()}
    out.update({f"ANNOTATION.{encode(k)}": encode(v) for k, v in annotations.items()})
    out["INFRA.engine"] = "k8s"
    return out


def porto_accepts(labels: dict[str, str]) -> bool:
    """Whether portod would take these labels (ValidLabel: characters, lengths, count)."""
    return len(labels) <= LABELS_MAX and all(
        len(k) <= LABEL_NAME_MAX
        and len(v) <= LABEL_VALUE_MAX
        and set(k) <= PORTO_NAME_CHARS
        and set(v) <= PORTO_NAME_CHARS
        for k, v in labels.items()
    )


def create_id(rng: random.Random, name: str) -> str:
    """portoshim's createID: the name cut to 58 characters, '-' and 4 random hex digits."""
    return f"{name[:58]}-{rng.randrange(65536):04x}"


def _suffix(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SUFFIX_CHARS) for _ in range(n))


@dataclass
class Pod:
    """One pod as portoshim would create it: the Porto names and labels of the pod and its containers."""

    namespace: str
    name: str
    uid: str
    porto: str
    labels: dict[str, str]
    containers: list[tuple[Box, str, dict[str, str]]]  # (its box, Porto name, Porto labels)


def draw_pod(rng: random.Random, w: Workload, pod_name: str, revision: str, now: float) -> Pod:
    """The pod's names and labels as portoshim writes them."""
    uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    porto = create_id(rng, pod_name)
    kube = {
        "io.kubernetes.pod.name": pod_name,
        "io.kubernetes.pod.namespace": w.namespace,
        "io.kubernetes.pod.uid": uid,
    }
    app = {"app.kubernetes.io/name": w.name, "app.kubernetes.io/part-of": w.namespace}
    app["controller-revision-hash" if w.daemon else "pod-template-hash"] = revision
    seen = _rfc3339(now - rng.uniform(600, 86400))
    shim = {"attempt": "0", "portoshim.pod.id": porto, "portoshim.pod.image": PAUSE_IMAGE}
    pod_labels = porto_labels(
        {**app, **kube, **shim}, {"kubernetes.io/config.seen": seen, "kubernetes.io/config.source": "api"}
    )
    containers = []
    for box in w.containers:
        cid = f"{porto}/{create_id(rng, box.name)}"
        labels = {
            **kube,
            "io.kubernetes.container.name": box.name,
            "attempt": "0",
            "io.kubernetes.container.logpath": f"/place/porto/{cid}/stdout",
            "portoshim.container.id": cid,
            "portoshim.container.image": f"sha256:{rng.getrandbits(256):064x}",
        }
        annotations = {
            "io.kubernetes.container.hash": f"{rng.getrandbits(32):08x}",
            "io.kubernetes.container.restartCount": "0",
            "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
            "io.kubernetes.container.terminationMessagePolicy": "File",
            "io.kubernetes.pod.terminationGracePeriod": "30",
        }
        containers.append((box, cid, porto_labels(labels, annotations)))
    for name, labels in ((porto, pod_labels), *((c[1], c[2]) for c in containers)):
        if not porto_accepts(labels):
            raise ValueError(f"portod would refuse the labels of {name} (a name too long, or + or / in base64)")
    return Pod(w.namespace, pod_name, uid, porto, pod_labels, containers)


def _rfc3339(t: float) -> str:
    return datetime.datetime.fromtimestamp(t, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


def bulk_workloads(pods: int) -> tuple[Workload, ...]:
    """``pods`` more single-replica Deployments of two containers (an app and a sidecar), in 8 namespaces."""
    share = 0.1 / max(1, pods)  # cores for all of them together: a tenth of a core
    boxes = (
        Box("app", "load/worker:1.0", share * 0.8, 24 << 20, 0.1, 64 << 20),
        Box("envoy", "envoyproxy/envoy:v1.29", share * 0.2, 12 << 20),
    )
    return tuple(Workload(f"load-{i % 8}", f"worker-{i:04d}", boxes) for i in range(pods))


def add_pods(host: Host, seed: int = 1, pods: int = 0) -> list[Pod]:
    """The node's pods (WORKLOADS, and ``pods`` bulk ones) created and started on ``host``, as portoshim would."""
    rng = random.Random(zlib.crc32(f"{seed}:kubernetes".encode()))
    now = host.clock()
    made: list[Pod] = []
    for w in (*WORKLOADS, *bulk_workloads(pods)):
        revision = _suffix(rng, 10)  # a Deployment's pod-template-hash, a DaemonSet's controller-revision-hash
        for _ in range(w.replicas):
            pod_name = f"{w.name}-{_suffix(rng, 5)}" if w.daemon else f"{w.name}-{revision}-{_suffix(rng, 5)}"
            pod = draw_pod(rng, w, pod_name, revision, now)
            pause = Behaviour(cpu_cores=0.0002, memory_bytes=300 << 10, anon_fraction=0.9)
            c = host.create(pod.porto, behaviour=pause)
            c.command, c.labels = "/pause", pod.labels
            limited = all(b.cpu_limit for b in w.containers), all(b.memory_limit for b in w.containers)
            c.cpu_limit = c.cpu_guarantee = sum(b.cpu_limit for b in w.containers) if limited[0] else 0.0
            c.memory_limit = sum(b.memory_limit for b in w.containers) if limited[1] else 0
            for box, name, labels in pod.containers:
                ct = host.create(name, behaviour=Behaviour(cpu_cores=box.cores, memory_bytes=box.memory, threads=4))
                ct.command, ct.labels = f"/usr/sbin/logshim {box.name}", labels
                ct.cpu_limit = ct.cpu_guarantee = box.cpu_limit
                ct.memory_limit = box.memory_limit
            host.start(pod.porto)
            for _, name, _ in pod.containers:
                host.start(name)
            made.append(pod)
    return made
