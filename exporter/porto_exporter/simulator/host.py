"""The simulated host: the container tree and its lifecycle, plus volumes, layers and storages.

Lifecycle events (exits, OOM kills, respawns) are applied lazily by
``Host.advance(now)``; nothing runs in the background (the simulator's
socket calls it on a timer while anyone is subscribed). Every state change
is published to ``events`` (AsyncWait subscribers) as portod pushes it.
Refusals raise ``HostError`` with portod's EError code (from the generated
protobuf).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..porto import rpc_pb2 as pb
from . import names
from .accounting import COUNTERS, HOST_CORES, HOST_MEMORY, Behaviour
from .container import Container
from .events import EventHub
from .frame import Frame
from .records import Layer, MetaStorage, Volume

ROOT_READ_ONLY = "Write access denied: root container is read-only"
MAX_REPLAYED_RESPAWNS = 100  # a host idle for hours does not flood its subscribers with old rounds


def cannot_exec(command: str) -> str:
    """The executable a command names that cannot be run, or "": paths under /nonexistent/ stand for a
    missing binary (portod's start fails with InvalidCommand)."""
    exe = command.split(maxsplit=1)[0] if command.strip() else ""
    return exe if exe.startswith("/nonexistent/") else ""


class HostError(Exception):
    """A request the simulated portod refuses; carries the EError code."""

    def __init__(self, code: pb.EError, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
        self.root.isolate = False  # the host's own namespaces
        self.root.start_time = self.root.creation_time
        self.root.run_since = now
        self.root.change_time = self.root.creation_time
        self.by_name: dict[str, Container] = {"/": self.root}
        self.volumes: dict[str, Volume] = {}
        self.layers: dict[str, Layer] = {}
        self.storages: dict[str, Layer] = {}
        self.meta_storages: dict[str, MetaStorage] = {}
        # Properties this portod does not know (as an older portod: 5.3.15 has no PSI): left out of
        # ListProperties/ListDataProperties, and asking for one is answered as for any unknown name.
        self.unknown_properties: set[str] = set()
        # The controllers portod keeps in the cgroup2 hierarchy: none on a cgroup v1 host (cgroup2.use_cgroup2).
        self.cgroup2_controllers: tuple[str, ...] = ()
        self.container_limit = 60000  # above portod's default 3000: benchmarks need 50,000
        self.counters = {"created": 0, "started": 0, "start_failed": 0, "oom": 0, "requests": 0, "failed": 0}
        self._timed: set[Container] = set()
        self.events = EventHub()
        self.tickers: list[Callable[[float], None]] = []  # workloads that act on time (the demo's batch jobs)

    # --- lookup ---------------------------------------------------------

    def containers(self) -> list[Container]:
        """All containers but the root, sorted by name (portod's order)."""
        return sorted((c for c in self.by_name.values() if not c.is_root), key=lambda c: c.name)

    def get(self, name: str) -> Container:
        container = self.by_name.get(name)
        if container is None:
            raise HostError(pb.ContainerDoesNotExist, f"container {name} not found")
        return container

    def match(self, mask: str, include_root: bool) -> list[Container]:
        if not names.is_mask(mask):
            c = self.by_name.get(mask)
            return [c] if c is not None else []
        matches = names.matcher(mask)
        found = [c for c in self.containers() if matches(c.name)]
        if include_root and mask == "***":
            found.insert(0, self.root)
        return found

    # --- lifecycle ------------------------------------------------------

    def _touch(self, c: Container, now: float) -> None:
        c.change_time = int(now)

    def _set_state(self, c: Container, state: str, when: float, label: str = "", value: str = "") -> None:
        """Every state change goes through here: it is what AsyncWait subscribers are pushed."""
        c.state = state
        self.events.publish(c.name, state, when, label, value)

    def create(self, name: str, *, weak_owner: object | None = None, behaviour: Behaviour | None = None) -> Container:
        try:
            names.check_container_name(name)
        except names.NameError_ as exc:
            raise HostError(pb.InvalidValue, str(exc)) from exc
        if name in self.by_name:
            raise HostError(pb.ContainerAlreadyExists, f"container {name} already exists")
        if len(self.by_name) > self.container_limit:
            raise HostError(pb.ResourceNotAvailable, "number of containers reached limit")
        parent_name, _, _ = name.rpartition("/")
        parent = self.by_name.get(parent_name or "/")
        if parent is None:
            raise HostError(pb.ContainerDoesNotExist, f"parent container not found for {name}")
        now = self.clock()
        self._next_id += 1
        c = Container(name, self._next_id, parent, int(now), behaviour or Behaviour.from_seed(self.seed, name))
        c.weak = weak_owner is not None
        c.unified = self.cgroup2_controllers
        c.weak_owner = weak_owner
        c.change_time = int(now)
        parent.children[name] = c
        self.by_name[name] = c
        self.counters["created"] += 1
        self.events.publish(name, "stopped", now)
        return c

    def destroy(self, name: str) -> None:
        c = self.get(name)
        if c.is_root:
            raise HostError(pb.Permission, ROOT_READ_ONLY)
        now = self.clock()
        self._stop_tree(c, now)
        for sub in [*reversed(self._descendants(c)), c]:
            self.by_name.pop(sub.name, None)
            self._timed.discard(sub)
            self._set_state(sub, "destroyed", now)
        assert c.parent is not None
        c.parent.children.pop(name, None)
        # a destroyed subtree's OOM kills stay counted in its ancestors' oom_kills_total (Porto's test-oom)
        c.parent.lost_oom_kills += sum(sub.oom_kills + sub.lost_oom_kills for sub in (c, *self._descendants(c)))

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
            raise HostError(pb.InvalidState, f"Cannot start container {name} in state {c.state}")
        now = self.clock()
        for anc in reversed(list(c.ancestors())):
            if anc.state == "stopped":
                self._start_one(anc, now)
        missing = cannot_exec(c.command)
        if missing:
            # portod: starting, stopping, stopped with start_error; the Start reply is InvalidCommand
            message = f"No such file or directory: cannot exec {missing}"
            self.counters["start_failed"] += 1
            c.start_error = message
            c.start_time = int(now)  # the attempt's time stays, with the error
            self._touch(c, now)
            self._set_state(c, "starting", now)
            self._set_state(c, "stopping", now)
            self._set_state(c, "stopped", now, "start_error", f"InvalidCommand:({message})")
            raise HostError(pb.InvalidCommand, message)
        self._start_one(c, now)

    def _start_one(self, c: Container, now: float) -> None:
        self._set_state(c, "starting", now)
        self._set_state(c, "running" if c.command else "meta", now)
        c.start_time = int(now)
        c.start_error = ""
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
            # cgroup v1 keeps a removed child's cumulative usage in its parent. Read in the state it is leaving:
            # "stopping" counts as running, which a dead or paused container's time since its run began is not.
            sub = Frame(self, now, c).tree(c)  # the subtree only: destroying many must not be O(N^2)
            for key in COUNTERS:
                c.parent.retired[key] = c.parent.retired.get(key, 0.0) + sub[key]
        self._set_state(c, "stopping", now)
        self._set_state(c, "stopped", now)
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
            raise HostError(pb.Permission, ROOT_READ_ONLY)
        self._stop_tree(c, self.clock())

    def kill(self, name: str, sig: int) -> None:
        c = self.get(name)
        if c.state != "running":
            raise HostError(pb.InvalidState, f"invalid container state={c.state}")
        self._die(c, self.clock(), exit_code=-sig, exit_status=sig)

    def pause(self, name: str) -> None:
        c = self.get(name)
        if c.state not in ("running", "meta"):
            raise HostError(pb.InvalidState, "Contaner not running")  # sic: portod's own words
        now = self.clock()
        for node in [c, *self._descendants(c)]:
            if node.state in ("running", "meta"):
                node.run_acc = node.run_seconds(now)
                self._set_state(node, "paused", now)
                self._touch(node, now)

    def resume(self, name: str) -> None:
        c = self.get(name)
        if c.state != "paused":
            raise HostError(pb.InvalidState, "Container not paused")
        now = self.clock()
        for node in [c, *self._descendants(c)]:
            if node.state == "paused":
                self._set_state(node, "running" if node.command else "meta", now)
                node.run_since = now
                self._touch(node, now)

    def _die(self, c: Container, when: float, *, exit_code: int, exit_status: int, oom: bool = False) -> None:
        c.run_acc = c.run_seconds(when)
        c.death_time = int(when)
        c.exit_code = exit_code
        c.exit_status = exit_status
        c.oom_killed = oom
        if oom:
            c.oom_kills += 1
            self.counters["oom"] += 1
        self._touch(c, when)
        self._set_state(c, "dead", when, "exit_code", str(exit_code))

    def advance(self, now: float) -> None:
        """Apply the lifecycle events due by ``now`` (exits, OOM kills, respawns) and run the tickers."""
        for tick in self.tickers:
            tick(now)
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
                code = b.exit_code or 1
                self._publish_respawns(c, cycles, period, cycle, str(code))
                if phase < period:  # respawned `cycles` times and running again
                    c.respawn_count += cycles
                    c.run_since += cycles * cycle
                    c.start_time = int(c.run_since)
                    c.run_acc = 0.0
                    c.state = "running"
                    self._touch(c, c.run_since)
                else:  # between death and respawn
                    if cycles or c.state != "respawning":  # a new death, not the one already reported
                        self.events.publish(
                            c.name, "respawning", c.run_since + cycles * cycle + period, "exit_code", str(code)
                        )
                    c.respawn_count += cycles
                    c.run_since += cycles * cycle
                    c.state = "respawning"
                    c.run_acc = period
                    c.exit_code = code
                    c.death_time = int(c.run_since + period)
                    self._touch(c, c.run_since + period)
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

    def _publish_respawns(self, c: Container, cycles: int, period: float, cycle: float, code: str) -> None:
        """The pushes of ``cycles`` whole die-and-respawn rounds since ``c.run_since`` (the last 100 at most).

        As portod 5.3 pushes them: ``respawning`` with the exit code, then ``running`` (no ``starting``: a respawn
        goes respawning -> running, as the real daemon's log and pushes show)."""
        for k in range(max(0, cycles - MAX_REPLAYED_RESPAWNS), cycles):
            start = c.run_since + k * cycle
            if k or c.state != "respawning":  # the first death may have been reported by an earlier advance
                self.events.publish(c.name, "respawning", start + period, "exit_code", code)
            self.events.publish(c.name, "running", start + cycle)

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
