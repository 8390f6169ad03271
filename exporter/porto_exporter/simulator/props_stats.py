"""Container properties read from cgroups: statistics (none when stopped), dead-only facts, and
what the captured kernel does not support. Costs: ms per 1,000 running containers, portod 5.3.59 on a quiet
daemon (bench/calib_threads.py, bench/calib-results-quiet.json: the CPU of portod's request threads only, so
its own portod-NET bursts are left out): the fast tier's statistics one by one (read with ``state``, less a
``state``-only read); each group (fast, and every slow one) then scaled to the mean of its whole ``***``
read there and in bench/real-results-quiet-2.json ("groups"), which differed by up to 20% ten minutes apart.
"""

from __future__ import annotations

from collections.abc import Callable

from ..porto import rpc_pb2 as pb
from .propbase import (
    DEAD,
    PROPERTIES,
    STAT,
    UNSUPPORTED,
    Prop,
    Refused,
    View,
    _add,
    _dead_int,
    _io,
    _io_ops,
    _map_prop,
    _net,
    _pressure,
    _raw,
    _simple,
    _status_int,
    _status_setter,
    _vm,
    _vm_sub,
    _vm_v5,
)
from .values import bool_to_string, format_time, uint_map_to_string

# --- statistics (InvalidState in the stopped state) ----------------------------

for _name, _key, _cost in (
    ("cpu_usage", "cpu_usage", 10.1),
    ("cpu_usage_system", "cpu_usage_system", 12.3),
    ("cpu_throttled", "cpu_throttled", 4.7),
    ("memory_usage", "memory_usage", 5.6),
    ("anon_usage", "anon_usage", 22.7),
    ("cache_usage", "cache_usage", 28.0),
    ("shmem_usage", "shmem_usage", 10.8),
    ("mlock_usage", "mlock_usage", 10.8),
    ("hugetlb_usage", "hugetlb_usage", 10.8),
    ("minor_faults", "minor_faults", 22.1),
    ("major_faults", "major_faults", 22.2),
    ("memory_reclaimed", "memory_reclaimed", 10.8),
    ("process_count", "process_count", 115.0),
    ("thread_count", "thread_count", 69.2),
):
    _v4, _v5 = _status_int(_name, _key)
    _simple(_name, STAT, _v4, _v5, _cost)

_map_prop("io_read", _io("io_read"), 13.7)
_map_prop("io_write", _io("io_write", {"total_writeback": 0}), 34.6)
_map_prop("io_ops", _io_ops, 14.2)
_map_prop("io_read_ops", _io("io_read_ops"), 12.6)
_map_prop("io_write_ops", _io("io_write_ops"), 12.6)
_map_prop("io_time", lambda v: {}, 4.2)
_map_prop("cpu_pressure", _pressure("cpu_pressure"), 11.7, unknown_field=76)
_map_prop("memory_pressure", _pressure("memory_pressure"), 11.7, unknown_field=83)
_map_prop("io_pressure", _pressure("io_pressure"), 11.7)
_NET: tuple[tuple[str, str | None], ...] = (
    ("net_bytes", "net_bytes"),
    ("net_packets", "net_packets"),
    ("net_tx_bytes", "net_tx_bytes"),
    ("net_tx_packets", "net_tx_packets"),
    ("net_rx_bytes", "net_rx_bytes"),
    ("net_rx_packets", "net_rx_packets"),
    ("net_drops", None),
    ("net_overlimits", None),
    ("net_rx_drops", None),
    ("net_tx_drops", None),
)
for _net_name, _net_key in _NET:
    _map_prop(_net_name, _net(_net_key), 0.3, absent=None if _net_key else "")  # drops: "" for any device
_add(Prop("virtual_memory", STAT, lambda v: uint_map_to_string(_vm(v)), _vm_v5, 53.5, _vm_sub))


def _root_pid_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    if v.c.state != "dead":
        st.root_pid = 10000 + v.c.id * 7


_simple("root_pid", STAT, lambda v: str(10000 + v.c.id * 7), _root_pid_v5)


def _std_slice(name: str) -> Callable[[View, str], str]:
    """``stdout[offset:length]``."""

    def sub(v: View, key: str) -> str:
        read = PROPERTIES[name].v4
        assert read is not None  # stdout and stderr have a v4 reader
        text = read(v)
        start, sep, length = key.partition(":")
        for number in (start, length) if sep else (start,):
            if not number.isdigit():
                raise Refused(pb.InvalidValue, f"Bad uint64 value: {number}")
        return text[int(start) : int(start) + int(length)] if sep else text[int(start) :]

    return sub


_simple("net_class_id", STAT, lambda v: f"1:{v.c.id:x}" if not v.c.is_root else "1:0")
_simple("stdout_offset", STAT, lambda v: "0", _status_setter("stdout_offset", lambda v: 0))
_simple("stderr_offset", STAT, lambda v: "0", _status_setter("stderr_offset", lambda v: 0))
_add(
    Prop(
        "stdout",
        STAT,
        lambda v: "failing\n" if v.c.state == "dead" and v.c.exit_code > 0 else "",
        subscript=_std_slice("stdout"),
    )
)
_add(
    Prop(
        "stderr",
        STAT,
        lambda v: "oops\n" if v.c.state == "dead" and v.c.exit_code > 0 else "",
        subscript=_std_slice("stderr"),
    )
)

# --- only in the dead state ---------------------------------------------------

_simple("exit_code", DEAD, _dead_int(lambda c: c.exit_code), _status_setter("exit_code", lambda v: v.c.exit_code))
_simple(
    "exit_status", DEAD, _dead_int(lambda c: c.exit_status), _status_setter("exit_status", lambda v: v.c.exit_status)
)
_simple(
    "oom_killed", DEAD, lambda v: bool_to_string(v.c.oom_killed), _status_setter("oom_killed", lambda v: v.c.oom_killed)
)
_simple("core_dumped", DEAD, lambda v: "false", _status_setter("core_dumped", lambda v: False))


def _death_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    st.death_time = v.c.death_time
    st.dead_time = max(0, int(v.now) - v.c.death_time)  # portod adds seconds-since-death with it


_add(
    Prop(
        "death_time",
        DEAD,
        lambda v: format_time(v.c.death_time),
        _death_v5,
        0.3,
        lambda v, k: _raw(k, v.c.death_time),
    )
)

# --- not supported on the captured kernel ------------------------------------

for _name in (
    "cpu_wait",
    "memory_guarantee",
    "anon_limit",
    "memory_guarantee_total",
    "anon_limit_total",
    "cpu_burst_usage",
    "cpu_unconstrained_wait",
    "anon_max_usage",
):
    _simple(_name, UNSUPPORTED, None)
