"""SetProperty: parse a v4 string value into the model, with portod's errors."""

from __future__ import annotations

from ..porto import rpc_pb2 as pb
from ..porto.values import ValueFormatError, parse_bool, parse_ns, parse_str_map, parse_uint_map
from . import names
from .accounting import HOST_CORES
from .container import Container
from .host import ROOT_READ_ONLY, Host, HostError

READ_ONLY_HINT = "is read-only"
# Properties that can only change while the container is stopped.
STOPPED_ONLY = {"command", "virt_mode", "isolate", "owner_user", "owner_group"}


def _bytes(text: str) -> int:
    units = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = text.strip()
    suffix = text[-1:] if text[-1:].isalpha() else ""
    try:
        return int(float(text[: len(text) - len(suffix)]) * units[suffix.upper()])
    except (KeyError, ValueError) as exc:
        raise ValueFormatError(f"invalid size: {text}") from exc


def _cores(text: str) -> float:
    """``0.5c`` is cores; a bare number is a percentage of the host (``2`` -> ``0.04c`` on 2 cores)."""
    text = text.strip()
    try:
        if text.endswith("c"):
            return float(text[:-1])
        return float(text) * HOST_CORES / 100.0
    except ValueError as exc:
        raise ValueFormatError(f"invalid cpu value: {text}") from exc


def set_property(host: Host, c: Container, prop: str, value: str) -> None:
    if c.is_root:
        raise HostError(pb.Permission, ROOT_READ_ONLY)
    try:
        _apply(c, prop, value)
    except ValueFormatError as exc:
        raise HostError(pb.InvalidValue, str(exc)) from exc
    except names.NameError_ as exc:
        raise HostError(pb.InvalidLabel, str(exc)) from exc


def _apply(c: Container, prop: str, value: str) -> None:
    if prop in STOPPED_ONLY and c.state not in ("stopped",):
        raise HostError(pb.InvalidState, f"{prop} could be set only in stopped state")
    if prop == "command":
        c.command = value
    elif prop == "memory_limit":
        c.memory_limit = _bytes(value) if value else 0
    elif prop == "dirty_limit":
        c.dirty_limit = _bytes(value) if value else 0
    elif prop == "hugetlb_limit":
        c.hugetlb_limit = _bytes(value) if value else 0
    elif prop == "cpu_limit":
        c.cpu_limit = _cores(value) if value else 0.0
    elif prop == "cpu_guarantee":
        c.cpu_guarantee = _cores(value) if value else 0.0
    elif prop == "cpu_weight":
        c.cpu_weight = float(value)
    elif prop == "cpu_policy":
        if value not in ("normal", "idle", "batch", "high", "rt", "iso"):
            raise ValueFormatError(f"invalid cpu_policy: {value}")
        c.cpu_policy = value
    elif prop == "thread_limit":
        c.thread_limit = int(value) if value else 0
    elif prop == "io_limit":
        c.io_limit = parse_uint_map(value)
    elif prop == "io_ops_limit":
        c.io_ops_limit = parse_uint_map(value)
    elif prop == "net_limit":
        c.net_limit = parse_uint_map(value)
    elif prop == "net_guarantee":
        c.net_guarantee = parse_uint_map(value)
    elif prop == "respawn":
        c.respawn = parse_bool(value)
    elif prop == "max_respawns":
        c.max_respawns = int(value) if value else -1
    elif prop == "respawn_delay":
        c.respawn_delay_ns = parse_ns(value)
    elif prop == "virt_mode":
        if value not in ("app", "os", "job", "host"):
            raise ValueFormatError(f"invalid virt_mode: {value}")
        c.virt_mode = value
    elif prop == "isolate":
        c.isolate = parse_bool(value)
    elif prop == "oom_is_fatal":
        c.oom_is_fatal = parse_bool(value)
    elif prop in ("owner_user", "user"):
        c.owner_user = value
    elif prop in ("owner_group", "group"):
        c.owner_group = value
    elif prop == "private":
        c.private = value
    elif prop == "labels":
        labels = parse_str_map(value)
        for key, val in labels.items():
            names.check_label(key, val)
        c.labels = labels
    elif "." in prop and prop[:1].isupper():
        names.check_label(prop, value)
        if value:
            c.labels[prop] = value
        else:
            c.labels.pop(prop, None)
    elif prop in ("memory_guarantee", "anon_limit", "cpu_wait"):
        raise HostError(pb.NotSupported, f"{prop} is not supported")
    else:
        from .properties import PROPERTIES

        if prop in PROPERTIES:
            raise HostError(pb.InvalidValue, f"{prop} {READ_ONLY_HINT}")
        raise HostError(pb.InvalidProperty, f"Invalid property {prop}")
