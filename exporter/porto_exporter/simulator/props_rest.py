"""The rest of what portod lists (ListProperties) that no metric reads: v4 strings only, as portod 5.3.59 prints
them for a container owned by root with none of them set (the root's where it differs). Their v5 fields come with a
full dump (``defaults.fill_defaults``). Unpriced (cost 0): the cost model prices what the exporter reads.
"""

from __future__ import annotations

from ..porto import rpc_pb2 as pb
from .defaults import APP_CAPS, APP_CAPS_ALLOWED, CAPS, ROOT_DEVICES
from .propbase import ALWAYS, STAT, Prop, Refused, View, _add
from .values import uint_map_to_string

# name -> (a container's value, the root's value)
CONSTANT: dict[str, tuple[str, str]] = {
    "capabilities": (";".join(APP_CAPS), ";".join(CAPS)),
    "capabilities_allowed": (";".join(APP_CAPS_ALLOWED), ";".join(CAPS)),
    "capabilities_ambient_allowed": (";".join(APP_CAPS_ALLOWED), ";".join(CAPS)),
    "devices": ("", "".join(f"{d} {a} {p} 0666 root root; " for d, a, p in ROOT_DEVICES)),
    "owner_cred": ("0 0 0", "0 0"),
    "resolv_conf": ("inherit", "nameserver 10.255.255.53;"),
    **{
        name: (value, value)
        for name, value in (
            ("bind", ""),
            ("capabilities_ambient", ""),
            ("cgroupfs", "none"),
            ("children_allowed", "true"),
            ("command_argv", ""),
            ("default_gw", ""),
            ("devices_explicit", "false"),
            ("env", ""),
            ("env_secret", ""),
            ("etc_hosts", ""),
            ("hostname", ""),
            ("io_guarantee", ""),
            ("io_ops_guarantee", ""),
            ("ip", ""),
            ("ip_limit", "any"),
            ("net_limit_bound", ""),
            ("net_limit_soft", "0"),
            ("net_rx_limit", ""),
            ("net_rx_limit_bound", ""),
            ("net_tos", "CS0"),
            ("oom_score_adj", "0"),
            ("owner_containers", ""),
            ("place", "/place;***"),
            ("place_limit", ""),
            ("pressurize_on_death", "false"),
            ("root_path", "/"),
            ("root_readonly", "false"),
            ("seccomp", "default_action { action: Allow } "),
            ("seccomp_name", ""),
            ("session_info", ""),
            ("stderr_path", "stderr"),
            ("stdin_path", "/dev/null"),
            ("stdout_limit", "8388608"),
            ("stdout_path", "stdout"),
            ("symlink", ""),
            ("sysctl", ""),
            ("task_cred", "0 0 0"),
            ("umask", "02"),
            ("unshare_on_exec", "false"),
            ("userns", "false"),
            ("volumes_required", ""),
        )
    },
}
# Read from the container's network namespace: none while stopped; empty for a container on the host network.
NETWORK_STATS = ("net_limit_soft_stat", "net_netstat", "net_snmp", "net_snmp6")
HOST_INTERFACES = ("Uplink", "eth0", "group default")


def _constant(name: str) -> None:
    mine, roots = CONSTANT[name]
    _add(Prop(name, ALWAYS, lambda v: roots if v.c.is_root else mine, None, 0.0))


for _name in CONSTANT:
    _constant(_name)
_add(Prop("porto_namespace", ALWAYS, lambda v: "/porto/" if v.c.is_root else v.c.porto_namespace, None, 0.0))
for _name in NETWORK_STATS:
    _add(Prop(_name, STAT, lambda v: "", None, 0.0))


def _rx_overlimits(v: View) -> str:
    return uint_map_to_string(dict.fromkeys(HOST_INTERFACES, 0)) if v.c.is_root else ""


def _rx_overlimits_v5(v: View, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    st.net_rx_overlimits.SetInParent()  # sent empty for a container on the host network (PROTOCOL-NOTES)
    if v.c.is_root:
        for key in sorted(HOST_INTERFACES):
            st.net_rx_overlimits.map.add(key=key, val=0)


def _rx_overlimits_sub(v: View, key: str) -> str:
    """``net_rx_overlimits[key]``: the root's interfaces; any key reads "" on the host network."""
    if not v.c.is_root:
        return ""
    if key not in HOST_INTERFACES:
        raise Refused(pb.InvalidValue, f"network device {key} not found")
    return "0"


_add(Prop("net_rx_overlimits", STAT, _rx_overlimits, _rx_overlimits_v5, 0.0, _rx_overlimits_sub))
