"""A hybrid cgroup v2 host as portod reports it (``build_host(cgroup="v2")``, ``--cgroup v2``).

What portod does there, from its source (ten-nancy/porto at 0be84f9: src/cgroup.cpp, src/cgroup.hpp,
src/property.cpp, src/container.cpp):

- When /sys/fs/cgroup is a cgroup2 mount, portod puts memory, cpu, cpuset, blkio and pids in the cgroup2
  hierarchy, all five (``TCgroupDriver``'s ``Cgroup2Subsystems``, ``InitializeCgroups``); freezer, cpuacct,
  net_cls, devices, hugetlb and perf_event stay cgroup v1 hierarchies mounted under it.
- Every container has a cgroup2 cgroup of its own, ``porto/<name>`` (``GetContainerCgroup``: controllers of the
  cgroup2 hierarchy are named like freezer's), so none inherits those controllers; its counters include its
  children's (cgroup2 files are hierarchical). The root's is ``/porto`` (``RootCgroup``), not the host's root:
  its memory covers Porto's containers only, while its CPU (cpuacct, v1) is the whole host's.
- ``cgroups`` lists every subsystem by type; the five and ``unified`` (the cgroup2 hierarchy) share that path.
- ``cpu_throttled`` reads ``cpu.stat`` ``throttled_time`` (``TCpuThrottled::Get``), which cgroup2 does not have:
  0, no error (cgroup2's ``throttled_usec`` is read only by the unused ``TCpuSubsystem::GetThrottled``).
- ``anon_usage``, ``cache_usage``, ``shmem_usage``, ``mlock_usage``, ``minor_faults``, ``major_faults`` and
  ``memory_reclaimed`` add up ``memory.stat`` ``total_*`` keys, which cgroup2 does not have: 0.
- ``io_time`` is an empty map (``GetIoStat`` returns nothing for ``IoStat::Time`` on cgroup2), as on this
  simulator's cgroup v1 host already.
- ``oom_kills`` and ``oom_kills_total`` are both ``memory.events`` ``oom_kill`` (``CollectOomKillsV2``: the
  hierarchical file, not ``memory.events.local``; that one counts OOM events, ``ReceiveOomEventsV2``).
- PSI (``cpu_pressure``, ``memory_pressure``, ``io_pressure``) is read from the cgroup2 cgroup on both kinds of
  host (a cgroup v1 host with cgroup2 mounted beside gives it too): unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..porto import rpc_pb2 as pb
from . import props_rest, props_spec, props_stats  # noqa: F401  (the entries wrapped below are theirs)
from .container import Container
from .host import Host
from .propbase import PROPERTIES, V4, V5, View

CGROUP2_CONTROLLERS = ("memory", "cpu", "cpuset", "blkio", "pids")
UNIFIED = "unified"  # the cgroup2 hierarchy, as ``cgroups`` names it
CGROUP2_ROOT = "/sys/fs/cgroup"
# Statistics portod reads from cgroup v1 files: 0 for every container on a cgroup2 host.
ZERO = (
    "cpu_throttled",
    "anon_usage",
    "cache_usage",
    "shmem_usage",
    "mlock_usage",
    "minor_faults",
    "major_faults",
    "memory_reclaimed",
)


def use_cgroup2(host: Host) -> None:
    """Make ``host`` a cgroup v2 one: its containers, those it has and those it will create."""
    host.cgroup2_controllers = CGROUP2_CONTROLLERS
    for c in host.by_name.values():
        c.unified = CGROUP2_CONTROLLERS


def on_cgroup2(v: View) -> bool:
    return bool(v.host.cgroup2_controllers)


def cgroup2_path(c: Container) -> str:
    """A container's cgroup in the cgroup2 hierarchy: ``porto/<name>``, the root's ``/porto``."""
    return f"{CGROUP2_ROOT}/porto" + ("" if c.is_root else f"/{c.name}")


def _override(name: str, v4: V4, v5: V5, subscript: Callable[[View, str], str] | None = None) -> None:
    """Answer ``name`` with ``v4``/``v5``(/``subscript``) on a cgroup2 host, as before on a cgroup v1 one."""
    base = PROPERTIES[name]
    old_v4, old_v5, old_sub = base.v4, base.v5, base.subscript
    assert old_v4 is not None and old_v5 is not None

    def either_v4(v: View) -> str:
        return v4(v) if on_cgroup2(v) else old_v4(v)

    def either_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        (v5 if on_cgroup2(v) else old_v5)(v, spec, st)

    either_sub = old_sub
    if subscript is not None and old_sub is not None:
        sub, v1_sub = subscript, old_sub

        def either_sub(v: View, key: str) -> str:
            return sub(v, key) if on_cgroup2(v) else v1_sub(v, key)

    PROPERTIES[name] = dataclasses.replace(base, v4=either_v4, v5=either_v5, subscript=either_sub)


def _zero(name: str) -> None:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        setattr(st, name, 0)

    _override(name, lambda v: "0", v5)


def _subtree_oom_kills(v: View) -> int:
    total, stack = 0, [v.c]
    while stack:
        node = stack.pop()
        total += node.oom_kills + node.lost_oom_kills
        stack.extend(node.children.values())
    return total


def _oom(name: str) -> None:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        setattr(st, name, _subtree_oom_kills(v))

    _override(name, lambda v: str(_subtree_oom_kills(v)), v5)


def _cgroups() -> None:
    """The cgroup2 controllers' paths (and unified's) are the container's ``porto/<name>``."""
    old_v4, old_v5, old_sub = PROPERTIES["cgroups"].v4, PROPERTIES["cgroups"].v5, PROPERTIES["cgroups"].subscript
    assert old_v4 is not None and old_v5 is not None and old_sub is not None
    moved = {*CGROUP2_CONTROLLERS, UNIFIED}

    def v4(v: View) -> str:
        items = [item.partition(": ") for item in old_v4(v).split("; ")]
        return "; ".join(f"{k}: {cgroup2_path(v.c) if k in moved else path}" for k, _, path in items)

    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        old_v5(v, spec, st)
        for cg in st.cgroups.cgroup:
            if cg.controller in moved:
                cg.path = cgroup2_path(v.c)
                cg.ClearField("inherited")  # every container has its own

    def sub(v: View, key: str) -> str:
        return cgroup2_path(v.c) if key in moved else old_sub(v, key)

    _override("cgroups", v4, v5, sub)


def _root_memory_usage(v: View) -> int:
    """The root's memory cgroup is ``/porto``: Porto's containers, not the host's other processes."""
    if not v.c.is_root:
        return v.frame.value(v.c, "memory_usage")
    return sum(v.frame.value(child, "memory_usage") for child in v.c.children.values() if child.has_stats)


def _memory_usage() -> None:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        st.memory_usage = _root_memory_usage(v)

    _override("memory_usage", lambda v: str(_root_memory_usage(v)), v5)


for _name in ZERO:
    _zero(_name)
for _name in ("oom_kills", "oom_kills_total"):
    _oom(_name)
_cgroups()
_memory_usage()
