"""Which cgroup version portod keeps containers' counters in, asked once per connection.

portod mounts memory, cpu, cpuset, blkio and pids in the cgroup2 hierarchy, all five together, when
/sys/fs/cgroup is a cgroup2 mount (ten-nancy/porto src/cgroup.cpp, ``TCgroupDriver::InitializeCgroups``;
cpuacct, freezer, net_cls, devices, hugetlb and perf_event stay cgroup v1 ones). Some of its properties then
read cgroup v1 files cgroup2 does not have and give 0 for every container (catalog ``cgroup2``). Nothing in
its version or GetSystem says which it is; its ``cgroups`` property does: each subsystem's cgroup path, by
subsystem type, and on a cgroup2 host memory's path is the cgroup2 hierarchy's own (``unified``):
``memory: /sys/fs/cgroup/porto/a; ...; unified: /sys/fs/cgroup/porto/a``, where cgroup v1 has
``memory: /sys/fs/cgroup/memory/porto%a; ...; unified: /sys/fs/cgroup/unified/porto/a``. One v4 Get of
``self`` (the client's own container, ``/`` on the host; every portod version answers it) tells.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..catalog import CONTAINER_METRICS
from ..porto import PortoClient, errors
from ..porto.values import ValueFormatError, parse_str_map

log = logging.getLogger(__name__)

UNIFIED = "unified"  # portod's name for the cgroup2 hierarchy (TCgroup2Subsystem)
# The properties whose values mean nothing there: neither read nor exported on such a host.
V1_ONLY = tuple(dict.fromkeys(cm.prop for cm in CONTAINER_METRICS if cm.cgroup2))


@dataclass(frozen=True, slots=True)
class CgroupLayout:
    """What portod's ``cgroups`` property says: the cgroup version of its memory, cpu, cpuset, blkio, pids."""

    version: int  # 2: in the cgroup2 hierarchy; 1: cgroup v1 hierarchies; 0: portod did not say

    @property
    def meaningless(self) -> tuple[str, ...]:
        """The properties not to read on this host (their values are cgroup v1 ones)."""
        return V1_ONLY if self.version == 2 else ()


UNKNOWN = CgroupLayout(0)


def layout_of(cgroups: str) -> CgroupLayout:
    """The layout a ``cgroups`` value ("type: path; ...") shows; raises ValueFormatError on a malformed one."""
    paths = parse_str_map(cgroups)
    unified = paths.get(UNIFIED)
    memory = paths.get("memory") or paths.get("cpu")
    if not memory:
        raise ValueFormatError(f"no memory or cpu cgroup in {cgroups!r}")
    return CgroupLayout(2 if unified is not None and memory == unified else 1)


async def learn_layout(client: PortoClient) -> CgroupLayout:
    """Ask portod for its own container's cgroups; UNKNOWN (treated as cgroup v1) when it does not say why."""
    try:
        result = await client.get(["self"], ["cgroups"])
    except errors.SocketError:
        raise  # no answer at all: the cycle fails as its reads would
    except errors.PortoError as exc:
        log.warning("containers: portod did not say which cgroup version it uses (%s): read as cgroup v1", exc)
        return UNKNOWN
    value = result.containers[0].values.get("cgroups") if result.containers else None
    if not isinstance(value, str):
        log.warning(
            "containers: portod did not give its cgroups (%s): read as cgroup v1",
            value if value is not None else "no value",
        )
        return UNKNOWN
    try:
        layout = layout_of(value)
    except ValueFormatError as exc:
        log.warning("containers: portod's cgroups could not be read (%s): read as cgroup v1", exc)
        return UNKNOWN
    if layout.version == 2:
        log.info(
            "containers: portod keeps memory, cpu and blkio in cgroup2: %s not read (cgroup v1 values; "
            "docs/cgroup-v2.md)",
            ", ".join(layout.meaningless),
        )
    return layout
