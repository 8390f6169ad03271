"""The many spec/status fields a full ListContainersBy carries that no metric needs.

Filled only when a client asks for every property, so the simulator's full
dump has the same shape as real portod's (capture 27).
"""

from __future__ import annotations

from ..porto import rpc_pb2 as pb
from ..porto.framing import encode_varint32
from .accounting import HOST_CORES
from .container import Container

CAPS = [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
]


def _varint_field(number: int, value: int) -> bytes:
    return encode_varint32(number << 3) + encode_varint32(value)


# Spec fields real portod 5.3 sends that rpc.proto does not name (all varints).
SPEC_UNKNOWN = _varint_field(81, 0) + _varint_field(92, 1) + _varint_field(93, 0) + encode_varint32(265 << 3) + b"\x00"
# Status field 601 arrives as an empty length-delimited field.
STATUS_UNKNOWN = encode_varint32((601 << 3) | 2) + b"\x00"


def fill_defaults(c: Container, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    user = c.owner_user
    for name, value in (
        ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
        ("HOME", "/"),
        ("USER", user),
        ("container", "lxc"),
        ("PORTO_NAME", c.name),
        ("PORTO_HOST", "sim"),
        ("PORTO_USER", user),
    ):
        spec.env.var.add(name=name, value=value)
    spec.env_secret.SetInParent()
    spec.ulimit.ulimit.add(type="core", soft=0)
    spec.ulimit.ulimit.add(type="nofile", soft=8192, hard=16384)
    spec.ulimit.ulimit.add(type="nproc", soft=16384, hard=16384, inherited=True)
    spec.porto_namespace = "/porto/" if c.is_root else ""
    spec.task_cred.CopyFrom(pb.TCred(user=user, uid=0, group=c.owner_group, gid=0, grp=[0]))
    spec.owner_cred.CopyFrom(pb.TCred(user=user, uid=0, group=c.owner_group, gid=0))
    spec.capabilities.cap.extend(CAPS)
    spec.capabilities.hex = "000001ffffffffff"
    spec.capabilities_ambient.hex = "0000000000000000"
    spec.root_readonly = False
    spec.bind.SetInParent()
    spec.symlink.SetInParent()
    spec.devices.device.add(device="/dev/null", access="rwm", path="/dev/null", mode="0666", user="root", group="root")
    spec.place.cfg.add(place="/place")
    spec.stdin_path = "/dev/null"
    spec.stdout_path = "stdout"
    spec.stderr_path = "stderr"
    spec.stdout_limit = 8 << 20
    spec.umask = 0o002
    spec.cpu_set.SetInParent()
    spec.pressurize_on_death = False
    spec.oom_score_adj = 0
    spec.net.cfg.add(opt="inherited")
    spec.ip_limit.policy = "any"
    spec.ip.SetInParent()
    spec.default_gw.SetInParent()
    spec.hostname = ""
    spec.resolv_conf = "nameserver 10.255.255.53\n" if c.is_root else "inherit"  # as captured
    spec.etc_hosts = ""
    spec.sysctl.SetInParent()
    spec.net_rx_limit.SetInParent()
    spec.volumes_required.SetInParent()
    spec.owner_containers = ""
    spec.cgroupfs = "none"
    spec.userns = False
    spec.MergeFromString(SPEC_UNKNOWN)
    st.capabilities_allowed.cap.extend(CAPS)
    st.capabilities_allowed.hex = "000001ffffffffff"
    st.capabilities_ambient_allowed.hex = "0000000000000000"
    st.root_path = "/"
    if c.state != "stopped":
        st.cpu_set_affinity.list = f"0-{HOST_CORES - 1}"
        st.cpu_set_affinity.cpu.extend(range(HOST_CORES))
        st.cpu_set_affinity.count = HOST_CORES
    else:
        st.cpu_set_affinity.SetInParent()
    st.extra_properties = ""
