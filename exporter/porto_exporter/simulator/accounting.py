"""Resource accounting: workload rates, and every container's counters at one instant.

Nothing here runs in the background. Counters are computed by ``Frame`` from
how long each container has been running at seed-determined rates (its
``Behaviour``). Hierarchical cgroup accounting is modelled: a cgroup's usage
is the sum over its subtree, and a container that does not own a controller
reports its nearest owning ancestor's value for it, as real portod does.
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .container import Container
    from .host import Host

HOST_CORES = 2
HOST_MEMORY = 25276502016
ALL_CONTROLLERS = (
    "freezer", "memory", "cpu", "cpuacct", "blkio", "devices", "hugetlb", "cpuset", "pids", "perf_event", "cgroup2",
)  # fmt: skip
CGROUP_FS = (
    "blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "memory", "net_cls", "perf_event", "pids",
    "systemd", "unified",
)  # fmt: skip


# Cumulative counters (they never go down while a cgroup lives) and gauges, with
# the cgroup controller each one is read from ("" = porto's own accounting).
COUNTERS: dict[str, str] = {
    "cpu_usage": "cpuacct",
    "cpu_usage_system": "cpuacct",
    "cpu_throttled": "cpu",
    "minor_faults": "memory",
    "major_faults": "memory",
    "memory_reclaimed": "memory",
    "io_read": "blkio",
    "io_write": "blkio",
    "io_read_ops": "blkio",
    "io_write_ops": "blkio",
    "net_bytes": "",
    "net_packets": "",
    "net_tx_bytes": "",
    "net_tx_packets": "",
    "net_rx_bytes": "",
    "net_rx_packets": "",
    "cpu_pressure_some": "cgroup2",
    "cpu_pressure_full": "cgroup2",
    "memory_pressure_some": "cgroup2",
    "memory_pressure_full": "cgroup2",
    "io_pressure_some": "cgroup2",
    "io_pressure_full": "cgroup2",
}
GAUGES: dict[str, str] = {
    "memory_usage": "memory",
    "anon_usage": "memory",
    "cache_usage": "memory",
    "shmem_usage": "memory",
    "mlock_usage": "memory",
    "hugetlb_usage": "hugetlb",
    "process_count": "freezer",
    "thread_count": "freezer",
}
KEYS = tuple(COUNTERS) + tuple(GAUGES)


@dataclass
class Behaviour:
    """What a container's workload does; seed-determined unless a test sets it."""

    cpu_cores: float = 0.02  # demand; usage is capped by cpu_limit
    system_fraction: float = 0.1
    memory_bytes: int = 8 << 20
    anon_fraction: float = 0.7  # of memory_bytes, anonymous (the rest page cache)
    io_read_bps: float = 0.0
    io_write_bps: float = 0.0
    net_bps: float = 0.0
    processes: int = 1
    threads: int = 1
    exit_after: float | None = None  # seconds after start, then dead
    exit_code: int = 0
    oom_after: float | None = None  # seconds after start, then OOM-killed (dead, -99)
    respawn_period: float | None = None  # with respawn=true: dies every N seconds

    @classmethod
    def from_seed(cls, seed: int, name: str) -> Behaviour:
        rng = random.Random(zlib.crc32(f"{seed}:{name}".encode()))
        return cls(
            cpu_cores=round(rng.uniform(0.005, 0.3), 4),
            system_fraction=round(rng.uniform(0.05, 0.3), 3),
            memory_bytes=rng.randrange(4 << 20, 512 << 20, 4096),
            io_read_bps=rng.choice((0.0, 0.0, rng.uniform(1e3, 5e6))),
            io_write_bps=rng.choice((0.0, rng.uniform(1e3, 5e6))),
            net_bps=rng.choice((0.0, rng.uniform(1e3, 1e6))),
            processes=rng.randint(1, 4),
            threads=rng.randint(1, 32),
        )


class Frame:
    """Every container's counters at one instant, with subtree sums; built once per request."""

    def __init__(self, host: Host, now: float, subtree: Container | None = None) -> None:
        """The whole host, or only ``subtree`` (enough for that container's own sums)."""
        self.host = host
        self.now = now
        self._tree: dict[int, dict[str, float]] = {}
        self._compute(subtree or host.root)

    def _compute(self, root: Container) -> None:
        # Iterative post-order so 16-level trees of 10,000 nodes cannot hit the recursion limit.
        stack: list[tuple[Container, bool]] = [(root, False)]
        now = self.now
        while stack:
            node, done = stack.pop()
            if not done:
                stack.append((node, True))
                stack.extend((child, False) for child in node.children.values() if child.has_stats)
                continue
            total = node.own_values(now, node.run_seconds(now))
            for key, value in node.retired.items():
                total[key] += value
            for child in node.children.values():
                if child.has_stats:
                    sub = self._tree[child.id]
                    for key in KEYS:
                        total[key] += sub[key]
            if node.is_root:
                self._add_host_overhead(total)
                total["cpu_throttled"] = 0.0  # the root cgroup has no CPU limit: real portod reports 0 for /
            self._tree[node.id] = total

    def _add_host_overhead(self, total: dict[str, float]) -> None:
        """The root also counts processes outside Porto (sshd, portod itself...)."""
        up = self.now - self.host.boot_time
        total["cpu_usage"] += up * 0.15e9
        total["cpu_usage_system"] += math.floor(up * 0.05e9 / 1e7) * 1e7
        total["memory_usage"] += 400 << 20
        total["anon_usage"] += 250 << 20
        total["cache_usage"] += 120 << 20
        total["process_count"] += 120
        total["thread_count"] += 300
        total["net_bytes"] += up * 2000
        total["net_packets"] += up * 10
        total["net_rx_bytes"] += up * 800
        total["net_tx_bytes"] += up * 1200
        total["net_rx_packets"] += up * 4
        total["net_tx_packets"] += up * 6

    @classmethod
    def empty(cls, host: Host, now: float) -> Frame:
        """For requests that read no statistics: skips summing the whole tree."""
        frame = cls.__new__(cls)
        frame.host, frame.now, frame._tree = host, now, {}
        return frame

    def tree(self, container: Container) -> dict[str, float]:
        return self._tree.get(container.id) or dict.fromkeys(KEYS, 0.0)

    def value(self, container: Container, key: str) -> int:
        """What portod reports for one counter: the owning cgroup's subtree total."""
        controller = COUNTERS.get(key) if key in COUNTERS else GAUGES[key]
        owner = container.owner_of(controller or "")
        return int(self.tree(owner)[key])
