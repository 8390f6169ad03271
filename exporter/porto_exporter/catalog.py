"""The one table of metrics: what each is called, what it means and where Porto keeps it.

Every metric the exporter serves about Porto is one ``Metric`` here. A
collector reads the source fields named in the table and converts with the
``parse``/``decimals`` given (``decimals``: Porto's ns/us counts kept as integers and written as seconds); it never
invents names. ``docs/metrics.md`` is
generated from this table (``python -m porto_exporter.metrics_doc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MetricType = Literal["counter", "gauge"]
# How a v4 Get string becomes a number (the v5 field is already typed):
#   int, cores ("0.5c"), bool ("true"), map ("k: v; ..."), raw_time (``prop[raw]``), optional_int ("" = unset)
Parse = Literal["int", "cores", "bool", "map", "raw_time", "optional_int"]
# Which reads a value belongs to: what dashboards and alerts need at full resolution,
# every container every cycle ("fast"); what costs portod most per value and is read
# for diagnosis (process/thread counts, virtual memory, page-cache breakdown, faults,
# per-direction io ops, PSI) on the slow interval ("slow"); spec/limits/info re-read
# only when change_time moves ("spec"). Costs: PROTOCOL-NOTES section 9, bench/calib*.json.
Tier = Literal["fast", "slow", "spec"]

STATES = ("stopped", "starting", "running", "paused", "dead", "meta", "respawning", "stopping", "destroyed")
# porto_container_state's set: a listed container is never "destroyed" (only an AsyncWait push says that)
LISTED_STATES = tuple(s for s in STATES if s != "destroyed")


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    type: MetricType
    help: str
    labels: tuple[str, ...] = ()
    source: str = ""  # human-readable origin, for docs/metrics.md
    # Values arrive as integers counting 10**-decimals of the unit (ns counters: 9) and the
    # renderer writes the decimal point: exact seconds, and far cheaper than formatting floats.
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class ContainerMetric:
    """A metric read from one container property (v4 name == v5 field_options name)."""

    metric: Metric
    prop: str  # the v4 property / v5 field_options property
    where: Literal["status", "spec"]  # the TContainer part holding the typed v5 field
    field: str  # the v5 field name in that part
    parse: Parse = "int"
    key_label: str | None = None  # map key -> this label
    skip_keys: frozenset[str] = frozenset()
    controller: str | None = None  # cgroup controller; no series when the container does not own it
    tier: Tier = "fast"
    group: str = "cpu"  # --no-collector.containers.<group> (--collector.containers.<group> for OPT_IN_GROUPS)
    skip_zero: bool = False  # 0 means "unset/unlimited"
    pick: str | None = None  # a map whose one key is the value (no label): Porto's aggregate key
    # Why Porto's value means nothing on a cgroup v2 host (its memory, cpu, cpuset, blkio and pids in the cgroup2
    # hierarchy: ``collect/cgroup_layout``), where it is neither read nor exported; "": the same on v1 and v2.
    cgroup2: str = ""


def _m(name: str, type_: MetricType, help_: str, labels: tuple[str, ...] = (), source: str = "") -> Metric:
    return Metric(name, type_, help_, labels, source)


# --- porto_daemon_*: Version + GetSystem -------------------------------------------

# (TGetSystemResponse field, metric name, type, help, extra label as (name, value))
SYSTEM_FIELDS: tuple[tuple[str, str, MetricType, str, tuple[str, str] | None], ...] = (
    ("errors", "porto_daemon_errors_total", "counter", "Errors portod has logged.", None),
    ("warnings", "porto_daemon_warnings_total", "counter", "Warnings portod has logged.", None),
    (
        "fatals",
        "porto_daemon_fatals_total",
        "counter",
        "Fatal errors portod has logged (absent when portod does not send it: older ones).",
        None,
    ),
    ("porto_starts", "porto_daemon_starts_total", "counter", "Times the portod worker has started.", None),
    ("porto_uptime", "porto_daemon_uptime_seconds", "gauge", "Seconds since the portod worker started.", None),
    ("master_uptime", "porto_daemon_master_uptime_seconds", "gauge", "Seconds since the portod master started.", None),
    ("taints", "porto_daemon_taints", "gauge", "Taint messages portod reports for its containers.", None),
    ("frozen", "porto_daemon_frozen", "gauge", "1 when portod is frozen for maintenance.", None),
    ("verbose", "porto_daemon_verbose", "gauge", "1 when portod logs verbosely.", None),
    ("debug", "porto_daemon_debug", "gauge", "1 when portod runs in debug mode.", None),
    ("log_lines", "porto_daemon_log_lines_total", "counter", "Lines portod has logged.", None),
    ("log_bytes", "porto_daemon_log_bytes_total", "counter", "Bytes portod has logged.", None),
    (
        "stream_rotate_bytes",
        "porto_daemon_stream_rotate_bytes_total",
        "counter",
        "Bytes of container stdout/stderr dropped by rotation.",
        None,
    ),
    (
        "stream_rotate_errors",
        "porto_daemon_stream_rotate_errors_total",
        "counter",
        "Failed rotations of container stdout/stderr.",
        None,
    ),
    ("log_lines_lost", "porto_daemon_log_lines_lost_total", "counter", "Log lines portod lost.", None),
    ("log_bytes_lost", "porto_daemon_log_bytes_lost_total", "counter", "Log bytes portod lost.", None),
    ("log_open", "porto_daemon_log_open_total", "counter", "Times portod (re)opened its log.", None),
    (
        "container_count",
        "porto_daemon_container_objects",
        "gauge",
        "Containers portod counts internally (never decremented on portod 5.3; see porto_daemon_containers).",
        None,
    ),
    ("container_limit", "porto_daemon_container_limit", "gauge", "Maximum number of containers.", None),
    (
        "container_running",
        "porto_daemon_containers_running",
        "gauge",
        "Running containers as portod counts them.",
        None,
    ),
    ("container_created", "porto_daemon_containers_created_total", "counter", "Containers created.", None),
    ("container_started", "porto_daemon_containers_started_total", "counter", "Container starts.", None),
    (
        "container_start_failed",
        "porto_daemon_container_start_failures_total",
        "counter",
        "Failed container starts.",
        None,
    ),
    (
        "container_oom",
        "porto_daemon_container_oom_kills_total",
        "counter",
        "Containers killed by the OOM killer.",
        None,
    ),
    ("container_buried", "porto_daemon_containers_buried_total", "counter", "Dead containers removed by aging.", None),
    (
        "container_lost",
        "porto_daemon_containers_lost_total",
        "counter",
        "Containers lost across portod restarts.",
        None,
    ),
    ("container_tainted", "porto_daemon_containers_tainted", "gauge", "Containers with taints.", None),
    ("volume_count", "porto_daemon_volumes", "gauge", "Volumes.", None),
    ("volume_limit", "porto_daemon_volume_limit", "gauge", "Maximum number of volumes.", None),
    ("volume_created", "porto_daemon_volumes_created_total", "counter", "Volumes created.", None),
    ("volume_failed", "porto_daemon_volume_failures_total", "counter", "Volumes that failed to build.", None),
    ("volume_links", "porto_daemon_volume_links", "gauge", "Links between volumes and containers.", None),
    ("volume_links_mounted", "porto_daemon_volume_links_mounted", "gauge", "Volume links with a mount.", None),
    ("volume_lost", "porto_daemon_volumes_lost_total", "counter", "Volumes lost across portod restarts.", None),
    ("layer_import", "porto_daemon_layer_imports_total", "counter", "Layers imported.", None),
    ("layer_export", "porto_daemon_layer_exports_total", "counter", "Layers exported.", None),
    ("layer_remove", "porto_daemon_layer_removals_total", "counter", "Layers removed.", None),
    ("client_count", "porto_daemon_clients", "gauge", "Connected clients.", None),
    ("client_max", "porto_daemon_client_limit", "gauge", "Maximum number of connected clients.", None),
    ("client_connected", "porto_daemon_client_connections_total", "counter", "Client connections accepted.", None),
    ("request_queued", "porto_daemon_requests_queued", "gauge", "Requests waiting for a worker.", None),
    ("request_completed", "porto_daemon_requests_completed_total", "counter", "Requests completed.", None),
    ("request_failed", "porto_daemon_requests_failed_total", "counter", "Requests that failed.", None),
    ("request_threads", "porto_daemon_request_threads", "gauge", "Request worker threads.", None),
    (
        "request_longer_1s",
        "porto_daemon_slow_requests_total",
        "counter",
        "Requests that took longer than a threshold.",
        ("threshold", "1s"),
    ),
    ("request_longer_3s", "porto_daemon_slow_requests_total", "counter", "", ("threshold", "3s")),
    ("request_longer_30s", "porto_daemon_slow_requests_total", "counter", "", ("threshold", "30s")),
    ("request_longer_5m", "porto_daemon_slow_requests_total", "counter", "", ("threshold", "5m")),
    (
        "request_top_running_time",
        "porto_daemon_longest_request_seconds",
        "gauge",
        "Whole seconds the longest request portod is running now has run, any queue; 0 when none runs (absent when "
        "portod does not send it: older ones).",
        None,
    ),
    (
        "fail_system",
        "porto_daemon_request_failures_total",
        "counter",
        "Failed requests by kind of failure.",
        ("kind", "system"),
    ),
    ("fail_invalid_value", "porto_daemon_request_failures_total", "counter", "", ("kind", "invalid_value")),
    ("fail_invalid_command", "porto_daemon_request_failures_total", "counter", "", ("kind", "invalid_command")),
    ("fail_memory_guarantee", "porto_daemon_request_failures_total", "counter", "", ("kind", "memory_guarantee")),
    ("fail_invalid_netaddr", "porto_daemon_request_failures_total", "counter", "", ("kind", "invalid_netaddr")),
    ("porto_crash", "porto_daemon_crashes_total", "counter", "portod crashes.", None),
    ("network_count", "porto_daemon_networks", "gauge", "Network namespaces portod manages.", None),
    ("network_created", "porto_daemon_networks_created_total", "counter", "Networks created.", None),
    ("network_problems", "porto_daemon_network_problems_total", "counter", "Network problems detected.", None),
    ("network_repairs", "porto_daemon_network_repairs_total", "counter", "Network repairs made.", None),
)

DAEMON_INFO = _m(
    "porto_daemon_info",
    "gauge",
    "portod version, revision and kernel; always 1.",
    ("version", "revision", "kernel"),
    "Version, GetSystem",
)
DAEMON_CONTAINERS = _m(
    "porto_daemon_containers",
    "gauge",
    "Containers per state, counted from the listing.",
    ("state",),
    "ListContainersBy / Get state",
)
CGROUP_VERSION = _m(
    "porto_daemon_cgroup_version",
    "gauge",
    "2 when portod keeps containers' memory, cpu, cpuset, blkio and pids in the cgroup2 hierarchy "
    "(/sys/fs/cgroup is cgroup2), 1 when in cgroup v1 ones; families that depend on it: "
    "docs/metrics.md. Absent when portod did not say.",
    (),
    "Get self cgroups: memory's path is unified's on cgroup2",
)
# Where the exporter's client is: its Porto container and namespace (collect/namespace.py), with the system collector.
NAMESPACE_INFO = _m(
    "porto_exporter_namespace_info",
    "gauge",
    "Where the exporter talks to portod from; always 1. self: its Porto container as the host "
    "names it (/ on the host); namespace: its absolute_namespace (/porto/ when it sees the whole "
    "host); enable_porto: the strictest of its container's and their ancestors'. Container names "
    "in every series are the host's, wherever it runs.",
    ("self", "namespace", "enable_porto"),
    "Get self absolute_name/absolute_namespace/enable_porto (+ ancestors' enable_porto)",
)


# --- porto_container_* -------------------------------------------------------------

C = ("container",)


def _cm(
    name: str,
    type_: MetricType,
    help_: str,
    prop: str,
    *,
    where: Literal["status", "spec"] = "status",
    parse: Parse = "int",
    scale: float = 1.0,
    key_label: str | None = None,
    skip_keys: tuple[str, ...] = (),
    controller: str | None = None,
    tier: Tier = "fast",
    group: str = "cpu",
    skip_zero: bool = False,
    pick: str | None = None,
    cgroup2: str = "",
) -> ContainerMetric:
    labels = C + ((key_label,) if key_label else ())
    source = f"TContainer{where.title()}.{prop} / Get {prop}" + (f" key `{pick}`" if pick else "")
    decimals = {1.0: 0, NS: 9, US: 6}[scale]  # Porto counts in ns or us; we export seconds
    return ContainerMetric(
        Metric(name, type_, help_, labels, source, decimals),
        prop,
        where,
        prop,
        parse,
        key_label,
        frozenset(skip_keys),
        controller,
        tier,
        group,
        skip_zero,
        pick,
        cgroup2,
    )


NS = 1e-9
US = 1e-6
VM_SKIP = ("count", "max_size", "max_used", "anon", "file", "shmem", "huge", "data", "stack", "code", "locked", "table")
IO_SKIP = ("hw", "total_writeback")  # hw is the sum over disks: a device label on it would double count
NET_TOTAL = "Uplink"  # the net maps' key for all of a container's traffic through the host's uplinks
# Why a value is meaningless on a cgroup v2 host, from Porto's source (ten-nancy/porto src/property.cpp,
# src/cgroup.cpp, src/container.cpp): docs/cgroup-v2.md.
V1_MEMORY_STAT = (
    "portod adds up cgroup v1 `memory.stat` `total_*` keys, which cgroup2's `memory.stat` does not have: "
    "0 for every container"
)
V1_THROTTLED = (
    "portod reads `cpu.stat` `throttled_time` (`TCpuThrottled`); cgroup2's `cpu.stat` has "
    "`throttled_usec` instead: 0 for every container"
)
V2_IO_TIME = "portod gives an empty map: cgroup2's `io.stat` has no service time"
V2_OOM_KILLS = (
    "portod reads cgroup2's hierarchical `memory.events` `oom_kill` into both `oom_kills` and "
    "`oom_kills_total`: a container's own count is not known (the subtree's is)"
)

CONTAINER_METRICS: tuple[ContainerMetric, ...] = (
    # cpu
    _cm(
        "porto_container_cpu_usage_seconds_total",
        "counter",
        "CPU time consumed, including children.",
        "cpu_usage",
        scale=NS,
        controller="cpuacct",
    ),
    _cm(
        "porto_container_cpu_system_seconds_total",
        "counter",
        "CPU time spent in the kernel.",
        "cpu_usage_system",
        scale=NS,
        controller="cpuacct",
    ),
    _cm(
        "porto_container_cpu_wait_seconds_total",
        "counter",
        "Time runnable but waiting for a CPU.",
        "cpu_wait",
        scale=NS,
        controller="cpuacct",
    ),
    _cm(
        "porto_container_cpu_throttled_seconds_total",
        "counter",
        "Time throttled by the CPU limit.",
        "cpu_throttled",
        scale=NS,
        controller="cpu",
        cgroup2=V1_THROTTLED,
    ),
    _cm(
        "porto_container_cpu_burst_seconds_total",
        "counter",
        "CPU time used beyond the CPU limit from the burst allowance (kernels with cpu.cfs_burst_usage only).",
        "cpu_burst_usage",
        scale=NS,
        controller="cpu",
    ),
    _cm(
        "porto_container_cpu_unconstrained_wait_seconds_total",
        "counter",
        "Time runnable but waiting for a CPU "
        "for reasons other than the CPU limit: the wait less burst and throttling (kernels with cpuacct.wait and "
        "cpu.cfs_burst_usage only).",
        "cpu_unconstrained_wait",
        scale=NS,
        controller="cpu",
    ),
    _cm(
        "porto_container_cpu_pressure_seconds_total",
        "counter",
        "CPU pressure stall time (PSI).",
        "cpu_pressure",
        parse="map",
        scale=US,
        key_label="kind",
        group="pressure",
        tier="slow",
    ),
    # memory
    _cm(
        "porto_container_memory_usage_bytes",
        "gauge",
        "Memory charged to the cgroup, including page cache.",
        "memory_usage",
        controller="memory",
        group="memory",
    ),
    _cm(
        "porto_container_memory_anon_bytes",
        "gauge",
        "Anonymous memory.",
        "anon_usage",
        controller="memory",
        group="memory",
        cgroup2=V1_MEMORY_STAT,
    ),
    _cm(
        "porto_container_memory_cache_bytes",
        "gauge",
        "Page cache.",
        "cache_usage",
        controller="memory",
        group="memory",
        tier="slow",
        cgroup2=V1_MEMORY_STAT,
    ),
    _cm(
        "porto_container_memory_shmem_bytes",
        "gauge",
        "Shared memory.",
        "shmem_usage",
        controller="memory",
        group="memory",
        tier="slow",
        cgroup2=V1_MEMORY_STAT,
    ),
    _cm(
        "porto_container_memory_mlock_bytes",
        "gauge",
        "Locked memory.",
        "mlock_usage",
        controller="memory",
        group="memory",
        tier="slow",
        cgroup2=V1_MEMORY_STAT,
    ),
    _cm(
        "porto_container_memory_hugetlb_bytes",
        "gauge",
        "HugeTLB memory.",
        "hugetlb_usage",
        controller="hugetlb",
        group="memory",
        tier="slow",
    ),
    _cm(
        "porto_container_memory_reclaimed_bytes_total",
        "counter",
        "Memory reclaimed from the cgroup.",
        "memory_reclaimed",
        controller="memory",
        group="memory",
        tier="slow",
        cgroup2=V1_MEMORY_STAT,
    ),
    _cm(
        "porto_container_memory_minor_faults_total",
        "counter",
        "Minor page faults.",
        "minor_faults",
        controller="memory",
        group="memory",
        tier="slow",
        cgroup2=V1_MEMORY_STAT,
    ),
    _cm(
        "porto_container_memory_major_faults_total",
        "counter",
        "Major page faults.",
        "major_faults",
        controller="memory",
        group="memory",
        tier="slow",
        cgroup2=V1_MEMORY_STAT,
    ),
    _cm(
        "porto_container_memory_pressure_seconds_total",
        "counter",
        "Memory pressure stall time (PSI).",
        "memory_pressure",
        parse="map",
        scale=US,
        key_label="kind",
        group="pressure",
        tier="slow",
    ),
    # Only the totals (VmSize, resident, swapped): peaks and the per-segment breakdown were 11 more series per
    # container that nobody sums. Opt-in (--collector.containers.vmem): portod walks every process for it and
    # memory usage/anon already say what the container holds.
    _cm(
        "porto_container_virtual_memory_bytes",
        "gauge",
        "Virtual memory of the container's processes: size "
        "(address space), used (resident), swap. Different measures: do not sum over type.",
        "virtual_memory",
        parse="map",
        key_label="type",
        skip_keys=VM_SKIP,
        tier="slow",
        group="vmem",
    ),
    _cm(
        "porto_container_oom_kills_total",
        "counter",
        "OOM kills in this container.",
        "oom_kills",
        group="memory",
        cgroup2=V2_OOM_KILLS,
    ),
    _cm(
        "porto_container_subtree_oom_kills_total",
        "counter",
        "OOM kills in this container and its children.",
        "oom_kills_total",
        group="memory",
    ),
    # io
    _cm(
        "porto_container_io_read_bytes_total",
        "counter",
        "Bytes read from disk.",
        "io_read",
        parse="map",
        key_label="device",
        skip_keys=IO_SKIP,
        controller="blkio",
        group="io",
    ),
    _cm(
        "porto_container_io_write_bytes_total",
        "counter",
        "Bytes written to disk.",
        "io_write",
        parse="map",
        key_label="device",
        skip_keys=IO_SKIP,
        controller="blkio",
        group="io",
    ),
    _cm(
        "porto_container_io_operations_total",
        "counter",
        "Disk operations.",
        "io_ops",
        parse="map",
        key_label="device",
        skip_keys=IO_SKIP,
        controller="blkio",
        group="io",
    ),
    _cm(
        "porto_container_io_read_operations_total",
        "counter",
        "Disk read operations.",
        "io_read_ops",
        parse="map",
        key_label="device",
        skip_keys=IO_SKIP,
        controller="blkio",
        group="io",
        tier="slow",
    ),
    _cm(
        "porto_container_io_write_operations_total",
        "counter",
        "Disk write operations.",
        "io_write_ops",
        parse="map",
        key_label="device",
        skip_keys=IO_SKIP,
        controller="blkio",
        group="io",
        tier="slow",
    ),
    _cm(
        "porto_container_io_time_seconds_total",
        "counter",
        "Disk service time.",
        "io_time",
        parse="map",
        scale=NS,
        key_label="device",
        skip_keys=IO_SKIP,
        controller="blkio",
        group="io",
        tier="slow",
        cgroup2=V2_IO_TIME,
    ),
    _cm(
        "porto_container_io_pressure_seconds_total",
        "counter",
        "IO pressure stall time (PSI).",
        "io_pressure",
        parse="map",
        scale=US,
        key_label="kind",
        group="pressure",
        tier="slow",
    ),
    # network: Porto's net maps hold the same traffic several times over (PROTOCOL-NOTES): `Uplink` is the
    # container's traffic through all the host's uplinks, the interface keys (`eth0`) and the traffic-class
    # groups (`group default`) split that same traffic again, `Latency` and `SockDiag` are not traffic. One
    # series per container, from `Uplink`: summing over containers of one level is then right.
    _cm(
        "porto_container_network_rx_bytes_total",
        "counter",
        "Bytes received through the host's uplinks.",
        "net_rx_bytes",
        parse="map",
        pick=NET_TOTAL,
        group="network",
    ),
    _cm(
        "porto_container_network_tx_bytes_total",
        "counter",
        "Bytes sent through the host's uplinks.",
        "net_tx_bytes",
        parse="map",
        pick=NET_TOTAL,
        group="network",
    ),
    _cm(
        "porto_container_network_rx_packets_total",
        "counter",
        "Packets received through the host's uplinks.",
        "net_rx_packets",
        parse="map",
        pick=NET_TOTAL,
        group="network",
    ),
    _cm(
        "porto_container_network_tx_packets_total",
        "counter",
        "Packets sent through the host's uplinks.",
        "net_tx_packets",
        parse="map",
        pick=NET_TOTAL,
        group="network",
    ),
    _cm(
        "porto_container_network_rx_drops_total",
        "counter",
        "Received packets dropped.",
        "net_rx_drops",
        parse="map",
        pick=NET_TOTAL,
        group="network",
    ),
    _cm(
        "porto_container_network_tx_drops_total",
        "counter",
        "Sent packets dropped.",
        "net_tx_drops",
        parse="map",
        pick=NET_TOTAL,
        group="network",
    ),
    _cm(
        "porto_container_network_overlimits_total",
        "counter",
        "Packets over the traffic-class limit.",
        "net_overlimits",
        parse="map",
        pick=NET_TOTAL,
        group="network",
    ),
    _cm(
        "porto_container_network_rx_overlimits_total",
        "counter",
        "Received packets over the ingress limit (net_rx_limit).",
        "net_rx_overlimits",
        parse="map",
        pick=NET_TOTAL,
        group="network",
    ),
    # processes
    _cm(
        "porto_container_processes",
        "gauge",
        "Processes, including portoinit and children's.",
        "process_count",
        tier="slow",
        group="processes",
    ),
    _cm(
        "porto_container_threads",
        "gauge",
        "Threads, including portoinit and children's.",
        "thread_count",
        tier="slow",
        group="processes",
    ),
    _cm(
        "porto_container_running_seconds",
        "gauge",
        "Seconds the container has been running (start to death if dead).",
        "time",
        group="processes",
    ),
    # lifecycle (fast: they move with state, which is read every cycle)
    _cm(
        "porto_container_exit_code",
        "gauge",
        "Exit code of a dead container (-99 when OOM-killed).",
        "exit_code",
        group="lifecycle",
    ),
    _cm(
        "porto_container_exit_status", "gauge", "Raw wait status of a dead container.", "exit_status", group="lifecycle"
    ),
    _cm(
        "porto_container_oom_killed",
        "gauge",
        "1 when a dead container was killed by the OOM killer.",
        "oom_killed",
        parse="bool",
        group="lifecycle",
    ),
    _cm(
        "porto_container_respawns_total",
        "counter",
        "Times the container was respawned.",
        "respawn_count",
        where="spec",
        group="lifecycle",
    ),
    _cm(
        "porto_container_start_time_seconds",
        "gauge",
        "When the container last started, unix time.",
        "start_time",
        parse="raw_time",
        group="lifecycle",
        skip_zero=True,
    ),
    _cm(
        "porto_container_death_time_seconds",
        "gauge",
        "When a dead container died, unix time.",
        "death_time",
        parse="raw_time",
        group="lifecycle",
        skip_zero=True,
    ),
    _cm(
        "porto_container_creation_time_seconds",
        "gauge",
        "When the container was created, unix time.",
        "creation_time",
        parse="raw_time",
        tier="spec",
        group="lifecycle",
    ),
    _cm(
        "porto_container_change_time_seconds",
        "gauge",
        "When the container's spec or state last changed.",
        "change_time",
        parse="raw_time",
        group="lifecycle",
    ),
    # limits and guarantees (spec: re-read only when change_time moves)
    _cm(
        "porto_container_memory_limit_bytes",
        "gauge",
        "Memory limit (absent when unlimited).",
        "memory_limit",
        where="spec",
        tier="spec",
        group="limits",
        skip_zero=True,
    ),
    _cm(
        "porto_container_memory_limit_total_bytes",
        "gauge",
        "Effective memory limit including ancestors' limits.",
        "memory_limit_total",
        tier="spec",
        group="limits",
    ),
    _cm(
        "porto_container_memory_guarantee_bytes",
        "gauge",
        "Memory guarantee.",
        "memory_guarantee",
        where="spec",
        tier="spec",
        group="limits",
        skip_zero=True,
    ),
    _cm(
        "porto_container_memory_anon_limit_bytes",
        "gauge",
        "Anonymous memory limit.",
        "anon_limit",
        where="spec",
        tier="spec",
        group="limits",
        skip_zero=True,
    ),
    _cm(
        "porto_container_memory_dirty_limit_bytes",
        "gauge",
        "Dirty page cache limit.",
        "dirty_limit",
        where="spec",
        tier="spec",
        group="limits",
        skip_zero=True,
    ),
    _cm(
        "porto_container_memory_hugetlb_limit_bytes",
        "gauge",
        "HugeTLB limit.",
        "hugetlb_limit",
        where="spec",
        tier="spec",
        group="limits",
        skip_zero=True,
    ),
    _cm(
        "porto_container_cpu_limit_cores",
        "gauge",
        "CPU limit in cores (absent when unlimited).",
        "cpu_limit",
        where="spec",
        parse="cores",
        tier="spec",
        group="limits",
        skip_zero=True,
    ),
    _cm(
        "porto_container_cpu_guarantee_cores",
        "gauge",
        "CPU guarantee in cores (absent when none).",
        "cpu_guarantee",
        where="spec",
        parse="cores",
        tier="spec",
        group="limits",
        skip_zero=True,
    ),
    # What Porto derives from the tree for its CPU planner: opt-in (--collector.containers.hierarchy), as
    # cpu_limit and cpu_guarantee say what was set and memory_limit_total what binds.
    _cm(
        "porto_container_cpu_limit_total_cores",
        "gauge",
        "Effective CPU limit including ancestors'.",
        "cpu_limit_total",
        parse="cores",
        tier="spec",
        group="hierarchy",
    ),
    _cm(
        "porto_container_cpu_guarantee_total_cores",
        "gauge",
        "Effective CPU guarantee (inherited when unset).",
        "cpu_guarantee_total",
        parse="cores",
        tier="spec",
        group="hierarchy",
    ),
    _cm(
        "porto_container_cpu_limit_bound_cores",
        "gauge",
        "CPU limit bound by ancestors.",
        "cpu_limit_bound",
        parse="cores",
        tier="spec",
        group="hierarchy",
    ),
    _cm(
        "porto_container_cpu_guarantee_bound_cores",
        "gauge",
        "CPU guarantee bound by ancestors.",
        "cpu_guarantee_bound",
        parse="cores",
        tier="spec",
        group="hierarchy",
    ),
    _cm(
        "porto_container_cpu_weight",
        "gauge",
        "CPU weight (0.01 .. 100).",
        "cpu_weight",
        where="spec",
        tier="spec",
        group="limits",
    ),
    _cm(
        "porto_container_thread_limit",
        "gauge",
        "Thread limit (absent when unlimited).",
        "thread_limit",
        where="spec",
        parse="optional_int",
        tier="spec",
        group="limits",
        skip_zero=True,
    ),
    _cm(
        "porto_container_io_limit_bytes_per_second",
        "gauge",
        "Disk bandwidth limit by device or place.",
        "io_limit",
        where="spec",
        parse="map",
        key_label="device",
        tier="spec",
        group="limits",
    ),
    _cm(
        "porto_container_io_ops_limit_per_second",
        "gauge",
        "Disk operations limit by device or place.",
        "io_ops_limit",
        where="spec",
        parse="map",
        key_label="device",
        tier="spec",
        group="limits",
    ),
    _cm(
        "porto_container_network_limit_bytes_per_second",
        "gauge",
        "Network bandwidth limit by interface.",
        "net_limit",
        where="spec",
        parse="map",
        key_label="interface",
        tier="spec",
        group="limits",
    ),
    _cm(
        "porto_container_network_guarantee_bytes_per_second",
        "gauge",
        "Network bandwidth guarantee by interface.",
        "net_guarantee",
        where="spec",
        parse="map",
        key_label="interface",
        tier="spec",
        group="limits",
    ),
    _cm(
        "porto_container_respawn_limit",
        "gauge",
        "Maximum respawns (absent when unlimited).",
        "max_respawns",
        where="spec",
        parse="optional_int",
        tier="spec",
        group="limits",
    ),
)

# Container groups left out unless asked for (--collector.containers.<group>): they cost series on every
# container and answer questions few dashboards ask. Series per container by default: bench/series.py.
OPT_IN_GROUPS = frozenset({"hierarchy", "vmem"})

CONTAINER_STATE = _m(
    "porto_container_state",
    "gauge",
    "Container state: 1 for the current state, 0 for the others.",
    ("container", "state"),
    "TContainerStatus.state / Get state",
)
# porto_container_info's labels after "container": each the container property of that name (its v5 field:
# TContainerStatus id/level/parent/absolute_name, TContainerSpec owner_*/virt_mode, collect/container_reads).
INFO_LABEL_PROPS = ("id", "level", "parent", "absolute_name", "owner_user", "owner_group", "virt_mode")
CONTAINER_INFO_LABELS = ("container", *INFO_LABEL_PROPS)
CONTAINER_INFO = _m(
    "porto_container_info",
    "gauge",
    "Container metadata; always 1. Sum over level to avoid counting nested usage twice.",
    CONTAINER_INFO_LABELS,
    "TContainerStatus id/level/parent/absolute_name, TContainerSpec owner_*/virt_mode",
)
CONTAINER_LABELS = _m(
    "porto_container_labels",
    "gauge",
    "Porto labels matched by --labels.allowlist; always 1.",
    ("container",),
    "TContainerSpec.labels / Get labels",
)
# portoshim's pods and containers (collect/kubernetes.py): their Kubernetes identity, joinable with kube-state-metrics.
KUBERNETES_INFO = _m(
    "porto_container_kubernetes_info",
    "gauge",
    "Kubernetes identity of a pod or container portoshim (Porto's CRI shim) made, decoded from its "
    "Porto labels: namespace, pod, uid as kube-state-metrics names them, the Kubernetes container "
    "name in kubernetes_container (empty on the pod's own container); --kubernetes.labels-allowlist "
    "adds label_<name>. Always 1; join on container.",
    ("container", "namespace", "pod", "uid", "kubernetes_container"),
    "TContainerSpec.labels LABEL.<base64> (--kubernetes.mode)",
)
# The properties behind the state/info/labels metrics and inherited-cgroup detection.
INFO_PROPS = (*INFO_LABEL_PROPS, "labels", "controllers")

# --- volumes, layers, storages -----------------------------------------------------

V = ("volume",)
VOLUME_INFO = _m(
    "porto_volume_info",
    "gauge",
    "Volume metadata; always 1.",
    ("volume", "id", "backend", "place", "storage", "owner_container", "state", "read_only"),
    "GetVolume TVolumeSpec",
)
VOLUME_GAUGES: tuple[tuple[str, str, str], ...] = (
    # (metric, TVolumeSpec path, help)
    ("porto_volume_space_used_bytes", "space.usage", "Bytes used on the volume (cached by portod up to 60 s)."),
    ("porto_volume_space_limit_bytes", "space.limit", "Space limit (absent when unlimited)."),
    ("porto_volume_space_guarantee_bytes", "space.guarantee", "Space guarantee (absent when none)."),
    ("porto_volume_space_available_bytes", "space.available", "Bytes available."),
    ("porto_volume_inodes_used", "inodes.usage", "Inodes used."),
    ("porto_volume_inodes_limit", "inodes.limit", "Inode limit (absent when unlimited)."),
    ("porto_volume_inodes_guarantee", "inodes.guarantee", "Inode guarantee (absent when none)."),
    ("porto_volume_inodes_available", "inodes.available", "Inodes available."),
    ("porto_volume_links", "links", "Containers the volume is linked to."),
    ("porto_volume_build_time_seconds", "build_time", "When the volume was built, unix time."),
)
LAYERS = _m("porto_layers", "gauge", "Layers in the default place.", (), "ListLayers")
LAYER_IDLE = _m(
    "porto_layer_idle_seconds",
    "gauge",
    "Seconds since the layer was last used.",
    ("layer",),
    "ListLayers TLayer.last_usage",
)
STORAGES = _m("porto_storages", "gauge", "Persistent storages in the default place.", (), "ListStorages")
STORAGE_IDLE = _m(
    "porto_storage_idle_seconds",
    "gauge",
    "Seconds since the storage was last used.",
    ("storage",),
    "ListStorages TStorage.last_usage",
)
META_STORAGE_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("porto_meta_storage_space_used_bytes", "space_used", "Bytes used by the meta-storage."),
    ("porto_meta_storage_space_limit_bytes", "space_limit", "Space limit of the meta-storage."),
    ("porto_meta_storage_space_available_bytes", "space_available", "Bytes available in the meta-storage."),
    ("porto_meta_storage_inodes_used", "inode_used", "Inodes used by the meta-storage."),
    ("porto_meta_storage_inodes_limit", "inode_limit", "Inode limit of the meta-storage."),
    ("porto_meta_storage_inodes_available", "inode_available", "Inodes available in the meta-storage."),
    ("porto_meta_storage_idle_seconds", "last_usage", "Seconds since the meta-storage was last used."),
)

# --- the exporter's own health -----------------------------------------------------

UP = _m("porto_up", "gauge", "1 when portod answered the last collection cycle.", (), "exporter")
COLLECTOR_SUCCESS = _m(
    "porto_exporter_collector_success",
    "gauge",
    "1 when the collector's last run succeeded.",
    ("collector",),
    "exporter",
)
COLLECTOR_DURATION = _m(
    "porto_exporter_collector_duration_seconds",
    "gauge",
    "Duration of the collector's last run, until it returned or failed (--scrape.timeout when cut off there).",
    ("collector",),
    "exporter",
)
PROPERTY_ERRORS = _m(
    "porto_exporter_property_errors_total",
    "counter",
    "Per-value errors portod returned (the sample was skipped), by property and error.",
    ("property", "error"),
    "exporter",
)
PARSE_ERRORS = _m(
    "porto_exporter_parse_errors_total",
    "counter",
    "Values that could not be parsed (the sample was skipped), by property.",
    ("property",),
    "exporter",
)
LABEL_CONFLICTS = _m(
    "porto_exporter_label_conflicts_total",
    "counter",
    "Sets of allowlisted label keys that sanitize to one Prometheus label name, each counted "
    "once when first met (kept with kube-state-metrics' _conflict<N> suffixes), by allowlist: "
    "labels (--labels.allowlist), kubernetes (--kubernetes.labels-allowlist).",
    ("allowlist",),
    "exporter",
)

# --- lifecycle events: AsyncWait pushes (collect/events.py) ---------------------------

_PUSH = "AsyncWait push"
CONTAINER_EXITS = _m(
    "porto_container_exits_total",
    "counter",
    "Container exits pushed by portod, by group (the name cut to --events.group-depth levels) and "
    "reason: success (exit 0), failure (other exit status), signal (killed by a signal), oom "
    "(OOM-killed); respawns count too.",
    ("group", "reason"),
    f"{_PUSH}: dead/respawning with exit_code",
)
CONTAINER_STARTS = _m(
    "porto_container_starts_total",
    "counter",
    "Container starts that worked (running or meta after starting), by group; respawns count too. "
    "A start that fails counts only in porto_container_start_failures_total.",
    ("group",),
    f"{_PUSH}: starting/respawning then running/meta",
)
CONTAINER_START_FAILURES = _m(
    "porto_container_start_failures_total",
    "counter",
    "Container starts that failed (portod pushed start_error), by group; not also counted as starts.",
    ("group",),
    f"{_PUSH}: start_error",
)
EVENTS_CONNECTED = _m(
    "porto_events_connected", "gauge", "1 while the exporter is subscribed to portod's pushes.", (), "exporter"
)
EVENTS_RECEIVED = _m(
    "porto_events_received_total",
    "counter",
    "Pushes received from portod, the bursts that answer each subscription included.",
    (),
    "exporter",
)
EVENTS_RECONNECTS = _m(
    "porto_events_reconnects_total",
    "counter",
    "Times the subscription to portod's pushes was lost and made again.",
    (),
    "exporter",
)
EVENTS_GROUPS = _m(
    "porto_events_groups",
    "gauge",
    "Groups the event counters are kept for: those with containers now, and those emptied in the "
    "last 5 minutes (kept so their last values are scraped); at most 1,000.",
    (),
    "exporter",
)
EVENTS_GROUPS_OVERFLOW = _m(
    "porto_events_groups_overflow_total",
    "counter",
    "Groups that found no room, first seen while 1,000 groups were in use: their events are "
    'counted under group="~other" (each counted once while it has containers).',
    (),
    "exporter",
)
# The exporter's own per-scrape metrics (selfmetrics.ExporterMetrics renders them with prometheus_client).
_E = "exporter"
SELF_METRICS = {
    "simulated": _m(
        "porto_exporter_simulated",
        "gauge",
        "1 when the data is simulated: --demo found no portod answering and serves its embedded simulator; else 0.",
        (),
        _E,
    ),
    "cycle_duration": _m(
        "porto_exporter_cycle_duration_seconds", "gauge", "Duration of the last collection cycle.", (), _E
    ),
    "cycles": _m("porto_exporter_cycles_total", "counter", "Collection cycles run.", (), _E),
    "phases": _m(
        "porto_exporter_cycle_phase_seconds",
        "gauge",
        "Last cycle: wall seconds with a request to portod "
        "outstanding (concurrent requests counted once), CPU seconds decoding, converting, rendering.",
        ("phase",),
        _E,
    ),
    "age": _m(
        "porto_exporter_snapshot_age_seconds",
        "gauge",
        "Seconds since the exposition being served was rendered "
        "(every cycle renders one, with last good data for a failing collector: see "
        "porto_exporter_collector_data_age_seconds).",
        (),
        _E,
    ),
    "data_age": _m(
        "porto_exporter_collector_data_age_seconds",
        "gauge",
        "Seconds since the data the collector serves "
        "was read: grows while it fails and its last good samples are served (absent once they are "
        "dropped after --scrape.max-age). events: since its subscription went down (its counters, "
        "still right, are kept). portod_metrics: since its last good read, which may have ended in an "
        "earlier cycle (it is read in the background).",
        ("collector",),
        _E,
    ),
    "loop_lag": _m(
        "porto_exporter_event_loop_lag_max_seconds",
        "gauge",
        "Longest time the event loop ran a timer "
        "late between the last two cycle ends (nothing is served meanwhile, /-/healthy included).",
        (),
        _E,
    ),
    "requests": _m("porto_exporter_portod_requests_total", "counter", "Requests sent to portod.", ("method",), _E),
    "failures": _m(
        "porto_exporter_portod_request_failures_total", "counter", "Requests to portod that failed.", ("method",), _E
    ),
    "seconds": _m(
        "porto_exporter_portod_request_seconds_total", "counter", "Time spent waiting for portod.", ("method",), _E
    ),
    "connects": _m("porto_exporter_portod_connects_total", "counter", "Connections opened to portod.", (), _E),
    "connect_failures": _m(
        "porto_exporter_portod_connect_failures_total",
        "counter",
        "Attempts to connect to portod that failed (refused, missing socket, permission).",
        (),
        _E,
    ),
    "retries": _m(
        "porto_exporter_portod_retries_total",
        "counter",
        "Reads sent again after a dropped connection or PortodReloaded.",
        (),
        _E,
    ),
    "build_info": _m(
        "porto_exporter_build_info",
        "gauge",
        "The exporter's version and runtime; always 1.",
        ("version", "python_version", "protobuf_version"),
        _E,
    ),
    # only with --web.config.file
    "web_reload_ok": _m(
        "porto_exporter_web_config_last_reload_successful",
        "gauge",
        "Whether the last attempt to reload --web.config.file (or a file it names) after a change "
        "succeeded: 0 while a refused edit is on disk and the previous config is served.",
        (),
        _E,
    ),
    "web_reload_time": _m(
        "porto_exporter_web_config_last_reload_success_timestamp_seconds",
        "gauge",
        "When --web.config.file was last loaded successfully (at start or on a reload).",
        (),
        _E,
    ),
    "web_reloads": _m(
        "porto_exporter_web_config_reloads_total",
        "counter",
        "Changes of --web.config.file (or a file it names) loaded and applied.",
        (),
        _E,
    ),
    "web_reload_failures": _m(
        "porto_exporter_web_config_reload_failures_total",
        "counter",
        "Changes of --web.config.file (or a file it names) refused: the previous config was kept.",
        (),
        _E,
    ),
}
EVENT_METRICS = (
    CONTAINER_EXITS,
    CONTAINER_STARTS,
    CONTAINER_START_FAILURES,
    EVENTS_CONNECTED,
    EVENTS_RECEIVED,
    EVENTS_RECONNECTS,
    EVENTS_GROUPS,
    EVENTS_GROUPS_OVERFLOW,
)


# --- porto_daemon_*: portod's own metrics endpoint (collect/portod_metrics.py) ---------------------------
# portod 5.3.59 serves Prometheus text on /run/portod_metrics.socket (GET /metrics, HTTP on a unix socket):
# per request queue (portod-RO reads, portod-RW changes, portod-IO layers and storage, portod-Vl volumes) how
# many wait and how long requests wait, run and hold locks, in milliseconds. What GetSystem does not say is
# re-exported here, in seconds; what it says too is read from GetSystem only (PORTOD_ENDPOINT_LEFT_OUT).


@dataclass(frozen=True, slots=True)
class EndpointMetric:
    """One family of portod's own endpoint as re-exported: the sample name and type portod serves, and ours."""

    portod: str  # the sample name portod writes (``requests_wait_ms_total``)
    metric: Metric
    ms: bool = False  # portod counts milliseconds: exported in seconds (3 decimals, exact)


def _pm(
    portod: str, name: str, type_: MetricType, help_: str, labels: tuple[str, ...] = (), ms: bool = False
) -> EndpointMetric:
    source = f"portod /metrics `{portod}`" + (" (ms)" if ms else "")
    return EndpointMetric(portod, Metric(name, type_, help_, labels, source, 3 if ms else 0), ms)


_Q = ("queue",)
PORTOD_ENDPOINT_METRICS: tuple[EndpointMetric, ...] = (
    _pm(
        "requests_total",
        "porto_daemon_requests_total",
        "counter",
        "Requests portod answered, by queue (portod-RO reads, portod-RW changes, portod-IO layers and storage, "
        'portod-Vl volumes), client (the name portod.conf\'s metrics.client_patterns gives it, else "..."), '
        'error ("unknown" or "..." when it failed) and long (1s, 3s, 30s, 5m: it took longer than that, '
        "its wait included). Spec requests (ListContainersBy and friends) count too.",
        ("queue", "client", "error", "long"),
    ),
    _pm(
        "requests_queued",
        "porto_daemon_requests_waiting",
        "gauge",
        "Requests in the queue now, waiting for a free worker thread (portod's requests_queued; GetSystem's "
        "request_queued, porto_daemon_requests_queued, counts the running ones too).",
        _Q,
    ),
    _pm(
        "requests_wait_ms_total",
        "porto_daemon_requests_wait_seconds_total",
        "counter",
        "Time requests waited in the queue for a worker thread, summed; divided by the rate of "
        "porto_daemon_requests_total, the mean wait.",
        _Q,
        ms=True,
    ),
    _pm(
        "requests_exec_ms_total",
        "porto_daemon_requests_exec_seconds_total",
        "counter",
        "Time worker threads spent executing requests, summed: its rate is the queue's busy threads.",
        _Q,
        ms=True,
    ),
    _pm(
        "requests_lock_ms_total",
        "porto_daemon_requests_lock_seconds_total",
        "counter",
        "Time requests waited for portod's locks while executing, summed.",
        _Q,
        ms=True,
    ),
    _pm(
        "requests_top_running_ms",
        "porto_daemon_requests_top_running_seconds",
        "gauge",
        "How long the longest request running in the queue now has been executing; 0 when none runs.",
        _Q,
        ms=True,
    ),
    _pm(
        "events_queued",
        "porto_daemon_events_queued",
        "gauge",
        "Events in portod's event queue (exits, OOM kills, respawns, timeouts, aging, log rotation).",
    ),
    _pm(
        "events_top_waiting_ms",
        "porto_daemon_events_top_waiting_seconds",
        "gauge",
        "How long the first event in portod's event queue has been waiting for the event thread past its due "
        "time; 0 when it keeps up.",
        ms=True,
    ),
    _pm(
        "daemon_reload_shutdown_ms_total",
        "porto_daemon_reload_shutdown_seconds_total",
        "counter",
        "Time portod spent stopping its old worker on reloads, summed.",
        ms=True,
    ),
    _pm(
        "daemon_reload_restore_ms_total",
        "porto_daemon_reload_restore_seconds_total",
        "counter",
        "Time portod spent restoring containers and volumes in a new worker, summed.",
        ms=True,
    ),
    _pm(
        "daemon_graceful_shutdown",
        "porto_daemon_graceful_shutdown",
        "gauge",
        "1 while portod shuts its worker down gracefully (requests in flight finish first), else 0.",
    ),
    _pm(
        "cpuset_rebalances_total",
        "porto_daemon_cpuset_rebalances_total",
        "counter",
        "Times portod rebalanced the CPU sets of containers.",
    ),
    _pm(
        "cgroup_errors_total",
        "porto_daemon_cgroup_errors_total",
        "counter",
        "Errors in cgroup operations portod logged (also counted in porto_daemon_errors_total).",
    ),
)
# The endpoint's other families: the same numbers GetSystem or the listings give (the system collector reads
# them), served once, under the name they already have. (portod's sample name, where the exporter serves it.)
PORTOD_ENDPOINT_LEFT_OUT: tuple[tuple[str, str], ...] = (
    ("daemon_reloads_total", "`porto_daemon_starts_total` (GetSystem porto_starts, the same counter)"),
    ("containers_lost_total", "`porto_daemon_containers_lost_total`"),
    ("volumes_lost_total", "`porto_daemon_volumes_lost_total`"),
    (
        "containers_created_total",
        "`porto_daemon_containers_created_total` (the endpoint's copy restarts from 0 with portod's worker)",
    ),
    (
        "containers_started_total",
        "`porto_daemon_containers_started_total` (the endpoint's copy restarts from 0 with portod's worker)",
    ),
    ("containers_start_failed_total", "`porto_daemon_container_start_failures_total`"),
    ("volumes_created_total", "`porto_daemon_volumes_created_total`"),
    ("errors_total", "`porto_daemon_errors_total`"),
    ("warnings_total", "`porto_daemon_warnings_total`"),
    ("taints_total", "`porto_daemon_taints` (GetSystem taints, the same number)"),
    ("clients", "`porto_daemon_clients`"),
    ("version", "the `version` label of `porto_daemon_info`"),
    ("containers", "`porto_daemon_containers{state}` (counted from the listing; portod's count includes `/`)"),
    ("volumes", "`count by (backend) (porto_volume_info)`"),
)
PORTOD_METRICS_ERRORS = _m(
    "porto_exporter_portod_metrics_errors_total",
    "counter",
    "Reads of portod's metrics endpoint that failed (nothing of that read is served), by "
    "reason: unreachable, timeout, http_status, bad_response, too_large, unparsable; and "
    "samples of a good read skipped as bad_sample (wrong type, unknown label, negative or "
    "repeated) or too_many_series.",
    ("reason",),
    "exporter",
)


def all_metrics() -> list[Metric]:
    """Every Porto metric family, in exposition order (one entry per family name)."""
    seen: dict[str, Metric] = {}
    system = [
        Metric(name, t, h, (lab[0],) if lab else (), f"TGetSystemResponse.{fld}")
        for fld, name, t, h, lab in SYSTEM_FIELDS
    ]
    # build_time: GetVolume only (ListVolumes has it as a local time string without a zone, and its
    # change_time is another thing): the v4 fallback exports no build time
    volume = [
        Metric(
            n,
            "gauge",
            h,
            V,
            f"GetVolume TVolumeSpec.{p}" + (" (not from the ListVolumes fallback)" if p == "build_time" else ""),
        )
        for n, p, h in VOLUME_GAUGES
    ]
    meta = [
        Metric(n, "gauge", h, ("meta_storage",), f"ListStorages TMetaStorage.{p}") for n, p, h in META_STORAGE_GAUGES
    ]
    system += [em.metric for em in PORTOD_ENDPOINT_METRICS]  # portod's own endpoint's, beside GetSystem's
    for metric in [
        UP,
        DAEMON_INFO,
        DAEMON_CONTAINERS,
        CGROUP_VERSION,
        NAMESPACE_INFO,
        *system,
        CONTAINER_INFO,
        CONTAINER_STATE,
        CONTAINER_LABELS,
        KUBERNETES_INFO,
        *(cm.metric for cm in CONTAINER_METRICS),
        VOLUME_INFO,
        *volume,
        LAYERS,
        LAYER_IDLE,
        STORAGES,
        STORAGE_IDLE,
        *meta,
        *EVENT_METRICS,
        COLLECTOR_SUCCESS,
        COLLECTOR_DURATION,
        PROPERTY_ERRORS,
        PARSE_ERRORS,
        LABEL_CONFLICTS,
        PORTOD_METRICS_ERRORS,
        *SELF_METRICS.values(),
    ]:
        if metric.name not in seen or (not seen[metric.name].help and metric.help):
            seen[metric.name] = metric
    return list(seen.values())


# Fields of TContainerStatus / TContainerSpec / TGetSystemResponse deliberately left out, and why.
NOT_EXPORTED: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("id", "level", "parent", "absolute_name", "owner_user", "owner_group", "virt_mode"),
        "labels of `porto_container_info`, not values",
    ),
    (("state",), "`porto_container_state{state}` (a state set)"),
    (("labels",), "`porto_container_labels`, allowlisted by `--labels.allowlist`"),
    (("controllers", "cgroups"), "decide which counters a container owns (inherited ones get no series)"),
    (("porto_version", "porto_revision", "kernel_version"), "labels of `porto_daemon_info`"),
    (("net_bytes", "net_packets", "net_drops"), "older aliases of net_rx_*/net_tx_* on portod 5.3"),
    (
        (
            "command",
            "command_argv",
            "env",
            "env_secret",
            "cwd",
            "root",
            "bind",
            "symlink",
            "devices",
            "ulimit",
            "capabilities",
            "capabilities_ambient",
            "capabilities_allowed",
            "capabilities_ambient_allowed",
            "core_command",
            "hostname",
            "resolv_conf",
            "etc_hosts",
            "sysctl",
            "ip",
            "default_gw",
            "net",
            "task_cred",
            "owner_cred",
            "user",
            "group",
            "stdin_path",
            "stdout_path",
            "stderr_path",
            "isolate",
            "userns",
            "cgroupfs",
            "enable_porto",
            "porto_namespace",
            "absolute_namespace",
            "root_path",
            "root_readonly",
            "umask",
            "private",
            "weak",
            "name",
            "owner_containers",
            "volumes_required",
        ),
        "configuration strings: unbounded cardinality or secrets, and no number to plot",
    ),
    (
        ("std_out", "std_err", "stdout_offset", "stderr_offset", "stdout_limit"),
        "stdout/stderr contents and offsets: log shipping, not metrics",
    ),
    (
        ("start_error", "error", "warning", "taint", "extra_properties"),
        "free-form messages; errors are counted by portod (`porto_daemon_errors_total`) and by the exporter",
    ),
    (("root_pid",), "a process id: changes on every start, no meaning as a time series"),
    (("core_dumped", "dead_time"), "derivable: `porto_container_exit_code` / `porto_container_death_time_seconds`"),
    (
        (
            "cpu_set_affinity",
            "cpu_set",
            "cpu_policy",
            "io_policy",
            "cpu_period",
            "recharge_on_pgfault",
            "pressurize_on_death",
            "anon_only",
            "oom_is_fatal",
            "oom_score_adj",
            "respawn",
            "respawn_delay",
            "aging_time",
            "io_weight",
        ),
        "scheduling policy settings: strings or flags rarely worth a series; left for a later issue",
    ),
    (("place", "place_limit", "place_usage"), "per-place disk quotas: empty on the captured host; volumes cover space"),
    (
        ("hugetlb_limit", "cpu_limit_total"),
        "second copies: portod has a spec and a status field of each and one is "
        "read (`hugetlb_limit` from the spec, `cpu_limit_total` from the status; its spec field is deprecated)",
    ),
    (
        (
            "memory_guarantee_total",
            "anon_limit_total",
            "anon_max_usage",
            "io_guarantee",
            "io_ops_guarantee",
            "ip_limit",
            "net_rx_limit",
        ),
        "less-used limits: the exported *_limit / *_guarantee / *_total cover dashboards and alerts",
    ),
    (("volumes_linked", "volumes_owned"), "`porto_volume_info` and `porto_volume_links` carry the relation"),
    (("no_changes",), "protocol flag for `changed_since`, consumed by the collector"),
    # newer portods' fields (ten-nancy/porto rpc.proto)
    (
        (
            "memory_lock_policy",
            "unshare_on_exec",
            "enable_fuse",
            "link_memory_writeback_blkio",
            "coredump_filter",
            "seccomp_name",
            "session_info",
            "children_allowed",
            "devices_explicit",
        ),
        "configuration strings and flags: no number to plot",
    ),
    (
        ("net_netstat", "net_snmp", "net_snmp6"),
        "the /proc/net counters of a container's own network namespace: "
        "hundreds of keys each (a series per key and container), and empty on the host network",
    ),
    (
        ("net_limit_bound", "net_rx_limit_bound"),
        "the limits of the nearest isolated network namespace: copies of an ancestor's `net_limit` / `net_rx_limit`",
    ),
    (
        ("net_limit_soft", "net_limit_soft_stat"),
        "the soft network limit and its packet-marking statistics: a less-used limit, left for a later issue",
    ),
    (("postfork_issues",), "an internal count of portod's own fork path, with no documented meaning for operators"),
)
