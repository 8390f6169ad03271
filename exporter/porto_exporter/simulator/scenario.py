"""The host the simulator starts with: the captured realistic tree plus N bulk containers.

The realistic part mirrors the containers in ../shared/porto-captures (nested
meta parents, a throttled CPU burner, a memory hog, a respawning job, paused,
stopped, dead and OOM-killed containers, volumes, layers, a storage).
"""

from __future__ import annotations

import math
import random
import time
import zlib
from collections.abc import Callable

from .accounting import HOST_CORES, HOST_MEMORY, Behaviour
from .batch import BatchJobs
from .cgroup2 import use_cgroup2
from .host import Host
from .kubernetes import add_pods
from .records import Layer, MetaStorage, Volume

# The busy container whose CPU rate tests check end to end: it wants 1 core
# and is limited to BUSY_CPU_CORES, so it uses exactly that.
BUSY_CONTAINER = "infra/web/cpu-hog"
BUSY_CPU_CORES = 0.2
RESPAWNING_CONTAINER = "flaky"
OOM_CONTAINER = "oom-victim"
# The memory leak creeping up to its limit: anonymous memory stays above 90% of it (MemoryNearLimit).
LEAKY_CONTAINER = "infra/web/leaky"
# What the bulk containers use together, whatever their number: a host busy but not overloaded.
BULK_MEMORY_SHARE = 0.5  # of HOST_MEMORY
BULK_CPU_SHARE = 0.15  # of HOST_CORES


def bulk_workload(seed: int, index: int, containers: int) -> tuple[Behaviour, int, float]:
    """One bulk container's workload and limits: (behaviour, memory_limit, cpu_limit).

    Usage is spread around the limits as on a real host: each container uses its share of the
    bulk budget (0.3x .. 1.7x), and that usage fills 5% .. 85% of its memory limit and 5% .. 80% of
    its CPU limit (skewed low, as most containers' limits are generous). So the sum over
    containers stays within the host's RAM and cores at any container count, limits are
    overcommitted as usual, and no bulk container is near a limit or throttled.
    """
    rng = random.Random(zlib.crc32(f"{seed}:bulk:{index}".encode()))
    memory = HOST_MEMORY * BULK_MEMORY_SHARE / containers * rng.uniform(0.3, 1.7)
    fill = 0.05 + 0.8 * rng.betavariate(2, 3)
    memory_limit = max(1, math.ceil(memory / fill / (1 << 20))) << 20
    cores = HOST_CORES * BULK_CPU_SHARE / containers * rng.uniform(0.3, 1.7)
    cpu_limit = max(0.01, math.ceil(cores / (0.05 + 0.75 * rng.betavariate(2, 3)) * 100) / 100)
    behaviour = Behaviour(
        cpu_cores=cores,
        system_fraction=round(rng.uniform(0.05, 0.3), 3),
        memory_bytes=int(memory),
        anon_fraction=round(rng.uniform(0.4, 0.9), 2),
        net_bps=rng.choice((0.0, rng.uniform(10.0, 1e4))),
        processes=rng.randint(1, 3),
        threads=rng.randint(1, 16),
    )
    return behaviour, memory_limit, cpu_limit


def build_host(
    seed: int = 1,
    containers: int = 0,
    clock: Callable[[], float] = time.time,
    age: float = 104.0,
    batch_jobs: bool = False,
    cgroup: str = "v1",
    kubernetes: bool = False,
    pods: int = 0,
) -> Host:
    """The scenario as it looks ``age`` seconds after it was set up (counters already moving).

    ``batch_jobs``: add the demo's ``batch`` group, spawning short-lived jobs (some fail or are OOM-killed).
    ``cgroup``: "v2" for a host whose portod keeps memory, cpu, blkio in cgroup2 (``cgroup2``), else "v1".
    ``kubernetes``: add a node's pods as portoshim makes them (simulator/kubernetes.py), ``pods`` more of them.
    """
    if cgroup not in ("v1", "v2"):
        raise ValueError(f"cgroup must be v1 or v2, not {cgroup!r}")
    past = lambda: clock() - age
    host = Host(seed=seed, clock=past)
    if cgroup == "v2":
        use_cgroup2(host)
    now = past()

    def make(name: str, command: str = "", behaviour: Behaviour | None = None, **props: object) -> None:
        c = host.create(name, behaviour=behaviour)
        c.command = command
        for key, value in props.items():
            setattr(c, key, value)

    make("a", labels={"TEAM.name": "alpha"})
    make("a/b")
    make("a/b/c", "sleep 100000", Behaviour(cpu_cores=0.001, memory_bytes=400_000), memory_limit=64 << 20)
    make("batch-job", "sleep 60", memory_limit=1 << 30, cpu_limit=1.5, thread_limit=10000, labels={"APP.tier": "batch"})
    make("failed-job", "sh -c 'echo failing; echo oops >&2; exit 3'", labels={"APP.tier": "batch"})
    make(
        RESPAWNING_CONTAINER,
        "sh -c 'sleep 15; exit 1'",
        Behaviour(cpu_cores=0.01, memory_bytes=2 << 20, io_read_bps=8192, respawn_period=15.0, exit_code=1),
        respawn=True,
        respawn_delay_ns=2_000_000_000,
        labels={"TEAM.name": "infra"},
    )
    make("frozen", "sleep 100000", Behaviour(cpu_cores=0.001, memory_bytes=1 << 20))
    make(
        "host-sleeper",
        "sleep 100000",
        Behaviour(cpu_cores=0.0005, memory_bytes=1 << 20),
        virt_mode="host",
        labels={"TEAM.name": "ops"},
    )
    make("idle-worker", "sleep 100000", Behaviour(cpu_cores=0.002, memory_bytes=3 << 20), cpu_guarantee=0.1)
    make("infra", cpu_guarantee=0.5, labels={"ENV.stage": "prod", "TEAM.name": "infra"})
    make(
        "infra/db",
        "sh -c 'while :; do dd if=/dev/zero of=ddfile bs=1M count=64 oflag=direct; done'",
        Behaviour(cpu_cores=0.05, memory_bytes=900_000, io_read_bps=2.5e6, io_write_bps=2.5e6, processes=2),
        memory_limit=512 << 20,
        cpu_limit=0.3,
        io_limit={"/place": 20971520},
        labels={"APP.tier": "db"},
    )
    make("infra/web", memory_limit=2 << 30, labels={"APP.tier": "web"})
    make(
        BUSY_CONTAINER,
        "sh -c 'while :; do :; done'",
        Behaviour(cpu_cores=1.0, system_fraction=0.004, memory_bytes=150_000),
        cpu_limit=BUSY_CPU_CORES,
        labels={"APP.tier": "web"},
    )
    make(
        "infra/web/mem-hog",
        "stress --vm 1 --vm-bytes 100M",
        Behaviour(cpu_cores=0.01, memory_bytes=100 << 20),
        memory_limit=256 << 20,
        labels={"APP.role": "cache", "APP.tier": "web"},
    )
    make(
        "infra/web/threads", "threads 64", Behaviour(cpu_cores=0.02, memory_bytes=8 << 20, threads=64), thread_limit=100
    )
    make(
        LEAKY_CONTAINER,
        "leaky-cache --grow",
        Behaviour(cpu_cores=0.01, memory_bytes=245 << 20, anon_fraction=0.98),
        memory_limit=256 << 20,
        labels={"APP.tier": "web"},
    )
    make(
        OOM_CONTAINER,
        "stress --vm 1 --vm-bytes 200M",
        Behaviour(cpu_cores=0.05, memory_bytes=60 << 20),
        memory_limit=64 << 20,
    )

    for name in (
        "a",
        "a/b/c",
        "failed-job",
        RESPAWNING_CONTAINER,
        "frozen",
        "host-sleeper",
        "idle-worker",
        "infra/db",
        BUSY_CONTAINER,
        "infra/web/mem-hog",
        LEAKY_CONTAINER,
        "infra/web/threads",
        OOM_CONTAINER,
    ):
        if host.by_name[name].state == "stopped":
            host.start(name)
    host.pause("frozen")
    failed = host.by_name["failed-job"]
    host._die(failed, now, exit_code=3, exit_status=768)
    host._die(host.by_name[OOM_CONTAINER], now, exit_code=-99, exit_status=9, oom=True)

    if containers > 0:
        make("bulk")
        shards = max(1, min(16, containers // 64))
        for s in range(shards):
            make(f"bulk/s{s}", labels={"APP.shard": f"s{s}"})
        for i in range(containers):
            behaviour, memory_limit, cpu_limit = bulk_workload(seed, i, containers)
            make(
                f"bulk/s{i % shards}/ct-{i:05d}",
                "sleep 100000",
                behaviour,
                memory_limit=memory_limit,
                cpu_limit=cpu_limit,
                labels={"APP.idx": str(i), "APP.shard": f"s{i % shards}"},
            )
        host.start("bulk")
        for i in range(containers):
            host.start(f"bulk/s{i % shards}/ct-{i:05d}")

    if kubernetes or pods:
        add_pods(host, seed, pods)

    t = int(now)
    host.volumes = {
        v.path: v
        for v in (
            Volume(
                "/place/porto_volumes/1/volume",
                1,
                "loop",
                "/place",
                "/",
                1 << 30,
                52453376,
                0,
                12,
                t - 60,
                device_name="loop0",
            ),
            Volume("/place/porto_volumes/2/volume", 2, "tmpfs", "/place", "/", 64 << 20, 10 << 20, 0, 2, t - 60),
            Volume(
                "/place/porto_volumes/3/volume",
                3,
                "loop",
                "/place",
                "/",
                256 << 20,
                12 << 20,
                0,
                11,
                t - 60,
                device_name="loop1",
            ),
            Volume(
                "/place/porto_volumes/4/volume",
                4,
                "overlay",
                "/place",
                "/",
                0,
                24_600_000_000,
                0,
                410_000,
                t - 56,
                links=["infra/db"],
                layers=["app-layer", "demo-layer"],
                device_name="vda",
                private="ovl-volume",
            ),
            Volume(
                "/place/porto_volumes/7/volume",
                7,
                "tmpfs",
                "/place",
                "/",
                16 << 20,
                15 << 20,
                0,
                40,
                t - 50,
                links=["infra/web/mem-hog", "a/b/c"],
                private="shared-cache",
            ),
            Volume(
                "/srv/porto-demo/storage-vol",
                5,
                "loop",
                "/place",
                "/",
                128 << 20,
                20 << 20,
                0,
                15,
                t - 54,
                storage="app-data",
                device_name="loop2",
                private="persistent",
                auto_path=False,
            ),
        )
    }
    host.layers = {n: Layer(n, t - 88, p) for n, p in (("demo-layer", ""), ("app-layer", "build: 42"))}
    host.storages = {"app-data": Layer("app-data", t - 86, "persistent")}
    host.meta_storages = {
        "team-store": MetaStorage("team-store", "/place", 10 << 30, 100_000, 1 << 30, 1_200, t - 300),
    }
    host.clock = clock
    if batch_jobs:
        host.tickers.append(BatchJobs(host, seed).tick)
    return host
