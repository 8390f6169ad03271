"""The simulated host: containers, their lifecycle and counters that advance with time.

Nothing here runs in the background. Every value is a function of the clock:
lifecycle events (exits, OOM kills, respawns) are applied lazily by
``Host.advance(now)`` and counters are computed by ``Frame`` from how long each
container has been running at seed-determined rates. Hierarchical cgroup
accounting is modelled: a cgroup's usage is the sum over its subtree, and a
container that does not own a controller reports its nearest owning ancestor's
value for it, as real portod does.
"""

from __future__ import annotations

import math
import random
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import names

HOST_CORES = 2
HOST_MEMORY = 25276502016
DISKS = ("vda",)
ALL_CONTROLLERS = (
    "freezer", "memory", "cpu", "cpuacct", "blkio", "devices", "hugetlb", "cpuset", "pids", "perf_event", "cgroup2",
)  # fmt: skip
CGROUP_FS = (
    "blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "memory", "net_cls", "perf_event", "pids",
    "systemd", "unified",
)  # fmt: skip

STATES = ("stopped", "starting", "running", "paused", "dead", "meta", "respawning", "stopping", "destroyed")

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
    respawn_count: int = 0
    retired: dict[str, float] = field(default_factory=dict)  # counters of stopped children

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
        """The cgroups a container owns: first level owns all, deeper ones only what they limit."""
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
        if controller == "" or controller in ("freezer", "cpuacct", "perf_event", "cgroup2"):
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

    def cpu_cores_used(self) -> float:
        demand = self.behaviour.cpu_cores if self.command else 0.0
        return min(demand, self.cpu_limit) if self.cpu_limit else demand

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
            values["cpu_throttled"] = (b.cpu_cores - self.cpu_limit) * run * 1e9 * 4
            values["cpu_pressure_some"] = run * 1e6 * 0.9
            values["cpu_pressure_full"] = run * 1e6 * 0.85
        else:
            values["cpu_pressure_some"] = run * 1e6 * 0.001
            values["cpu_pressure_full"] = run * 1e6 * 0.0008
        values["minor_faults"] = 700 + run * (b.memory_bytes / 4096) * 0.01
        values["major_faults"] = run * 0.01
        values["memory_reclaimed"] = run * b.memory_bytes * 0.001
        values["io_read"] = b.io_read_bps * run
        values["io_write"] = b.io_write_bps * run
        values["io_read_ops"] = b.io_read_bps * run / 65536 + (run if b.io_read_bps else 0.0)
        values["io_write_ops"] = b.io_write_bps * run / 65536 + (run if b.io_write_bps else 0.0)
        values["io_pressure_some"] = run * 1e6 * (0.3 if b.io_write_bps > 1e6 else 0.0)
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
            values["anon_usage"] = mem * 0.7
            values["cache_usage"] = mem * 0.25
            values["process_count"] = b.processes + 1  # porto counts portoinit too
            values["thread_count"] = b.threads + 1
        return values


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


@dataclass
class Volume:
    path: str
    id: int
    backend: str
    place: str
    owner_container: str
    space_limit: int
    space_used: int
    inode_limit: int
    inode_used: int
    build_time: int
    storage: str = ""
    state: str = "ready"
    device_name: str = ""
    links: list[str] = field(default_factory=lambda: ["/"])
    private: str = ""
    read_only: bool = False
    layers: list[str] = field(default_factory=list)
    auto_path: bool = True

    @property
    def space_available(self) -> int:
        total = self.space_limit or 24 << 30
        return max(0, total - self.space_used)

    @property
    def inode_available(self) -> int:
        total = self.inode_limit or 65536
        return max(0, total - self.inode_used)


@dataclass
class Layer:
    name: str
    last_used: int
    private: str = ""


@dataclass
class MetaStorage:
    name: str
    place: str
    space_limit: int
    inode_limit: int
    space_used: int
    inode_used: int
    last_used: int
    private: str = ""


class HostError(Exception):
    """A request the simulated portod refuses; carries the EError code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# EError codes used by the model (see rpc.proto).
E_INVALID_VALUE = 7
E_ALREADY_EXISTS = 3
E_DOES_NOT_EXIST = 4
E_INVALID_STATE = 8
E_INVALID_PROPERTY = 5
E_INVALID_LABEL = 29
E_BUSY = 15
E_RESOURCE = 10


class Host:
    """The whole simulated machine: a container tree, volumes, layers, storages, daemon stats."""

    def __init__(self, seed: int = 1, clock: Callable[[], float] = time.time) -> None:
        self.seed = seed
        self.clock = clock
        now = clock()
        self.boot_time = now - 3600
        self.daemon_start = now - 163
        self._next_id = 1
        self.root = Container("/", 1, None, int(now) - 3600, Behaviour(cpu_cores=0.0))
        self.root.state = "meta"
        self.root.start_time = self.root.creation_time
        self.root.run_since = now
        self.root.change_time = self.root.creation_time
        self.by_name: dict[str, Container] = {"/": self.root}
        self.volumes: dict[str, Volume] = {}
        self.layers: dict[str, Layer] = {}
        self.storages: dict[str, Layer] = {}
        self.meta_storages: dict[str, MetaStorage] = {}
        self.container_limit = 20000  # above portod's default 3000: benchmarks need 10,000
        self.counters = {"created": 0, "started": 0, "start_failed": 0, "oom": 0, "requests": 0, "failed": 0}
        self._timed: set[Container] = set()

    # --- lookup ---------------------------------------------------------

    def containers(self) -> list[Container]:
        """All containers but the root, sorted by name (portod's order)."""
        return sorted((c for c in self.by_name.values() if not c.is_root), key=lambda c: c.name)

    def get(self, name: str) -> Container:
        container = self.by_name.get(name)
        if container is None:
            raise HostError(E_DOES_NOT_EXIST, f"container {name} not found")
        return container

    def match(self, mask: str, include_root: bool) -> list[Container]:
        if not names.is_mask(mask):
            c = self.by_name.get(mask)
            return [c] if c is not None else []
        regex = names.mask_regex(mask)
        found = [c for c in self.containers() if regex.match(c.name)]
        if include_root and mask == "***":
            found.insert(0, self.root)
        return found

    # --- lifecycle ------------------------------------------------------

    def _touch(self, c: Container, now: float) -> None:
        c.change_time = int(now)

    def create(self, name: str, *, weak_owner: object | None = None, behaviour: Behaviour | None = None) -> Container:
        try:
            names.check_container_name(name)
        except names.NameError_ as exc:
            raise HostError(E_INVALID_VALUE, str(exc)) from exc
        if name in self.by_name:
            raise HostError(E_ALREADY_EXISTS, f"container {name} already exists")
        if len(self.by_name) > self.container_limit:
            raise HostError(E_RESOURCE, "number of containers reached limit")
        parent_name, _, _ = name.rpartition("/")
        parent = self.by_name.get(parent_name or "/")
        if parent is None:
            raise HostError(E_DOES_NOT_EXIST, f"parent container {parent_name} not found")
        now = self.clock()
        self._next_id += 1
        c = Container(
            name, self._next_id, parent, int(now), behaviour or Behaviour.from_seed(self.seed, name)
        )
        c.weak = weak_owner is not None
        c.weak_owner = weak_owner
        c.change_time = int(now)
        parent.children[name] = c
        self.by_name[name] = c
        self.counters["created"] += 1
        return c

    def destroy(self, name: str) -> None:
        c = self.get(name)
        if c.is_root:
            raise HostError(E_INVALID_VALUE, "cannot destroy the root container")
        now = self.clock()
        self._stop_tree(c, now)
        for sub in [c, *self._descendants(c)]:
            self.by_name.pop(sub.name, None)
            self._timed.discard(sub)
        assert c.parent is not None
        c.parent.children.pop(name, None)
        c.state = "destroyed"

    def _descendants(self, c: Container) -> list[Container]:
        out: list[Container] = []
        stack = list(c.children.values())
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(node.children.values())
        return out

    def start(self, name: str) -> None:
        c = self.get(name)
        if c.state not in ("stopped",):
            raise HostError(E_INVALID_STATE, f"invalid container state {c.state}")
        now = self.clock()
        for anc in reversed(list(c.ancestors())):
            if anc.state == "stopped":
                self._start_one(anc, now)
        self._start_one(c, now)

    def _start_one(self, c: Container, now: float) -> None:
        c.state = "running" if c.command else "meta"
        c.start_time = int(now)
        c.run_since = now
        c.run_acc = 0.0
        c.death_time = 0
        c.exit_code = c.exit_status = 0
        c.oom_killed = False
        self._touch(c, now)
        self.counters["started"] += 1
        b = c.behaviour
        if c.command and (b.exit_after or b.oom_after or (c.respawn and b.respawn_period)):
            self._timed.add(c)

    def _stop_tree(self, c: Container, now: float) -> None:
        for child in list(c.children.values()):
            self._stop_tree(child, now)
        if c.state == "stopped":
            return
        if c.parent is not None and c.has_stats:
            # cgroup v1 keeps a removed child's cumulative usage in its parent.
            sub = Frame(self, now, c).tree(c)  # the subtree only: destroying many must not be O(N^2)
            for key in COUNTERS:
                c.parent.retired[key] = c.parent.retired.get(key, 0.0) + sub[key]
        c.state = "stopped"
        c.run_acc = 0.0
        c.retired.clear()
        c.start_time = 0
        c.death_time = 0
        c.respawn_count = 0
        self._touch(c, now)
        self._timed.discard(c)

    def stop(self, name: str) -> None:
        c = self.get(name)
        if c.is_root:
            raise HostError(E_INVALID_STATE, "cannot stop the root container")
        self._stop_tree(c, self.clock())

    def kill(self, name: str, sig: int) -> None:
        c = self.get(name)
        if c.state != "running":
            raise HostError(E_INVALID_STATE, f"invalid container state {c.state}")
        self._die(c, self.clock(), exit_code=-sig, exit_status=sig)

    def pause(self, name: str) -> None:
        c = self.get(name)
        if c.state not in ("running", "meta"):
            raise HostError(E_INVALID_STATE, f"invalid container state {c.state}")
        now = self.clock()
        for node in [c, *self._descendants(c)]:
            if node.state in ("running", "meta"):
                node.run_acc = node.run_seconds(now)
                node.state = "paused"
                self._touch(node, now)

    def resume(self, name: str) -> None:
        c = self.get(name)
        if c.state != "paused":
            raise HostError(E_INVALID_STATE, f"invalid container state {c.state}")
        now = self.clock()
        for node in [c, *self._descendants(c)]:
            if node.state == "paused":
                node.state = "running" if node.command else "meta"
                node.run_since = now
                self._touch(node, now)

    def _die(self, c: Container, when: float, *, exit_code: int, exit_status: int, oom: bool = False) -> None:
        c.run_acc = c.run_seconds(when)
        c.state = "dead"
        c.death_time = int(when)
        c.exit_code = exit_code
        c.exit_status = exit_status
        c.oom_killed = oom
        if oom:
            c.oom_kills += 1
            self.counters["oom"] += 1
        self._touch(c, when)

    def advance(self, now: float) -> None:
        """Apply the lifecycle events due by ``now`` (exits, OOM kills, respawns)."""
        for c in list(self._timed):
            b = c.behaviour
            if c.state == "paused":
                continue
            if c.respawn and b.respawn_period:
                period = b.respawn_period
                delay = c.respawn_delay_ns / 1e9
                cycle = period + delay
                elapsed = now - c.run_since
                if elapsed < period:
                    continue
                cycles = int(elapsed // cycle)
                phase = elapsed - cycles * cycle
                if c.max_respawns >= 0 and c.respawn_count + cycles > c.max_respawns:
                    self._die(c, c.run_since + period, exit_code=b.exit_code or 1, exit_status=256)
                    self._timed.discard(c)
                    continue
                if phase < period:  # respawned `cycles` times and running again
                    c.respawn_count += cycles
                    c.run_since += cycles * cycle
                    c.start_time = int(c.run_since)
                    c.run_acc = 0.0
                    c.state = "running"
                    self._touch(c, c.run_since)
                else:  # between death and respawn
                    c.respawn_count += cycles
                    c.run_since += cycles * cycle
                    c.state = "respawning"
                    c.run_acc = period
                    c.exit_code = b.exit_code or 1
                    c.death_time = int(c.run_since + period)
                    self._touch(c, c.run_since + period)
                    c.state = "respawning"
                continue
            if c.state != "running":
                continue
            ran = c.run_seconds(now)
            if b.oom_after is not None and ran >= b.oom_after:
                self._die(c, c.run_since + b.oom_after, exit_code=-99, exit_status=9, oom=True)
                self._timed.discard(c)
            elif b.exit_after is not None and ran >= b.exit_after:
                self._die(c, c.run_since + b.exit_after, exit_code=b.exit_code, exit_status=b.exit_code << 8)
                self._timed.discard(c)

    def reap_weak(self, owner: object) -> None:
        """Weak containers disappear with the connection that created them."""
        for c in [c for c in self.by_name.values() if c.weak_owner is owner]:
            if c.name in self.by_name:
                self.destroy(c.name)

    # --- derived limits ---------------------------------------------------

    def cpu_limit_total(self, c: Container) -> float:
        limit = float(HOST_CORES)
        for node in [c, *c.ancestors()]:
            if node.cpu_limit and not node.is_root:
                limit = min(limit, node.cpu_limit)
        return limit

    def cpu_guarantee_total(self, c: Container) -> float:
        for node in [c, *c.ancestors()]:
            if node.is_root:
                return float(HOST_CORES)
            if node.cpu_guarantee:
                return node.cpu_guarantee
        return float(HOST_CORES)

    def memory_limit_total(self, c: Container) -> int:
        limit = HOST_MEMORY
        for node in [c, *c.ancestors()]:
            if node.memory_limit and not node.is_root:
                limit = min(limit, node.memory_limit)
        return limit
