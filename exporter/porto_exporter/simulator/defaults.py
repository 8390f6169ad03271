"""The many spec/status fields a full ListContainersBy carries that no metric needs.

Filled only when a client asks for every property, so the simulator's full
dump has the same shape as real portod's (capture 27).
"""

from __future__ import annotations

from ..porto import rpc_pb2 as pb
from .accounting import HOST_CORES
from .container import Container
from .delimited import varint

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
    return varint(number << 3) + varint(value)


# Spec fields real portod 5.3 sends that rpc.proto does not name (all varints).
SPEC_UNKNOWN = _varint_field(81, 0) + _varint_field(92, 1) + _varint_field(93, 0) + varint(265 << 3) + b"\x00"
# Status field 601 (net_rx_overlimits) is named in rpc.proto now: its property fills it (props_rest), asked for or
# in a full dump; nothing is left for the status here.
STATUS_UNKNOWN = ROOT_STATUS_UNKNOWN = b""


# What a container that is not the root may do (portod's defaults for a container owned by root), by name.
APP_CAPS = (
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "MKNOD",
    "AUDIT_WRITE",
    "SETFCAP",
)
APP_CAPS_ALLOWED = tuple(
    c for c in CAPS if c in {*APP_CAPS, "LINUX_IMMUTABLE", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE"}
)
# The host's devices, as the root container lists them: (device, access, path).
ROOT_DEVICES = (
    ("/dev/null", "rwm", "/dev/null"),
    ("/dev/zero", "rwm", "/dev/zero"),
    ("/dev/full", "rwm", "/dev/full"),
    ("/dev/random", "rwm", "/dev/random"),
    ("/dev/urandom", "rwm", "/dev/urandom"),
    ("/dev/tty", "rwm", "/dev/tty"),
    ("/dev/null", "rwm", "/dev/console"),
    ("/dev/ptmx", "rw", "/dev/ptmx"),
    ("/dev/pts/*", "rw*", "/dev/pts/*"),
)
HOSTNAME = "vm"  # PORTO_HOST: the name of the machines portod was recorded on


def _caps(target: pb.TCapabilities, names: tuple[str, ...] | list[str]) -> None:
    """A capability set as portod prints it: names in kernel order, and the mask in hex."""
    ordered = [c for c in CAPS if c in names]
    target.cap.extend(ordered)
    target.hex = f"{sum(1 << CAPS.index(c) for c in ordered):016x}"


def fill_defaults(c: Container, spec: pb.TContainerSpec, st: pb.TContainerStatus) -> None:
    """The fields of a full dump no metric reads, as portod 5.3.59 fills them for the root and for the others."""
    user = c.owner_user
    root = c.is_root
    cwd = "/" if root else f"/place/porto/{c.name}"
    for name, value in (
        ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
        ("HOME", cwd),
        ("USER", user),
        ("container", "lxc"),
        ("PORTO_NAME", c.name),
        ("PORTO_HOST", HOSTNAME),
        ("PORTO_USER", user),
    ):
        spec.env.var.add(name=name, value=value)
    spec.env_secret.SetInParent()
    inherited = None if root else True  # the root's own limits are the host's
    spec.ulimit.ulimit.add(type="core", soft=0, inherited=inherited)
    spec.ulimit.ulimit.add(type="nofile", soft=8192, hard=8192, inherited=inherited)  # portod.conf default_ulimit
    spec.ulimit.ulimit.add(type="nproc", soft=16384, hard=16384, inherited=True)
    spec.porto_namespace = "/porto/" if root else c.porto_namespace
    spec.task_cred.CopyFrom(pb.TCred(user=user, uid=0, group=c.owner_group, gid=0, grp=[0]))
    spec.owner_cred.CopyFrom(pb.TCred(user=user, uid=0, group=c.owner_group, gid=0, grp=None if root else [0]))
    _caps(spec.capabilities, CAPS if root else APP_CAPS)
    spec.capabilities_ambient.hex = "0000000000000000"
    spec.root_readonly = False
    spec.bind.SetInParent()
    spec.symlink.SetInParent()
    spec.devices.SetInParent()
    for device, access, path in ROOT_DEVICES if root else ():
        spec.devices.device.add(device=device, access=access, path=path, mode="0666", user="root", group="root")
    spec.place.cfg.add(place="/place")
    spec.place.cfg.add(place="***")
    spec.stdin_path = "/dev/null"
    spec.stdout_path = "stdout"
    spec.stderr_path = "stderr"
    spec.stdout_limit = 8 << 20
    spec.umask = 0o002
    spec.cpu_set.policy = "inherit"
    spec.pressurize_on_death = False
    spec.oom_score_adj = 0
    spec.net.cfg.add(opt="inherited")
    spec.net.inherited = True
    spec.ip_limit.policy = "any"
    spec.ip.SetInParent()
    spec.default_gw.SetInParent()
    spec.hostname = ""
    spec.resolv_conf = "nameserver 10.255.255.53\n" if root else "inherit"  # as captured
    spec.etc_hosts = ""
    spec.sysctl.SetInParent()
    spec.net_rx_limit.SetInParent()
    spec.volumes_required.SetInParent()
    spec.owner_containers = ""
    spec.cgroupfs = "none"
    spec.userns = False
    spec.MergeFromString(SPEC_UNKNOWN)
    allowed = CAPS if root else APP_CAPS_ALLOWED
    _caps(st.capabilities_allowed, allowed)
    _caps(st.capabilities_ambient_allowed, allowed)
    st.root_path = "/"
    st.cpu_set_affinity.SetInParent()
    if c.has_cpus:
        st.cpu_set_affinity.list = f"0-{HOST_CORES - 1}"
        st.cpu_set_affinity.cpu.extend(range(HOST_CORES))
        st.cpu_set_affinity.count = HOST_CORES
    st.extra_properties = ""
