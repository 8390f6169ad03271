"""Resource accounting: the host's size, the counters portod reads and the controller each comes from, and what
a container's workload does (its ``Behaviour``).

Nothing here runs in the background: ``frame.Frame`` computes every counter from how long each container has
been running at these seed-determined rates. This module is the floor of the model: it imports nothing of it.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

HOST_CORES = 2
HOST_MEMORY = 25276502016
ALL_CONTROLLERS = (
    "freezer",
    "memory",
    "cpu",
    "cpuacct",
    "blkio",
    "devices",
    "hugetlb",
    "cpuset",
    "pids",
    "perf_event",
    "cgroup2",
)
CGROUP_FS = (
    "blkio",
    "cpu",
    "cpuacct",
    "cpuset",
    "devices",
    "freezer",
    "hugetlb",
    "memory",
    "net_cls",
    "perf_event",
    "pids",
    "systemd",
    "unified",
)


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
