"""Every container property the simulator answers: its v4 string, its v5 field, its cost.

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
from ..porto.framing import encode_varint32
from ..porto.values import (
    format_bool,
    format_cores,
    format_local_time,
    format_ns,
    format_str_map,
    format_uint_map,
)
from .model import CGROUP_FS, HOST_CORES, HOST_MEMORY, Container, Frame, Host

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
    cost_ms: float = 2.0  # per 1,000 running containers, measured on portod 5.3
    subscript: Callable[[View, str], str] | None = None  # prop[key]


PROPERTIES: dict[str, Prop] = {}


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
    st.MergeFromString(encode_varint32((number << 3) | 2) + encode_varint32(len(body)) + body)


def _map_prop(name: str, fn: Callable[[View], dict[str, int]], cost: float, *, unknown_field: int = 0) -> None:
    def v4(v: View) -> str:
        return format_uint_map(fn(v))

    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        if unknown_field:
            _unknown_map(st, unknown_field, fn(v))
        else:
            target = getattr(st, name)
            target.SetInParent()  # empty maps are still sent
            _fill_map(target, fn(v))

    def sub(v: View, key: str) -> str:
        values = fn(v)
        if key not in values:
            raise KeyError(f"Disk not found: {key}" if name.startswith("io_") else "Invalid subscript for property")
        return str(values[key])

    pressure = name.endswith("_pressure")
    _add(Prop(name, STAT, v4, v5, cost, None if pressure else sub))


def _io(key: str, extra: dict[str, int] | None = None) -> Callable[[View], dict[str, int]]:
    def fn(v: View) -> dict[str, int]:
        total = v.frame.value(v.c, key)
        out = {"hw": total, "vda": total} if total else {"hw": 0}  # idle disks are not listed
        if extra:
            out.update(extra)
        return out

    return fn


def _io_ops(v: View) -> dict[str, int]:
    total = v.frame.value(v.c, "io_read_ops") + v.frame.value(v.c, "io_write_ops")
    return {"hw": total, "vda": total} if total else {"hw": 0}


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
        "anon": anon, "code": code, "count": count, "data": anon + 258048, "file": cache, "huge": 0,
        "locked": 0, "max_size": used + code, "max_used": used, "shmem": 0, "size": used + code,
        "stack": 135168 * count, "swap": 0, "table": 40960 * count, "used": used,
    }  # fmt: skip
    if not count:
        del out["count"]
    return out


def _vm_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    vm = st.virtual_memory
    for key, value in _vm(v).items():
        setattr(vm, key, value)


def _simple(name: str, when: str, v4: V4 | None, v5: V5 | None = None, cost: float = 2.0) -> None:
    _add(Prop(name, when, v4, v5, cost))


def _spec_setter(field_name: str, getter: Callable[[View], object]) -> V5:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        setattr(spec, field_name, getter(v))

    return v5


def _status_setter(field_name: str, getter: Callable[[View], object]) -> V5:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        setattr(st, field_name, getter(v))

    return v5


def _cgroups(v: View) -> dict[str, str]:
    out: dict[str, str] = {}
    for ctl in CGROUP_FS:
        if ctl in ("net_cls", "systemd"):
            out[ctl] = f"/sys/fs/cgroup/{ctl}"
            continue
        owner = v.c.owner_of({"unified": "cgroup2"}.get(ctl, ctl))
        if owner.is_root:
            out[ctl] = f"/sys/fs/cgroup/{ctl}"
        elif ctl in ("freezer", "unified"):
            out[ctl] = f"/sys/fs/cgroup/{ctl}/porto/{owner.name}"
        else:
            out[ctl] = f"/sys/fs/cgroup/{ctl}/porto%{owner.name.replace('/', '%', 1)}"
    return out


def _cgroups_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    owned = set(v.c.controllers())
    for ctl, path in _cgroups(v).items():
        inherited = not v.c.is_root and {"unified": "cgroup2"}.get(ctl, ctl) not in owned
        st.cgroups.cgroup.add(controller=ctl, path=path, inherited=inherited or None)


def _dead_int(getter: Callable[[Container], int]) -> V4:
    return lambda v: str(getter(v.c))


# --- statistics (InvalidState in the stopped state) ----------------------------

for _name, _key, _cost in (
    ("cpu_usage", "cpu_usage", 14.58),
    ("cpu_usage_system", "cpu_usage_system", 16.06),
    ("cpu_throttled", "cpu_throttled", 15.84),
    ("memory_usage", "memory_usage", 14.09),
    ("anon_usage", "anon_usage", 31.43),
    ("cache_usage", "cache_usage", 36.49),
    ("shmem_usage", "shmem_usage", 14.0),
    ("mlock_usage", "mlock_usage", 14.0),
    ("hugetlb_usage", "hugetlb_usage", 14.0),
    ("minor_faults", "minor_faults", 28.83),
    ("major_faults", "major_faults", 28.88),
    ("memory_reclaimed", "memory_reclaimed", 14.0),
    ("process_count", "process_count", 125.98),
    ("thread_count", "thread_count", 75.86),
):
    _v4, _v5 = _status_int(_name, _key)
    _simple(_name, STAT, _v4, _v5, _cost)

_map_prop("io_read", _io("io_read"), 23.17)
_map_prop("io_write", _io("io_write", {"total_writeback": 0}), 48.44)
_map_prop("io_ops", _io_ops, 22.79)
_map_prop("io_read_ops", _io("io_read_ops"), 19.5)
_map_prop("io_write_ops", _io("io_write_ops"), 19.5)
_map_prop("io_time", lambda v: {}, 6.51)
_map_prop("cpu_pressure", _pressure("cpu_pressure"), 17.0, unknown_field=76)
_map_prop("memory_pressure", _pressure("memory_pressure"), 17.0, unknown_field=83)
_map_prop("io_pressure", _pressure("io_pressure"), 17.0)
_NET: tuple[tuple[str, str | None], ...] = (
    ("net_bytes", "net_bytes"), ("net_packets", "net_packets"),
    ("net_tx_bytes", "net_tx_bytes"), ("net_tx_packets", "net_tx_packets"),
    ("net_rx_bytes", "net_rx_bytes"), ("net_rx_packets", "net_rx_packets"),
    ("net_drops", None), ("net_overlimits", None), ("net_rx_drops", None), ("net_tx_drops", None),
)  # fmt: skip
for _net_name, _net_key in _NET:
    _map_prop(_net_name, _net(_net_key), 3.0)
_add(Prop("virtual_memory", STAT, lambda v: format_uint_map(_vm(v)), _vm_v5, 60.0, lambda v, k: str(_vm(v)[k])))


def _root_pid_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    if v.c.state != "dead":
        st.root_pid = 10000 + v.c.id * 7


_simple("root_pid", STAT, lambda v: str(10000 + v.c.id * 7), _root_pid_v5)


def _std_slice(name: str) -> Callable[[View, str], str]:
    """``stdout[offset:length]``."""

    def sub(v: View, key: str) -> str:
        text = PROPERTIES[name].v4(v)  # type: ignore[misc]
        start, sep, length = key.partition(":")
        if not sep or not start.isdigit() or not length.isdigit():
            raise KeyError("Invalid subscript for property")
        return text[int(start) : int(start) + int(length)]

    return sub


_simple("net_class_id", STAT, lambda v: f"1:{v.c.id:x}" if not v.c.is_root else "1:0")
_simple("stdout_offset", STAT, lambda v: "0", _status_setter("stdout_offset", lambda v: 0))
_simple("stderr_offset", STAT, lambda v: "0", _status_setter("stderr_offset", lambda v: 0))
_add(Prop("stdout", STAT, lambda v: "failing\n" if v.c.state == "dead" and v.c.exit_code > 0 else "",
          subscript=_std_slice("stdout")))  # fmt: skip
_add(Prop("stderr", STAT, lambda v: "oops\n" if v.c.state == "dead" and v.c.exit_code > 0 else "",
          subscript=_std_slice("stderr")))  # fmt: skip

# --- only in the dead state ---------------------------------------------------

_simple("exit_code", DEAD, _dead_int(lambda c: c.exit_code), _status_setter("exit_code", lambda v: v.c.exit_code))
_simple("exit_status", DEAD, _dead_int(lambda c: c.exit_status), _status_setter("exit_status", lambda v: v.c.exit_status))
_simple("oom_killed", DEAD, lambda v: format_bool(v.c.oom_killed), _status_setter("oom_killed", lambda v: v.c.oom_killed))
_simple("core_dumped", DEAD, lambda v: "false", _status_setter("core_dumped", lambda v: False))


def _death_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    st.death_time = v.c.death_time
    st.dead_time = max(0, int(v.now) - v.c.death_time)  # portod adds seconds-since-death with it


_add(
    Prop(
        "death_time", DEAD, lambda v: format_local_time(v.c.death_time), _death_v5, 2.0,
        lambda v, k: _raw(k, v.c.death_time),
    )
)  # fmt: skip

# --- not supported on the captured kernel ------------------------------------

for _name in (
    "cpu_wait", "memory_guarantee", "anon_limit", "memory_guarantee_total", "anon_limit_total",
    "cpu_burst_usage", "cpu_unconstrained_wait",
):  # fmt: skip
    _simple(_name, UNSUPPORTED, None)


# --- always present: identity, state, limits, lifecycle ----------------------


def _raw(key: str, value: int) -> str:
    if key != "raw":
        raise KeyError("What raw?")
    return str(value)


def _time_prop(name: str, getter: Callable[[Container], int]) -> None:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        if getter(v.c):  # a never-started container has no start_time in v5
            setattr(st, name, getter(v.c))

    _add(
        Prop(
            name, ALWAYS, lambda v: format_local_time(getter(v.c)), v5, 2.5, lambda v, k: _raw(k, getter(v.c)),
        )
    )  # fmt: skip


_time_prop("creation_time", lambda c: c.creation_time)
_time_prop("start_time", lambda c: c.start_time)
_time_prop("change_time", lambda c: c.change_time)


def _running_time(v: View) -> int:
    c = v.c
    if c.state == "stopped":
        return 0
    if c.state == "dead":
        return max(0, c.death_time - c.start_time)
    return max(0, int(v.now) - c.start_time)


def _labels_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    spec.labels.SetInParent()
    for key in sorted(v.c.labels):
        spec.labels.map.add(key=key, val=v.c.labels[key])


def _label_sub(v: View, key: str) -> str:
    """``labels[X]`` reads the container's own label; ``labels[.X]`` an inherited one."""
    inherited = key.startswith(".")
    key = key.lstrip(".")
    for node in [v.c, *v.c.ancestors()] if inherited else [v.c]:
        if key in node.labels:
            return node.labels[key]
    raise LookupError(f"Label {key} is not set")


def _cpu_limit(v: View) -> float:
    return float(HOST_CORES) if v.c.is_root else v.c.cpu_limit


def _cpu_guarantee(v: View) -> float:
    return float(HOST_CORES) if v.c.is_root else v.c.cpu_guarantee


def _memory_limit(v: View) -> int:
    return HOST_MEMORY if v.c.is_root else v.c.memory_limit


def _volumes_linked(v: View) -> list[str]:
    return [vol.path for vol in v.host.volumes.values() if v.c.name in vol.links and not v.c.is_root]


def _vol_links_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    st.volumes_linked.SetInParent()
    for path in _volumes_linked(v):
        st.volumes_linked.link.add(volume=path)


def _owned_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    st.volumes_owned.SetInParent()
    for vol in v.host.volumes.values():
        if vol.owner_container == (v.c.name if not v.c.is_root else "/") and not v.c.is_root:
            st.volumes_owned.volume.append(vol.path)


def _controllers_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    spec.controllers.controller.extend(v.c.controllers())


def _uint_map_spec(field_name: str, getter: Callable[[Container], dict[str, int]]) -> V5:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        target = getattr(spec, field_name)
        target.SetInParent()
        _fill_map(target, getter(v.c))

    return v5


TAINT = (
    "Container owned by root has unrestricted capabilities.\n"
    "Container could escape pid namespace: enable_porto=true.\n"
)


def _taint_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    if not v.c.is_root:
        st.taint.add(error=pb.Taint, msg=TAINT.splitlines()[0])


_add(Prop("labels", ALWAYS, lambda v: format_str_map(v.c.labels), _labels_v5, 2.2, _label_sub))
_simple("state", ALWAYS, lambda v: v.c.state, _status_setter("state", lambda v: v.c.state), 2.22)
_simple("id", ALWAYS, lambda v: str(v.c.id), _status_setter("id", lambda v: v.c.id))
_simple("level", ALWAYS, lambda v: str(v.c.level), _status_setter("level", lambda v: v.c.level))
_simple("time", ALWAYS, lambda v: str(_running_time(v)), _status_setter("time", _running_time))
_simple("parent", ALWAYS, lambda v: v.c.parent_name, None)
_simple("absolute_name", ALWAYS, lambda v: v.c.absolute_name, _status_setter("absolute_name", lambda v: v.c.absolute_name))
_simple("absolute_namespace", ALWAYS, lambda v: "/porto/", _status_setter("absolute_namespace", lambda v: "/porto/"))
_simple("oom_kills", ALWAYS, lambda v: str(v.c.oom_kills), _status_setter("oom_kills", lambda v: v.c.oom_kills), 1.8)


def _oom_total(v: View) -> int:
    """OOM kills in the container's subtree (walks the subtree only: O(N x depth) over a listing)."""
    total = 0
    stack = [v.c]
    while stack:
        node = stack.pop()
        total += node.oom_kills
        stack.extend(node.children.values())
    return total


_simple("oom_kills_total", ALWAYS, lambda v: str(_oom_total(v)), _status_setter("oom_kills_total", _oom_total), 1.91)
_simple("memory_limit", ALWAYS, lambda v: str(_memory_limit(v)), _spec_setter("memory_limit", _memory_limit), 1.79)
_simple("memory_limit_total", ALWAYS, lambda v: str(v.host.memory_limit_total(v.c)),
        _status_setter("memory_limit_total", lambda v: v.host.memory_limit_total(v.c)))  # fmt: skip
_simple("anon_max_usage", ALWAYS, lambda v: "0")
_simple("dirty_limit", ALWAYS, lambda v: str(v.c.dirty_limit), _spec_setter("dirty_limit", lambda v: v.c.dirty_limit))
_simple("hugetlb_limit", ALWAYS, lambda v: str(v.c.hugetlb_limit), _spec_setter("hugetlb_limit", lambda v: v.c.hugetlb_limit))
_simple("cpu_limit", ALWAYS, lambda v: format_cores(_cpu_limit(v)), _spec_setter("cpu_limit", _cpu_limit), 1.91)
_simple("cpu_guarantee", ALWAYS, lambda v: format_cores(_cpu_guarantee(v)), _spec_setter("cpu_guarantee", _cpu_guarantee), 1.74)
for _name, _fn in (
    ("cpu_limit_total", lambda v: v.host.cpu_limit_total(v.c)),
    ("cpu_limit_bound", lambda v: v.host.cpu_limit_total(v.c)),
    ("cpu_guarantee_total", lambda v: v.host.cpu_guarantee_total(v.c)),
    ("cpu_guarantee_bound", lambda v: v.host.cpu_guarantee_total(v.c)),
):
    _simple(_name, ALWAYS, (lambda fn: lambda v: format_cores(fn(v)))(_fn), _status_setter(_name, _fn))
_simple("cpu_weight", ALWAYS, lambda v: f"{v.c.cpu_weight:g}", _spec_setter("cpu_weight", lambda v: v.c.cpu_weight))
_simple("cpu_policy", ALWAYS, lambda v: v.c.cpu_policy, _spec_setter("cpu_policy", lambda v: v.c.cpu_policy))
_simple("cpu_period", ALWAYS, lambda v: "100000000", _spec_setter("cpu_period", lambda v: 100000000))
_simple("cpu_set", ALWAYS, lambda v: "")
_simple("cpu_set_affinity", ALWAYS, lambda v: "" if v.c.state == "stopped" else f"0-{HOST_CORES - 1}")


def _thread_limit(c: Container) -> int:
    """First-level containers get portod's default of 10000 threads."""
    return c.thread_limit or (10000 if c.level == 1 else 0)


_simple("thread_limit", ALWAYS, lambda v: str(_thread_limit(v.c)) if _thread_limit(v.c) else "",
        lambda v, spec, st: setattr(spec, "thread_limit", _thread_limit(v.c)) if _thread_limit(v.c) else None)  # fmt: skip
_simple("io_limit", ALWAYS, lambda v: format_uint_map(v.c.io_limit), _uint_map_spec("io_limit", lambda c: c.io_limit))
_simple("io_ops_limit", ALWAYS, lambda v: format_uint_map(v.c.io_ops_limit),
        _uint_map_spec("io_ops_limit", lambda c: c.io_ops_limit))  # fmt: skip
_simple("net_limit", ALWAYS, lambda v: format_uint_map(v.c.net_limit), _uint_map_spec("net_limit", lambda c: c.net_limit))
_simple("net_guarantee", ALWAYS, lambda v: format_uint_map(v.c.net_guarantee),
        _uint_map_spec("net_guarantee", lambda c: c.net_guarantee))  # fmt: skip
_simple("io_policy", ALWAYS, lambda v: "", _spec_setter("io_policy", lambda v: ""))
_simple("io_weight", ALWAYS, lambda v: "1", _spec_setter("io_weight", lambda v: 1.0))
_simple("respawn", ALWAYS, lambda v: format_bool(v.c.respawn), _spec_setter("respawn", lambda v: v.c.respawn))
_simple("respawn_count", ALWAYS, lambda v: str(v.c.respawn_count), _spec_setter("respawn_count", lambda v: v.c.respawn_count))
_simple("max_respawns", ALWAYS, lambda v: "" if v.c.max_respawns < 0 else str(v.c.max_respawns),
        _spec_setter("max_respawns", lambda v: v.c.max_respawns))  # fmt: skip
_simple("respawn_delay", ALWAYS, lambda v: format_ns(v.c.respawn_delay_ns), _spec_setter("respawn_delay", lambda v: v.c.respawn_delay_ns))
_simple("aging_time", ALWAYS, lambda v: "86400", _spec_setter("aging_time", lambda v: 86400))
_simple("weak", ALWAYS, lambda v: format_bool(v.c.weak), _spec_setter("weak", lambda v: v.c.weak))
_simple("isolate", ALWAYS, lambda v: format_bool(v.c.isolate), _spec_setter("isolate", lambda v: v.c.isolate))
_simple("private", ALWAYS, lambda v: v.c.private, _spec_setter("private", lambda v: v.c.private))
_simple("command", ALWAYS, lambda v: v.c.command, _spec_setter("command", lambda v: v.c.command))
_simple("virt_mode", ALWAYS, lambda v: "host" if v.c.is_root else v.c.virt_mode,
        _spec_setter("virt_mode", lambda v: "host" if v.c.is_root else v.c.virt_mode))  # fmt: skip
_simple("owner_user", ALWAYS, lambda v: v.c.owner_user, _spec_setter("owner_user", lambda v: v.c.owner_user))
_simple("owner_group", ALWAYS, lambda v: v.c.owner_group, _spec_setter("owner_group", lambda v: v.c.owner_group))
_simple("user", ALWAYS, lambda v: v.c.owner_user, _spec_setter("user", lambda v: v.c.owner_user))
_simple("group", ALWAYS, lambda v: v.c.owner_group, _spec_setter("group", lambda v: v.c.owner_group))
_simple("oom_is_fatal", ALWAYS, lambda v: format_bool(v.c.oom_is_fatal), _spec_setter("oom_is_fatal", lambda v: v.c.oom_is_fatal))
_simple("controllers", ALWAYS, lambda v: ";".join(v.c.controllers()), _controllers_v5)
_add(Prop("cgroups", ALWAYS, lambda v: format_str_map(_cgroups(v)), _cgroups_v5, 8.6, lambda v, k: _cgroups(v)[k]))
_simple("volumes_linked", ALWAYS, lambda v: ";".join(_volumes_linked(v)), _vol_links_v5)
_simple("volumes_owned", ALWAYS, lambda v: "", _owned_v5)
_simple("place_usage", ALWAYS, lambda v: "")
_simple("start_error", ALWAYS, lambda v: "")
_simple("taint", ALWAYS, lambda v: "" if v.c.is_root else TAINT, _taint_v5)
_simple("enable_porto", ALWAYS, lambda v: "true", _spec_setter("enable_porto", lambda v: "true"))
_simple("net", ALWAYS, lambda v: "inherited")
_simple("ulimit", ALWAYS, lambda v: "")
_simple("cwd", ALWAYS, lambda v: "/" if v.c.is_root else f"/place/porto/{v.c.name}", _spec_setter("cwd", lambda v: "/" if v.c.is_root else f"/place/porto/{v.c.name}"))
_simple("root", ALWAYS, lambda v: "/", _spec_setter("root", lambda v: "/"))


def _parent_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    if not v.c.is_root:
        st.parent = v.c.parent_name


PROPERTIES["parent"] = Prop("parent", ALWAYS, lambda v: v.c.parent_name, _parent_v5)

# Names that real portod lists in ListProperties but that exist only in v5 status.
V5_ONLY: dict[str, V5] = {
    "dead_time": _status_setter("dead_time", lambda v: max(0, int(v.now) - v.c.death_time)),
}
