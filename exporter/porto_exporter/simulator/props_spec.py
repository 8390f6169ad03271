"""Container properties always present: identity, state, spec limits, lifecycle times, labels."""

from __future__ import annotations

from collections.abc import Callable

from ..porto import rpc_pb2 as pb
from .accounting import ALL_CONTROLLERS, HOST_CORES, HOST_MEMORY
from .container import Container
from .namespace import absolute_namespace, enable_porto
from .propbase import (
    ALWAYS,
    PROPERTIES,
    V5,
    Prop,
    Refused,
    View,
    _add,
    _cgroup_sub,
    _cgroups,
    _cgroups_v5,
    _fill_map,
    _raw,
    _simple,
    _spec_setter,
    _status_setter,
)
from .values import (
    bool_to_string,
    cpu_power_to_string,
    format_time,
    nsec_to_string,
    string_map_to_string,
    uint_map_to_string,
)

# --- always present: identity, state, limits, lifecycle ----------------------


def _time_prop(name: str, getter: Callable[[Container], int]) -> None:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        if getter(v.c):  # a never-started container has no start_time in v5
            setattr(st, name, getter(v.c))

    _add(
        Prop(
            name,
            ALWAYS,
            lambda v: format_time(getter(v.c)),
            v5,
            0.3,
            lambda v, k: _raw(k, getter(v.c)),
        )
    )


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
    label = key.lstrip(".")
    for node in [v.c, *v.c.ancestors()] if inherited else [v.c]:
        if label in node.labels:
            return node.labels[label]
    raise LookupError(f"Label {key} is not set")  # portod names it as asked, with the dot


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


def _volumes_owned(v: View) -> list[str]:
    """Volumes whose owner is the container (the root: those made by clients on the host)."""
    owner = "/" if v.c.is_root else v.c.name
    return [vol.path for vol in v.host.volumes.values() if vol.owner_container == owner]


def _owned_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    st.volumes_owned.SetInParent()
    st.volumes_owned.volume.extend(_volumes_owned(v))


def _controllers_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    spec.controllers.controller.extend(v.c.controllers())


def _uint_map_spec(field_name: str, getter: Callable[[Container], dict[str, int]]) -> V5:
    def v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
        target = getattr(spec, field_name)
        target.SetInParent()
        _fill_map(target, getter(v.c))

    return v5


def _taints(c: Container) -> list[str]:
    """What portod warns about a container (v4: one line each; v5: one TError each); the root has none."""
    if c.is_root:
        return []
    out = ["Container owned by root has unrestricted capabilities."] if c.owner_user == "root" else []
    if c.level == 1:
        out += ["First level container without memory_limit."] if not c.memory_limit else []
        out += ["First level container without cpu_limit."] if not c.cpu_limit else []
    return [*out, "Container could escape pid namespace with enable_porto=true."]


def _taint_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    for msg in _taints(v.c):
        st.taint.add(error=pb.Taint, msg=msg)


_add(Prop("labels", ALWAYS, lambda v: string_map_to_string(v.c.labels), _labels_v5, 0.3, _label_sub))
_simple("state", ALWAYS, lambda v: v.c.state, _status_setter("state", lambda v: v.c.state), 3.0)
_simple("id", ALWAYS, lambda v: str(v.c.id), _status_setter("id", lambda v: v.c.id))
_simple("level", ALWAYS, lambda v: str(v.c.level), _status_setter("level", lambda v: v.c.level))


def _time_sub(v: View, key: str) -> str:
    """``time[dead]``: seconds since death; any other key is refused."""
    if key != "dead":
        raise Refused(pb.InvalidValue, f"What {key}?")
    if v.c.state != "dead":
        raise Refused(pb.InvalidState, "Not dead yet")
    return str(max(0, int(v.now) - v.c.death_time))


_add(Prop("time", ALWAYS, lambda v: str(_running_time(v)), _status_setter("time", _running_time), 0.3, _time_sub))
_simple("parent", ALWAYS, lambda v: v.c.parent_name, None)
_simple(
    "absolute_name", ALWAYS, lambda v: v.c.absolute_name, _status_setter("absolute_name", lambda v: v.c.absolute_name)
)
_simple(
    "absolute_namespace",
    ALWAYS,
    lambda v: absolute_namespace(v.c),
    _status_setter("absolute_namespace", lambda v: absolute_namespace(v.c)),
)
_simple("oom_kills", ALWAYS, lambda v: str(v.c.oom_kills), _status_setter("oom_kills", lambda v: v.c.oom_kills), 0.3)


def _oom_total(v: View) -> int:
    """OOM kills in the container's subtree (walks the subtree only: O(N x depth) over a listing)."""
    total = 0
    stack = [v.c]
    while stack:
        node = stack.pop()
        total += node.oom_kills + node.lost_oom_kills
        stack.extend(node.children.values())
    return total


_simple("oom_kills_total", ALWAYS, lambda v: str(_oom_total(v)), _status_setter("oom_kills_total", _oom_total), 0.3)
_simple("memory_limit", ALWAYS, lambda v: str(_memory_limit(v)), _spec_setter("memory_limit", _memory_limit), 0.3)
_simple(
    "memory_limit_total",
    ALWAYS,
    lambda v: str(v.host.memory_limit_total(v.c)),
    _status_setter("memory_limit_total", lambda v: v.host.memory_limit_total(v.c)),
)
_simple("dirty_limit", ALWAYS, lambda v: str(v.c.dirty_limit), _spec_setter("dirty_limit", lambda v: v.c.dirty_limit))
_simple(
    "hugetlb_limit",
    ALWAYS,
    lambda v: str(v.c.hugetlb_limit),
    _spec_setter("hugetlb_limit", lambda v: v.c.hugetlb_limit),
)
_simple("cpu_limit", ALWAYS, lambda v: cpu_power_to_string(_cpu_limit(v)), _spec_setter("cpu_limit", _cpu_limit), 0.3)
_simple(
    "cpu_guarantee",
    ALWAYS,
    lambda v: cpu_power_to_string(_cpu_guarantee(v)),
    _spec_setter("cpu_guarantee", _cpu_guarantee),
    0.3,
)
for _name, _fn in (
    ("cpu_limit_total", lambda v: v.host.cpu_limit_total(v.c)),
    ("cpu_limit_bound", lambda v: v.host.cpu_limit_total(v.c)),
    ("cpu_guarantee_total", lambda v: v.host.cpu_guarantee_total(v.c)),
    ("cpu_guarantee_bound", lambda v: v.host.cpu_guarantee_total(v.c)),
):
    _simple(_name, ALWAYS, (lambda fn: lambda v: cpu_power_to_string(fn(v)))(_fn), _status_setter(_name, _fn))
_simple("cpu_weight", ALWAYS, lambda v: f"{v.c.cpu_weight:g}", _spec_setter("cpu_weight", lambda v: v.c.cpu_weight))
_simple("cpu_policy", ALWAYS, lambda v: v.c.cpu_policy, _spec_setter("cpu_policy", lambda v: v.c.cpu_policy))
_simple("cpu_period", ALWAYS, lambda v: "100000000", _spec_setter("cpu_period", lambda v: 100000000))
_simple("cpu_set", ALWAYS, lambda v: "")
_simple("cpu_set_affinity", ALWAYS, lambda v: f"0-{HOST_CORES - 1}" if v.c.has_cpus else "")


def _thread_limit(c: Container) -> int:
    """First-level containers get portod's default of 10000 threads."""
    return c.thread_limit or (10000 if c.level == 1 else 0)


_simple(
    "thread_limit",
    ALWAYS,
    lambda v: str(_thread_limit(v.c)) if _thread_limit(v.c) else "",
    lambda v, spec, st: setattr(spec, "thread_limit", _thread_limit(v.c)) if _thread_limit(v.c) else None,
)


def _limit_map(name: str, getter: Callable[[Container], dict[str, int]]) -> None:
    """A spec map (disk or interface -> limit); ``prop[key]`` reads one entry."""

    def sub(v: View, key: str) -> str:
        values = getter(v.c)
        if key not in values:
            raise Refused(pb.InvalidValue, f"invalid index {key}")
        return str(values[key])

    _add(Prop(name, ALWAYS, lambda v: uint_map_to_string(getter(v.c)), _uint_map_spec(name, getter), 0.3, sub))


_limit_map("io_limit", lambda c: c.io_limit)
_limit_map("io_ops_limit", lambda c: c.io_ops_limit)
_limit_map("net_limit", lambda c: c.net_limit)
_limit_map("net_guarantee", lambda c: c.net_guarantee)
_simple("io_policy", ALWAYS, lambda v: "", _spec_setter("io_policy", lambda v: ""))
_simple("io_weight", ALWAYS, lambda v: "1", _spec_setter("io_weight", lambda v: 1.0))
_simple("respawn", ALWAYS, lambda v: bool_to_string(v.c.respawn), _spec_setter("respawn", lambda v: v.c.respawn))
_simple(
    "respawn_count",
    ALWAYS,
    lambda v: str(v.c.respawn_count),
    _spec_setter("respawn_count", lambda v: v.c.respawn_count),
)
_simple(
    "max_respawns",
    ALWAYS,
    lambda v: "" if v.c.max_respawns < 0 else str(v.c.max_respawns),
    _spec_setter("max_respawns", lambda v: v.c.max_respawns),
)
_simple(
    "respawn_delay",
    ALWAYS,
    lambda v: nsec_to_string(v.c.respawn_delay_ns),
    _spec_setter("respawn_delay", lambda v: v.c.respawn_delay_ns),
)
_simple("aging_time", ALWAYS, lambda v: "86400", _spec_setter("aging_time", lambda v: 86400))
_simple("weak", ALWAYS, lambda v: bool_to_string(v.c.weak), _spec_setter("weak", lambda v: v.c.weak))
_simple("isolate", ALWAYS, lambda v: bool_to_string(v.c.isolate), _spec_setter("isolate", lambda v: v.c.isolate))
_simple("private", ALWAYS, lambda v: v.c.private, _spec_setter("private", lambda v: v.c.private))
_simple("command", ALWAYS, lambda v: v.c.command, _spec_setter("command", lambda v: v.c.command))
_simple(
    "virt_mode",
    ALWAYS,
    lambda v: "host" if v.c.is_root else v.c.virt_mode,
    _spec_setter("virt_mode", lambda v: "host" if v.c.is_root else v.c.virt_mode),
)
_simple("owner_user", ALWAYS, lambda v: v.c.owner_user, _spec_setter("owner_user", lambda v: v.c.owner_user))
_simple("owner_group", ALWAYS, lambda v: v.c.owner_group, _spec_setter("owner_group", lambda v: v.c.owner_group))
_simple("user", ALWAYS, lambda v: v.c.owner_user, _spec_setter("user", lambda v: v.c.owner_user))
_simple("group", ALWAYS, lambda v: v.c.owner_group, _spec_setter("group", lambda v: v.c.owner_group))
_simple(
    "oom_is_fatal",
    ALWAYS,
    lambda v: bool_to_string(v.c.oom_is_fatal),
    _spec_setter("oom_is_fatal", lambda v: v.c.oom_is_fatal),
)


def _controller_sub(v: View, key: str) -> str:
    """``controllers[memory]``: whether the container owns it."""
    if key not in ALL_CONTROLLERS:
        raise Refused(pb.InvalidValue, f'Unknown flag "{key}"')
    return bool_to_string(v.c.owns(key))


_add(Prop("controllers", ALWAYS, lambda v: ";".join(v.c.controllers()), _controllers_v5, 0.3, _controller_sub))
_add(Prop("cgroups", ALWAYS, lambda v: string_map_to_string(_cgroups(v)), _cgroups_v5, 8.6, _cgroup_sub))
_simple("volumes_linked", ALWAYS, lambda v: ";".join(_volumes_linked(v)), _vol_links_v5)
_simple("volumes_owned", ALWAYS, lambda v: ";".join(_volumes_owned(v)), _owned_v5)
_simple("place_usage", ALWAYS, lambda v: "")


def _start_error_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    if v.c.start_error:
        st.start_error.CopyFrom(pb.TError(error=pb.InvalidCommand, msg=v.c.start_error))


_simple(
    "start_error", ALWAYS, lambda v: f"InvalidCommand:({v.c.start_error})" if v.c.start_error else "", _start_error_v5
)
_simple("taint", ALWAYS, lambda v: "".join(line + "\n" for line in _taints(v.c)), _taint_v5)
_simple("enable_porto", ALWAYS, lambda v: enable_porto(v.c), _spec_setter("enable_porto", lambda v: enable_porto(v.c)))
_simple("net", ALWAYS, lambda v: "inherited")
# v4 prints what was set on the container (nothing here); the root, the host's effective limits
_simple("ulimit", ALWAYS, lambda v: "core: 0 unlimited; nofile: 8192 8192; nproc: 16384 16384; " if v.c.is_root else "")
_simple(
    "cwd",
    ALWAYS,
    lambda v: "/" if v.c.is_root else f"/place/porto/{v.c.name}",
    _spec_setter("cwd", lambda v: "/" if v.c.is_root else f"/place/porto/{v.c.name}"),
)
_simple("root", ALWAYS, lambda v: "/", _spec_setter("root", lambda v: "/"))


def _parent_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    if not v.c.is_root:
        st.parent = v.c.parent_name


PROPERTIES["parent"] = Prop("parent", ALWAYS, lambda v: v.c.parent_name, _parent_v5)

# Names that real portod lists in ListProperties but that exist only in v5 status.
V5_ONLY: dict[str, V5] = {
    "dead_time": _status_setter("dead_time", lambda v: max(0, int(v.now) - v.c.death_time)),
}
