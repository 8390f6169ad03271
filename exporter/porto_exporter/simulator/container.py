"""One simulated container: its spec, its state, the cgroups it owns, its own processes' counters."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from .accounting import ALL_CONTROLLERS, HOST_CORES, KEYS, Behaviour

ROOT_CONTROLLERS = tuple(c for c in ALL_CONTROLLERS if c != "pids")
# Every state portod names (TContainer::StateName in its src/container.cpp); "destroyed" only in AsyncWait pushes.
STATES = ("stopped", "dead", "respawning", "starting", "running", "stopping", "paused", "meta", "destroyed")


@dataclass(eq=False)
class Container:
    name: str
    id: int
    parent: Container | None
    creation_time: int
    behaviour: Behaviour
    children: dict[str, Container] = field(default_factory=dict)
    state: str = "stopped"
    weak: bool = False
    weak_owner: object | None = None
    labels: dict[str, str] = field(default_factory=dict)
    command: str = ""
    memory_limit: int = 0
    anon_limit: int = 0
    dirty_limit: int = 0
    hugetlb_limit: int = 0
    cpu_limit: float = 0.0
    cpu_guarantee: float = 0.0
    cpu_weight: float = 1.0
    cpu_policy: str = "normal"
    thread_limit: int = 0
    io_limit: dict[str, int] = field(default_factory=dict)
    io_ops_limit: dict[str, int] = field(default_factory=dict)
    net_limit: dict[str, int] = field(default_factory=dict)
    net_guarantee: dict[str, int] = field(default_factory=dict)
    respawn: bool = False
    max_respawns: int = -1
    respawn_delay_ns: int = 1_000_000_000
    virt_mode: str = "app"
    isolate: bool = True
    owner_user: str = "root"
    owner_group: str = "root"
    private: str = ""
    enable_porto: str = "true"  # as set; what portod prints and what a client may do: namespace.py
    porto_namespace: str = ""
    oom_is_fatal: bool = True
    start_time: int = 0
    death_time: int = 0
    change_time: int = 0
    run_since: float = 0.0  # wall time when the current run began (counters start from 0)
    run_acc: float = 0.0  # running seconds accumulated before a pause/death
    exit_code: int = 0
    exit_status: int = 0
    oom_killed: bool = False
    oom_kills: int = 0
    lost_oom_kills: int = 0  # of destroyed descendants: portod keeps them in oom_kills_total ("since creation")
    respawn_count: int = 0
    start_error: str = ""  # the last failed start's message (its code: InvalidCommand); cleared by a start
    retired: dict[str, float] = field(default_factory=dict)  # counters of stopped children
    unified: tuple[str, ...] = ()  # controllers in its own cgroup2 cgroup (a cgroup v2 host: cgroup2.py)

    @property
    def level(self) -> int:
        return 0 if self.parent is None else self.name.count("/") + 1

    @property
    def is_root(self) -> bool:
        return self.parent is None

    @property
    def parent_name(self) -> str:
        if self.parent is None:
            return ""
        return "/" if self.parent.is_root else self.parent.absolute_name

    @property
    def absolute_name(self) -> str:
        return "/" if self.is_root else "/porto/" + self.name

    def ancestors(self) -> Iterator[Container]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def owns(self, controller: str) -> bool:
        return controller in self.controllers()

    def controllers(self) -> tuple[str, ...]:
        """The cgroups a container owns: first level owns all, deeper ones only what they limit; the root (the
        host's own hierarchies) all but pids, which portod leaves to the host."""
        if self.unified:  # a cgroup v2 host: every container has the cgroup2 ones too
            base = ROOT_CONTROLLERS if self.is_root else self._v1_controllers()
            return tuple(c for c in ALL_CONTROLLERS if c in base or c in self.unified)
        return ROOT_CONTROLLERS if self.is_root else self._v1_controllers()

    def _v1_controllers(self) -> tuple[str, ...]:
        if self.level <= 1:
            return ALL_CONTROLLERS
        owned = ["freezer"]
        if self.memory_limit or self.anon_limit or self.dirty_limit:
            owned.append("memory")
        if self.cpu_limit or self.cpu_guarantee or self.cpu_policy != "normal" or self.cpu_weight != 1.0:
            owned.append("cpu")
        owned.append("cpuacct")
        if self.io_limit or self.io_ops_limit:
            owned.append("blkio")
        if self.thread_limit:
            owned.append("pids")
        owned += ["perf_event", "cgroup2"]
        return tuple(owned)

    def owner_of(self, controller: str) -> Container:
        if controller == "" or controller in ("freezer", "cpuacct", "perf_event", "cgroup2", *self.unified):
            return self
        node: Container | None = self
        while node is not None:
            if node.is_root or node.owns(controller):
                return node
            node = node.parent
        raise AssertionError("the root owns every controller")

    @property
    def has_stats(self) -> bool:
        """Stopped containers have no cgroups, hence no statistics."""
        return self.state not in ("stopped",)

    def run_seconds(self, now: float) -> float:
        if self.state in ("running", "meta", "starting", "stopping"):
            return self.run_acc + max(0.0, now - self.run_since)
        return self.run_acc

    @property
    def has_cpus(self) -> bool:
        """Whether portod reports CPUs the container may run on: not for a stopped one whose parent is the root
        or stopped too (a stopped one under a started parent reports the parent's)."""
        node: Container | None = self
        while node is not None and node.state == "stopped":
            node = node.parent
            if node is not None and node.is_root:
                return False
        return True

    def cpu_cores_used(self) -> float:
        demand = self.behaviour.cpu_cores if self.command else 0.0
        return min(demand, self.cpu_limit) if self.cpu_limit else demand

    def memory_stall(self) -> float:
        """The share of time its tasks wait on memory reclaim: none while its workload fits its memory limit with
        room to spare; from 90% of the limit on, growing with how tight it is, up to 30% (its usage is held at 95%
        of the limit: the rest is reclaimed over and over)."""
        if not self.memory_limit:
            return 0.0
        tight = self.behaviour.memory_bytes / self.memory_limit - 0.9
        return min(0.3, max(0.0, tight * 3))

    def own_values(self, now: float, run: float) -> dict[str, float]:
        """This container's own processes' counters (not its children's)."""
        b = self.behaviour
        values = dict.fromkeys(KEYS, 0.0)
        if not self.command or self.state in ("stopped",):
            return values
        cores = self.cpu_cores_used()
        cpu_ns = cores * run * 1e9
        values["cpu_usage"] = cpu_ns
        values["cpu_usage_system"] = math.floor(cpu_ns * b.system_fraction / 1e7) * 1e7
        if self.cpu_limit and b.cpu_cores > self.cpu_limit:
            # cpu.stat throttled_time: wall time each of the CPUs the workload runs on spent throttled,
            # i.e. the share of demand the limit cuts off, once per CPU busy (a lone burner: <= 1 s/s)
            busy_cpus = min(math.ceil(b.cpu_cores), HOST_CORES)
            cut = (b.cpu_cores - self.cpu_limit) / b.cpu_cores
            values["cpu_throttled"] = cut * busy_cpus * run * 1e9
            # PSI cpu: its runnable tasks wait while throttled, that share of the time (all of them: "full" too)
            values["cpu_pressure_some"] = run * 1e6 * cut
            values["cpu_pressure_full"] = run * 1e6 * cut * 0.95
        else:
            values["cpu_pressure_some"] = run * 1e6 * 0.001
            values["cpu_pressure_full"] = run * 1e6 * 0.0008
        # PSI memory: near its limit, reclaim keeps the workload under it and its tasks stall meanwhile ("some";
        # all at once less often: "full"); what reclaim evicts of the page cache is read back: io stalls too
        stall = self.memory_stall()
        values["memory_pressure_some"] = run * 1e6 * stall
        values["memory_pressure_full"] = run * 1e6 * stall * 0.4
        values["minor_faults"] = 700 + run * (b.memory_bytes / 4096) * 0.01
        values["major_faults"] = run * 0.01
        values["memory_reclaimed"] = run * b.memory_bytes * 0.001
        values["io_read"] = b.io_read_bps * run
        values["io_write"] = b.io_write_bps * run
        values["io_read_ops"] = b.io_read_bps * run / 65536 + (run if b.io_read_bps else 0.0)
        values["io_write_ops"] = b.io_write_bps * run / 65536 + (run if b.io_write_bps else 0.0)
        values["io_pressure_some"] = run * 1e6 * ((0.3 if b.io_write_bps > 1e6 else 0.0) + stall * 0.3)
        values["io_pressure_full"] = values["io_pressure_some"] * 0.99
        values["net_tx_bytes"] = b.net_bps * run * 0.6
        values["net_rx_bytes"] = b.net_bps * run * 0.4
        values["net_bytes"] = b.net_bps * run
        values["net_tx_packets"] = values["net_tx_bytes"] / 1200
        values["net_rx_packets"] = values["net_rx_bytes"] / 1200
        values["net_packets"] = values["net_bytes"] / 1200
        if self.state not in ("dead",):
            wobble = 1.0 + 0.02 * math.sin(now / 30.0 + (self.id % 7))
            mem = b.memory_bytes * wobble
            if self.memory_limit:
                mem = min(mem, self.memory_limit * 0.95)
            values["memory_usage"] = mem
            values["anon_usage"] = mem * self.behaviour.anon_fraction
            values["cache_usage"] = mem * max(0.0, 0.95 - b.anon_fraction)
            values["process_count"] = b.processes + 1  # porto counts portoinit too
            values["thread_count"] = b.threads + 1
        return values
