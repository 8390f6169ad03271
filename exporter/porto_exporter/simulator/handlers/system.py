"""Version, GetSystem and the property listings: portod describing itself."""

from __future__ import annotations

from ...porto import rpc_pb2 as pb
from ..daemon import Daemon, Handler
from ..formatting import tag
from ..portod_lists import CONTAINER_PROPERTIES, DATA_PROPERTIES, VOLUME_PROPERTIES

VERSION_TAG = "5.3.59"
VERSION_REVISION = "v5.3.41-202-g28334e0-dirty"
KERNEL = "6.18.44-fc-v669"


def version(d: Daemon, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    rsp.Version.tag = VERSION_TAG
    rsp.Version.revision = VERSION_REVISION
    return 0.0


def get_system(d: Daemon, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    h = d.host
    s = rsp.GetSystem
    containers = h.containers()
    s.porto_version = VERSION_TAG
    s.porto_revision = VERSION_REVISION
    s.kernel_version = KERNEL
    s.errors = d.requests_failed
    s.warnings = 1
    s.porto_starts = 4
    s.porto_uptime = int(now - h.daemon_start)
    s.master_uptime = int(now - h.daemon_start)
    s.taints = len(containers) * 4
    s.verbose = False
    s.debug = False
    s.log_lines = 2942 + d.requests_completed * 3
    s.log_bytes = 292158 + d.requests_completed * 300
    for name in ("stream_rotate_bytes", "stream_rotate_errors", "log_lines_lost", "log_bytes_lost"):
        setattr(s, name, 0)
    s.log_open = 4
    # portod 5.3 never decrements container_count (PROTOCOL-NOTES): count every creation.
    s.container_count = h.counters["created"] + 1
    s.container_limit = h.container_limit
    s.container_running = sum(1 for c in containers if c.state == "running")
    s.container_created = h.counters["created"]
    s.container_started = h.counters["started"]
    s.container_start_failed = h.counters["start_failed"]
    s.container_oom = h.counters["oom"]
    s.container_buried = 0
    s.container_lost = 0
    s.container_tainted = len(containers)
    s.volume_count = len(h.volumes)
    s.volume_limit = 3000
    s.volume_created = len(h.volumes)
    s.volume_failed = 0
    s.volume_links = sum(len(v.links) for v in h.volumes.values())
    s.volume_links_mounted = 1
    s.volume_lost = 0
    s.layer_import = len(h.layers)
    s.layer_export = 0
    s.layer_remove = 0
    s.client_count = d.clients_open
    s.client_max = 1000
    s.client_connected = d.clients_connected
    s.request_queued = 1
    s.request_completed = d.requests_completed
    s.request_failed = d.requests_failed
    s.request_threads = 20
    for name in ("request_longer_1s", "request_longer_3s", "request_longer_30s", "request_longer_5m"):
        setattr(s, name, 0)
    s.fail_system = 0
    s.fail_invalid_value = 0
    s.fail_invalid_command = 0
    s.fail_memory_guarantee = 0
    s.fail_invalid_netaddr = 0
    s.network_count = 1
    s.network_created = 0
    s.network_problems = 0
    s.network_repairs = 0
    # Fields rpc.proto lacks (fatals=11, postfork_issues=210, request_top_running_time=508), fixed64.
    extra = b""
    for number in (11, 210, 508):
        extra += tag(number, 1) + (0).to_bytes(8, "little")
    s.MergeFromString(extra)
    return 0.0


def list_properties(d: Daemon, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    """portod's own list, as it is (what it supports on this kernel, with its descriptions and flags)."""
    for name, desc, read_only, dynamic in CONTAINER_PROPERTIES:
        if name in d.host.unknown_properties:
            continue
        rsp.ListProperties.list.add(name=name, desc=desc, read_only=read_only, dynamic=dynamic)
    return 0.0


def list_data_properties(d: Daemon, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    for name, desc in DATA_PROPERTIES:
        if name in d.host.unknown_properties:
            continue
        rsp.ListDataProperties.list.add(name=name, desc=desc)
    return 0.0


def list_volume_properties(d: Daemon, args: object, rsp: pb.TPortoResponse, conn: object, now: float) -> float:
    for name, desc in VOLUME_PROPERTIES:
        rsp.ListVolumeProperties.list.add(name=name, desc=desc)
    return 0.0


HANDLERS: dict[str, Handler] = {
    "Version": version,
    "GetSystem": get_system,
    "ListProperties": list_properties,
    "ListDataProperties": list_data_properties,
    "ListVolumeProperties": list_volume_properties,
}
