"""What a simulated container property is, and the helpers the property tables are written with.

One table keyed by property name. Each entry says when the value exists
(always, only with statistics, only when dead, never on this kernel), how to
format it for v4 ``Get`` and how to fill it into ``TContainerSpec`` /
``TContainerStatus`` for v5 ``ListContainersBy``, and what real portod 5.3
spends on it per 1,000 running containers (bulk_per_property_cost_1000running.json).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..porto import rpc_pb2 as pb
from .accounting import CGROUP_FS
from .container import Container
from .delimited import varint
from .frame import Frame
from .host import Host
from .values import uint_map_to_string

ALWAYS, STAT, DEAD, UNSUPPORTED = "always", "stat", "dead", "unsupported"


@dataclass(frozen=True, slots=True)
class View:
    host: Host
    frame: Frame
    c: Container

    @property
    def now(self) -> float:
        return self.frame.now


V4 = Callable[[View], str]
V5 = Callable[[View, pb.TContainerSpec, pb.TContainerStatus], None]


@dataclass(frozen=True, slots=True)
class Prop:
    name: str
    when: str
    v4: V4 | None
    v5: V5 | None = None
    cost_ms: float = 0.3  # per 1,000 running containers, measured on portod 5.3
    subscript: Callable[[View, str], str] | None = None  # prop[key]


PROPERTIES: dict[str, Prop] = {}


class Refused(Exception):
    """A subscript portod refuses (``prop[key]``): its EError code and its words."""

    def __init__(self, code: pb.EError, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _add(prop: Prop) -> None:
    PROPERTIES[prop.name] = prop


# --- helpers -----------------------------------------------------------------


def _status_int(field_name: str, key: str) -> tuple[V4, V5]:
    def v4(v: View) -> str:
        return str(v.frame.value(v.c, key))

    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        setattr(st, field_name, v.frame.value(v.c, key))

    return v4, v5


def _fill_map(target: pb.TUintMap, values: dict[str, int]) -> None:
    for key in sorted(values):
        target.map.add(key=key, val=values[key])


def _unknown_map(st: pb.TContainerStatus, number: int, values: dict[str, int]) -> None:
    """Fields portod 5.3 sends that rpc.proto lacks (cpu_pressure=76, memory_pressure=83)."""
    m = pb.TUintMap()
    _fill_map(m, values)
    body = m.SerializeToString()
    st.MergeFromString(varint((number << 3) | 2) + varint(len(body)) + body)


def _map_prop(
    name: str, fn: Callable[[View], dict[str, int]], cost: float, *, unknown_field: int = 0, absent: str | None = None
) -> None:
    """A map of counters; ``absent``: what ``prop[key]`` reads for a key not in it (default: refused)."""

    def v4(v: View) -> str:
        return uint_map_to_string(fn(v))

    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        if unknown_field:
            _unknown_map(st, unknown_field, fn(v))
        else:
            target = getattr(st, name)
            target.SetInParent()  # empty maps are still sent
            _fill_map(target, fn(v))

    def sub(v: View, key: str) -> str:
        values = fn(v)
        if key not in values and absent is not None:
            return absent
        if key not in values:
            raise Refused(
                pb.InvalidValue,
                f"Disk not found: {key}" if name.startswith("io_") else f"network device {key} not found",
            )
        return str(values[key])

    pressure = name.endswith("_pressure")
    _add(Prop(name, STAT, v4, v5, cost, None if pressure else sub))


def _io(key: str, extra: dict[str, int] | None = None) -> Callable[[View], dict[str, int]]:
    def fn(v: View) -> dict[str, int]:
        total = v.frame.value(v.c, key)
        out = _disks(v, total)
        if extra:
            out.update(extra)
        return out

    return fn


def _disks(v: View, total: int) -> dict[str, int]:
    """``hw`` (every disk) and the disk the I/O went to; idle disks are not listed, and the root (the whole
    host, its own processes too) has always used its disk."""
    return {"hw": total, "vda": total} if total or v.c.is_root else {"hw": 0}


def _io_ops(v: View) -> dict[str, int]:
    total = v.frame.value(v.c, "io_read_ops") + v.frame.value(v.c, "io_write_ops")
    return _disks(v, total)


def _latency(v: View) -> int:
    if v.c.state == "dead":
        return int((v.now - v.c.death_time) * 1000) + 900000
    return 1000 + int(v.now * 1000) % 3000


def _net(key: str | None) -> Callable[[View], dict[str, int]]:
    """Non-root containers on the host network see sock-diag counters plus ``Latency``."""

    def fn(v: View) -> dict[str, int]:
        value = v.frame.value(v.c, key) if key else 0
        if v.c.is_root:
            out = {"Uplink": value, "eth0": value, "group default": value}
            if key:
                out["SockDiag"] = 0
            return out
        if key is None:
            return {}
        return {"Latency": _latency(v), "Uplink": value}

    return fn


def _pressure(prefix: str) -> Callable[[View], dict[str, int]]:
    def fn(v: View) -> dict[str, int]:
        return {"full": v.frame.value(v.c, prefix + "_full"), "some": v.frame.value(v.c, prefix + "_some")}

    return fn


def _vm(v: View) -> dict[str, int]:
    anon = v.frame.value(v.c, "anon_usage")
    cache = v.frame.value(v.c, "cache_usage")
    count = v.frame.value(v.c, "process_count")
    code = 2088960 * max(1, count - 1)
    used = anon + code // 2
    if not count:  # no processes left (dead): portod omits the count
        code = used = 0
    out = {
        "anon": anon,
        "code": code,
        "count": count,
        "data": anon + 258048,
        "file": cache,
        "huge": 0,
        "locked": 0,
        "max_size": used + code,
        "max_used": used,
        "shmem": 0,
        "size": used + code,
        "stack": 135168 * count,
        "swap": 0,
        "table": 40960 * count,
        "used": used,
    }
    if not count:
        del out["count"]
    return out


def _vm_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    vm = st.virtual_memory
    vm.count = 0  # v5 sends the count even with no process left (v4 leaves it out)
    for key, value in _vm(v).items():
        setattr(vm, key, value)


def _simple(name: str, when: str, v4: V4 | None, v5: V5 | None = None, cost: float = 0.3) -> None:
    _add(Prop(name, when, v4, v5, cost))


def _spec_setter(field_name: str, getter: Callable[[View], object]) -> V5:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        setattr(spec, field_name, getter(v))

    return v5


def _status_setter(field_name: str, getter: Callable[[View], object]) -> V5:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        setattr(st, field_name, getter(v))

    return v5


# The hierarchies in the order portod lists a container's cgroups in v5 (v4 prints them sorted by name).
CGROUP_ORDER = (
    "memory",
    "freezer",
    "cpu",
    "cpuacct",
    "cpuset",
    "net_cls",
    "blkio",
    "devices",
    "hugetlb",
    "pids",
    "perf_event",
    "systemd",
    "unified",
)
_CONTROLLER = {"unified": "cgroup2"}  # hierarchy -> the controller name in ``controllers``


def _cgroup(c: Container, hierarchy: str) -> str:
    """The container's cgroup in a hierarchy, relative to its mount: portod nests a cgroup under the nearest
    ancestor owning the controller, named by the path between them with ``%`` for ``/`` (level 1 under the
    host's root as ``porto%name``); freezer and cgroup2 are a plain ``porto/`` tree, every container owning them."""
    if hierarchy in ("net_cls", "systemd"):  # left to the host
        return ""
    if hierarchy in ("freezer", "unified"):
        return "porto" if c.is_root and hierarchy == "unified" else "" if c.is_root else f"porto/{c.name}"
    owner = c.owner_of(_CONTROLLER.get(hierarchy, hierarchy))
    if owner.is_root:
        return ""
    above = owner.parent
    while above is not None and not above.is_root and not above.owns(_CONTROLLER.get(hierarchy, hierarchy)):
        above = above.parent
    if above is None or above.is_root:
        return "porto%" + owner.name.replace("/", "%")
    return _cgroup(above, hierarchy) + "/" + owner.name[len(above.name) + 1 :].replace("/", "%")


def _cgroups(v: View) -> dict[str, str]:
    """Hierarchy -> cgroup path, sorted by hierarchy (v4's order)."""
    out = {}
    for ctl in sorted(CGROUP_FS):
        rel = _cgroup(v.c, ctl)
        out[ctl] = f"/sys/fs/cgroup/{ctl}/{rel}" if rel else f"/sys/fs/cgroup/{ctl}"
    return out


def _cgroup_sub(v: View, key: str) -> str:
    paths = _cgroups(v)
    if key not in paths:
        raise Refused(pb.InvalidProperty, f"Unknown cgroup subststem: {key}")  # sic
    return paths[key]


def _vm_sub(v: View, key: str) -> str:
    values = _vm(v)
    if key not in values:
        raise Refused(pb.InvalidProperty, f"Unknown {key}")
    return str(values[key])


def _cgroups_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    owned = set(v.c.controllers())
    paths = _cgroups(v)
    for ctl in CGROUP_ORDER:
        inherited = _CONTROLLER.get(ctl, ctl) not in owned
        st.cgroups.cgroup.add(controller=ctl, path=paths[ctl], inherited=inherited or None)


def _dead_int(getter: Callable[[Container], int]) -> V4:
    return lambda v: str(getter(v.c))


def _raw(key: str, value: int) -> str:
    if key != "raw":
        raise Refused(pb.InvalidValue, f"What {key}?")
    return str(value)
