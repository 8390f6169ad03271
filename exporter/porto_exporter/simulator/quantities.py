"""What each numeric container property measures, and the form its v4 string takes: the simulator's own table.

From portod's own words: the unit in brackets or angle brackets of its ListProperties descriptions
(``portod_lists``: "Consumed CPU time [nanoseconds]", "Bytes read from disk: ...: <bytes>;...", "IO bandwidth
limit: ...: <bytes/s>"), and for the properties this kernel does not support, the same descriptions in its
src/property.cpp ("CPU time waited for execution [nanoseconds]"). Where the description names no unit:
PROTOCOL-NOTES §4 (the captures): PSI totals (``*_pressure``) are the kernel's microseconds, dates print
in local time with ``[raw]`` giving unix seconds, counts count. The form is how portod's property prints the
value (src/util/string.cpp, src/property.cpp; see ``values``).

Tests hold this table against what the simulator serves, against the captures, and against the exporter's
own catalog: a unit or a form the exporter gets wrong then fails a test instead of being copied here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Forms of a v4 string:
#   int ("123"), float ("0.5", "%g"), cores ("0.2c"), bool ("true"), map ("hw: 1; vda: 2"),
#   time ("2026-11-28 13:01:00", '' when unset; ``prop[raw]`` is unix seconds), optional_int ('' when unset),
#   nsec ("1000000000ns")
FORMS = ("int", "float", "cores", "bool", "map", "time", "optional_int", "nsec")
# Units: what one step of the number is
UNITS = (
    "nanoseconds",
    "microseconds",
    "seconds",
    "unix_seconds",
    "bytes",
    "bytes_per_second",
    "ops_per_second",
    "cores",
    "count",
    "flag",
    "weight",
    "code",
    "pid",
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """One property's form and unit."""

    form: str
    unit: str


def _all(form: str, unit: str, *names: str) -> dict[str, Quantity]:
    return dict.fromkeys(names, Quantity(form, unit))


QUANTITIES: dict[str, Quantity] = {
    # cgroup statistics ("[nanoseconds]", "[bytes]"; faults and counts count)
    **_all("int", "nanoseconds", "cpu_usage", "cpu_usage_system", "cpu_throttled"),
    **_all(
        "int",
        "bytes",
        "memory_usage",
        "anon_usage",
        "cache_usage",
        "shmem_usage",
        "mlock_usage",
        "hugetlb_usage",
        "memory_reclaimed",
    ),
    **_all("int", "count", "minor_faults", "major_faults", "process_count", "thread_count"),
    # per-disk maps ("<bytes>", "<ops>", "<nanoseconds>") and PSI totals (the kernel's microseconds)
    **_all("map", "bytes", "io_read", "io_write"),
    **_all("map", "count", "io_ops", "io_read_ops", "io_write_ops"),
    **_all("map", "nanoseconds", "io_time"),
    **_all("map", "microseconds", "cpu_pressure", "memory_pressure", "io_pressure"),
    # per-interface maps ("<bytes>", "<packets>")
    **_all("map", "bytes", "net_bytes", "net_tx_bytes", "net_rx_bytes"),
    **_all(
        "map",
        "count",
        "net_packets",
        "net_tx_packets",
        "net_rx_packets",
        "net_drops",
        "net_overlimits",
        "net_rx_drops",
        "net_tx_drops",
        "net_rx_overlimits",
    ),
    "virtual_memory": Quantity("map", "bytes"),  # "<type>: <bytes>" (its `count` key counts processes)
    # not supported on the captured kernel (property.cpp's descriptions)
    **_all("int", "nanoseconds", "cpu_wait", "cpu_unconstrained_wait", "cpu_burst_usage"),
    **_all(
        "int", "bytes", "memory_guarantee", "memory_guarantee_total", "anon_limit", "anon_limit_total", "anon_max_usage"
    ),
    # limits and guarantees ("[bytes]", "[cores]", "<bytes/s>", "<iops>", "<Bps>")
    **_all("int", "bytes", "memory_limit", "memory_limit_total", "dirty_limit", "hugetlb_limit"),
    **_all(
        "cores",
        "cores",
        "cpu_limit",
        "cpu_guarantee",
        "cpu_limit_total",
        "cpu_limit_bound",
        "cpu_guarantee_total",
        "cpu_guarantee_bound",
    ),
    "cpu_period": Quantity("int", "nanoseconds"),
    **_all("float", "weight", "cpu_weight", "io_weight"),
    "thread_limit": Quantity("optional_int", "count"),
    **_all("map", "bytes_per_second", "io_limit", "io_guarantee", "net_limit", "net_guarantee", "net_rx_limit"),
    **_all("map", "ops_per_second", "io_ops_limit", "io_ops_guarantee"),
    # lifecycle: counts, codes, times ("Running time [seconds]"; dates: local time, [raw] unix seconds)
    **_all("int", "count", "oom_kills", "oom_kills_total", "respawn_count", "id", "level"),
    "max_respawns": Quantity("optional_int", "count"),
    "respawn_delay": Quantity("nsec", "nanoseconds"),
    **_all("int", "seconds", "time", "aging_time"),
    **_all("time", "unix_seconds", "creation_time", "start_time", "change_time", "death_time"),
    **_all("int", "code", "exit_code", "exit_status"),
    **_all("bool", "flag", "oom_killed", "core_dumped", "oom_is_fatal", "respawn", "weak", "isolate"),
    "root_pid": Quantity("int", "pid"),
    **_all("int", "bytes", "stdout_offset", "stderr_offset"),
}
